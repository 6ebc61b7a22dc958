/**
 * One blueprint in many apps. Blueprints declared once at a module's top level, as the READMEs write them, and a
 * new app for every test, as @brisk/testing's `createTest` fixtures build them, must work together: each app
 * starts with its own copy of every blueprint it mounts (routes, groups, middleware, listeners, plugins, names).
 */
import { test as base, describe, expect, it } from 'vitest'
import { Blueprint, Brisk, BriskError, type BriskRequest, definePlugin, json, NotFound } from '../src/index'
import { makeClient, many } from './_matrix'

/** Runs `fn`, expecting it to throw; returns what it threw. */
function thrownBy(fn: () => unknown): Error & { code?: string } {
  try {
    fn()
  } catch (error) {
    return error as Error & { code?: string }
  }
  throw new Error('expected a throw')
}

// ─── Module-level blueprints, as an app's own files declare them ─────────────────────────────────────────

/** How often each blueprint-level thing ran, over every app of this file. */
const runs = { stamp: 0, beforeStart: 0, afterStop: 0, register: 0 }

/** A plugin on a blueprint: registered once per app, on that app's copy. */
const stamp = definePlugin<{ header: string }>({
  name: 'stamp',
  register(scope, options) {
    runs.register++
    let served = 0 // one counter per registration, so per app
    scope.onRequest(() => void runs.stamp++)
    scope.onResponse((_req, res) => void res.header(options.header, String(++served)))
  },
})

const books = new Blueprint('books', { prefix: '/books' }).use(stamp, { header: 'x-served' })
books.get('/', { name: 'list' }, () => ['Dune'])
books.get('/:id<int>', { name: 'show' }, (req) => {
  if (req.params.id !== 1) throw new NotFound(`No book ${req.params.id}`)
  return { id: 1, title: 'Dune', trail: (req as BriskRequest<any, any>).ctx.trail }
})
books.onRequest((req: BriskRequest<any, any>) => {
  req.ctx.trail = [...(req.ctx.trail ?? []), 'books']
})
books.onError(NotFound, (error) => json({ missing: error.message }, 404))
books.beforeStart(() => void runs.beforeStart++)
books.afterStop(() => void runs.afterStop++)

const authors = new Blueprint('authors', { prefix: '/authors' })
authors.get('/', { name: 'list' }, () => ['Herbert'])

const inner = Blueprint.group([authors], { prefix: '/people', name: 'people' })
inner.onRequest((req: BriskRequest<any, any>) => {
  req.ctx.trail = [...(req.ctx.trail ?? []), 'people']
})
const api = Blueprint.group([books, inner], { prefix: '/api', version: 1, name: 'api' })
api.onRequest((req: BriskRequest<any, any>) => {
  req.ctx.trail = ['api']
})

/** The factory every test calls through the fixture: a new app each time, mounting the same blueprints. */
function makeApp(name = 'shop'): Brisk {
  const app = new Brisk({ name })
  app.get('/', () => 'home')
  app.blueprint(api)
  return app
}

/** Vitest's `test` with a new app per test, as `createTest(makeApp)` from @brisk/testing builds it. */
const test = base.extend<{ app: Brisk }>({
  // biome-ignore lint/correctness/noEmptyPattern: Vitest reads a fixture's dependencies from this pattern; it has none
  app: async ({}, use) => {
    const app = makeApp()
    await use(app)
    await app.close()
  },
})

describe('module-level blueprints with a new app per test', () => {
  test('the first app serves the blueprints, groups and nested groups', async ({ app }) => {
    const list = await app.inject('/api/v1/books')
    expect(list.status).toBe(200)
    expect(list.json()).toEqual(['Dune'])
    expect((await app.inject('/api/people/v1/authors')).json()).toEqual(['Herbert'])
    expect((await app.inject('/api/v1/books/1')).json()).toEqual({
      id: 1,
      title: 'Dune',
      trail: ['api', 'books'],
    })
  })

  test('the second app serves them too, with the blueprint error handler', async ({ app }) => {
    const missing = await app.inject('/api/v1/books/2')
    expect(missing.status).toBe(404)
    expect(missing.json()).toEqual({ missing: 'No book 2' })
    expect((await app.inject('/books/1')).status).toBe(404)
  })

  test('each app has its own route table and names for urlFor', async ({ app }) => {
    await app.ready()
    expect(app.urlFor('books.show', { id: 1 })).toBe('/api/v1/books/1')
    expect(app.urlFor('authors.list')).toBe('/api/people/v1/authors')
    expect(app.routes().filter((r) => r.blueprint === 'books' && !r.automatic)).toHaveLength(2)
  })

  test('a plugin on a blueprint registers once per app, so its hooks run once per request', async ({
    app,
  }) => {
    const before = { register: runs.register, stamp: runs.stamp }
    const first = await app.inject('/api/v1/books')
    const second = await app.inject('/api/v1/books')
    expect(runs.register - before.register).toBe(1)
    expect(runs.stamp - before.stamp).toBe(2)
    // The counter lives in this app's registration: it starts again at 1 in every app.
    expect([first.headers['x-served'], second.headers['x-served']]).toEqual(['1', '2'])
  })

  test('blueprint listeners run once per app that starts and stops', async () => {
    const before = { ...runs }
    for (const name of ['one', 'two', 'three']) {
      const app = makeApp(name)
      expect((await app.inject('/api/v1/books')).status).toBe(200)
      await app.close()
    }
    expect(runs.beforeStart - before.beforeStart).toBe(3)
    expect(runs.afterStop - before.afterStop).toBe(3)
  })

  test('an app that never starts runs none of them', async () => {
    const before = { ...runs }
    const app = makeApp('idle')
    await app.close()
    expect(runs).toEqual(before)
  })
})

describe('one blueprint in several apps at once', () => {
  it('serves from two apps on real sockets, Brisk server and node:http, each with its own copy', async () => {
    const one = makeApp('one')
    const two = new Brisk({ name: 'two', server: 'node' })
    // The same blueprint, elsewhere in the second app: its routes and names follow where it is mounted.
    two.blueprint(Blueprint.group([books], { prefix: '/v2-shop', name: 'shop2' }))
    const a = await makeClient(one, 'node')
    const b = await makeClient(two, 'node-http')
    try {
      const [fromOne, fromTwo] = await Promise.all([
        a.request('/api/v1/books/1'),
        b.request('/v2-shop/books/1'),
      ])
      expect(fromOne.json()).toEqual({ id: 1, title: 'Dune', trail: ['api', 'books'] })
      expect(fromTwo.json()).toEqual({ id: 1, title: 'Dune', trail: ['books'] })
      expect(fromOne.headers['x-served']).toBe('1')
      expect(fromTwo.headers['x-served']).toBe('1')
      expect(one.urlFor('books.show', { id: 1 })).toBe('/api/v1/books/1')
      expect(two.urlFor('books.show', { id: 1 })).toBe('/v2-shop/books/1')
      expect((await b.request('/api/v1/books/1')).status).toBe(404)
      // Closing one app leaves the other serving.
      await a.close()
      expect((await b.request('/v2-shop/books')).json()).toEqual(['Dune'])
    } finally {
      await a.close()
      await b.close()
    }
  })

  it('starts two apps that share blueprints at the same time', async () => {
    const apps = ['x', 'y', 'z'].map((name) => makeApp(name))
    await Promise.all(apps.map((app) => app.ready()))
    const bodies = await Promise.all(apps.map(async (app) => (await app.inject('/api/v1/books')).json()))
    expect(bodies).toEqual([['Dune'], ['Dune'], ['Dune']])
    await Promise.all(apps.map((app) => app.close()))
  })

  it('keeps the class and own fields of a blueprint subclass in each copy', async () => {
    class Shelf extends Blueprint {
      readonly label = 'fiction'
    }
    const shelf = new Shelf('shelf')
    shelf.get('/shelf', () => 'shelf')
    const seen: unknown[] = []
    const probe = definePlugin({
      name: 'probe',
      register(scope) {
        seen.push([scope instanceof Shelf, (scope as Shelf).label, scope === shelf])
      },
    })
    shelf.use(probe)
    for (const name of ['a', 'b']) {
      const app = new Brisk({ name })
      app.blueprint(shelf)
      expect((await app.inject('/shelf')).body).toBe('shelf')
    }
    expect(seen).toEqual([
      [true, 'fiction', false],
      [true, 'fiction', false],
    ])
  })
})

describe('what a plugin adds to a mounted blueprint while an app starts', () => {
  /** Like @brisk/jwt with `blueprint: authBp`: the app's plugin puts its endpoints on a blueprint of yours. */
  const endpoints = definePlugin<{ blueprint: Blueprint; secret: string }>({
    name: 'endpoints',
    register(_scope, { blueprint, secret }) {
      blueprint.post('/login', { name: 'login' }, () => ({ secret }))
      blueprint.onResponse((_req, res) => void res.header('x-endpoints', secret))
    },
  })

  it('belongs to that app only: every app gets the endpoints once, with its own options', async () => {
    const auth = new Blueprint('auth', { prefix: '/auth' })
    auth.get('/status', { name: 'status' }, () => 'up')
    const apps = ['first', 'second'].map((secret) => {
      const app = new Brisk({ name: secret }).use(endpoints, { blueprint: auth, secret })
      app.blueprint(Blueprint.group([auth], { prefix: '/api' }))
      return app
    })
    for (const app of apps) {
      const [login, status] = await many((a) => makeClient(a, 'inject'), app, [
        { method: 'POST', url: '/api/auth/login' },
        '/api/auth/status',
      ])
      expect(login!.json()).toEqual({ secret: app.name })
      expect(status!.headers['x-endpoints']).toBe(app.name)
    }
    expect(apps.map((app) => app.routes().filter((r) => r.name === 'auth.login').length)).toEqual([1, 1])
    // The blueprint itself is as its module left it: the endpoints were the apps' own.
    const bare = new Brisk({ name: 'bare' })
    bare.blueprint(auth)
    expect((await bare.inject({ method: 'POST', url: '/auth/login' })).status).toBe(404)
    expect((await bare.inject('/auth/status')).headers['x-endpoints']).toBeUndefined()
  })
})

describe('changing a blueprint after it was mounted', () => {
  it('is seen by the app when done before the app starts', async () => {
    const late = new Blueprint('late')
    const app = new Brisk()
    app.blueprint(late)
    late.get('/added-after-mounting', () => 'seen')
    expect((await app.inject('/added-after-mounting')).body).toBe('seen')
  })

  it('is refused with BRISK_ERR_APP_STARTED once an app that mounts it has started', async () => {
    const shared = new Blueprint('shared')
    shared.get('/a', () => 'a')
    const group = Blueprint.group([shared], { name: 'wrap' })
    const app = new Brisk({ name: 'first' })
    app.blueprint(group)
    await app.ready()
    const attempts: [string, () => unknown][] = [
      ['route', () => shared.get('/b', () => 'b')],
      ['onRequest', () => shared.onRequest(() => undefined)],
      ['use', () => shared.use(stamp, { header: 'x' })],
      ['beforeStart', () => shared.beforeStart(() => undefined)],
      ['append', () => group.append(new Blueprint('more'))],
    ]
    for (const [what, attempt] of attempts) {
      const error = thrownBy(attempt)
      expect(error, what).toBeInstanceOf(BriskError)
      expect(error.code, what).toBe('BRISK_ERR_APP_STARTED')
    }
    expect(thrownBy(() => shared.get('/b', () => 'b')).message).toBe(
      'route(): blueprint "shared" is mounted in app "first", which has started; each app copies a blueprint when it starts, so finish it before the first of them starts (or build it in a function)',
    )
    // Mounting it in another app is not a change to it, and that app serves it as it was.
    const next = new Brisk({ name: 'next' })
    next.blueprint(shared)
    expect((await next.inject('/a')).body).toBe('a')
    expect((await next.inject('/b')).status).toBe(404)
    await app.close()
  })

  it('a blueprint whose app failed to start is left as it was, and still open', async () => {
    const open = new Blueprint('open')
    open.get('/x', () => 'x')
    const broken = new Brisk({ name: 'broken' })
    broken.beforeStart(() => {
      throw new Error('no database')
    })
    broken.blueprint(open)
    await expect(broken.ready()).rejects.toThrow('no database')
    // It compiled before the listener failed, so it counts as started with; a failed plugin would not.
    expect(() => open.get('/y', () => 'y')).toThrow(BriskError)

    const failing = definePlugin({
      name: 'failing',
      register() {
        throw new Error('bad options')
      },
    })
    const fresh = new Blueprint('fresh')
    const app = new Brisk().use(failing)
    app.blueprint(fresh)
    await expect(app.ready()).rejects.toThrow(/bad options/)
    fresh.get('/later', () => 'later')
    const other = new Brisk()
    other.blueprint(fresh)
    expect((await other.inject('/later')).body).toBe('later')
  })
})

describe('mounting one blueprint twice in one app', () => {
  it('throws BRISK_ERR_BLUEPRINT_MOUNTED at once in the same parent', () => {
    const app = new Brisk()
    const bp = new Blueprint('books')
    app.blueprint(bp)
    const error = thrownBy(() => app.blueprint(bp))
    expect(error).toBeInstanceOf(BriskError)
    expect(error.code).toBe('BRISK_ERR_BLUEPRINT_MOUNTED')
    expect(error.message).toBe('blueprint "books" is already mounted in "brisk"; mount it once per app')
    expect(() => Blueprint.group([bp, bp])).toThrow(/blueprint "books" is already mounted in "group\d+"/)
  })

  it('rejects ready() with BRISK_ERR_BLUEPRINT_MOUNTED when two groups of one app hold it', async () => {
    const bp = new Blueprint('books').get('/', () => 'x')
    const app = new Brisk({ name: 'shop' })
    app.blueprint(Blueprint.group([bp], { name: 'first', prefix: '/a' }))
    app.blueprint(Blueprint.group([bp], { name: 'second', prefix: '/b' }))
    await expect(app.ready()).rejects.toMatchObject({
      code: 'BRISK_ERR_BLUEPRINT_MOUNTED',
      message:
        'blueprint "books" is mounted twice in app "shop" (in group "first" and in group "second"); mount it once per app',
    })
  })

  it('lets one blueprint sit in two groups that are mounted in different apps', async () => {
    const bp = new Blueprint('books').get('/', { name: 'list' }, () => 'books')
    const a = new Brisk().blueprint(Blueprint.group([bp], { prefix: '/a' }))
    const b = new Brisk().blueprint(Blueprint.group([bp], { prefix: '/b' }))
    expect((await a.inject('/a')).body).toBe('books')
    expect((await b.inject('/b')).body).toBe('books')
    expect([a.urlFor('books.list'), b.urlFor('books.list')]).toEqual(['/a', '/b'])
  })
})
