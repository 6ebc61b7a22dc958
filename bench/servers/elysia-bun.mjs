/**
 * Elysia on Bun, its home runtime, started as its docs show (`app.listen`, which calls `Bun.serve`), default
 * options. Middleware is per route, as on the other servers: `beforeHandle` hooks of the route.
 */
import { Elysia } from 'elysia'
import { HELLO, HOST, port } from './_main.mjs'
import { ROUTES_300 } from './_r300.mjs'

export const framework = { name: 'Elysia (Bun)', package: 'elysia' }
export const scenarios = ['text', 'json', 'param', 'echo', 'mw', 'r300']
export const runtime = 'bun'

function createApp() {
  const app = new Elysia()

  app.get('/', () => HELLO)
  app.get('/json', () => ({ message: HELLO }))
  app.get('/users/:id', ({ params }) => ({ id: params.id }))
  app.post('/echo', ({ body }) => body)

  // The context object is the request's own, so the first hook keeps what it read there for the handler.
  const readBench = (context) => {
    context.bench = context.headers['x-bench']
  }
  const setMw2 = ({ set }) => {
    set.headers['x-mw-2'] = 'ok'
  }
  const setMw3 = ({ set }) => {
    set.headers['x-mw-3'] = 'ok'
  }
  app.get('/mw', (context) => ({ bench: context.bench }), { beforeHandle: [readBench, setMw2, setMw3] })

  for (const route of ROUTES_300) {
    const { i, params } = route
    if (params.length === 0) app.get(route.path, () => ({ route: i }))
    else app.get(route.path, (context) => ({ route: i, [params[0]]: context.params[params[0]] }))
  }
  return app
}

if (import.meta.main) {
  createApp().listen({ port: port(), hostname: HOST })
  console.log('ready')
}
