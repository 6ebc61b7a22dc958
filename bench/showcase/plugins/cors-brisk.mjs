/**
 * Brisk with @brisk/cors, configured as the showcase's API: the front end's origin, credentials, max-age 600.
 * `OPTIONS /api/books` is the preflight the benchmark sends; `GET /api/books` is the route it guards.
 */
import { Blueprint, Brisk } from '@brisk/core'
import { cors } from '@brisk/cors'
import { HOST, port } from '../../servers/_main.mjs'
import { BOOKS, ORIGIN } from './_shared.mjs'

const api = new Blueprint('api', { prefix: '/api' }).use(cors, {
  origins: [ORIGIN],
  credentials: true,
  maxAge: 600,
})
api.get('/books', () => BOOKS)
api.post('/books', () => BOOKS[0])
const app = new Brisk({ name: 'bench-cors' })
app.blueprint(api)
await app.listen({ port: port(), host: HOST })
console.log('ready')
