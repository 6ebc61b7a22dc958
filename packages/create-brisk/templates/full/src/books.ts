/**
 * A JSON API in a blueprint, with CORS for the origins of a front end served elsewhere (its preflights
 * included). The books live in memory: replace the array with your database.
 */
import { Blueprint, HTTPError, json } from '@brisk/core'
import { cors } from '@brisk/cors'

/** A book of the API. */
export interface Book {
  readonly id: number
  readonly title: string
}

/**
 * The books blueprint under /api/books, answering CORS requests from `origins`.
 *
 * @example
 * app.blueprint(books({ origins: ['https://front.example'] }))
 */
export function books({ origins }: { origins: readonly string[] }) {
  const shelf: Book[] = [{ id: 1, title: 'Dune' }]
  const bp = new Blueprint('books', { prefix: '/api/books' }).use(cors, { origins: [...origins] })

  bp.get('/', { name: 'list' }, () => shelf)
  bp.get('/:id<int>', { name: 'show' }, (req) => {
    const book = shelf.find((b) => b.id === req.params.id)
    if (book === undefined) throw new HTTPError(404, `no book ${req.params.id}`)
    return book
  })
  bp.post('/', { name: 'create', auth: true }, async (req) => {
    const body = (await req.json()) as { title?: unknown }
    if (typeof body.title !== 'string' || body.title === '') throw new HTTPError(422, 'a book needs a title')
    const book = { id: shelf.length + 1, title: body.title }
    shelf.push(book)
    return json(book, 201)
  })
  return bp
}
