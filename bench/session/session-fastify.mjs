/**
 * Fastify 5 with @fastify/cookie and @fastify/session, the same route and cookie as session-brisk.mjs.
 * STORE=memory uses @fastify/session's own in-memory store; STORE=redis a store that keeps each session as
 * JSON in Redis with ioredis (`GET` / `SET … PX` / `DEL`, the commands RedisStore sends), written here in the
 * callback form express-session stores have, since @fastify/session takes those.
 */
import fastifyCookie from '@fastify/cookie'
import fastifySession from '@fastify/session'
import Fastify from 'fastify'
import { Redis } from 'ioredis'
import { HOST, port } from '../servers/_main.mjs'

const TTL_MS = 86_400_000

class IoRedisStore {
  constructor(client) {
    this.client = client
  }
  get(id, callback) {
    this.client.get(`fastify:${id}`).then(
      (json) => callback(null, json === null ? null : JSON.parse(json)),
      (error) => callback(error),
    )
  }
  set(id, data, callback) {
    this.client.set(`fastify:${id}`, JSON.stringify(data), 'PX', TTL_MS).then(
      () => callback(),
      (error) => callback(error),
    )
  }
  destroy(id, callback) {
    this.client.del(`fastify:${id}`).then(
      () => callback(),
      (error) => callback(error),
    )
  }
}

const app = Fastify()
app.register(fastifyCookie)
app.register(fastifySession, {
  secret: 'bench secret of at least thirty-two bytes, for sure',
  cookieName: 'sid',
  cookie: { secure: false, httpOnly: true, sameSite: 'lax', path: '/', maxAge: TTL_MS },
  saveUninitialized: false,
  rolling: false, // as Brisk's default: the cookie is sent again only when needed
  ...(process.env.STORE === 'redis' ? { store: new IoRedisStore(new Redis(process.env.REDIS_URL)) } : {}),
})
app.get('/session/visits', (request, reply) => {
  const visits = (request.session.get('visits') ?? 0) + 1
  request.session.set('visits', visits)
  reply.send({ visits })
})
await app.listen({ port: port(), host: HOST })
console.log('ready')
