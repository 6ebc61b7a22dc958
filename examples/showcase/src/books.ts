/**
 * The JSON API over the books: `/books` routes on a blueprint the app mounts under `/api/v1`. Reading is
 * public; writing needs a bearer token with scope `books:write` (the jwt plugin's guard runs before anything
 * reads the body); a new book's body is checked by its JSON Schema (422 naming each bad field).
 */
import { Blueprint, empty, json, NotFound } from '@brisk/core'
import { typed, validated } from '@brisk/openapi'
import type { BookStore, NewBook } from './book-store'

/** A book in answers (documentation only). */
const BookSchema = {
  type: 'object',
  properties: {
    id: { type: 'integer' },
    title: { type: 'string' },
    author: { type: 'string' },
    year: { type: 'integer' },
  },
  required: ['id', 'title', 'author'],
} as const

/**
 * The body of `POST /api/v1/books`: enforced, never coerced (`"2001"` and `2001.5` are not integers);
 * fields it does not name are ignored (no `additionalProperties: false`), and not stored.
 */
const NewBookSchema = typed<NewBook>({
  type: 'object',
  properties: {
    title: { type: 'string', minLength: 1, maxLength: 200 },
    author: { type: 'string', minLength: 1, maxLength: 200 },
    year: { type: 'integer' },
  },
  required: ['title', 'author'],
})

const problem = (description: string) => ({
  description,
  contentType: 'application/problem+json',
  schema: { type: 'object', properties: { status: { type: 'integer' }, title: { type: 'string' } } },
})

/** Writing needs this scope; `bob` only has `books:read`. */
const WRITE = { scopes: ['books:write'] }

/**
 * The books blueprint, reading and writing `store`.
 *
 * @example
 * app.blueprint(Blueprint.group([booksBlueprint(new BookStore())], { prefix: '/api', version: 1 }))
 */
export function booksBlueprint(store: BookStore): Blueprint {
  const books = new Blueprint('books', { prefix: '/books' })

  books.get(
    '/',
    {
      name: 'list',
      openapi: { summary: 'List the books', responses: { 200: { type: 'array', items: BookSchema } } },
    },
    () => store.list(),
  )

  books.get(
    '/:id<int>',
    {
      name: 'show',
      openapi: {
        summary: 'Show a book',
        responses: { 200: BookSchema, 404: problem('No book with this id') },
      },
    },
    (req) => {
      const book = store.get(req.params.id)
      if (book === undefined) throw new NotFound(`No book ${req.params.id}`)
      return book
    },
  )

  books.post(
    '/',
    { name: 'create', auth: WRITE },
    validated(
      {
        summary: 'Add a book',
        body: NewBookSchema,
        responses: {
          201: { description: 'The new book; `Location` is its URL', schema: BookSchema },
          401: problem('No valid bearer token'),
          403: problem('The token lacks scope books:write'),
        },
      },
      async (req) => {
        const { title, author, year } = await req.json()
        const book = store.add({ title, author, ...(year === undefined ? {} : { year }) })
        const location = req.app.urlFor('books.show', { id: book.id })
        return json(book, { status: 201, headers: { location } })
      },
    ),
  )

  books.delete(
    '/:id<int>',
    {
      name: 'remove',
      auth: WRITE,
      openapi: {
        summary: 'Delete a book',
        responses: {
          204: { description: 'Deleted' },
          401: problem('No valid bearer token'),
          403: problem('The token lacks scope books:write'),
          404: problem('No book with this id'),
        },
      },
    },
    (req) => {
      if (!store.remove(req.params.id)) throw new NotFound(`No book ${req.params.id}`)
      return empty()
    },
  )

  return books
}
