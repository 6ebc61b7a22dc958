/**
 * Fastify with @fastify/cors, configured as cors-brisk.mjs: the front end's origin, credentials, max-age 600,
 * registered in the `/api` prefix's plugin scope as its README shows for part of an app.
 */
import cors from '@fastify/cors'
import Fastify from 'fastify'
import { HOST, port } from '../../servers/_main.mjs'
import { BOOKS, ORIGIN } from './_shared.mjs'

const app = Fastify()
await app.register(
  async (api) => {
    await api.register(cors, { origin: [ORIGIN], credentials: true, maxAge: 600 })
    api.get('/books', () => BOOKS)
    api.post('/books', () => BOOKS[0])
  },
  { prefix: '/api' },
)
await app.listen({ port: port(), host: HOST })
console.log('ready')
