import { Blueprint, Brisk, json, Unauthorized } from '@brisk/core'
import { afterEach, describe, expect, it } from 'vitest'
import { TEST_ID_HEADER, type TestClient, TestClientError, testClient } from '../src/index'
import { type Echo, modes, shopApp, silent } from './_apps'

const open: TestClient[] = []
afterEach(async () => {
  await Promise.all(open.splice(0).map((c) => c.close()))
})

function track(c: TestClient): TestClient {
  open.push(c)
  return c
}

describe.each(modes)('res.request in %s mode', (mode) => {
  it('has the params, ctx, route name, method, path and query the handler saw', async () => {
    const c = track(testClient(shopApp(), { mode }))
    const res = await c.get('/books/42?tab=reviews&tag=a&tag=b', { headers: { authorization: 'Bearer ada' } })
    const seen = res.request
    expect(seen.params).toEqual({ id: 42 })
    expect(typeof seen.params.id).toBe('number')
    expect(seen.ctx).toEqual({ user: 'ada', seen: 42 })
    expect(seen.routeName).toBe('books.show')
    expect(seen.route).toMatchObject({
      method: 'GET',
      path: '/books/:id<int>',
      name: 'books.show',
      blueprint: 'books',
    })
    expect(seen.method).toBe('GET')
    expect(seen.path).toBe('/books/42')
    expect(seen.url).toBe('/books/42?tab=reviews&tag=a&tag=b')
    expect(seen.query).toEqual({ tab: 'reviews', tag: ['a', 'b'] })
    expect(seen.headers.authorization).toBe('Bearer ada')
    expect(seen.raw.params).toBe(seen.raw.params) // the BriskRequest itself
    expect(seen.raw.method).toBe('GET')
  })

  it('has route null when no route matched (404 and 405)', async () => {
    const c = track(testClient(shopApp(), { mode }))
    const missing = await c.get('/bookz')
    expect(missing.status).toBe(404)
    expect(missing.request.route).toBeNull()
    expect(missing.request.routeName).toBeUndefined()
    expect(missing.request.path).toBe('/bookz')
    const wrongMethod = await c.put('/books')
    expect(wrongMethod.status).toBe(405)
    expect(wrongMethod.request.route).toBeNull()
  })

  it('captures a request a middleware answered before the handler', async () => {
    const app = new Brisk({ logger: silent })
    app.onRequest((req) => {
      if (req.headers.authorization === undefined) throw new Unauthorized('Log in first')
    })
    app.get('/private', { name: 'private' }, () => 'secret')
    const c = track(testClient(app, { mode }))
    const res = await c.get('/private')
    expect(res.status).toBe(401)
    expect(res.request.routeName).toBe('private')
  })

  it('captures a request whose handler threw', async () => {
    const c = track(testClient(shopApp(), { mode }))
    const res = await c.get('/boom')
    expect(res.status).toBe(500)
    expect(res.request.routeName).toBe('boom')
  })

  it('captures a request whose route-level response middleware threw', async () => {
    const app = new Brisk({ logger: silent })
    app.get(
      '/fragile',
      {
        name: 'fragile',
        onResponse: () => {
          throw new Error('after the fact')
        },
      },
      () => 'ok',
    )
    const c = track(testClient(app, { mode }))
    const res = await c.get('/fragile')
    expect(res.status).toBe(500)
    expect(res.request.routeName).toBe('fragile')
  })

  it('hides the correlation header from the handler and from res.request.headers', async () => {
    const c = track(testClient(shopApp(), { mode }))
    const res = await c.get('/echo')
    expect(res.json<Echo>().headers[TEST_ID_HEADER]).toBeUndefined()
    expect(res.request.headers[TEST_ID_HEADER]).toBeUndefined()
  })

  it('lets app middleware registered before the client see the correlation header', async () => {
    const app = new Brisk({ logger: silent })
    let tag: unknown
    app.onRequest((req) => {
      tag = req.headers[TEST_ID_HEADER]
    })
    app.get('/', () => 'ok')
    const c = track(testClient(app, { mode }))
    await c.get('/')
    expect(tag).toMatch(/^\w+-\d+$/)
  })

  it('keeps the captures of parallel requests apart', async () => {
    const app = new Brisk({ logger: silent })
    app.get('/slow/:n<int>', { name: 'slow' }, async (req) => {
      await new Promise((resolve) => setTimeout(resolve, (10 - req.params.n) * 3))
      ;(req.ctx as { n?: number }).n = req.params.n
      return { n: req.params.n }
    })
    const c = track(testClient(app, { mode }))
    const all = await Promise.all(Array.from({ length: 10 }, (_, n) => c.get(`/slow/${n}`)))
    for (const [n, res] of all.entries()) {
      expect(res.json().n).toBe(n)
      expect(res.request.params.n).toBe(n)
      expect(res.request.ctx).toEqual({ n })
    }
  })

  it('serves two clients of one app, each with its own captures', async () => {
    const app = shopApp()
    const a = track(testClient(app, { mode, closeApp: false }))
    const b = track(testClient(app, { mode }))
    const [ra, rb] = await Promise.all([a.get('/books/1'), b.get('/books/2')])
    expect(ra.request.params.id).toBe(1)
    expect(rb.request.params.id).toBe(2)
  })

  it('reads ctx as the handler left it, including later middleware', async () => {
    const app = new Brisk<{ ctx: { trail: string[] } }>({ logger: silent })
    app.onRequest((req) => {
      req.ctx.trail = ['app']
    })
    const bp = new Blueprint<{ ctx: { trail: string[] } }>('inner', { prefix: '/inner' })
    bp.onRequest((req) => {
      req.ctx.trail.push('blueprint')
    })
    bp.get('/', { name: 'root' }, (req) => {
      req.ctx.trail.push('handler')
      return json({ ok: true })
    })
    app.blueprint(bp)
    const c = track(testClient(app, { mode }))
    const res = await c.get('/inner')
    expect(res.request.ctx.trail).toEqual(['app', 'blueprint', 'handler'])
    expect(res.request.routeName).toBe('inner.root')
  })
})

describe('res.request on an app that had started before the client', () => {
  it('throws BRISK_TEST_ERR_NO_REQUEST and says why, while responses still work', async () => {
    const app = shopApp()
    await app.inject({ url: '/books' }) // starts the app: hooks can no longer be added
    const c = track(testClient(app))
    const res = await c.get('/books/3')
    expect(res.status).toBe(200)
    expect(res.json().id).toBe(3)
    let error: unknown
    try {
      void res.request
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(TestClientError)
    expect((error as TestClientError).code).toBe('BRISK_TEST_ERR_NO_REQUEST')
    expect((error as Error).message).toMatch(/the app had started before the first client was created/)
  })

  it('still works for a client made before the app started, whatever came after', async () => {
    const app = shopApp()
    const first = track(testClient(app, { closeApp: false }))
    await first.get('/books')
    const second = track(testClient(app))
    expect((await second.get('/books/5')).request.params.id).toBe(5)
  })
})
