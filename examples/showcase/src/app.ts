/**
 * The showcase app: every Brisk package in one small bookshelf service. `createShowcase(config)` builds the
 * app without serving it (tests drive it in-process; `main.ts` listens). The HTTP contract it follows is in
 * README.md.
 */
import { hkdfSync } from 'node:crypto'
import { fileURLToPath } from 'node:url'
import { Blueprint, Brisk } from '@brisk/core'
import { cors } from '@brisk/cors'
import { RedisStore as JwtRedisStore, jwt, type RefreshTokenStore } from '@brisk/jwt'
import { openapi } from '@brisk/openapi'
import { RedisStore as SessionRedisStore, type Store } from '@brisk/session'
import { templates } from '@brisk/templates'
import type { Redis } from 'ioredis'
import { BookStore } from './book-store'
import { booksBlueprint } from './books'
import type { ShowcaseConfig } from './config'
import { addEcho } from './echo'
import { addPages } from './pages'
import { closeRedis, connectRedis, createRedis } from './redis'
import { sessionBlueprint } from './session-routes'
import { createUsers, type Users } from './users'

/** What a caller may provide instead of the defaults (tests, mostly). */
export interface ShowcaseDeps {
  /** The books; a new store seeded with 3 books by default. */
  readonly books?: BookStore
  /** The users; alice and bob by default. */
  readonly users?: Users
  /**
   * A Redis client for sessions and refresh tokens, used instead of one made from `config.redisUrl`. The
   * caller owns it: the app neither connects nor closes it.
   */
  readonly redis?: Redis
}

/**
 * How long a Redis call may take before the request gets its 503: under the contract's 2 s, so a Redis
 * that accepts connections but does not answer is cut in time too.
 */
const STORE_TIMEOUT_MS = 1000

/** How long start-up waits for Redis before serving anyway (its routes answering 503 meanwhile). */
const REDIS_CONNECT_WAIT_MS = 2000

/**
 * The key that signs session ids, derived from `JWT_SECRET` (HKDF-SHA-256) so that one secret configures
 * the app, and a session cookie's signature is never a token's key.
 */
function sessionSecret(jwtSecret: string): string {
  return Buffer.from(hkdfSync('sha256', jwtSecret, 'brisk-showcase', 'session ids', 32)).toString('hex')
}

/**
 * Builds the showcase app for `config`: routes, plugins, and with `config.redisUrl` a Redis connection made
 * before the app serves and closed after it stops.
 *
 * @example
 * const app = createShowcase(readConfig({}))
 * const res = await app.inject({ method: 'GET', url: '/health' }) // 200 {"status":"ok"}
 */
export function createShowcase(config: ShowcaseConfig, deps: ShowcaseDeps = {}) {
  const books = deps.books ?? new BookStore()
  const users = deps.users ?? createUsers()
  const app = new Brisk({ name: 'showcase', dev: config.dev })

  let redis: Redis | undefined = deps.redis
  if (redis === undefined && config.redisUrl !== undefined) {
    const own = createRedis(config.redisUrl)
    redis = own
    app.beforeStart(() => connectRedis(own, app.log, REDIS_CONNECT_WAIT_MS))
    app.afterStop(() => closeRedis(own))
  }
  const refreshStore: RefreshTokenStore | undefined =
    redis === undefined ? undefined : new JwtRedisStore(redis, { prefix: 'showcase:jwt:' })
  const sessionStore: Store | undefined =
    redis === undefined ? undefined : new SessionRedisStore({ client: redis, prefix: 'showcase:sess:' })

  // Hash the demo passwords before the first login rather than during it.
  app.beforeStart(() => users.prepare())

  // OpenAPI first: it reads what validated() left on handlers, which the templates' wrapper would hide.
  app.use(openapi, {
    info: {
      title: 'Brisk showcase: bookshelf',
      version: '1.0.0',
      description: 'Every Brisk package in one service. Log in with POST /auth (alice / wonderland).',
    },
  })
  app.use(templates, { folders: [new URL('../templates', import.meta.url)] })
  app.use(jwt, {
    secret: config.jwtSecret,
    authenticate: ({ username = '', password = '' }) => users.authenticate(username, password),
    retrieveUser: (claims) => users.byId(Number(claims.sub)),
    scopes: (user) => users.byId(Number(user.user_id))?.scopes ?? [],
    ...(refreshStore === undefined ? {} : { store: refreshStore }),
    storeTimeout: STORE_TIMEOUT_MS,
  })

  addPages(app, books)

  // CORS for the JSON API only: pages, auth, sessions and their preflights get no CORS headers.
  const api = booksBlueprint(books).use(cors, {
    origins: [...config.corsOrigins],
    credentials: true,
    maxAge: 600,
  })
  app.blueprint(Blueprint.group([api], { prefix: '/api', version: 1 }))

  app.blueprint(
    sessionBlueprint({
      secret: sessionSecret(config.jwtSecret),
      ...(sessionStore === undefined ? {} : { store: sessionStore }),
      storeTimeout: STORE_TIMEOUT_MS,
    }),
  )

  addEcho(app)
  app.static('/static', fileURLToPath(new URL('../public', import.meta.url)), { name: 'static' })
  return app
}

/** The app `createShowcase` builds. */
export type Showcase = ReturnType<typeof createShowcase>
