import { afterEach, describe, expect, it, vi } from 'vitest'

// A Cloudflare Worker builds its app in the module's global scope (`const app = new Brisk()` at top level),
// and workerd refuses there what needs a request's context: timers, random values, and making an
// AbortController or AbortSignal ("Disallowed operation called within global scope"). So importing
// @brisk/core, making an app and declaring everything on it must do none of those; the first request may.

vi.mock('node:crypto', async (original) => {
  const real = await original<typeof import('node:crypto')>()
  return { ...real, randomUUID: vi.fn(real.randomUUID), randomBytes: vi.fn(real.randomBytes) }
})

/** Counts every call workerd refuses in global scope, made while `body` runs. */
async function refusedCalls(body: () => Promise<void>): Promise<string[]> {
  const nodeCrypto = await import('node:crypto')
  const calls: string[] = []
  const RealAbortController = globalThis.AbortController
  const RealAbortSignal = globalThis.AbortSignal
  class WatchedAbortController extends RealAbortController {
    constructor() {
      super()
      calls.push('new AbortController')
    }
  }
  const spies = [
    vi.spyOn(globalThis, 'setTimeout'),
    vi.spyOn(globalThis, 'setInterval'),
    vi.spyOn(globalThis, 'setImmediate'),
    vi.spyOn(globalThis.crypto, 'getRandomValues'),
    vi.spyOn(globalThis.crypto, 'randomUUID'),
    vi.spyOn(RealAbortSignal, 'timeout'),
    vi.spyOn(RealAbortSignal, 'abort'),
  ]
  globalThis.AbortController = WatchedAbortController
  vi.mocked(nodeCrypto.randomUUID).mockClear()
  vi.mocked(nodeCrypto.randomBytes).mockClear()
  try {
    await body()
  } finally {
    globalThis.AbortController = RealAbortController
  }
  const names = [
    'setTimeout',
    'setInterval',
    'setImmediate',
    'getRandomValues',
    'randomUUID',
    'AbortSignal.timeout',
    'AbortSignal.abort',
  ]
  spies.forEach((spy, i) => {
    if (spy.mock.calls.length > 0) calls.push(`${names[i]} ×${spy.mock.calls.length}`)
  })
  if (vi.mocked(nodeCrypto.randomUUID).mock.calls.length > 0) calls.push('node:crypto randomUUID')
  if (vi.mocked(nodeCrypto.randomBytes).mock.calls.length > 0) calls.push('node:crypto randomBytes')
  return calls
}

afterEach(() => {
  vi.restoreAllMocks()
})

describe('global scope (what a Worker module does at its top level)', () => {
  it('importing core, making an app and declaring routes, blueprints, hooks, plugins and tasks uses no timer, random value or AbortController', async () => {
    let app: import('../src/index').Brisk | undefined
    const calls = await refusedCalls(async () => {
      const core = await import('../src/index')
      const { Blueprint, Brisk, HTTPMethodView, NotFound, definePlugin, json } = core
      app = new Brisk({ name: 'worker', accessLog: true, logLevel: 'warn' })
      const stamp = definePlugin({
        name: 'stamp',
        register(scope) {
          scope.onResponse((_req, res) => {
            res.header('x-stamp', '1')
          })
        },
      })
      app.use(stamp)
      app.onRequest(() => {})
      app.onError(NotFound, () => json({ missing: true }, 404))
      app.beforeStart(() => {})
      app.addTask(async () => {})
      app.get('/books/:id<int>', { name: 'book' }, (req) => ({ id: req.params.id }))
      app.post('/books', { bodyLimit: '16kb' }, async (req) => req.json())
      const books = new Blueprint('books', { prefix: '/books' })
      books.get('/:slug<slug>', (req) => req.params.slug)
      app.blueprint(Blueprint.group([books], { prefix: '/api', version: 1 }))
      class Health extends HTTPMethodView {
        override get() {
          return { ok: true }
        }
      }
      app.view('/health', Health)
      app.websocket('/ws', async () => {})
    })
    expect(calls).toEqual([])

    // The app so declared works once a request comes (where a Worker may use all of the above).
    const res = await app!.fetch(new Request('http://worker.test/books/7'))
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ id: 7 })
    expect(res.headers.get('x-stamp')).toBe('1')
    await app!.close()
  })

  it('an app is made and answers where there is no `process` (workerd without nodejs_compat)', async () => {
    const { Brisk } = await import('../src/index')
    let app: import('../src/index').Brisk | undefined
    // Synchronous between the stub and its removal, so nothing of Vitest's runs without `process`.
    vi.stubGlobal('process', undefined)
    try {
      app = new Brisk({ name: 'no-process', logLevel: 'warn' })
      app.get('/hi', () => 'hi')
    } finally {
      vi.unstubAllGlobals()
    }
    expect(await (await app.fetch(new Request('http://w.test/hi'))).text()).toBe('hi')
    await app.close()
  })

  it('app.fetch can be handed over on its own, as runtimes take it', async () => {
    const { Brisk } = await import('../src/index')
    const app = new Brisk({ accessLog: false })
    app.get('/hi/:name', (req) => `hi ${req.params.name}`)
    const worker = { fetch: app.fetch } // `export default { fetch: app.fetch }`: workerd calls it on this object
    const detached = app.fetch // `Deno.serve(app.fetch)` calls it with no `this`
    expect(await (await worker.fetch(new Request('http://w.test/hi/ann'))).text()).toBe('hi ann')
    expect(await (await detached(new Request('http://w.test/hi/bo'))).text()).toBe('hi bo')
    await app.close()
  })

  it('a background task still gets a signal that aborts at close', async () => {
    const { Brisk } = await import('../src/index')
    const app = new Brisk({ accessLog: false })
    let seen: AbortSignal | undefined
    app.addTask(async (signal) => {
      seen = signal
      await new Promise((resolve) => signal.addEventListener('abort', resolve))
    })
    await app.inject({ method: 'GET', url: '/' }) // the first request starts the app and its tasks
    await vi.waitFor(() => expect(seen).toBeDefined())
    expect(seen!.aborted).toBe(false)
    await app.close()
    expect(seen!.aborted).toBe(true)
  })
})
