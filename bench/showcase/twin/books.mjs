/**
 * The JSON API over the books, mounted under `/api/v1` in a plugin of its own with @fastify/cors, so CORS
 * applies to `/api/…` only (as in the showcase). Reading is public; writing needs a bearer token with scope
 * `books:write`, checked in `onRequest` hooks (before the body is read); a new book's body is validated by
 * Fastify's Ajv against its JSON Schema (422 naming each bad field, from the app's error handler).
 */
import fastifyCors from '@fastify/cors'
import { requireScope } from './auth.mjs'
import { HttpProblem } from './problem.mjs'

/** The books the showcase starts with: ids 1..3. */
const SEED_BOOKS = [
  { title: 'Dune', author: 'Frank Herbert', year: 1965 },
  { title: 'The Left Hand of Darkness', author: 'Ursula K. Le Guin', year: 1969 },
  { title: 'Kindred', author: 'Octavia E. Butler', year: 1979 },
]

/**
 * Books in this process's memory, ids increasing and never reused.
 *
 * @example
 * new BookStore().add({ title: 'Solaris', author: 'Stanisław Lem' }).id // 4
 */
export class BookStore {
  #books = new Map()
  #next = 1

  constructor(seed = SEED_BOOKS) {
    for (const book of seed) this.add(book)
  }

  list() {
    return [...this.#books.values()]
  }

  get(id) {
    return this.#books.get(id)
  }

  add({ title, author, year }) {
    const book =
      year === undefined ? { id: this.#next++, title, author } : { id: this.#next++, title, author, year }
    this.#books.set(book.id, book)
    return book
  }

  remove(id) {
    return this.#books.delete(id)
  }
}

const Book = {
  type: 'object',
  properties: {
    id: { type: 'integer' },
    title: { type: 'string' },
    author: { type: 'string' },
    year: { type: 'integer' },
  },
  required: ['id', 'title', 'author'],
}

/** Enforced, never coerced (the app's Ajv has `coerceTypes: false`); unknown fields are ignored. */
const NewBook = {
  type: 'object',
  properties: {
    title: { type: 'string', minLength: 1, maxLength: 200 },
    author: { type: 'string', minLength: 1, maxLength: 200 },
    year: { type: 'integer' },
  },
  required: ['title', 'author'],
}

const problem = (description) => ({
  description,
  content: {
    'application/problem+json': {
      schema: { type: 'object', properties: { status: { type: 'integer' }, title: { type: 'string' } } },
    },
  },
})

const IdParam = { type: 'object', properties: { id: { type: 'integer' } }, required: ['id'] }

// find-my-way's regex parameter: a non-integer id matches no route (404), as the showcase's `<int>` (which
// takes a sign and leading zeros: `-1` and `007` are ids, the latter 7).
const BY_ID = '/books/:id(^-?\\d+)'

/** The id of the path; one past 2^53 matches no route, as with the showcase's `<int>`. */
function bookId(request) {
  const id = Number(request.params.id)
  if (!Number.isSafeInteger(id)) {
    throw new HttpProblem(
      404,
      'BRISK_ERR_NOT_FOUND',
      `No route for ${request.method} ${request.url.split('?')[0]}`,
    )
  }
  return id
}

/**
 * The `/api/v1` plugin: CORS for the origins given, and the books routes over `store`.
 *
 * @example
 * app.register(booksApi, { prefix: '/api/v1', store: new BookStore(), corsOrigins: ['http://localhost:5173'] })
 */
export async function booksApi(api, { store, corsOrigins, authenticate }) {
  await api.register(fastifyCors, {
    origin: corsOrigins,
    credentials: true,
    maxAge: 600,
    methods: ['GET', 'HEAD', 'PUT', 'PATCH', 'POST', 'DELETE'],
    // A plain OPTIONS (no Origin) gets 204 rather than @fastify/cors' 400 text/plain "Invalid Preflight
    // Request": the contract wants every error as problem+json, and the showcase answers it with 204.
    strictPreflight: false,
  })

  const write = [authenticate, requireScope('books:write')]
  const security = [{ bearerAuth: ['books:write'] }]

  api.get(
    '/books',
    {
      schema: {
        summary: 'List the books',
        tags: ['books'],
        response: { 200: { type: 'array', items: Book } },
      },
    },
    async () => store.list(),
  )

  api.get(
    BY_ID,
    {
      schema: {
        summary: 'Show a book',
        tags: ['books'],
        // Documentation only: the route's regex already admits digits alone, and params arrive as strings.
        params: IdParam,
        response: { 200: Book, 404: problem('No book with this id') },
      },
      // Path parameters are checked by the route's regex; Ajv without coercion would refuse the string.
      validatorCompiler: () => () => true,
    },
    async (request) => {
      const id = bookId(request)
      const book = store.get(id)
      if (book === undefined) throw new HttpProblem(404, 'BRISK_ERR_NOT_FOUND', `No book ${id}`)
      return book
    },
  )

  api.post(
    '/books',
    {
      onRequest: write,
      schema: {
        summary: 'Add a book',
        tags: ['books'],
        security,
        body: NewBook,
        response: {
          201: { description: 'The new book; `Location` is its URL', ...Book },
          401: problem('No valid bearer token'),
          403: problem('The token lacks scope books:write'),
          422: problem('The request breaks its schema; `errors` names each bad field'),
        },
      },
    },
    async (request, reply) => {
      const { title, author, year } = request.body
      const book = store.add({ title, author, year })
      return reply.code(201).header('location', `/api/v1/books/${book.id}`).send(book)
    },
  )

  api.delete(
    BY_ID,
    {
      onRequest: write,
      schema: {
        summary: 'Delete a book',
        tags: ['books'],
        security,
        params: IdParam,
        response: {
          204: { description: 'Deleted', type: 'null' },
          401: problem('No valid bearer token'),
          403: problem('The token lacks scope books:write'),
          404: problem('No book with this id'),
        },
      },
      validatorCompiler: () => () => true,
    },
    async (request, reply) => {
      const id = bookId(request)
      if (!store.remove(id)) throw new HttpProblem(404, 'BRISK_ERR_NOT_FOUND', `No book ${id}`)
      return reply.code(204).send()
    },
  )
}
