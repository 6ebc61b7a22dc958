/**
 * Shared pieces of the session tests: secrets, an app with the usual routes, and a store that counts the
 * calls it gets (to prove a route that never touches its session costs no store round trip).
 */
import { Brisk, empty, type Logger } from '@brisk/core'
import {
  MemoryStore,
  type SessionData,
  type SessionOptions,
  type Store,
  type StoreSetOptions,
  session,
} from '../src/index'

export const SECRET = 'test secret of at least thirty-two bytes, for sure'
export const OLD_SECRET = 'an older secret, also thirty-two bytes long or more'

/** A store that records each call, then hands it to the store inside. */
export class CountingStore implements Store {
  readonly calls: string[] = []
  constructor(readonly inner: Store = new MemoryStore()) {}
  get(id: string) {
    this.calls.push(`get ${id}`)
    return this.inner.get(id)
  }
  set(id: string, data: SessionData, ttlMs: number, options: StoreSetOptions) {
    this.calls.push(`set ${id}`)
    return this.inner.set(id, data, ttlMs, options)
  }
  destroy(id: string) {
    this.calls.push(`destroy ${id}`)
    return this.inner.destroy(id)
  }
  touch(id: string, ttlMs: number) {
    this.calls.push(`touch ${id}`)
    return this.inner.touch(id, ttlMs)
  }
}

/** A logger that keeps what it is given. */
export function memoryLogger(): Logger & { lines: { level: string; obj: unknown; msg?: string }[] } {
  const lines: { level: string; obj: unknown; msg?: string }[] = []
  const at =
    (level: string) =>
    (obj: object | string, msg?: string): void => {
      lines.push({ level, obj, msg })
    }
  return { lines, error: at('error'), warn: at('warn'), info: at('info'), debug: at('debug') }
}

/**
 * The showcase's routes and a few more: `/visits` counts, `/reset` destroys, `/login` regenerates, `/plain`
 * never touches its session, `/peek` only reads it.
 */
export function sessionApp(options: Partial<SessionOptions> = {}, logger?: Logger) {
  const app = new Brisk({ logger }).use(session, { secret: SECRET, ...options })
  app.get('/visits', async (req) => {
    const visits = (((await req.ctx.session.get('visits')) as number | undefined) ?? 0) + 1
    await req.ctx.session.set('visits', visits)
    return { visits }
  })
  app.post('/reset', async (req) => {
    await req.ctx.session.destroy()
    return empty()
  })
  app.post('/login', async (req) => {
    await req.ctx.session.regenerate()
    await req.ctx.session.set('user', 'ada')
    return { id: req.ctx.session.id }
  })
  app.get('/peek', async (req) => {
    const s = await req.ctx.session.load()
    return {
      id: s.id,
      visits: (await s.get('visits')) ?? null,
      user: (await s.get('user')) ?? null,
      isNew: s.isNew,
    }
  })
  app.get('/plain', () => ({ ok: true }))
  return app
}

/** The `sid` cookie's value in a response, if it sets one. */
export function sidOf(setCookies: string[]): string | undefined {
  const line = setCookies.find((l) => l.startsWith('sid='))
  return line === undefined ? undefined : line.slice(4, line.indexOf(';'))
}
