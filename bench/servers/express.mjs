/** Express 5, default settings (ETag and `x-powered-by` on, as users get it). */
import express from 'express'
import { HELLO, HOST, isMain, port } from './_main.mjs'
import { ROUTES_300 } from './_r300.mjs'

export const framework = { name: 'Express', package: 'express' }
export const scenarios = ['text', 'json', 'param', 'echo', 'mw', 'r300']

function createApp() {
  const app = express()

  app.get('/', (_req, res) => {
    res.type('text').send(HELLO)
  })
  app.get('/json', (_req, res) => {
    res.json({ message: HELLO })
  })
  app.get('/users/:id', (req, res) => {
    res.json({ id: req.params.id })
  })
  app.post('/echo', express.json(), (req, res) => {
    res.json(req.body)
  })

  const readBench = (req, res, next) => {
    res.locals.bench = req.get('x-bench')
    next()
  }
  const setMw2 = (_req, res, next) => {
    res.set('x-mw-2', 'ok')
    next()
  }
  const setMw3 = (_req, res, next) => {
    res.set('x-mw-3', 'ok')
    next()
  }
  app.get('/mw', readBench, setMw2, setMw3, (_req, res) => {
    res.json({ bench: res.locals.bench })
  })

  for (const route of ROUTES_300) {
    const { i, params } = route
    if (params.length === 0) app.get(route.path, (_req, res) => res.json({ route: i }))
    else app.get(route.path, (req, res) => res.json({ route: i, [params[0]]: req.params[params[0]] }))
  }
  return app
}

if (isMain(import.meta.url)) {
  createApp().listen(port(), HOST, () => console.log('ready'))
}
