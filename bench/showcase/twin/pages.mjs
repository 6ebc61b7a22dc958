/**
 * The HTML pages and the health check: `GET /health`, `GET /` (the books through the showcase's own
 * `index.html`) and `GET /hello?name=X` (`hello.html`), rendered by @fastify/view with Nunjucks from
 * examples/showcase/templates (the same files, layout included). Nunjucks autoescapes, so `name` is shown as
 * text. The templates call `url_for(name, params, query)`, a helper of the showcase's template package;
 * here it is a Nunjucks global over the two page routes.
 */
import { fileURLToPath } from 'node:url'
import fastifyView from '@fastify/view'
import nunjucks from 'nunjucks'

/** The showcase's templates folder, read in place. */
export const TEMPLATES = fileURLToPath(new URL('../../../examples/showcase/templates/', import.meta.url))

const PAGES = { home: '/', hello: '/hello' }

/** `url_for('hello', {}, { name: 'Ada' })` → `/hello?name=Ada`, as the showcase's templates expect. */
function urlFor(name, _params, query) {
  const path = PAGES[name]
  if (path === undefined) throw new Error(`url_for: no page named ${name}`)
  const search = query === undefined ? '' : new URLSearchParams(query).toString()
  return search === '' ? path : `${path}?${search}`
}

const htmlPage = (summary) => ({
  summary,
  produces: ['text/html'],
  response: {
    200: { description: 'An HTML page', content: { 'text/html': { schema: { type: 'string' } } } },
  },
})

/**
 * Registers @fastify/view and adds the three routes.
 *
 * @example
 * await addPages(app, { store, dev: false })
 */
export async function addPages(app, { store, dev }) {
  await app.register(fastifyView, {
    engine: { nunjucks },
    root: TEMPLATES,
    // Compiled templates are kept (Nunjucks' own cache) outside development mode.
    production: !dev,
    options: {
      noCache: dev,
      onConfigure: (env) => env.addGlobal('url_for', urlFor),
    },
  })

  app.get(
    '/health',
    {
      schema: {
        summary: 'Liveness: the process answers',
        response: {
          200: { type: 'object', properties: { status: { const: 'ok' } }, required: ['status'] },
        },
      },
    },
    async () => ({ status: 'ok' }),
  )

  app.get('/', { schema: htmlPage('The books, as a page') }, (_request, reply) =>
    reply.view('index.html', { books: store.list() }),
  )

  app.get(
    '/hello',
    {
      schema: {
        ...htmlPage('A greeting'),
        querystring: {
          type: 'object',
          properties: { name: { type: 'string', description: 'Who to greet' } },
        },
      },
      // Documented, not enforced (as in the showcase): `?name=a&name=b` is answered, the first greeted.
      validatorCompiler: () => () => true,
    },
    (request, reply) => {
      const name = request.query.name
      const first = Array.isArray(name) ? name[0] : name
      return reply.view('hello.html', { name: first === undefined || first === '' ? 'world' : first })
    },
  )
}
