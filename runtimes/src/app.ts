/**
 * The app every runtime serves: routing with typed parameters, a blueprint in a group, middleware, errors
 * answered by `Accept`, a JSON body, a streamed body and cookies. It uses only what `app.fetch` offers on any
 * Web-standard runtime (no files on disk, no node server).
 */
import { BadRequest, Blueprint, Brisk, json, NotFound, stream, text } from '@brisk/core'

/**
 * Builds the app the cases in `cases.ts` are written against.
 *
 * @example
 * const app = makeApp()
 * const res = await app.fetch(new Request('http://localhost/books/7'))
 */
export function makeApp(): Brisk {
  const app = new Brisk({ name: 'runtimes', accessLog: false })

  // Middleware: a request hook that answers on its own, and a response hook that marks every answer.
  app.onRequest((req) => {
    if (req.path === '/private' && req.headers.authorization !== 'Bearer letmein') {
      return json({ error: 'who are you?' }, 401)
    }
  })
  app.onResponse((_req, res) => {
    res.header('x-served-by', 'brisk')
  })

  app.get('/', () => text('hello'))
  app.get('/private', () => ({ secret: 42 }))
  app.get('/books/:id<int>', (req) => ({ id: req.params.id, type: typeof req.params.id }))
  app.get('/files/:rest<path>', (req) => ({ rest: req.params.rest }))
  app.get('/missing', () => {
    throw new NotFound('no such book')
  })

  app.post('/echo', async (req) => {
    const body = await req.json<{ title?: unknown }>()
    if (typeof body.title !== 'string') throw new BadRequest('title must be a string')
    return json({ title: body.title, length: body.title.length }, 201)
  })

  app.get('/count', () =>
    stream(async (write) => {
      for (let i = 0; i < 3; i++) await write(`${i}\n`)
    }),
  )

  app.get('/cookies', (req) => ({ theme: req.cookies.theme ?? null }))
  app.post('/cookies', (req) => {
    const theme = typeof req.query.theme === 'string' ? req.query.theme : 'light'
    return json({ set: true }).setCookie('theme', theme, { maxAge: 60 })
  })

  const books = new Blueprint('books', { prefix: '/books' })
  books.onResponse((_req, res) => {
    res.header('x-blueprint', 'books')
  })
  books.get('/:slug<slug>', (req) => ({ slug: req.params.slug }))
  app.blueprint(Blueprint.group([books], { prefix: '/api', version: 1 })) // /api/v1/books/…

  return app
}
