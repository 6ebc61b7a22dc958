/**
 * The app with every Brisk plugin: OpenAPI (GET /openapi.json, Swagger UI at /docs), server-side pages
 * (views/), JWT login (POST /auth) and a guarded route, a JSON API with CORS (src/books.ts) and a session.
 * `createApp()` builds a new app each time without serving it: src/main.ts serves one, and each test builds
 * its own (an app serves one life: started once, closed once).
 */
import { hkdfSync } from 'node:crypto'
import { Blueprint, Brisk } from '@brisk/core'
import { jwt } from '@brisk/jwt'
import { openapi } from '@brisk/openapi'
import { session } from '@brisk/session'
import { templates } from '@brisk/templates'
import { books } from './books.js'
import { findUser, userById } from './users.js'

declare module '@brisk/session' {
  interface SessionData {
    visits?: number
  }
}

/** What the app is built with. */
export interface AppOptions {
  /** Signs tokens and session ids: 32 characters or more. */
  readonly secret: string
  /** Development mode (readable errors and logs); false by default. */
  readonly dev?: boolean
  /** The origins the JSON API answers CORS requests from. */
  readonly corsOrigins?: readonly string[]
}

/**
 * Builds the app: plugins, routes and blueprints.
 *
 * @example
 * const app = createApp({ secret: 'a secret of 32 characters or more!' })
 * const res = await app.inject({ method: 'GET', url: '/openapi.json' }) // 200
 */
export function createApp(options: AppOptions) {
  // One key per use, derived from the one secret: a session id's signature is never a token's key.
  const key = (use: string) =>
    Buffer.from(hkdfSync('sha256', options.secret, '__APP_NAME__', use, 32)).toString('hex')

  // OpenAPI first: it reads what the routes declare before the other plugins wrap them.
  const app = new Brisk({ name: '__APP_NAME__', dev: options.dev ?? false })
    .use(openapi, { info: { title: '__APP_NAME__', version: '0.1.0' } })
    .use(templates, { folders: [new URL('../views', import.meta.url)] })
    .use(jwt, {
      secret: key('tokens'),
      authenticate: ({ username = '', password = '' }) => findUser(username, password),
      retrieveUser: (claims) => userById(Number(claims.sub)),
    })

  app.get('/', { name: 'home', template: 'index.html' }, (req) => ({ name: req.query.name ?? 'world' }))
  app.get('/health', { name: 'health' }, () => ({ status: 'ok' }))
  app.get('/me', { name: 'me', auth: true }, (req) => ({ sub: req.ctx.jwt?.sub }))

  app.blueprint(books({ origins: options.corsOrigins ?? ['http://localhost:5173'] }))

  const visits = new Blueprint('visits', { prefix: '/visits' }).use(session, { secret: key('sessions') })
  visits.get('/', { name: 'count' }, async (req) => {
    const count = ((await req.ctx.session.get('visits')) ?? 0) + 1
    await req.ctx.session.set('visits', count)
    return { visits: count }
  })
  app.blueprint(visits)
  return app
}
