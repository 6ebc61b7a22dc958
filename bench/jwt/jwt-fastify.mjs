/**
 * Fastify with @fastify/jwt (default options): GET /protected verifies the token in an onRequest hook with
 * `request.jwtVerify()`, as its README shows, and answers the subject. ALG and keys as in jwt-brisk.mjs.
 * CACHE=1 turns on fast-jwt's own cache of verified tokens (off by default), for a like-for-like row.
 */
import fastifyJwt from '@fastify/jwt'
import Fastify from 'fastify'
import { SECRET } from './keys.mjs'

const alg = process.env.ALG ?? 'HS256'
const app = Fastify()
await app.register(fastifyJwt, {
  secret: alg === 'HS256' ? SECRET : { private: process.env.ES256_PRIVATE, public: process.env.ES256_PUBLIC },
  sign: { algorithm: alg, expiresIn: '1h' },
  verify: { algorithms: [alg], cache: process.env.CACHE === '1' },
})
app.get(
  '/protected',
  {
    onRequest: async (request) => {
      await request.jwtVerify()
    },
  },
  (request, reply) => {
    reply.send({ sub: request.user.sub })
  },
)
await app.listen({ port: Number(process.env.PORT), host: '127.0.0.1' })
console.log(`token ${app.jwt.sign({ sub: '1' })}`)
console.log('ready')
process.on('SIGTERM', () => app.close().then(() => process.exit(0)))
