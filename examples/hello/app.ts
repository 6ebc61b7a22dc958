/**
 * Hello, Brisk: a whole app in one file.
 *
 *   pnpm hello                      # from the repository root: builds @brisk/core, then serves this app
 *   curl http://127.0.0.1:8000/hello/Ada
 *
 * PORT and HOST choose where it listens (8000 and 127.0.0.1 by default). Tests import `app` and send it
 * requests with `app.inject`, without a socket.
 */
import { pathToFileURL } from 'node:url'
import { Blueprint, Brisk, NotFound, text } from '@brisk/core'

export const app = new Brisk({ name: 'hello' })

// `text()` answers text/plain (returning a plain string would too).
app.get('/', () => text('Hello from Brisk! Try /hello/Ada or /books/1\n'))

// An object is sent as JSON; `req.params.name` is typed as a string from the path pattern.
app.get('/hello/:name', { name: 'greet' }, (req) => ({ hello: req.params.name }))

// A blueprint groups routes under a prefix; its route names get its name in front (`books.show`).
const books = new Blueprint('books', { prefix: '/books' })
const shelf = new Map([
  [1, { id: 1, title: 'Dune' }],
  [2, { id: 2, title: 'The Left Hand of Darkness' }],
])

books.get('/', { name: 'list' }, () => [...shelf.values()])

// `<int>` makes `req.params.id` a number; `/books/abc` does not match and answers 404.
books.get('/:id<int>', { name: 'show' }, (req) => {
  const book = shelf.get(req.params.id)
  if (book === undefined) throw new NotFound(`No book ${req.params.id}`)
  return { ...book, url: app.urlFor('books.show', { id: book.id }) }
})

app.blueprint(books)

// Response middleware runs for every response, error responses included.
app.onResponse((req, res) => {
  res.header('x-request-id', req.id)
})

// Serve only when run directly (`tsx app.ts`), not when a test imports the app.
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { url } = await app.listen({
    port: Number(process.env.PORT ?? 8000),
    host: process.env.HOST ?? '127.0.0.1',
  })
  console.log(`hello: listening on ${url} (Ctrl-C to stop)`) // the app closes gracefully on SIGINT/SIGTERM
}
