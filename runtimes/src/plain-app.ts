/**
 * The app of the plugins that need no node built-in: `makeApp()`'s routes plus server-sent events, CORS on a
 * blueprint and sessions in the cookie. On workerd it runs without `nodejs_compat`; `makeFullApp()` adds
 * these same routes to its own.
 */
import { Blueprint, type Brisk, json, NotFound, sse } from '@brisk/core'
import { cors } from '@brisk/cors'
import { CookieStore, session } from '@brisk/session'
import { makeApp } from './app'

/** The session secret (a test value). */
export const SESSION_SECRET = 'runtimes-suite-session-secret-32-bytes-or-more'
/** The origin CORS allows. */
export const ALLOWED_ORIGIN = 'https://app.example'

/**
 * `GET /events`: three server-sent events (after the client's `Last-Event-ID`), then the stream stays open
 * until the client leaves, at most 10 s; `GET /events/closed` counts the streams whose client left.
 *
 * @example
 * addEvents(app)
 */
export function addEvents(app: Brisk<any>): void {
  let closedStreams = 0
  app.get('/events', (req) =>
    sse(
      async (send, signal) => {
        const from = Number(req.headers['last-event-id'] ?? 0)
        await send({ event: 'tick', id: String(from + 1), data: { n: from + 1 } })
        await send({ event: 'tick', id: String(from + 2), data: 'two lines\nof text' })
        await send(`plain ${from + 3}`)
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, 10_000)
          signal.addEventListener('abort', () => {
            clearTimeout(timer)
            closedStreams++
            resolve()
          })
        })
      },
      { heartbeat: 0 },
    ),
  )
  app.get('/events/closed', () => ({ closed: closedStreams }))
}

/**
 * `/shared/*`: a blueprint with CORS for one origin, with credentials.
 *
 * @example
 * addCors(app)
 */
export function addCors(app: Brisk<any>): void {
  const shared = new Blueprint('shared', { prefix: '/shared' }).use(cors, {
    origins: [ALLOWED_ORIGIN],
    credentials: true,
    exposeHeaders: ['x-request-id'],
    maxAge: 600,
  })
  shared.get('/books', (req) =>
    json({ origin: req.headers.origin ?? null, books: ['Dune'] }).header('x-request-id', 'r-1'),
  )
  shared.post('/books', async (req) => json({ received: await req.json() }, 201))
  shared.get('/missing', () => {
    throw new NotFound('no such shelf')
  })
  app.blueprint(shared)
}

/**
 * `/session/*`: a blueprint with sessions kept in the cookie (`CookieStore`, AES-GCM through WebCrypto).
 *
 * @example
 * addSessions(app)
 */
export function addSessions(app: Brisk<any>): void {
  const visits = new Blueprint('visits', { prefix: '/session' }).use(session, {
    secret: SESSION_SECRET,
    store: new CookieStore(),
  })
  visits.post('/visit', async (req) => {
    const s = req.ctx.session
    const count = ((await s.get('visits')) as number | undefined) ?? 0
    await s.set('visits', count + 1)
    const name = req.query.name
    if (typeof name === 'string') await s.set('name', name)
    return { visits: count + 1, name: (await s.get('name')) ?? null, isNew: s.isNew }
  })
  visits.get('/read', async (req) => ({ data: await req.ctx.session.all() }))
  app.blueprint(visits)
}

/**
 * Builds the app of the plugins that need no node built-in.
 *
 * @example
 * const app = makePlainApp()
 * const res = await app.fetch(new Request('http://localhost/shared/books'))
 */
export function makePlainApp(): Brisk {
  const app = makeApp()
  addEvents(app)
  addCors(app)
  addSessions(app)
  return app
}
