import { describe, expect, it } from 'vitest'
import {
  Blueprint,
  BlueprintGroup,
  Brisk,
  BriskError,
  type BriskRequest,
  json,
  NotFound,
  Unauthorized,
} from '../src/index'
import { forEachEntry, many } from './_matrix'

/** Runs `fn`, expecting it to throw; returns what it threw. */
function thrownBy(fn: () => unknown): Error & { code?: string } {
  try {
    fn()
  } catch (error) {
    return error as Error & { code?: string }
  }
  throw new Error('expected a throw')
}

/** A handler that answers with a fixed label. */
const says = (label: string) => () => label

/** The labels that `mark` middleware left on a request. */
const trailOf = (req: BriskRequest<any, any>): string[] | undefined => req.ctx.trail

/** Request middleware that appends `label` to `req.ctx.trail`. */
const mark = (label: string) => (req: BriskRequest<any, any>) => {
  req.ctx.trail = [...(trailOf(req) ?? []), label]
}

forEachEntry('new Blueprint()', (make) => {
  it('mounts its routes under its prefix', async () => {
    const app = new Brisk()
    const books = new Blueprint('books', { prefix: '/books' })
    books.get('/', says('index'))
    books.get('/:id<int>', (req) => ({ id: req.params.id }))
    books.post('/', says('created'))
    app.blueprint(books)
    const [index, show, create, bare] = await many(make, app, [
      '/books',
      '/books/5',
      { method: 'POST', url: '/books/' },
      '/5',
    ])
    expect(index!.body).toBe('index')
    expect(show!.json()).toEqual({ id: 5 })
    expect(create!.body).toBe('created')
    expect(bare!.status).toBe(404)
  })

  it('accepts a prefix without a leading slash, or with a trailing one', async () => {
    const app = new Brisk()
    const a = new Blueprint('a', { prefix: 'alpha' })
    const b = new Blueprint('b', { prefix: '/beta/' })
    a.get('/x', says('a'))
    b.get('/y', says('b'))
    app.blueprint(a).blueprint(b)
    const res = await many(make, app, ['/alpha/x', '/beta/y'])
    expect(res.map((r) => r.body)).toEqual(['a', 'b'])
  })

  it('takes typed parameters in its prefix', async () => {
    const app = new Brisk()
    const posts = new Blueprint('posts', { prefix: '/users/:uid<int>/posts' })
    posts.get('/:slug<slug>', (req) => req.params)
    app.blueprint(posts)
    const [hit, miss] = await many(make, app, ['/users/3/posts/hello', '/users/x/posts/hello'])
    expect(hit!.json()).toEqual({ uid: 3, slug: 'hello' })
    expect(miss!.status).toBe(404)
  })

  it('puts its version before its prefix: /v2/<prefix>/...', async () => {
    const app = new Brisk()
    const books = new Blueprint('books', { prefix: '/books', version: 2 })
    books.get('/', says('v2 list'))
    app.blueprint(books)
    const [hit, miss] = await many(make, app, ['/v2/books', '/books'])
    expect(hit!.body).toBe('v2 list')
    expect(miss!.status).toBe(404)
  })

  it('serves only its host, port ignored, and its routes win over host-less ones', async () => {
    const app = new Brisk()
    app.get('/', says('main'))
    const admin = new Blueprint('admin', { host: 'admin.example.com' })
    admin.get('/', says('admin home'))
    admin.get('/users', says('admin users'))
    app.blueprint(admin)
    const res = await many(make, app, [
      { url: '/', headers: { host: 'admin.example.com:3000' } },
      { url: '/users', headers: { host: 'admin.example.com' } },
      { url: '/', headers: { host: 'www.example.com' } },
      { url: '/users', headers: { host: 'www.example.com' } },
    ])
    expect(res.map((r) => r.status)).toEqual([200, 200, 200, 404])
    expect(res.slice(0, 3).map((r) => r.body)).toEqual(['admin home', 'admin users', 'main'])
  })

  it('lets a route host override the blueprint host', async () => {
    const app = new Brisk()
    const bp = new Blueprint('bp', { host: 'a.example.com' })
    bp.get('/a', says('a'))
    bp.get('/b', { host: 'b.example.com' }, says('b'))
    app.blueprint(bp)
    const res = await many(make, app, [
      { url: '/b', headers: { host: 'b.example.com' } },
      { url: '/b', headers: { host: 'a.example.com' } },
      { url: '/a', headers: { host: 'a.example.com' } },
    ])
    expect(res.map((r) => r.status)).toEqual([200, 404, 200])
  })

  it('applies its strictSlashes to its routes only, a route option overriding it', async () => {
    const app = new Brisk()
    app.get('/loose', says('app'))
    const strict = new Blueprint('strict', { prefix: '/s', strictSlashes: true })
    strict.get('/exact', says('exact'))
    strict.get('/free', { strictSlashes: false }, says('free'))
    app.blueprint(strict)
    const res = await many(make, app, ['/s/exact', '/s/exact/', '/s/free/', '/loose/'])
    expect(res.map((r) => r.status)).toEqual([200, 404, 200, 200])
  })

  it('is lenient when the app is strict but the blueprint says strictSlashes: false', async () => {
    const app = new Brisk({ strictSlashes: true })
    app.get('/strict', says('app'))
    const lenient = new Blueprint('lenient', { strictSlashes: false })
    lenient.get('/lenient', says('bp'))
    app.blueprint(lenient)
    const res = await many(make, app, ['/strict/', '/lenient/'])
    expect(res.map((r) => r.status)).toEqual([404, 200])
  })
})

forEachEntry('Blueprint.group()', (make) => {
  it('mounts members under the group prefix with the version after it: /api/v1/books', async () => {
    const app = new Brisk()
    const books = new Blueprint('books', { prefix: '/books' })
    const authors = new Blueprint('authors', { prefix: '/authors' })
    books.get('/', says('books'))
    authors.get('/:id<int>', (req) => ({ author: req.params.id }))
    app.blueprint(Blueprint.group([books, authors], { prefix: '/api', version: 1 }))
    const [b, a, noVersion] = await many(make, app, ['/api/v1/books', '/api/v1/authors/4', '/api/books'])
    expect(b!.body).toBe('books')
    expect(a!.json()).toEqual({ author: 4 })
    expect(noVersion!.status).toBe(404)
  })

  it('nests: prefixes add up, and the version goes after every group prefix', async () => {
    const app = new Brisk()
    const users = new Blueprint('users', { prefix: '/users' })
    users.get('/', says('users'))
    const admin = Blueprint.group([users], { prefix: '/admin' })
    app.blueprint(Blueprint.group([admin], { prefix: '/api', version: 1 }))
    const [hit] = await many(make, app, ['/api/admin/v1/users'])
    expect(hit!.body).toBe('users')
  })

  it('takes the nearest version: route over blueprint over group', async () => {
    const app = new Brisk()
    const plain = new Blueprint('plain', { prefix: '/plain' })
    plain.get('/', says('group version'))
    plain.get('/own', { version: 3 }, says('route version'))
    const versioned = new Blueprint('versioned', { prefix: '/versioned', version: 2 })
    versioned.get('/', says('blueprint version'))
    versioned.get('/own', { version: 4 }, says('route version'))
    const inner = Blueprint.group(
      [new Blueprint('deep', { prefix: '/deep' }).get('/', says('inner group version'))],
      {
        prefix: '/inner',
        version: 5,
      },
    )
    app.blueprint(Blueprint.group([plain, versioned, inner], { prefix: '/api', version: 1 }))
    const res = await many(make, app, [
      '/api/v1/plain',
      '/api/v3/plain/own',
      '/api/v2/versioned',
      '/api/v4/versioned/own',
      '/api/inner/v5/deep',
      '/api/v1/versioned',
    ])
    expect(res.map((r) => r.status)).toEqual([200, 200, 200, 200, 200, 404])
    expect(res.slice(0, 5).map((r) => r.body)).toEqual([
      'group version',
      'route version',
      'blueprint version',
      'route version',
      'inner group version',
    ])
  })

  it('passes its host and strictSlashes down to its members', async () => {
    const app = new Brisk()
    const bp = new Blueprint('bp')
    bp.get('/page', says('page'))
    app.blueprint(Blueprint.group([bp], { host: 'docs.example.com', strictSlashes: true }))
    const res = await many(make, app, [
      { url: '/page', headers: { host: 'docs.example.com' } },
      { url: '/page/', headers: { host: 'docs.example.com' } },
      { url: '/page', headers: { host: 'example.com' } },
    ])
    expect(res.map((r) => r.status)).toEqual([200, 404, 404])
  })

  it('runs its middleware for every member, nested ones included, and for no one else', async () => {
    const app = new Brisk()
    app.onRequest(mark('app'))
    const a = new Blueprint('a', { prefix: '/a' })
    const b = new Blueprint('b', { prefix: '/b' })
    const c = new Blueprint('c', { prefix: '/c' })
    for (const bp of [a, b, c]) bp.get('/', (req) => ({ trail: trailOf(req) }))
    b.onRequest(mark('b'))
    const inner = Blueprint.group([b], { prefix: '/in' })
    inner.onRequest(mark('inner'))
    const outer = Blueprint.group([a, inner])
    outer.onRequest(mark('outer'))
    outer.onResponse((_req, res) => void res.header('x-group', 'outer'))
    app.blueprint(outer).blueprint(c)
    const [ra, rb, rc] = await many(make, app, ['/a', '/in/b', '/c'])
    expect(ra!.json()).toEqual({ trail: ['app', 'outer'] })
    expect(rb!.json()).toEqual({ trail: ['app', 'outer', 'inner', 'b'] })
    expect(rc!.json()).toEqual({ trail: ['app'] })
    expect([ra!.headers['x-group'], rb!.headers['x-group'], rc!.headers['x-group']]).toEqual([
      'outer',
      'outer',
      undefined,
    ])
  })

  it('takes members added later with append()', async () => {
    const app = new Brisk()
    const group = new BlueprintGroup([], { prefix: '/g' })
    const late = new Blueprint('late')
    late.get('/x', says('appended'))
    group.append(late)
    app.blueprint(group)
    expect(group.members).toEqual([late])
    const [res] = await many(make, app, ['/g/x'])
    expect(res!.body).toBe('appended')
  })
})

forEachEntry('blueprint middleware and error handlers', (make) => {
  it('apply to the blueprint routes only, not to app routes or sibling blueprints', async () => {
    const app = new Brisk()
    app.onRequest(mark('app'))
    app.get('/', (req) => ({ trail: trailOf(req) }))
    const guarded = new Blueprint('guarded', { prefix: '/guarded' })
    guarded.onRequest((req) => {
      if (req.headers.authorization !== 'Bearer ok') throw new Unauthorized('token needed')
    })
    guarded.onRequest(mark('guarded'))
    guarded.onResponse((_req, res) => void res.header('x-guarded', '1'))
    guarded.get('/', (req) => ({ trail: trailOf(req) }))
    const open = new Blueprint('open', { prefix: '/open' })
    open.get('/', (req) => ({ trail: trailOf(req) }))
    app.blueprint(guarded).blueprint(open)
    const [root, denied, allowed, sibling] = await many(make, app, [
      '/',
      '/guarded',
      { url: '/guarded', headers: { authorization: 'Bearer ok' } },
      '/open',
    ])
    expect(root!.json()).toEqual({ trail: ['app'] })
    expect(root!.headers['x-guarded']).toBeUndefined()
    expect(denied!.status).toBe(401)
    expect(denied!.headers['x-guarded']).toBe('1')
    expect(allowed!.json()).toEqual({ trail: ['app', 'guarded'] })
    expect(sibling!.json()).toEqual({ trail: ['app'] })
    expect(sibling!.headers['x-guarded']).toBeUndefined()
  })

  it('run request middleware app → group → blueprint → route and response middleware the other way', async () => {
    const app = new Brisk()
    const order: string[] = []
    const pre = (label: string) => () => void order.push(`pre:${label}`)
    const post = (label: string) => () => void order.push(`post:${label}`)
    app.onRequest(pre('app')).onResponse(post('app'))
    const bp = new Blueprint('bp')
    bp.onRequest(pre('bp')).onResponse(post('bp'))
    bp.get('/', { onRequest: pre('route'), onResponse: post('route') }, () => {
      order.push('handler')
      return 'done'
    })
    const group = Blueprint.group([bp])
    group.onRequest(pre('group')).onResponse(post('group'))
    app.blueprint(group)
    const [res] = await many(make, app, ['/'])
    expect(res!.body).toBe('done')
    expect(order).toEqual([
      'pre:app',
      'pre:group',
      'pre:bp',
      'pre:route',
      'handler',
      'post:route',
      'post:bp',
      'post:group',
      'post:app',
    ])
  })

  it('use the blueprint error handler for its routes, the app one elsewhere', async () => {
    const app = new Brisk()
    app.onError(NotFound, (error) => json({ by: 'app', message: error.message }, 404))
    app.get('/missing', () => {
      throw new NotFound('app thing')
    })
    const shop = new Blueprint('shop', { prefix: '/shop' })
    shop.onError(NotFound, (error) => json({ by: 'shop', message: error.message }, 404))
    shop.get('/missing', () => {
      throw new NotFound('shop thing')
    })
    const other = new Blueprint('other', { prefix: '/other' })
    other.get('/missing', () => {
      throw new NotFound('other thing')
    })
    app.blueprint(shop).blueprint(other)
    const res = await many(make, app, ['/missing', '/shop/missing', '/other/missing'])
    expect(res.map((r) => r.json())).toEqual([
      { by: 'app', message: 'app thing' },
      { by: 'shop', message: 'shop thing' },
      { by: 'app', message: 'other thing' },
    ])
  })

  it('let a group error handler serve its members', async () => {
    const app = new Brisk()
    const bp = new Blueprint('bp', { prefix: '/bp' })
    bp.get('/', () => {
      throw new Error('boom')
    })
    const group = Blueprint.group([bp])
    group.onError(Error, (error) => json({ caught: error.message }, 500))
    app.blueprint(group)
    const [res] = await many(make, app, ['/bp'])
    expect(res!.status).toBe(500)
    expect(res!.json()).toEqual({ caught: 'boom' })
  })
})

describe('blueprint listeners', () => {
  it('run with the app lifecycle when the blueprint is mounted, and never when it is not', async () => {
    const app = new Brisk()
    const calls: string[] = []
    const mounted = new Blueprint('mounted')
    mounted.beforeStart(() => void calls.push('mounted:beforeStart'))
    mounted.afterStart(() => void calls.push('mounted:afterStart'))
    mounted.beforeStop(() => void calls.push('mounted:beforeStop'))
    mounted.afterStop(() => void calls.push('mounted:afterStop'))
    const loose = new Blueprint('loose')
    loose.beforeStart(() => void calls.push('loose:beforeStart'))
    const group = Blueprint.group([mounted])
    group.beforeStart((a) => void calls.push(`group:beforeStart:${a === app}`))
    app.blueprint(group)
    await app.inject('/')
    await app.close()
    expect(calls).toEqual([
      'group:beforeStart:true',
      'mounted:beforeStart',
      'mounted:afterStart',
      'mounted:beforeStop',
      'mounted:afterStop',
    ])
  })
})

describe('blueprint errors', () => {
  it('rejects ready() when two different blueprints share a name', async () => {
    const app = new Brisk()
    app.blueprint(new Blueprint('books', { prefix: '/a' }).get('/', says('a')))
    app.blueprint(Blueprint.group([new Blueprint('books', { prefix: '/b' }).get('/', says('b'))]))
    const error = await app.ready().then(
      () => undefined,
      (e: unknown) => e as BriskError,
    )
    expect(error).toBeInstanceOf(BriskError)
    expect(error!.code).toBe('BRISK_ERR_BLUEPRINT_NAME')
    expect(error!.message).toBe('Two blueprints are named "books"; blueprint names must be unique')
  })

  it('throws a TypeError for a bad blueprint name', () => {
    for (const name of ['', 'has space', 'a.b', '1st', 'slash/name', 42, undefined, null]) {
      expect(() => new Blueprint(name as never), String(name)).toThrow(TypeError)
    }
    expect(() => new Blueprint('a.b')).toThrow(
      new TypeError('Blueprint: the name must be a word (letters, digits, _ or -), got "a.b"'),
    )
    expect(() => new Blueprint('ok_name-2')).not.toThrow()
  })

  it('throws a TypeError for bad blueprint options', () => {
    expect(() => new Blueprint('bp', { version: 'v/1' })).toThrow(
      new TypeError('blueprint "bp": version must be a number or a word, got v/1'),
    )
    expect(() => new Blueprint('bp', { prefix: 42 as never })).toThrow(
      new TypeError('blueprint "bp": prefix must be a string, got number'),
    )
    expect(() => new Blueprint('bp', { host: ['a'] as never })).toThrow(
      new TypeError('blueprint "bp": host must be a string, got object'),
    )
    expect(() => new Blueprint('bp', null as never)).toThrow(
      new TypeError('blueprint "bp": options must be an object'),
    )
    expect(() => Blueprint.group([], { version: 'a b' })).toThrow(/version must be a number or a word/)
  })

  it('throws a TypeError when the app or a group is given something that is not a blueprint', () => {
    const app = new Brisk()
    expect(() => app.blueprint({} as never)).toThrow(
      new TypeError('app.blueprint(): expected a Blueprint or a group'),
    )
    expect(() => app.blueprint(undefined as never)).toThrow(TypeError)
    expect(() => app.blueprint(new Brisk() as never)).toThrow(TypeError)
    expect(() => Blueprint.group([{}] as never)).toThrow(
      new TypeError('Blueprint.group(): members must be blueprints or groups'),
    )
    expect(() => Blueprint.group([new Brisk()] as never)).toThrow(TypeError)
    expect(() => Blueprint.group('books' as never)).toThrow(
      new TypeError('Blueprint.group(): expected an array of blueprints or groups'),
    )
  })

  it('throws BRISK_ERR_APP_STARTED when a route, middleware or member is added after start', async () => {
    const app = new Brisk()
    const bp = new Blueprint('bp')
    bp.get('/', says('x'))
    const group = Blueprint.group([bp])
    app.blueprint(group)
    await app.ready()
    const attempts: (() => unknown)[] = [
      () => bp.get('/late', says('late')),
      () => bp.route({ path: '/late', handler: says('late') }),
      () => bp.onRequest(() => undefined),
      () => group.onResponse(() => undefined),
      () => group.append(new Blueprint('late')),
      () => app.blueprint(new Blueprint('late2')),
    ]
    for (const attempt of attempts) {
      const error = thrownBy(attempt)
      expect(error).toBeInstanceOf(BriskError)
      expect(error.code).toBe('BRISK_ERR_APP_STARTED')
    }
    expect(app.routes().some((r) => r.path === '/late')).toBe(false)
  })

  it('fails a bad route pattern on a blueprint at the registering line', () => {
    const bp = new Blueprint('bp')
    expect(() => bp.get('/:x<nope>', says('x'))).toThrow(/unknown type "nope"/)
    expect(() => bp.get('/x', 'not a function' as never)).toThrow(TypeError)
  })

  it('rejects ready() for a prefix that is not a valid pattern', async () => {
    const app = new Brisk()
    app.blueprint(new Blueprint('bp', { prefix: '/:a<nope>' }).get('/', says('x')))
    await expect(app.ready()).rejects.toThrow('Invalid route pattern "/:a<nope>"')
  })

  it('rejects ready() when a blueprint route clashes with an app route', async () => {
    const app = new Brisk()
    app.get('/books/:id<int>', says('app'))
    app.blueprint(new Blueprint('books', { prefix: '/books' }).get('/:n<int>', says('bp')))
    await expect(app.ready()).rejects.toThrow(/Route GET \/books\/:n<int> is already registered/)
  })
})
