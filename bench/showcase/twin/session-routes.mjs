/**
 * The session routes, with @fastify/cookie and @fastify/session registered in this plugin only (Fastify's
 * encapsulation), so no other route ever touches the session store, as in the showcase: `GET /session/visits`
 * counts visits in a server-side session (cookie `sid`, HttpOnly, SameSite=Lax, Path=/, Secure over HTTPS),
 * `POST /session/reset` destroys it in its store and clears the cookie.
 *
 * @fastify/session takes express-session-style callback stores; the twin has two small ones, as the
 * showcase's: in memory (bounded, expiring, JSON copies), or with REDIS_URL in Redis (the session as JSON under
 * `twin:sess:<id>`, `SET … PX` on each write, `GET`, `DEL`, the commands the showcase's RedisStore sends). A
 * store failure is a 503.
 */
import { randomBytes } from 'node:crypto'
import fastifyCookie from '@fastify/cookie'
import fastifySession from '@fastify/session'
import { HttpProblem } from './problem.mjs'

/** A session's life, as the showcase's: one day, in the store and in the cookie's Max-Age. */
const TTL_MS = 86_400_000

const unavailable = () =>
  new HttpProblem(503, 'BRISK_SESSION_ERR_STORE_UNAVAILABLE', 'The session store is unavailable', {
    headers: { 'retry-after': '1' },
  })

/**
 * An express-session-style store in this process's memory, as the showcase's own MemoryStore: each session
 * kept as JSON (a copy, as a real store gives), expiring after a day, at most `max` of them (the least
 * recently used goes first). @fastify/session's default MemoryStore keeps the live objects, unbounded and
 * forever (its README: not for production), which would be less work and less safety than the showcase's.
 *
 * @example
 * new MemorySessionStore({ max: 10_000 })
 */
export class MemorySessionStore {
  #entries = new Map()
  #max

  constructor({ max = 10_000 } = {}) {
    this.#max = max
  }
  get(id, callback) {
    const entry = this.#entries.get(id)
    if (entry === undefined || entry.expires <= Date.now()) {
      if (entry !== undefined) this.#entries.delete(id)
      return callback(null, null)
    }
    this.#entries.delete(id)
    this.#entries.set(id, entry)
    callback(null, JSON.parse(entry.json))
  }
  set(id, session, callback) {
    this.#entries.delete(id)
    this.#entries.set(id, { json: JSON.stringify(session), expires: Date.now() + TTL_MS })
    while (this.#entries.size > this.#max) this.#entries.delete(this.#entries.keys().next().value)
    callback()
  }
  destroy(id, callback) {
    this.#entries.delete(id)
    callback()
  }
}

/**
 * An express-session-style store on an ioredis client.
 *
 * @example
 * new RedisSessionStore(redis, 'twin:sess:')
 */
export class RedisSessionStore {
  constructor(client, prefix) {
    this.client = client
    this.prefix = prefix
  }
  get(id, callback) {
    this.client.get(this.prefix + id).then(
      (json) => {
        let data = null
        try {
          data = json === null ? null : JSON.parse(json)
        } catch {}
        callback(null, data)
      },
      () => callback(unavailable()),
    )
  }
  set(id, session, callback) {
    this.client.set(this.prefix + id, JSON.stringify(session), 'PX', TTL_MS).then(
      () => callback(),
      () => callback(unavailable()),
    )
  }
  destroy(id, callback) {
    this.client.del(this.prefix + id).then(
      () => callback(),
      () => callback(unavailable()),
    )
  }
}

const COOKIE = { path: '/', httpOnly: true, sameSite: 'lax', secure: 'auto', maxAge: TTL_MS }

/**
 * The `/session` plugin.
 *
 * @example
 * app.register(sessionRoutes, { prefix: '/session', secret, store })
 */
export async function sessionRoutes(app, { secret, store }) {
  await app.register(fastifyCookie)
  await app.register(fastifySession, {
    secret,
    cookieName: 'sid',
    cookie: COOKIE,
    // 256-bit ids, as the showcase's (the default is 192 bits).
    idGenerator: () => randomBytes(32).toString('base64url'),
    saveUninitialized: false,
    rolling: false,
    store: store ?? new MemorySessionStore(),
  })

  // A session that failed to save must not be saved again while its error is sent (@fastify/session saves in
  // onSend, which runs for the error answer too, and a second failure there ends in Fastify's fallback
  // answer, not problem+json): the error handler of these routes drops the session first.
  const parent = app.errorHandler
  app.setErrorHandler(function sessionErrors(error, request, reply) {
    request.session = null
    return parent.call(this, error, request, reply)
  })

  const unavailableDoc = {
    description: 'The session store is unavailable',
    content: { 'application/problem+json': { schema: { type: 'object' } } },
  }

  app.get(
    '/visits',
    {
      schema: {
        summary: 'Count this session’s visits',
        tags: ['session'],
        response: {
          200: {
            type: 'object',
            properties: { visits: { type: 'integer', minimum: 1 } },
            required: ['visits'],
          },
          503: unavailableDoc,
        },
      },
    },
    async (request) => {
      const visits = (request.session.get('visits') ?? 0) + 1
      request.session.set('visits', visits)
      return { visits }
    },
  )

  app.post(
    '/reset',
    {
      schema: {
        summary: 'End the session: destroyed in its store, cookie cleared',
        tags: ['session'],
        response: {
          204: { description: 'Done, whether or not there was a session', type: 'null' },
          503: unavailableDoc,
        },
      },
    },
    async (request, reply) => {
      // Only a session the cookie named and the store had: a new one (no cookie, a foreign or unknown id) was
      // never stored, so there is nothing to destroy and the store is not asked (@fastify/session clears a
      // cookie that named no stored session by itself).
      const cookie = request.cookies.sid
      if (cookie !== undefined && request.session.encryptedSessionId === cookie) {
        await request.session.destroy()
        // @fastify/session forgets a destroyed session but leaves the browser's cookie: clear it.
        reply.clearCookie('sid', { path: '/', httpOnly: true, sameSite: 'lax' })
      }
      return reply.code(204).send()
    },
  )
}
