import { describe, expect, it } from 'vitest'
import { Blueprint, Brisk, BriskError, HTTPMethodView, redirect } from '../src/index'
import { forEachEntry, once } from './_matrix'

/** Runs `fn`, expecting it to throw; returns what it threw. */
function thrownBy(fn: () => unknown): Error & { code?: string } {
  try {
    fn()
  } catch (error) {
    return error as Error & { code?: string }
  }
  throw new Error('expected a throw')
}

function ok(): string {
  return 'ok'
}

describe('app.urlFor()', () => {
  it('builds the path of a route with an explicit name', async () => {
    const app = new Brisk()
    app.get('/books/:id<int>', { name: 'books.show' }, ok)
    app.get('/about', { name: 'about' }, ok)
    await app.ready()
    expect(app.urlFor('books.show', { id: 7 })).toBe('/books/7')
    expect(app.urlFor('about')).toBe('/about')
  })

  it('names a route after its handler function when no name is given', async () => {
    const app = new Brisk()
    function listBooks() {
      return []
    }
    const showBook = () => ({})
    app.get('/books', listBooks)
    app.get('/books/:id<int>', showBook)
    app.get('/anonymous', () => 'no name')
    await app.ready()
    expect(app.urlFor('listBooks')).toBe('/books')
    expect(app.urlFor('showBook', { id: 3 })).toBe('/books/3')
    expect(app.routes().find((r) => r.path === '/anonymous')!.name).toBeUndefined()
  })

  it('prefixes names inside a blueprint with the blueprint name, prefix and version included in the path', async () => {
    const app = new Brisk()
    const books = new Blueprint('books', { prefix: '/books', version: 2 })
    books.get('/:id<int>', { name: 'show' }, ok)
    function index() {
      return []
    }
    books.get('/', index)
    books.route({ methods: ['GET', 'POST'], path: '/:id<int>/reviews', name: 'reviews', handler: ok })
    app.blueprint(books)
    await app.ready()
    expect(app.urlFor('books.show', { id: 1 })).toBe('/v2/books/1')
    expect(app.urlFor('books.index')).toBe('/v2/books')
    expect(app.urlFor('books.reviews', { id: 4 })).toBe('/v2/books/4/reviews')
    expect(() => app.urlFor('show', { id: 1 })).toThrow(/no route is named "show"/)
  })

  it('builds the path of a group member with the group prefix and version', async () => {
    const app = new Brisk()
    const authors = new Blueprint('authors', { prefix: '/authors' })
    authors.get('/:slug<slug>', { name: 'show' }, ok)
    app.blueprint(Blueprint.group([authors], { prefix: '/api', version: 1 }))
    await app.ready()
    expect(app.urlFor('authors.show', { slug: 'ursula-le-guin' })).toBe('/api/v1/authors/ursula-le-guin')
  })

  it('names a class-based view after its class, one name for all its verbs', async () => {
    const app = new Brisk()
    class BookView extends HTTPMethodView {
      override get() {
        return 'get'
      }
      override delete() {
        return 'delete'
      }
    }
    app.view('/books/:id<int>', BookView)
    const bp = new Blueprint('shop')
    bp.view('/cart', BookView, { name: 'cart' })
    app.blueprint(bp)
    await app.ready()
    expect(app.urlFor('BookView', { id: 5 })).toBe('/books/5')
    expect(app.urlFor('shop.cart')).toBe('/cart')
  })

  it('appends a query string, repeating keys for arrays and skipping undefined values', async () => {
    const app = new Brisk()
    app.get('/search', { name: 'search' }, ok)
    await app.ready()
    expect(app.urlFor('search', {}, { q: 'dune & co', page: 2 })).toBe('/search?q=dune+%26+co&page=2')
    expect(app.urlFor('search', {}, { tag: ['a', 'b c'], skip: undefined })).toBe('/search?tag=a&tag=b+c')
    expect(app.urlFor('search', {}, { skip: undefined })).toBe('/search')
    expect(app.urlFor('search', {}, {})).toBe('/search')
  })

  it('percent-encodes parameter values, keeping the slashes of a <path> value', async () => {
    const app = new Brisk()
    app.get('/hello/:name', { name: 'hello' }, ok)
    app.get('/files/:rest<path>', { name: 'file' }, ok)
    await app.ready()
    expect(app.urlFor('hello', { name: 'Jürgen Ö/x?' })).toBe('/hello/J%C3%BCrgen%20%C3%96%2Fx%3F')
    expect(app.urlFor('file', { rest: 'docs/a b.txt' })).toBe('/files/docs/a%20b.txt')
  })

  it('takes numbers and numeric strings for <int> and <float> parameters', async () => {
    const app = new Brisk()
    app.get('/p/:id<int>/:price<float>', { name: 'p' }, ok)
    await app.ready()
    expect(app.urlFor('p', { id: -3, price: 9.5 })).toBe('/p/-3/9.5')
    expect(app.urlFor('p', { id: '12', price: '1' })).toBe('/p/12/1')
  })

  it('throws a clear error when a value does not fit its parameter type', async () => {
    const app = new Brisk()
    app.get('/books/:id<int>', { name: 'show' }, ok)
    app.get('/u/:id<uuid>', { name: 'user' }, ok)
    app.get('/c/:code<re:[A-Z]{2}>', { name: 'country' }, ok)
    await app.ready()
    const error = thrownBy(() => app.urlFor('show', { id: 'abc' }))
    expect(error.code).toBe('BRISK_ERR_URL_PARAMS')
    expect(error.message).toBe(
      'Cannot build "/books/:id<int>": parameter "id" does not fit <int> (got "abc")',
    )
    expect(() => app.urlFor('show', { id: 1.5 })).toThrow(/"id" does not fit <int> \(got 1.5\)/)
    expect(() => app.urlFor('show', { id: { n: 1 } })).toThrow(/"id" does not fit <int> \(got object\)/)
    expect(() => app.urlFor('user', { id: 'not-a-uuid' })).toThrow(/does not fit <uuid>/)
    expect(() => app.urlFor('country', { code: 'fra' })).toThrow(/does not fit <re>/)
    expect(app.urlFor('country', { code: 'FR' })).toBe('/c/FR')
  })

  it('throws a clear error when a parameter is missing', async () => {
    const app = new Brisk()
    app.get('/books/:id<int>', { name: 'show' }, ok)
    await app.ready()
    const error = thrownBy(() => app.urlFor('show'))
    expect(error.code).toBe('BRISK_ERR_URL_PARAMS')
    expect(error.message).toBe('Cannot build "/books/:id<int>": parameter "id" is missing')
    expect(() => app.urlFor('show', { id: null })).toThrow(/parameter "id" is missing/)
  })

  it('throws when given a parameter the route does not have, rather than dropping it', async () => {
    const app = new Brisk()
    app.get('/books/:id<int>', { name: 'show' }, ok)
    await app.ready()
    const error = thrownBy(() => app.urlFor('show', { id: 1, tab: 'reviews' }))
    expect(error.code).toBe('BRISK_ERR_URL_PARAMS')
    expect(error.message).toBe(
      'urlFor(): the route "show" (/books/:id<int>) has no parameter "tab"; query values go in the third argument',
    )
    expect(app.urlFor('show', { id: 1, tab: undefined }, { tab: 'reviews' })).toBe('/books/1?tab=reviews')
  })

  it('throws BRISK_ERR_URL_NAME for an unknown name', async () => {
    const app = new Brisk()
    app.get('/', { name: 'home' }, ok)
    await app.ready()
    const error = thrownBy(() => app.urlFor('nope'))
    expect(error).toBeInstanceOf(BriskError)
    expect(error.code).toBe('BRISK_ERR_URL_NAME')
    expect(error.message).toBe('urlFor(): no route is named "nope"')
  })

  it('throws BRISK_ERR_NOT_STARTED before the app has started', () => {
    const app = new Brisk()
    app.get('/', { name: 'home' }, ok)
    const error = thrownBy(() => app.urlFor('home'))
    expect(error).toBeInstanceOf(BriskError)
    expect(error.code).toBe('BRISK_ERR_NOT_STARTED')
    expect(error.message).toMatch(/once the app has started/)
  })

  it('lets several methods of one path share an explicit name', async () => {
    const app = new Brisk()
    app.get('/items', { name: 'items' }, ok)
    app.post('/items', { name: 'items' }, ok)
    await app.ready()
    expect(app.urlFor('items')).toBe('/items')
  })

  it('rejects ready() when two routes on different paths have the same explicit name', async () => {
    const app = new Brisk()
    app.get('/a', { name: 'same' }, ok)
    app.get('/b', { name: 'same' }, ok)
    const error = await app.ready().then(
      () => undefined,
      (e: unknown) => e as BriskError,
    )
    expect(error).toBeInstanceOf(BriskError)
    expect(error!.code).toBe('BRISK_ERR_ROUTE_NAME')
    expect(error!.message).toBe('Two routes are named "same": /a and /b')
  })

  it('rejects ready() when two blueprint routes end up with the same full name', async () => {
    const app = new Brisk()
    const bp = new Blueprint('books')
    bp.get('/x', { name: 'show' }, ok)
    app.get('/y', { name: 'books.show' }, ok)
    app.blueprint(bp)
    await expect(app.ready()).rejects.toThrow('Two routes are named "books.show": /y and /x')
  })

  it('makes a guessed name that several routes share stop resolving, with a clear error', async () => {
    const app = new Brisk()
    app.get('/one', ok)
    app.get('/two', ok)
    await app.ready()
    const error = thrownBy(() => app.urlFor('ok'))
    expect(error.code).toBe('BRISK_ERR_URL_NAME')
    expect(error.message).toBe('urlFor(): "ok" names several routes; give them explicit names')
  })

  it('lets an explicit name win over a guessed one, in either order', async () => {
    const app = new Brisk()
    function show() {
      return 'guessed'
    }
    app.get('/guessed-first', show)
    app.get('/explicit', { name: 'show' }, ok)
    app.get('/guessed-later', show)
    app.get('/guessed-later-too', show)
    await app.ready()
    expect(app.urlFor('show')).toBe('/explicit')
  })

  it('keeps names of same-named routes in different blueprints apart', async () => {
    const app = new Brisk()
    const a = new Blueprint('a', { prefix: '/a' })
    const b = new Blueprint('b', { prefix: '/b' })
    a.get('/', { name: 'index' }, ok)
    b.get('/', { name: 'index' }, ok)
    app.blueprint(a).blueprint(b)
    await app.ready()
    expect([app.urlFor('a.index'), app.urlFor('b.index')]).toEqual(['/a', '/b'])
  })

  it('gives the version segment of a versioned route', async () => {
    const app = new Brisk()
    app.get('/status', { name: 'status', version: 3 }, ok)
    await app.ready()
    expect(app.urlFor('status')).toBe('/v3/status')
  })
})

forEachEntry('req.app.urlFor()', (make) => {
  it('builds URLs from inside a handler', async () => {
    const app = new Brisk()
    app.get('/books/:id<int>', { name: 'show' }, (req) => ({ id: req.params.id }))
    app.post('/books', (req) => redirect(req.app.urlFor('show', { id: 42 }, { created: 1 }), 303))
    const res = await once(make, app, { method: 'POST', url: '/books' })
    expect(res.status).toBe(303)
    expect(res.headers.location).toBe('/books/42?created=1')
  })

  it('builds URLs that lead back to the named route', async () => {
    const app = new Brisk()
    const api = new Blueprint('api', { prefix: '/api', version: 1 })
    api.get('/files/:rest<path>', { name: 'file' }, (req) => ({ rest: req.params.rest }))
    app.blueprint(api)
    app.get('/link', (req) => ({ href: req.app.urlFor('api.file', { rest: 'a b/ç.txt' }) }))
    const client = await make(app)
    try {
      const { href } = (await client.request('/link')).json<{ href: string }>()
      expect(href).toBe('/v1/api/files/a%20b/%C3%A7.txt')
      expect((await client.request(href)).json()).toEqual({ rest: 'a b/ç.txt' })
    } finally {
      await client.close()
    }
  })
})
