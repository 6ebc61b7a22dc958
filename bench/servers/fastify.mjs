/** Fastify 5, default options (no logger, no response schemas), the sync `reply.send` style of its own benchmarks. */
import Fastify from 'fastify'
import { HELLO, HOST, isMain, port } from './_main.mjs'
import { ROUTES_300 } from './_r300.mjs'

export const framework = { name: 'Fastify', package: 'fastify' }
export const scenarios = ['text', 'json', 'param', 'echo', 'mw', 'r300']

function createApp() {
  const app = Fastify()

  app.get('/', (_request, reply) => {
    reply.send(HELLO)
  })
  app.get('/json', (_request, reply) => {
    reply.send({ message: HELLO })
  })
  app.get('/users/:id', (request, reply) => {
    reply.send({ id: request.params.id })
  })
  app.post('/echo', (request, reply) => {
    reply.send(request.body)
  })

  // Declared up front, as Fastify asks, so every request object keeps one shape.
  app.decorateRequest('bench', null)
  const readBench = (request, _reply, done) => {
    request.bench = request.headers['x-bench']
    done()
  }
  const setMw2 = (_request, reply, done) => {
    reply.header('x-mw-2', 'ok')
    done()
  }
  const setMw3 = (_request, reply, done) => {
    reply.header('x-mw-3', 'ok')
    done()
  }
  app.get('/mw', { onRequest: [readBench], preHandler: [setMw2, setMw3] }, (request, reply) => {
    reply.send({ bench: request.bench })
  })

  for (const route of ROUTES_300) {
    const { i, params } = route
    if (params.length === 0) app.get(route.path, (_request, reply) => reply.send({ route: i }))
    else
      app.get(route.path, (request, reply) =>
        reply.send({ route: i, [params[0]]: request.params[params[0]] }),
      )
  }
  return app
}

if (isMain(import.meta.url)) {
  await createApp().listen({ port: port(), host: HOST })
  console.log('ready')
}
