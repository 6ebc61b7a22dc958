/**
 * What both servers of the OpenAPI benchmark share: the showcase's book schema (JSON Schema, as Fastify's
 * route schema and @brisk/openapi's both take it), the body wrk sends, and what the handler answers.
 */
export const BookSchema = {
  type: 'object',
  properties: {
    title: { type: 'string', minLength: 1, maxLength: 200 },
    author: { type: 'string', minLength: 1, maxLength: 200 },
    year: { type: 'integer' },
  },
  required: ['title', 'author'],
}

/** A valid book, about the size of a real one. */
export const BODY = JSON.stringify({
  title: 'The Left Hand of Darkness',
  author: 'Ursula K. Le Guin',
  year: 1969,
})

/** The answer: the book as stored. */
export function stored(book) {
  return { id: 1, title: book.title, author: book.author, year: book.year ?? null }
}
