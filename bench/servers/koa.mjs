/** Koa 3 with `@koa/router` (and `@koa/bodyparser` on the one route that reads a body). */
import { bodyParser } from '@koa/bodyparser'
import Router from '@koa/router'
import Koa from 'koa'
import { HELLO, HOST, isMain, port } from './_main.mjs'
import { ROUTES_300 } from './_r300.mjs'

export const framework = { name: 'Koa', package: 'koa' }
export const scenarios = ['text', 'json', 'param', 'echo', 'mw', 'r300']

function createApp() {
  const app = new Koa()
  const router = new Router()

  router.get('/', (ctx) => {
    ctx.body = HELLO
  })
  router.get('/json', (ctx) => {
    ctx.body = { message: HELLO }
  })
  router.get('/users/:id', (ctx) => {
    ctx.body = { id: ctx.params.id }
  })
  router.post('/echo', bodyParser(), (ctx) => {
    ctx.body = ctx.request.body
  })

  const readBench = (ctx, next) => {
    ctx.state.bench = ctx.get('x-bench')
    return next()
  }
  const setMw2 = (ctx, next) => {
    ctx.set('x-mw-2', 'ok')
    return next()
  }
  const setMw3 = (ctx, next) => {
    ctx.set('x-mw-3', 'ok')
    return next()
  }
  router.get('/mw', readBench, setMw2, setMw3, (ctx) => {
    ctx.body = { bench: ctx.state.bench }
  })

  for (const route of ROUTES_300) {
    const { i, params } = route
    if (params.length === 0) {
      router.get(route.path, (ctx) => {
        ctx.body = { route: i }
      })
    } else {
      router.get(route.path, (ctx) => {
        ctx.body = { route: i, [params[0]]: ctx.params[params[0]] }
      })
    }
  }

  app.use(router.routes())
  app.use(router.allowedMethods())
  return app
}

if (isMain(import.meta.url)) {
  createApp().listen(port(), HOST, () => console.log('ready'))
}
