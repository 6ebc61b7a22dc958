/**
 * Brisk with @brisk/openapi: `POST /books` with the book schema enforced before the handler (Ajv, compiled at
 * start-up), and `POST /plain`, the same handler with no schema. Started by openapi-run.mjs with PORT set.
 * Imports the built package by path, so the bench's package.json needs no change.
 */
import { Brisk } from '@brisk/core'
import { openapi } from '../../packages/openapi/dist/index.js'
import { HOST, port } from '../servers/_main.mjs'
import { BookSchema, stored } from './openapi-book.mjs'

const app = new Brisk({ name: 'bench-openapi', accessLog: false }).use(openapi)
app.post('/books', { openapi: { body: BookSchema } }, async (req) => stored(await req.json()))
app.post('/plain', async (req) => stored(await req.json()))
await app.listen({ port: port(), host: HOST })
console.log('ready')
