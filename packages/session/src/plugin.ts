/**
 * The plugin: checks its options and builds its signer when the app starts, then gives every request of its
 * scope a lazy `req.ctx.session` (request middleware) and saves it after the handler (response middleware).
 * Plain scope middleware rather than per-route hooks, so the app's own middleware registered after
 * `app.use(session)` sees the session (a login check, say).
 */
import { Brisk, type BriskRequest, type BriskResponse, definePlugin } from '@brisk/core'
import { createSealer } from './cookie-store'
import type { Engine } from './engine'
import { checkSecrets, resolveSettings, type SessionOptions } from './options'
import { Session } from './session'
import { createSigner } from './signer'

/**
 * What the plugin adds to `req.ctx`; declare it on a blueprint written in its own file.
 *
 * @example
 * const account = new Blueprint<{ ctx: SessionCtx }>('account', { prefix: '/account' })
 * account.get('/', async (req) => ({ user: await req.ctx.session.get('user') }))
 */
export interface SessionCtx {
  /** The request's session, loaded on first use. */
  session: Session
}

/**
 * Server-side sessions: a signed `sid` cookie (`HttpOnly`, `SameSite=Lax`, `Path=/`, `Secure` over HTTPS)
 * naming a record in a store. A cookie the server did not sign, or whose id the store does not know, starts
 * a new session with a fresh id, so a client never chooses its session id. Registered on the app, or on a
 * blueprint for its routes only (register it once for a given route).
 *
 * @example
 * import { Brisk } from '@brisk/core'
 * import { session } from '@brisk/session'
 *
 * const app = new Brisk().use(session, { secret: process.env.SESSION_SECRET! })
 * app.post('/login', async (req) => {
 *   const user = await checkPassword(await req.json())
 *   await req.ctx.session.regenerate() // a new id on login: a planted cookie is worth nothing
 *   await req.ctx.session.set('userId', user.id)
 *   return { ok: true }
 * })
 */
export const session = definePlugin<SessionOptions, SessionCtx>({
  name: '@brisk/session',
  core: '>=26.11.0',
  async register(scope, options) {
    const where = `${scope instanceof Brisk ? 'app' : 'blueprint'} "${scope.name}"`
    const settings = resolveSettings(options, where)
    const engine: Engine = {
      settings,
      signer: await createSigner(settings.secrets),
      sealer: settings.cookieStore ? await createSealer(settings.secrets) : null,
      lastLog: 0,
      unlogged: 0,
    }
    // Development mode is the app's to say, and the app is known once it starts.
    scope.beforeStart((app) =>
      checkSecrets(
        settings.secrets,
        app.dev,
        (message) => app.log.warn({ plugin: '@brisk/session' }, message),
        where,
      ),
    )
    scope.onRequest((req) => {
      req.ctx.session = new Session(req, engine)
    })
    scope.onResponse(commit)
  },
})

function commit(req: BriskRequest<any, SessionCtx>, res: BriskResponse): Promise<void> | undefined {
  return req.ctx.session?.commit(res)
}
