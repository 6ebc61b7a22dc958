/**
 * The Fastify twin of examples/showcase: the same HTTP contract (/work/shared/showcase-contract.md), built
 * the way a Fastify 5 user builds it, with @fastify/swagger (+ swagger-ui), @fastify/view (Nunjucks),
 * @fastify/jwt, @fastify/cookie + @fastify/session, @fastify/cors, @fastify/static, @fastify/websocket and
 * Fastify's own Ajv for the route schemas. `createTwin(config)` builds it without listening.
 */
import { hkdfSync } from 'node:crypto'
import { fileURLToPath } from 'node:url'
import fastifyStatic from '@fastify/static'
import fastifySwagger from '@fastify/swagger'
import fastifySwaggerUi from '@fastify/swagger-ui'
import fastifyWebsocket from '@fastify/websocket'
import Fastify from 'fastify'
import { addAuth } from './auth.mjs'
import { BookStore, booksApi } from './books.mjs'
import { clientErrorHandler } from './client-error.mjs'
import { installNotFound } from './not-found.mjs'
import { addPages } from './pages.mjs'
import { errorHandler } from './problem.mjs'
import { closeRedis, connectRedis, createRedis } from './redis.mjs'
import { MemoryRefreshStore, RedisRefreshStore } from './refresh-store.mjs'
import { RedisSessionStore, sessionRoutes } from './session-routes.mjs'
import { createUsers } from './users.mjs'

/** The showcase's public folder, served in place. */
const PUBLIC = fileURLToPath(new URL('../../../examples/showcase/public/', import.meta.url))

/** The session-signing key, derived from JWT_SECRET exactly as the showcase derives its own (HKDF-SHA-256). */
function sessionSecret(jwtSecret) {
  return Buffer.from(hkdfSync('sha256', jwtSecret, 'brisk-showcase', 'session ids', 32)).toString('hex')
}

/**
 * Builds the twin for `config` (see config.mjs), ready to `listen`.
 *
 * @example
 * const app = await createTwin(readConfig({}))
 * await app.listen({ port: 8000, host: '127.0.0.1' })
 */
export async function createTwin(config) {
  const handleError = errorHandler(config.dev)
  const app = Fastify({
    // Outside development mode no logger, as the bench's other Fastify servers (errors go to stderr anyway).
    logger: config.dev,
    // The showcase's limits: 1 MiB bodies; node's own 16 KiB of header lines (431 beyond).
    bodyLimit: 1_048_576,
    // JSON bodies are checked as they are (`"2001"` is not an integer) and every bad field is named.
    ajv: { customOptions: { coerceTypes: false, allErrors: true, removeAdditional: false } },
    clientErrorHandler,
    // What the router refuses before any route (a malformed percent-encoding, a parameter over Fastify's 100
    // characters, answered 414) goes to the same handler, as problem+json.
    frameworkErrors: handleError,
    // A stop finishes what was received (the contract; Fastify would answer 503 to requests it routes after
    // close() began, even ones that arrived before the signal).
    return503OnClosing: false,
    // `/health/` is `/health`, as in the showcase.
    routerOptions: { ignoreTrailingSlash: true },
    // The showcase's (core's) timeouts: 30 s for a whole request, 5 s of keep-alive idleness (Fastify's own
    // default is 72 s); its 10 s for the headers is set on the server below (node's default is 60 s).
    requestTimeout: 30_000,
    keepAliveTimeout: 5_000,
  })
  app.server.headersTimeout = 10_000
  // Only JSON bodies: anything else is a 415 (Fastify would otherwise read text/plain as a string).
  app.removeContentTypeParser('text/plain')
  installNotFound(app)
  app.setErrorHandler(handleError)

  const users = createUsers()
  app.addHook('onReady', () => users.prepare())

  let redis
  if (config.redisUrl !== undefined) {
    redis = createRedis(config.redisUrl)
    app.addHook('onReady', () => connectRedis(redis, 2000))
    app.addHook('onClose', () => closeRedis(redis))
  }
  const refreshStore =
    redis === undefined ? new MemoryRefreshStore() : new RedisRefreshStore(redis, 'twin:jwt:')
  const sessionStore = redis === undefined ? undefined : new RedisSessionStore(redis, 'twin:sess:')

  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Fastify twin of the Brisk showcase: bookshelf',
        version: '1.0.0',
        description: 'The same contract as the Brisk showcase. Log in with POST /auth (alice / wonderland).',
      },
      components: {
        securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
      },
    },
  })
  await app.register(fastifySwaggerUi, { routePrefix: '/docs' })
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger())

  addAuth(app, { secret: config.jwtSecret, users, store: refreshStore })
  await app.after()

  const store = new BookStore()
  await addPages(app, { store, dev: config.dev })
  app.register(booksApi, {
    prefix: '/api/v1',
    store,
    corsOrigins: [...config.corsOrigins],
    authenticate: app.authenticate,
  })
  app.register(sessionRoutes, {
    prefix: '/session',
    secret: sessionSecret(config.jwtSecret),
    store: sessionStore,
  })

  await app.register(fastifyWebsocket)
  app.get('/ws/echo', { websocket: true, schema: { hide: true } }, (socket) => {
    socket.on('message', (message, isBinary) => socket.send(message, { binary: isBinary }))
  })

  app.register(fastifyStatic, { root: PUBLIC, prefix: '/static/' })
  return app
}
