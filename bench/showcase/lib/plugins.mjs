/**
 * The plugin routes measured on their own, each against its @fastify/* equivalent: the servers the plugins'
 * own benchmarks already have (bench/jwt, bench/session, bench/openapi), and two more here (templates, CORS).
 * Each entry: the two server files, the environment they need, the one request wrk repeats (built once the
 * server runs, e.g. with the token it printed), and the status that request must get.
 */
import { fileURLToPath } from 'node:url'
import { es256Pair } from '../../jwt/keys.mjs'
import { BODY } from '../../openapi/openapi-book.mjs'
import { ORIGIN } from './mix.mjs'

const file = (path) => fileURLToPath(new URL(path, import.meta.url))

let pair
const es256 = () => {
  pair ??= es256Pair()
  return { ES256_PRIVATE: pair.privateKey, ES256_PUBLIC: pair.publicKey }
}

/** The token jwt-brisk.mjs / jwt-fastify.mjs printed (`token <jwt>`) before `ready`. */
const bearer = (handle) => {
  const token = /^token (\S+)$/m.exec(handle.log())?.[1]
  if (token === undefined) throw new Error('the JWT server printed no token')
  return { method: 'GET', path: '/protected', headers: { authorization: `Bearer ${token}` } }
}

/** A session made by a first visit, then sent by every request: a logged-in browser. */
const session = async (handle) => {
  const res = await fetch(new URL('/session/visits', handle.url))
  await res.text()
  const line = res.headers.getSetCookie().find((l) => l.startsWith('sid='))
  if (line === undefined) throw new Error('no session cookie')
  return { method: 'GET', path: '/session/visits', headers: { cookie: line.slice(0, line.indexOf(';')) } }
}

/** The plugin routes, in table order. */
export const PLUGINS = [
  {
    name: 'jwt-hs256',
    title: 'JWT HS256: `GET /protected` with a bearer token',
    against: '@brisk/jwt vs @fastify/jwt',
    files: { brisk: file('../../jwt/jwt-brisk.mjs'), fastify: file('../../jwt/jwt-fastify.mjs') },
    env: () => ({ ALG: 'HS256' }),
    request: bearer,
    status: 200,
  },
  {
    name: 'jwt-es256',
    title: 'JWT ES256: `GET /protected` with a bearer token',
    against: '@brisk/jwt vs @fastify/jwt',
    files: { brisk: file('../../jwt/jwt-brisk.mjs'), fastify: file('../../jwt/jwt-fastify.mjs') },
    env: () => ({ ALG: 'ES256', ...es256() }),
    request: bearer,
    status: 200,
  },
  {
    name: 'session-memory',
    title: 'Session read + write: `GET /session/visits`, memory store',
    against: '@brisk/session vs @fastify/session + @fastify/cookie',
    files: {
      brisk: file('../../session/session-brisk.mjs'),
      fastify: file('../../session/session-fastify.mjs'),
    },
    env: () => ({ STORE: 'memory' }),
    request: session,
    status: 200,
  },
  {
    name: 'session-redis',
    title: 'Session read + write: `GET /session/visits`, Redis',
    against: '@brisk/session vs @fastify/session + @fastify/cookie (ioredis store)',
    files: {
      brisk: file('../../session/session-brisk.mjs'),
      fastify: file('../../session/session-fastify.mjs'),
    },
    env: ({ redisUrl }) => ({ STORE: 'redis', REDIS_URL: redisUrl }),
    redis: true,
    request: session,
    status: 200,
  },
  {
    name: 'validated-body',
    title: 'Validated body: `POST /books` (JSON Schema, Ajv)',
    against: '@brisk/openapi vs Fastify route schema',
    files: {
      brisk: file('../../openapi/openapi-brisk.mjs'),
      fastify: file('../../openapi/openapi-fastify.mjs'),
    },
    request: () => ({
      method: 'POST',
      path: '/books',
      headers: { 'content-type': 'application/json' },
      body: BODY,
    }),
    status: 200,
  },
  {
    name: 'template-page',
    title: 'Template page: `GET /` (Nunjucks, layout + loop)',
    against: '@brisk/templates vs @fastify/view',
    files: {
      brisk: file('../plugins/templates-brisk.mjs'),
      fastify: file('../plugins/templates-fastify.mjs'),
    },
    request: () => ({ method: 'GET', path: '/' }),
    status: 200,
  },
  {
    name: 'cors-preflight',
    title: 'CORS preflight: `OPTIONS /api/books`',
    against: '@brisk/cors vs @fastify/cors',
    files: { brisk: file('../plugins/cors-brisk.mjs'), fastify: file('../plugins/cors-fastify.mjs') },
    request: () => ({
      method: 'OPTIONS',
      path: '/api/books',
      headers: {
        origin: ORIGIN,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization, content-type',
      },
    }),
    status: 204,
  },
]
