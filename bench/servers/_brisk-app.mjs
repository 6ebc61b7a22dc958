/**
 * The Brisk app of the benchmark, shared by `brisk.mjs` (Brisk's own node server) and `brisk-fetch.mjs`
 * (the same app through `app.fetch`), so the two differ only in the entry.
 */
import { Brisk } from '@brisk/core'
import { HELLO } from './_main.mjs'
import { ROUTES_300 } from './_r300.mjs'

export const scenarios = ['text', 'json', 'param', 'echo', 'mw', 'r300']

/** Builds the app with every route of the scenarios above. */
export function createApp() {
  const app = new Brisk({ name: 'bench' })

  app.get('/', () => HELLO)
  app.get('/json', () => ({ message: HELLO }))
  app.get('/users/:id', (req) => ({ id: req.params.id }))
  app.post('/echo', (req) => req.json())

  const readBench = (req) => {
    req.ctx.bench = req.headers['x-bench']
  }
  const setMw2 = (_req, res) => {
    res.header('x-mw-2', 'ok')
  }
  const setMw3 = (_req, res) => {
    res.header('x-mw-3', 'ok')
  }
  app.get('/mw', { onRequest: readBench, onResponse: [setMw2, setMw3] }, (req) => ({ bench: req.ctx.bench }))

  for (const route of ROUTES_300) {
    const { i, params } = route
    if (params.length === 0) app.get(route.path, () => ({ route: i }))
    else app.get(route.path, (req) => ({ route: i, [params[0]]: req.params[params[0]] }))
  }
  return app
}
