/**
 * The HTML pages (Nunjucks templates under `templates/`, sharing `layout.html`) and the health check.
 */
import type { Brisk } from '@brisk/core'
import type { BookStore } from './book-store'

const htmlPage = (summary: string) => ({
  summary,
  responses: { 200: { description: 'An HTML page', contentType: 'text/html', schema: { type: 'string' } } },
})

/**
 * Adds `GET /health`, `GET /` (the books, as HTML) and `GET /hello?name=X` to the app.
 *
 * @example
 * addPages(app, new BookStore())
 */
export function addPages(app: Brisk<any>, store: BookStore): void {
  app.get(
    '/health',
    {
      name: 'health',
      openapi: {
        summary: 'Liveness: the process answers',
        responses: { 200: { type: 'object', properties: { status: { const: 'ok' } }, required: ['status'] } },
      },
    },
    () => ({ status: 'ok' }),
  )

  app.get('/', { name: 'home', template: 'index.html', openapi: htmlPage('The books, as a page') }, () => ({
    books: store.list(),
  }))

  app.get(
    '/hello',
    {
      name: 'hello',
      template: 'hello.html',
      openapi: {
        ...htmlPage('A greeting'),
        // Documented, not enforced: `?name=a&name=b` is answered (the first is greeted) rather than refused.
        parameters: [{ name: 'name', in: 'query', description: 'Who to greet', schema: { type: 'string' } }],
      },
    },
    (req) => {
      // `?name=a&name=b` gives an array: greet the first. Autoescaping keeps markup in it as text.
      const name = req.query.name
      const first = Array.isArray(name) ? name[0] : name
      return { name: first === undefined || first === '' ? 'world' : first }
    },
  )
}
