/**
 * The pack smoke test's app: every Brisk package as a user installs it from npm (the tarballs `pnpm pack`
 * made), in plain ESM JavaScript. `makeApp()` builds a new app: a Brisk app serves one life, and server.mjs
 * checks one in-process with @brisk/testing before it serves another.
 */
import { Blueprint, Brisk } from '@brisk/core'
import { cors } from '@brisk/cors'
import { jwt } from '@brisk/jwt'
import { openapi } from '@brisk/openapi'
import { session } from '@brisk/session'
import { templates } from '@brisk/templates'

/** Signs tokens and session ids (32 bytes or more). */
const SECRET = 'pack-smoke: a secret of more than 32 bytes'

/**
 * The smoke app: JWT login at POST /auth and a guarded GET /secret, the OpenAPI document, a template page,
 * a CORS-enabled /api, and a session visit counter.
 *
 * @example
 * await makeApp().listen({ port: 0 })
 */
export function makeApp() {
  const app = new Brisk({ name: 'pack-smoke' })
  app.use(openapi, { info: { title: 'Pack smoke', version: '1.0.0' } })
  app.use(templates, { folders: [new URL('./views', import.meta.url)] })
  app.use(jwt, {
    secret: SECRET,
    authenticate: ({ username, password }) =>
      username === 'ada' && password === 'lovelace' ? { user_id: 1, username } : null,
    retrieveUser: (claims) => (claims.sub === '1' ? { user_id: 1, username: 'ada' } : null),
  })

  app.get('/health', () => ({ status: 'ok' }))
  app.get('/page', { template: 'page.html' }, (req) => ({ name: req.query.name ?? 'world' }))
  app.get('/secret', { auth: true }, (req) => ({ sub: req.ctx.jwt.sub }))

  const api = new Blueprint('api', { prefix: '/api' }).use(cors, { origins: ['https://front.example'] })
  api.get('/books', () => [{ id: 1, title: 'Dune' }])
  app.blueprint(api)

  const visits = new Blueprint('visits', { prefix: '/session' }).use(session, { secret: SECRET })
  visits.get('/visits', async (req) => {
    const count = ((await req.ctx.session.get('visits')) ?? 0) + 1
    await req.ctx.session.set('visits', count)
    return { visits: count }
  })
  app.blueprint(visits)
  return app
}
