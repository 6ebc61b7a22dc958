/**
 * The smoke app of app.mjs again, in TypeScript: type-checked (never run) against the .d.ts files of the
 * installed tarballs, so the types users get from npm are the ones the workspace tests (typed route
 * parameters, what each plugin adds to `req.ctx`, plugin options, the test client).
 */
import { Blueprint, Brisk } from '@brisk/core'
import { cors } from '@brisk/cors'
import { jwt } from '@brisk/jwt'
import { openapi } from '@brisk/openapi'
import { session } from '@brisk/session'
import { templates } from '@brisk/templates'
import { type TestResponse, testClient } from '@brisk/testing'

declare module '@brisk/session' {
  interface SessionData {
    visits?: number
  }
}

const SECRET = 'pack-smoke: a secret of more than 32 bytes'

/** The same routes as app.mjs, with their types checked. */
export function makeApp() {
  const app = new Brisk({ name: 'pack-smoke' })
    .use(openapi, { info: { title: 'Pack smoke', version: '1.0.0' } })
    .use(templates, { folders: [new URL('./views', import.meta.url)] })
    .use(jwt, {
      secret: SECRET,
      authenticate: ({ username, password }) =>
        username === 'ada' && password === 'lovelace' ? { user_id: 1, username } : null,
      retrieveUser: (claims) => (claims.sub === '1' ? { user_id: 1, username: 'ada' } : null),
    })

  app.get('/health', () => ({ status: 'ok' }))
  app.get('/page', { template: 'page.html' }, (req) => ({ name: req.query.name ?? 'world' }))
  app.get('/secret', { auth: true }, (req) => {
    const sub: string | undefined = req.ctx.jwt?.sub
    return { sub }
  })

  const api = new Blueprint('api', { prefix: '/api' }).use(cors, { origins: ['https://front.example'] })
  api.get('/books/:id<int>', { name: 'show' }, (req) => {
    const id: number = req.params.id
    // @ts-expect-error: an <int> parameter is a number, not a string
    const wrong: string = req.params.id
    return { id, wrong }
  })
  app.blueprint(api)

  const visits = new Blueprint('visits', { prefix: '/session' }).use(session, { secret: SECRET })
  visits.get('/visits', async (req) => {
    const count: number = ((await req.ctx.session.get('visits')) ?? 0) + 1
    await req.ctx.session.set('visits', count)
    return { visits: count }
  })
  app.blueprint(visits)
  return app
}

/** What server.mjs does before it serves: one request through @brisk/testing, without sockets. */
export async function checkHealth(): Promise<number> {
  const client = testClient(makeApp())
  const res: TestResponse = await client.get('/health')
  await client.close()
  return res.status
}
