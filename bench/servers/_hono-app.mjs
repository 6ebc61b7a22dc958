/**
 * The Hono app of the benchmark, shared by `hono.mjs` (Node, through `@hono/node-server`), `hono-bun.mjs`
 * (`Bun.serve`) and `hono-deno.mjs` (`Deno.serve`), so the three differ only in the runtime that serves it.
 */
import { Hono } from 'hono'
import { HELLO } from './_main.mjs'
import { ROUTES_300 } from './_r300.mjs'

export const scenarios = ['text', 'json', 'param', 'echo', 'mw', 'r300']

/** Builds the app with every route of the scenarios above. */
export function createApp() {
  const app = new Hono()

  app.get('/', (c) => c.text(HELLO))
  app.get('/json', (c) => c.json({ message: HELLO }))
  app.get('/users/:id', (c) => c.json({ id: c.req.param('id') }))
  app.post('/echo', async (c) => c.json(await c.req.json()))

  const readBench = (c, next) => {
    c.set('bench', c.req.header('x-bench'))
    return next()
  }
  const setMw2 = (c, next) => {
    c.header('x-mw-2', 'ok')
    return next()
  }
  const setMw3 = (c, next) => {
    c.header('x-mw-3', 'ok')
    return next()
  }
  app.get('/mw', readBench, setMw2, setMw3, (c) => c.json({ bench: c.get('bench') }))

  for (const route of ROUTES_300) {
    const { i, params } = route
    if (params.length === 0) app.get(route.path, (c) => c.json({ route: i }))
    else app.get(route.path, (c) => c.json({ route: i, [params[0]]: c.req.param(params[0]) }))
  }
  return app
}
