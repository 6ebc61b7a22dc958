import { describe, expect, it } from 'vitest'
import { Blueprint, Brisk, BriskError, type BriskRequest, empty, HTTPMethodView, json } from '../src/index'
import { forEachEntry, type Got, once } from './_matrix'

/** A view over an in-memory store, with get, post and delete. */
class BookView extends HTTPMethodView<{ id: number }> {
  readonly store = new Map<number, string>([[1, 'Dune']])

  override get(req: BriskRequest<{ id: number }>) {
    const title = this.store.get(req.params.id)
    return title === undefined ? json({ missing: req.params.id }, 404) : { id: req.params.id, title }
  }

  override async post(req: BriskRequest<{ id: number }>) {
    const { title } = await req.json<{ title: string }>()
    this.store.set(req.params.id, title)
    return json({ id: req.params.id, title }, 201)
  }

  override delete(req: BriskRequest<{ id: number }>) {
    this.store.delete(req.params.id)
    return empty()
  }
}

forEachEntry('app.view()', (make) => {
  it('routes each verb the view defines to its method, with `this` bound to the view', async () => {
    const app = new Brisk()
    app.view('/books/:id<int>', BookView)
    const client = await make(app)
    const results: Got[] = []
    try {
      results.push(await client.request('/books/1'))
      results.push(await client.request({ method: 'POST', url: '/books/2', body: { title: 'Emma' } }))
      results.push(await client.request('/books/2'))
      results.push(await client.request({ method: 'DELETE', url: '/books/1' }))
      results.push(await client.request('/books/1'))
    } finally {
      await client.close()
    }
    expect(results.map((r) => r.status)).toEqual([200, 201, 200, 204, 404])
    expect(results[0]!.json()).toEqual({ id: 1, title: 'Dune' })
    expect(results[1]!.json()).toEqual({ id: 2, title: 'Emma' })
    expect(results[2]!.json()).toEqual({ id: 2, title: 'Emma' })
    expect(results[4]!.json()).toEqual({ missing: 1 })
  })

  it('answers a verb the view does not define with 405 and the right Allow', async () => {
    const app = new Brisk()
    app.view('/books/:id<int>', BookView)
    const res = await once(make, app, { method: 'PUT', url: '/books/1' })
    expect(res.status).toBe(405)
    expect(res.headers.allow).toBe('DELETE, GET, HEAD, OPTIONS, POST')
    expect(res.json()).toMatchObject({ status: 405, code: 'BRISK_ERR_METHOD_NOT_ALLOWED' })
  })

  it('answers HEAD from the view’s get and OPTIONS with its verbs', async () => {
    const app = new Brisk()
    app.view('/books/:id<int>', BookView)
    const client = await make(app)
    try {
      const head = await client.request({ method: 'HEAD', url: '/books/1' })
      expect([head.status, head.body, head.headers['content-type']]).toEqual([200, '', 'application/json'])
      const options = await client.request({ method: 'OPTIONS', url: '/books/1' })
      expect(options.status).toBe(204)
      expect(options.headers.allow).toBe('DELETE, GET, HEAD, OPTIONS, POST')
    } finally {
      await client.close()
    }
  })

  it('does not match a path whose parameter does not fit', async () => {
    const app = new Brisk()
    app.view('/books/:id<int>', BookView)
    const res = await once(make, app, '/books/dune')
    expect(res.status).toBe(404)
  })

  it('takes a view instance as well as a class', async () => {
    const app = new Brisk()
    const view = new BookView()
    view.store.set(9, 'Kindred')
    app.view('/books/:id<int>', view)
    const res = await once(make, app, '/books/9')
    expect(res.json()).toEqual({ id: 9, title: 'Kindred' })
  })

  it('applies route options such as version and route middleware to every verb', async () => {
    const app = new Brisk()
    class Ping extends HTTPMethodView {
      override get() {
        return 'pong'
      }
      override patch() {
        return 'patched'
      }
    }
    app.view('/ping', Ping, { version: 2, onResponse: (_req, res) => void res.header('x-view', 'ping') })
    const client = await make(app)
    try {
      const get = await client.request('/v2/ping')
      const patch = await client.request({ method: 'PATCH', url: '/v2/ping' })
      expect([get.body, get.headers['x-view']]).toEqual(['pong', 'ping'])
      expect([patch.body, patch.headers['x-view']]).toEqual(['patched', 'ping'])
      expect((await client.request('/ping')).status).toBe(404)
    } finally {
      await client.close()
    }
  })

  it('lets a view define head and options itself', async () => {
    const app = new Brisk()
    class Custom extends HTTPMethodView {
      override get() {
        return 'body'
      }
      override head() {
        return empty({ status: 200, headers: { 'x-from': 'head' } })
      }
      override options() {
        return empty({ status: 204, headers: { allow: 'GET, HEAD, OPTIONS', 'x-from': 'options' } })
      }
    }
    app.view('/c', Custom)
    const client = await make(app)
    try {
      const head = await client.request({ method: 'HEAD', url: '/c' })
      const options = await client.request({ method: 'OPTIONS', url: '/c' })
      expect(head.headers['x-from']).toBe('head')
      expect(options.headers['x-from']).toBe('options')
    } finally {
      await client.close()
    }
  })
})

forEachEntry('blueprint.view()', (make) => {
  it('mounts the view under the blueprint prefix, with the blueprint middleware', async () => {
    const app = new Brisk()
    const shop = new Blueprint('shop', { prefix: '/shop' })
    shop.onResponse((_req, res) => void res.header('x-bp', 'shop'))
    shop.view('/books/:id<int>', BookView)
    app.blueprint(shop)
    const client = await make(app)
    try {
      const hit = await client.request('/shop/books/1')
      expect(hit.json()).toEqual({ id: 1, title: 'Dune' })
      expect(hit.headers['x-bp']).toBe('shop')
      const wrong = await client.request({ method: 'PATCH', url: '/shop/books/1' })
      expect(wrong.status).toBe(405)
      expect(wrong.headers.allow).toBe('DELETE, GET, HEAD, OPTIONS, POST')
      expect((await client.request('/books/1')).status).toBe(404)
    } finally {
      await client.close()
    }
  })
})

describe('view registration', () => {
  it('throws a TypeError for a view that defines no verb', () => {
    class Empty extends HTTPMethodView {}
    const app = new Brisk()
    expect(() => app.view('/nothing', Empty)).toThrow(
      new TypeError('view(): the view for /nothing defines no get/post/put/patch/delete/head/options method'),
    )
    expect(() => new Blueprint('bp').view('/nothing', Empty)).toThrow(TypeError)
  })

  it('names the view routes after the class, inside a blueprint too', async () => {
    const app = new Brisk()
    const bp = new Blueprint('library')
    bp.view('/books/:id<int>', BookView)
    app.view('/b/:id<int>', BookView, { name: 'book' })
    app.blueprint(bp)
    await app.ready()
    expect(app.urlFor('library.BookView', { id: 3 })).toBe('/books/3')
    expect(app.urlFor('book', { id: 3 })).toBe('/b/3')
    const names = app
      .routes()
      .filter((r) => !r.automatic)
      .map((r) => `${r.method} ${r.name}`)
    expect(names).toEqual([
      'GET book',
      'POST book',
      'DELETE book',
      'GET library.BookView',
      'POST library.BookView',
      'DELETE library.BookView',
    ])
  })

  it('lets the same view class serve two paths, each reachable by an explicit name', async () => {
    const app = new Brisk()
    app.view('/a/:id<int>', BookView)
    app.view('/b/:id<int>', BookView)
    app.view('/c/:id<int>', BookView, { name: 'c' })
    await app.ready()
    expect(() => app.urlFor('BookView', { id: 1 })).toThrow(/names several routes/)
    expect(app.urlFor('c', { id: 1 })).toBe('/c/1')
  })

  it('fails at the registering line when the path is bad', () => {
    const app = new Brisk()
    expect(() => app.view('/books/:id<number>', BookView as never)).toThrow(/unknown type "number"/)
    expect(() => app.view(7 as never, BookView)).toThrow(/the path must be a string/)
  })

  it('throws BRISK_ERR_APP_STARTED when a view is added after start', async () => {
    const app = new Brisk()
    await app.ready()
    class Late extends HTTPMethodView {
      override get() {
        return 'late'
      }
    }
    let thrown: unknown
    try {
      app.view('/late', Late)
    } catch (error) {
      thrown = error
    }
    expect(thrown).toBeInstanceOf(BriskError)
    expect((thrown as BriskError).code).toBe('BRISK_ERR_APP_STARTED')
  })
})
