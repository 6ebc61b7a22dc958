/**
 * Fastify with its route schema (Ajv): `POST /books` with the book schema, and `POST /plain` without one.
 * Started by openapi-run.mjs with PORT set.
 */
import Fastify from 'fastify'
import { HOST, port } from '../servers/_main.mjs'
import { BookSchema, stored } from './openapi-book.mjs'

const app = Fastify({ logger: false })
app.post('/books', { schema: { body: BookSchema } }, async (req) => stored(req.body))
app.post('/plain', async (req) => stored(req.body))
await app.listen({ port: port(), host: HOST })
console.log('ready')
