import { describe, expect, expectTypeOf, it } from 'vitest'
import {
  Blueprint,
  Brisk,
  BriskError,
  definePlugin,
  type Logger,
  type PluginScope,
  text,
  Unauthorized,
  VERSION,
} from '../src/index'
import { forEachEntry, once } from './_matrix'
import { probeOf, type TimingCtx, timing } from './fixtures/timing-plugin'

// Route options of two plugins defined below; each reads the other's without importing it.
declare module '../src/index' {
  interface RouteOptions {
    auth?: { scopes: string[] } | false
  }
}

const quiet: Logger = { error() {}, warn() {}, info() {}, debug() {} }

/** What `await app.ready()` rejected with. */
async function startupError(app: Brisk<any>): Promise<BriskError> {
  const error = await app.ready().then(
    () => undefined,
    (failure: unknown) => failure,
  )
  expect(error).toBeInstanceOf(BriskError)
  return error as BriskError
}

const noop = (name: string, dependencies: string[] = []) =>
  definePlugin({ name, dependencies, register() {} })

/** Guards routes whose `auth` option lists scopes: the token header must name each one. */
const auth = definePlugin<void, { scopes: string[] }>({
  name: 'auth',
  register(scope) {
    scope.onRoute((route) => {
      const needed = route.options.auth
      if (!needed) return
      route.addRequestHook((req) => {
        const granted = String(req.headers['x-scopes'] ?? '')
          .split(' ')
          .filter(Boolean)
        if (!needed.scopes.every((s) => granted.includes(s))) {
          throw new Unauthorized(`Needs ${needed.scopes.join(', ')}`, {
            headers: { 'www-authenticate': 'Bearer' },
          })
        }
        req.ctx.scopes = granted
      })
    })
  },
})

/** Lists, at /docs, which routes need which scopes: it reads `auth` without importing the auth plugin. */
const docs = definePlugin({
  name: 'docs',
  register(scope) {
    const secured: Record<string, string[]> = {}
    scope.onRoute((route) => {
      const needed = route.options.auth
      if (needed && !route.automatic) secured[`${route.method} ${route.path}`] = needed.scopes
    })
    scope.get('/docs', { auth: false }, () => ({ secured }))
  },
})

forEachEntry('a plugin (timing fixture)', (make) => {
  it('adds its header and ctx field to every route of the app, and its custom header name', async () => {
    const app = new Brisk().use(timing)
    app.get('/', (req) => {
      expectTypeOf(req.ctx.startedAt).toEqualTypeOf<number>()
      return { startedAt: typeof req.ctx.startedAt }
    })
    const res = await once(make, app, '/')
    expect(res.status).toBe(200)
    expect(res.json()).toEqual({ startedAt: 'number' })
    expect(res.headers['x-response-time']).toMatch(/^\d+\.\d{3}$/)

    const named = new Brisk().use(timing, { header: 'X-Time' })
    named.get('/', () => 'ok')
    const other = await once(make, named, '/')
    expect(other.headers['x-time']).toMatch(/^\d+\.\d{3}$/)
    expect(other.headers['x-response-time']).toBeUndefined()
  })

  it('skips the routes whose option `timing` is false, read through onRoute', async () => {
    const app = new Brisk().use(timing)
    app.get('/timed', () => 'timed')
    app.get('/health', { timing: false }, () => 'ok')
    const client = await make(app)
    try {
      expect((await client.request('/timed')).headers['x-response-time']).toBeDefined()
      const health = await client.request('/health')
      expect(health.body).toBe('ok')
      expect(health.headers['x-response-time']).toBeUndefined()
      const probe = probeOf(app)!
      expect(probe.timed).toContain('GET /timed')
      expect(probe.skipped).toContain('GET /health')
      expect(probe.timed).not.toContain('GET /health')
    } finally {
      await client.close()
    }
  })

  it('is registered, awaits included, before the first request is answered, and its listener runs', async () => {
    const app = new Brisk().use(timing)
    app.get('/', () => ({
      registered: probeOf(app)?.registered ?? false,
      started: probeOf(app)?.started ?? 0,
    }))
    // The plugin adds its hooks only after an await: the first request shows they are in place.
    const res = await once(make, app, '/')
    expect(res.json()).toEqual({ registered: true, started: 1 })
    expect(res.headers['x-response-time']).toBeDefined()
  })

  it("applies to a blueprint's routes only when registered on that blueprint", async () => {
    const app = new Brisk()
    const timed = new Blueprint('timed', { prefix: '/timed' }).use(timing)
    const plain = new Blueprint('plain', { prefix: '/plain' })
    timed.get('/', (req) => {
      expectTypeOf(req.ctx).toEqualTypeOf<TimingCtx>()
      return { startedAt: typeof req.ctx.startedAt }
    })
    plain.get('/', (req) => ({ startedAt: typeof (req.ctx as Partial<TimingCtx>).startedAt }))
    app.get('/', (req) => ({ startedAt: typeof (req.ctx as Partial<TimingCtx>).startedAt }))
    app.blueprint(timed).blueprint(plain)
    const client = await make(app)
    try {
      const inside = await client.request('/timed/')
      expect(inside.json()).toEqual({ startedAt: 'number' })
      expect(inside.headers['x-response-time']).toBeDefined()
      for (const path of ['/plain/', '/', '/timed/missing']) {
        const outside = await client.request(path)
        expect(outside.headers['x-response-time']).toBeUndefined()
        if (outside.status === 200) expect(outside.json()).toEqual({ startedAt: 'undefined' })
      }
      // The plugin registered on the app's own copy of the blueprint (blueprint-copy.ts), not on `timed`.
      expect(probeOf(timed)).toBeUndefined()
      expect(probeOf(app)).toBeUndefined()
    } finally {
      await client.close()
    }
  })
})

forEachEntry('route options read by another plugin', (make) => {
  it("lets one plugin read another's route option without importing it", async () => {
    const app = new Brisk().use(auth).use(docs)
    app.get('/books', () => ['Dune'])
    app.post('/books', { auth: { scopes: ['books:write'] } }, (req) => ({ by: req.ctx.scopes }))
    app.delete('/books/:id', { auth: { scopes: ['books:write', 'admin'] } }, () => null)
    const client = await make(app)
    try {
      expect((await client.request('/docs')).json()).toEqual({
        secured: { 'POST /books': ['books:write'], 'DELETE /books/:id': ['books:write', 'admin'] },
      })
      const refused = await client.request({ method: 'POST', url: '/books' })
      expect(refused.status).toBe(401)
      expect(refused.headers['www-authenticate']).toBe('Bearer')
      const allowed = await client.request({
        method: 'POST',
        url: '/books',
        headers: { 'x-scopes': 'books:write' },
      })
      expect(allowed.json()).toEqual({ by: ['books:write'] })
      expect((await client.request('/books')).status).toBe(200)
    } finally {
      await client.close()
    }
  })

  it('lets an onRoute hook record route.meta for other plugins, read-only once the app has started', async () => {
    const guard = definePlugin({
      name: 'meta-guard',
      register(scope) {
        scope.onRoute((route) => {
          if (route.path.startsWith('/admin') && !route.automatic) {
            route.meta.auth = {
              scheme: 'bearerAuth',
              definition: { type: 'http', scheme: 'bearer' },
              scopes: ['admin'],
              anyOf: [],
            }
          }
        })
      },
    })
    const app = new Brisk().use(guard)
    app.get('/admin/keys', () => 'keys')
    app.get('/public', () => 'hi')
    await app.ready()
    const byPath = new Map(
      app
        .routes()
        .filter((r) => !r.automatic)
        .map((r) => [r.path, r]),
    )
    expect(byPath.get('/admin/keys')!.meta.auth).toMatchObject({ scheme: 'bearerAuth', scopes: ['admin'] })
    expect(byPath.get('/public')!.meta).toEqual({})
    expect(Object.isFrozen(byPath.get('/admin/keys')!.meta)).toBe(true)
  })

  it('lets an onRoute hook add an error handler that is tried before the scopes’ own', async () => {
    const shaped = definePlugin({
      name: 'shaped-errors',
      register(scope) {
        scope.onRoute((route) => {
          if (route.path.startsWith('/api')) {
            route.addErrorHandler(Unauthorized, (error: Unauthorized) => ({
              api: true,
              message: error.message,
            }))
          }
        })
      },
    })
    const app = new Brisk().use(shaped)
    app.onError(Unauthorized, () => text('app handler', 401))
    app.get('/api/x', () => {
      throw new Unauthorized('no')
    })
    app.get('/web/x', () => {
      throw new Unauthorized('no')
    })
    const client = await make(app)
    try {
      expect((await client.request('/api/x')).json()).toEqual({ api: true, message: 'no' })
      expect((await client.request('/web/x')).body).toBe('app handler')
    } finally {
      await client.close()
    }
  })
})

forEachEntry('a plugin that registers others', (make) => {
  it('registers its own dependencies, routes and blueprints on the same scope', async () => {
    const calls: string[] = []
    const inner = definePlugin<{ tag: string }>({
      name: 'inner',
      register(scope, options) {
        calls.push(`inner ${options.tag}`)
        scope.onResponse((_req, res) => {
          res.header('x-inner', options.tag)
        })
      },
    })
    const outer = definePlugin({
      name: 'outer',
      async register(scope: PluginScope) {
        calls.push('outer')
        scope.use(inner, { tag: 'from-outer' })
        scope.get('/outer', () => 'outer route')
        if (scope instanceof Brisk) {
          const extra = new Blueprint('extra', { prefix: '/extra' })
          extra.get('/', () => 'extra route')
          scope.blueprint(extra)
        }
      },
    })
    const needsInner = definePlugin({
      name: 'needs-inner',
      dependencies: ['inner'],
      register: () => void calls.push('needs-inner'),
    })
    const app = new Brisk().use(outer).use(needsInner)
    const client = await make(app)
    try {
      const res = await client.request('/outer')
      expect(res.body).toBe('outer route')
      expect(res.headers['x-inner']).toBe('from-outer')
      expect((await client.request('/extra/')).body).toBe('extra route')
      // What a plugin registers comes right after it, before the plugins used after it.
      expect(calls).toEqual(['outer', 'inner from-outer', 'needs-inner'])
    } finally {
      await client.close()
    }
  })
})

describe('plugin registration', () => {
  it('awaits an async register once, however many requests start the app at the same time', async () => {
    let registrations = 0
    const slow = definePlugin({
      name: 'slow',
      async register(scope) {
        registrations++
        await new Promise((resolve) => setTimeout(resolve, 5))
        scope.onResponse((_req, res) => {
          res.header('x-slow', 'yes')
        })
      },
    })
    const app = new Brisk().use(slow)
    app.get('/', () => 'ok')
    const responses = await Promise.all([
      app.inject('/'),
      app.inject('/'),
      app.fetch(new Request('http://x/')),
    ])
    expect(registrations).toBe(1)
    expect(
      responses.map((r) => (r instanceof Response ? r.headers.get('x-slow') : r.headers['x-slow'])),
    ).toEqual(['yes', 'yes', 'yes'])
    await app.close()
  })

  it('fails at start-up when a plugin is registered twice on one scope, naming the plugin and the scope', async () => {
    const app = new Brisk({ name: 'shop' }).use(timing).use(timing, { header: 'x-other' })
    const error = await startupError(app)
    expect(error.code).toBe('BRISK_ERR_PLUGIN_DUPLICATE')
    expect(error.message).toBe('Plugin "timing" is registered twice on app "shop"')

    const bpApp = new Brisk()
    bpApp.blueprint(new Blueprint('admin').use(timing).use(timing))
    const bpError = await startupError(bpApp)
    expect(bpError.code).toBe('BRISK_ERR_PLUGIN_DUPLICATE')
    expect(bpError.message).toContain('"timing"')
    expect(bpError.message).toContain('blueprint "admin"')
  })

  it('fails as a duplicate when a plugin registers one that the scope already has', async () => {
    const inner = noop('inner')
    const outer = definePlugin({
      name: 'outer',
      register(scope) {
        scope.use(inner)
      },
    })
    const error = await startupError(new Brisk().use(inner).use(outer))
    expect(error.code).toBe('BRISK_ERR_PLUGIN_DUPLICATE')
    expect(error.message).toBe('Plugin "inner" is registered twice on app "brisk"')
  })

  it('allows one plugin on the app and again on a blueprint, each with its own options', async () => {
    const app = new Brisk().use(timing)
    const bp = new Blueprint('bp', { prefix: '/bp' }).use(timing, { header: 'x-bp-time' })
    bp.get('/', () => 'ok')
    app.blueprint(bp)
    const res = await app.inject('/bp/')
    expect(res.headers['x-response-time']).toBeDefined()
    expect(res.headers['x-bp-time']).toBeDefined()
    await app.close()
  })

  it('fails at start-up when a dependency is missing, naming both plugins', async () => {
    const app = new Brisk().use(noop('session-auth', ['session']))
    const error = await startupError(app)
    expect(error.code).toBe('BRISK_ERR_PLUGIN_DEPENDENCY')
    expect(error.message).toContain('"session-auth"')
    expect(error.message).toContain('"session"')
  })

  it('fails when the dependency is registered after the plugin that needs it', async () => {
    const app = new Brisk().use(noop('needs', ['base'])).use(noop('base'))
    expect((await startupError(app)).code).toBe('BRISK_ERR_PLUGIN_DEPENDENCY')
  })

  it("accepts a blueprint plugin's dependency registered on the app, also for a blueprint inside a group", async () => {
    const order: string[] = []
    const base = definePlugin({ name: 'base', register: () => void order.push('base on app') })
    const needs = (where: string) =>
      definePlugin({
        name: 'needs-base',
        dependencies: ['base'],
        register: () => void order.push(`needs-base on ${where}`),
      })
    const app = new Brisk().use(base)
    const bp = new Blueprint('bp').use(needs('bp'))
    const nested = new Blueprint('nested').use(needs('nested'))
    app.blueprint(bp).blueprint(Blueprint.group([nested], { name: 'g', prefix: '/g' }))
    await expect(app.ready()).resolves.toBeUndefined()
    // The app's plugins register first, so a blueprint's plugin can rely on them.
    expect(order).toEqual(['base on app', 'needs-base on bp', 'needs-base on nested'])
    await app.close()
  })

  it('does not accept a dependency registered on a sibling blueprint', async () => {
    const app = new Brisk()
    const a = new Blueprint('a').use(noop('base'))
    const b = new Blueprint('b').use(noop('needs-base', ['base']))
    app.blueprint(a).blueprint(b)
    const error = await startupError(app)
    expect(error.code).toBe('BRISK_ERR_PLUGIN_DEPENDENCY')
    expect(error.message).toContain('blueprint "b"')
  })

  it('fails at start-up when the core range excludes this version, naming the plugin and both versions', async () => {
    const future = definePlugin({ name: 'from-the-future', core: '>=99.0.0', register() {} })
    const error = await startupError(new Brisk().use(future))
    expect(error.code).toBe('BRISK_ERR_PLUGIN_CORE_VERSION')
    expect(error.message).toContain('"from-the-future"')
    expect(error.message).toContain('>=99.0.0')
    expect(error.message).toContain(VERSION)
  })

  it('accepts a core range that includes this version', async () => {
    const [major, minor] = VERSION.split('.')
    for (const core of [`>=${major}.${minor}.0`, `^${VERSION}`, `${major}.x`, '*']) {
      const app = new Brisk().use(definePlugin({ name: 'fits', core, register() {} }))
      await expect(app.ready()).resolves.toBeUndefined()
      await app.close()
    }
  })

  it('fails at start-up on a core range that is not a semver range, naming it', async () => {
    const error = await startupError(
      new Brisk().use(definePlugin({ name: 'sloppy', core: 'the latest one', register() {} })),
    )
    expect(error.code).toBe('BRISK_ERR_PLUGIN_CORE_VERSION')
    expect(error.message).toBe('Plugin "sloppy" has an invalid core range "the latest one"')
  })

  it('wraps an error thrown by register, naming the plugin and the scope and keeping the cause', async () => {
    const cause = new Error('cannot read config')
    const broken = definePlugin({
      name: 'broken',
      async register() {
        await Promise.resolve()
        throw cause
      },
    })
    const error = await startupError(new Brisk({ name: 'shop' }).use(broken))
    expect(error.code).toBe('BRISK_ERR_PLUGIN_REGISTER')
    expect(error.message).toBe('Plugin "broken" failed to register on app "shop": cannot read config')
    expect(error.cause).toBe(cause)

    const badOptions = await startupError(new Brisk().use(timing, { header: 'bad header' }))
    expect(badOptions.code).toBe('BRISK_ERR_PLUGIN_REGISTER')
    expect(badOptions.message).toContain('"timing"')
    expect(badOptions.message).toContain('the header must be a header name')
  })

  it('keeps failing with the same error, and serves nothing, after a failed start-up', async () => {
    const app = new Brisk({ logger: quiet }).use(noop('needs', ['missing']))
    app.get('/', () => 'ok')
    const first = await startupError(app)
    await expect(app.inject('/')).rejects.toBe(first)
    await expect(app.fetch(new Request('http://x/'))).rejects.toBe(first)
    await expect(app.listen({ port: 0 })).rejects.toBe(first)
    expect(app.server).toBeNull()
    await app.close()
  })

  it('refuses what definePlugin cannot use with a TypeError', () => {
    const register = (): void => {}
    expect(() => definePlugin(undefined as never)).toThrow(TypeError)
    expect(() => definePlugin({ register } as never)).toThrow(
      'definePlugin(): `name` must be a non-empty string',
    )
    expect(() => definePlugin({ name: '', register })).toThrow(TypeError)
    expect(() => definePlugin({ name: 42, register } as never)).toThrow(TypeError)
    expect(() => definePlugin({ name: 'x' } as never)).toThrow(
      'definePlugin(): plugin "x" needs a register(scope, options) function',
    )
    expect(() => definePlugin({ name: 'x', register, dependencies: 'base' as never })).toThrow(
      'definePlugin(): plugin "x" has dependencies that are not an array of names',
    )
  })

  it('returns a frozen plugin that later changes to the definition do not reach', () => {
    const dependencies = ['a']
    const plugin = definePlugin({ name: 'frozen', dependencies, register() {} })
    dependencies.push('b')
    expect(plugin.dependencies).toEqual(['a'])
    expect(Object.isFrozen(plugin)).toBe(true)
  })

  it('refuses use() of something that is not a plugin, and use() after start', async () => {
    const app = new Brisk()
    expect(() => app.use({ name: 'fake' } as never)).toThrow(
      new TypeError('use(): expected a plugin made with definePlugin()'),
    )
    expect(() => new Blueprint('bp').use(null as never)).toThrow(TypeError)
    await app.ready()
    expect(() => app.use(timing)).toThrow(expect.objectContaining({ code: 'BRISK_ERR_APP_STARTED' }))
    await app.close()
  })

  it('types req.ctx with what a plugin adds where it is registered, and not elsewhere', () => {
    const app = new Brisk().use(timing).use(auth)
    app.get('/', (req) => {
      expectTypeOf(req.ctx).toEqualTypeOf<TimingCtx & { scopes: string[] }>()
      return null
    })
    new Brisk().get('/', (req) => {
      // @ts-expect-error: no plugin added startedAt to this app
      return req.ctx.startedAt
    })
    // @ts-expect-error: an option the plugin does not take
    new Brisk().use(timing, { headers: 'x' })
  })
})
