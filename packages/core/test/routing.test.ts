import { describe, expect, it } from 'vitest'
import {
  BadRequest,
  Blueprint,
  Brisk,
  BriskError,
  BriskResponse,
  empty,
  type Handler,
  html,
  json,
  RoutePatternError,
  redirect,
  text,
} from '../src/index'
import { forEachEntry, many, once } from './_matrix'

/** An app whose routes answer with their own label, so a test sees which route matched. */
function labelled(routes: readonly string[], options: ConstructorParameters<typeof Brisk>[0] = {}): Brisk {
  const app = new Brisk(options)
  for (const path of routes) app.get(path, (req) => ({ route: path, params: req.params }))
  return app
}

forEachEntry('app.get() / post() / put() / patch() / delete() / head() / options()', (make) => {
  it('routes each method helper to its own handler on the same path', async () => {
    const app = new Brisk()
    app.get('/thing', () => 'got')
    app.post('/thing', () => 'posted')
    app.put('/thing', () => 'put')
    app.patch('/thing', () => 'patched')
    app.delete('/thing', () => 'deleted')
    app.head('/thing', () => empty({ status: 200, headers: { 'x-head': 'own' } }))
    app.options('/thing', () => text('options'))
    const methods = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS']
    const res = await many(
      make,
      app,
      methods.map((method) => ({ method, url: '/thing' })),
    )
    expect(res.map((r) => r.status)).toEqual([200, 200, 200, 200, 200, 200, 200])
    expect(res.map((r) => r.body)).toEqual(['got', 'posted', 'put', 'patched', 'deleted', '', 'options'])
    expect(res[5]!.headers['x-head']).toBe('own')
  })

  it('accepts route options between the path and the handler', async () => {
    const app = new Brisk()
    app.get('/opt', { name: 'opt', onResponse: (_req, res) => void res.header('x-route', 'yes') }, () => 'ok')
    const res = await once(make, app, '/opt')
    expect(res.body).toBe('ok')
    expect(res.headers['x-route']).toBe('yes')
  })
})

forEachEntry('app.route()', (make) => {
  it('registers one handler for several methods', async () => {
    const app = new Brisk()
    app.route({ methods: ['GET', 'POST'], path: '/search', handler: (req) => ({ method: req.method }) })
    const [get, post, put] = await many(make, app, [
      '/search',
      { method: 'POST', url: '/search' },
      { method: 'PUT', url: '/search' },
    ])
    expect(get!.json()).toEqual({ method: 'GET' })
    expect(post!.json()).toEqual({ method: 'POST' })
    expect(put!.status).toBe(405)
  })

  it('defaults to GET and takes a single method as a string', async () => {
    const app = new Brisk()
    app.route({ path: '/default', handler: () => 'default' })
    app.route({ methods: 'delete', path: '/one', handler: () => 'one' })
    const [get, del] = await many(make, app, ['/default', { method: 'DELETE', url: '/one' }])
    expect(get!.body).toBe('default')
    expect(del!.body).toBe('one')
  })

  it('applies route options given beside the handler', async () => {
    const app = new Brisk()
    app.route({ path: '/versioned', version: 3, handler: () => 'v3' })
    const [hit, miss] = await many(make, app, ['/v3/versioned', '/versioned'])
    expect(hit!.body).toBe('v3')
    expect(miss!.status).toBe(404)
  })

  it('serves a custom method token such as PROPFIND', async () => {
    const app = new Brisk()
    app.route({
      methods: ['PROPFIND'],
      path: '/dav',
      handler: (req) => text(`listing via ${req.method}`, 207),
    })
    const res = await once(make, app, { method: 'PROPFIND', url: '/dav' })
    expect(res.status).toBe(207)
    expect(res.body).toBe('listing via PROPFIND')
  })
})

forEachEntry('handler results', (make, entry) => {
  const cases: [string, () => unknown, number, string | undefined, string][] = [
    [
      'an object as JSON',
      () => ({ a: 1, b: [true, null] }),
      200,
      'application/json',
      '{"a":1,"b":[true,null]}',
    ],
    ['an array as JSON', () => [1, 'two', { three: 3 }], 200, 'application/json', '[1,"two",{"three":3}]'],
    ['a string as text/plain', () => 'héllo', 200, 'text/plain;charset=UTF-8', 'héllo'],
    [
      'bytes as application/octet-stream',
      () => new Uint8Array([104, 105]),
      200,
      'application/octet-stream',
      'hi',
    ],
    ['json() with a status', () => json({ created: true }, 201), 201, 'application/json', '{"created":true}'],
    ['text() with headers', () => text('plain', { status: 202 }), 202, 'text/plain;charset=UTF-8', 'plain'],
    ['html()', () => html('<h1>Hi</h1>'), 200, 'text/html; charset=utf-8', '<h1>Hi</h1>'],
    [
      'a BriskResponse built by hand',
      () => new BriskResponse('raw', 418, { 'content-type': 'text/x-tea' }),
      418,
      'text/x-tea',
      'raw',
    ],
    [
      'a Web Response',
      () => new Response('from web', { status: 203, headers: { 'content-type': 'text/x-web' } }),
      203,
      'text/x-web',
      'from web',
    ],
  ]
  for (const [what, handler, status, type, body] of cases) {
    it(`sends ${what}`, async () => {
      const app = new Brisk()
      app.get('/r', handler as () => never)
      const res = await once(make, app, '/r')
      expect(res.status).toBe(status)
      expect(res.headers['content-type']).toBe(type)
      expect(res.body).toBe(body)
    })
  }

  it('sends 204 with no body when the handler returns undefined', async () => {
    const app = new Brisk()
    app.post('/nothing', () => undefined)
    const res = await once(make, app, { method: 'POST', url: '/nothing' })
    expect(res.status).toBe(204)
    expect(res.body).toBe('')
    expect(res.headers['content-type']).toBeUndefined()
  })

  it('sends empty() as 204, or with the status it is given', async () => {
    const app = new Brisk()
    app.get('/empty', () => empty())
    app.get('/accepted', () => empty(202))
    const [a, b] = await many(make, app, ['/empty', '/accepted'])
    expect([a!.status, a!.body]).toEqual([204, ''])
    expect([b!.status, b!.body]).toEqual([202, ''])
  })

  it('sends redirect() with its Location', async () => {
    const app = new Brisk()
    app.get('/old', () => redirect('/new'))
    app.get('/moved', () => redirect('/elsewhere?x=1', 301))
    const [a, b] = await many(make, app, ['/old', '/moved'])
    expect(a!.status).toBe(302)
    expect(a!.headers.location).toBe('/new')
    expect(b!.status).toBe(301)
    expect(b!.headers.location).toBe('/elsewhere?x=1')
  })

  it('awaits an async handler', async () => {
    const app = new Brisk()
    app.get('/later', async () => {
      await new Promise((resolve) => setImmediate(resolve))
      return { late: entry }
    })
    const res = await once(make, app, '/later')
    expect(res.json()).toEqual({ late: entry })
  })
})

forEachEntry('typed path parameters', (make) => {
  it('converts <int> to a number, negative ones included', async () => {
    const app = new Brisk()
    app.get('/books/:id<int>', (req) => ({ id: req.params.id, type: typeof req.params.id }))
    const [pos, neg] = await many(make, app, ['/books/42', '/books/-7'])
    expect(pos!.json()).toEqual({ id: 42, type: 'number' })
    expect(neg!.json()).toEqual({ id: -7, type: 'number' })
  })

  it('answers 404 when a value does not fit <int>', async () => {
    const app = new Brisk()
    app.get('/books/:id<int>', (req) => ({ id: req.params.id }))
    const res = await many(make, app, [
      '/books/abc',
      '/books/1.5',
      '/books/12abc',
      '/books/99999999999999999999',
    ])
    expect(res.map((r) => r.status)).toEqual([404, 404, 404, 404])
    expect(res[0]!.headers['content-type']).toBe('application/problem+json')
    expect(res[0]!.json()).toMatchObject({ status: 404, title: 'Not Found', code: 'BRISK_ERR_NOT_FOUND' })
  })

  it('converts <float> to a number', async () => {
    const app = new Brisk()
    app.get('/price/:amount<float>', (req) => ({ amount: req.params.amount }))
    const [a, b, c, bad] = await many(make, app, ['/price/3.25', '/price/-0.5', '/price/10', '/price/1e3'])
    expect(a!.json()).toEqual({ amount: 3.25 })
    expect(b!.json()).toEqual({ amount: -0.5 })
    expect(c!.json()).toEqual({ amount: 10 })
    expect(bad!.status).toBe(404)
  })

  it('matches <uuid>, <slug> and <alpha> only with values of their shape', async () => {
    const app = new Brisk()
    app.get('/u/:id<uuid>', (req) => ({ id: req.params.id }))
    app.get('/s/:slug<slug>', (req) => ({ slug: req.params.slug }))
    app.get('/a/:word<alpha>', (req) => ({ word: req.params.word }))
    const uuid = '123e4567-e89b-12d3-a456-426614174000'
    const res = await many(make, app, [
      `/u/${uuid}`,
      '/u/123e4567-e89b-12d3-a456',
      '/s/hello-world-2',
      '/s/Hello_World',
      '/a/Brisk',
      '/a/brisk2',
    ])
    expect(res.map((r) => r.status)).toEqual([200, 404, 200, 404, 200, 404])
    expect(res[0]!.json()).toEqual({ id: uuid })
    expect(res[2]!.json()).toEqual({ slug: 'hello-world-2' })
    expect(res[4]!.json()).toEqual({ word: 'Brisk' })
  })

  it('gives <path> the rest of the path, slashes included', async () => {
    const app = new Brisk()
    app.get('/files/:rest<path>', (req) => ({ rest: req.params.rest }))
    const [deep, one, none] = await many(make, app, ['/files/a/b/c.txt', '/files/x', '/files/'])
    expect(deep!.json()).toEqual({ rest: 'a/b/c.txt' })
    expect(one!.json()).toEqual({ rest: 'x' })
    expect(none!.status).toBe(404)
  })

  it('matches <re:...> against the whole segment', async () => {
    const app = new Brisk()
    app.get('/code/:code<re:[A-Z]{3}\\d{2}>', (req) => ({ code: req.params.code }))
    const [hit, partial, lower] = await many(make, app, ['/code/ABC12', '/code/ABC123', '/code/abc12'])
    expect(hit!.json()).toEqual({ code: 'ABC12' })
    expect(partial!.status).toBe(404)
    expect(lower!.status).toBe(404)
  })

  it('percent-decodes plain :name parameters', async () => {
    const app = new Brisk()
    app.get('/hello/:name', (req) => ({ name: req.params.name }))
    const [encoded, space, slash] = await many(make, app, [
      '/hello/J%C3%BCrgen',
      '/hello/a%20b',
      '/hello/a%2Fb',
    ])
    expect(encoded!.json()).toEqual({ name: 'Jürgen' })
    expect(space!.json()).toEqual({ name: 'a b' })
    expect(slash!.json()).toEqual({ name: 'a/b' })
  })

  it('answers 400 problem+json for a malformed percent escape in a parameter', async () => {
    const app = new Brisk()
    app.get('/hello/:name', (req) => ({ name: req.params.name }))
    const [bad, truncated] = await many(make, app, ['/hello/%E0%A4%A', '/hello/100%'])
    for (const res of [bad!, truncated!]) {
      expect(res.status).toBe(400)
      expect(res.headers['content-type']).toBe('application/problem+json')
      expect(res.json()).toMatchObject({ status: 400, code: 'BRISK_ERR_BAD_REQUEST' })
    }
  })

  it('sends the 400 for a malformed escape through the app error handlers and middleware', async () => {
    const app = new Brisk()
    app.onResponse((_req, res) => void res.header('x-app', 'seen'))
    app.onError(BadRequest, (error, req) => json({ handled: error.message, path: req.path }, 400))
    app.get('/hello/:name', (req) => ({ name: req.params.name }))
    const res = await once(make, app, '/hello/%E0%A4%A')
    expect(res.status).toBe(400)
    expect(res.headers['x-app']).toBe('seen')
    expect(res.json()).toEqual({
      handled: 'The path has a malformed percent-encoding',
      path: '/hello/%E0%A4%A',
    })
  })

  it('keeps several parameters apart in one path', async () => {
    const app = new Brisk()
    app.get('/users/:uid<int>/posts/:slug<slug>', (req) => req.params)
    const res = await once(make, app, '/users/5/posts/first-post?x=1')
    expect(res.json()).toEqual({ uid: 5, slug: 'first-post' })
  })

  it('prefers a static segment over a parameter, and a typed parameter over a plain one', async () => {
    const app = labelled(['/books/:id<int>', '/books/:name', '/books/new', '/books/:id<int>/edit'])
    const [fixed, typed, plain, nested] = await many(make, app, [
      '/books/new',
      '/books/9',
      '/books/dune',
      '/books/9/edit',
    ])
    expect(fixed!.json()).toEqual({ route: '/books/new', params: {} })
    expect(typed!.json()).toEqual({ route: '/books/:id<int>', params: { id: 9 } })
    expect(plain!.json()).toEqual({ route: '/books/:name', params: { name: 'dune' } })
    expect(nested!.json()).toEqual({ route: '/books/:id<int>/edit', params: { id: 9 } })
  })

  it('falls back from a failing typed branch to the next one that fits', async () => {
    const app = labelled(['/x/:id<int>/a', '/x/:word/b'])
    const [a, b] = await many(make, app, ['/x/1/a', '/x/1/b'])
    expect(a!.json()).toEqual({ route: '/x/:id<int>/a', params: { id: 1 } })
    expect(b!.json()).toEqual({ route: '/x/:word/b', params: { word: '1' } })
  })

  it('matches static segments with non-ASCII characters or spaces in the encoded form clients send', async () => {
    const app = new Brisk()
    app.get('/café/menu', { name: 'menu' }, () => 'menu')
    app.get('/a b', () => 'space')
    app.get('/already%20encoded', () => 'kept')
    const [menu, space, kept, raw] = await many(make, app, [
      '/caf%C3%A9/menu',
      '/a%20b',
      '/already%20encoded',
      '/already%2520encoded',
    ])
    expect([menu!.body, space!.body, kept!.body]).toEqual(['menu', 'space', 'kept'])
    expect(raw!.status).toBe(404)
    expect(app.urlFor('menu')).toBe('/caf%C3%A9/menu')
  })

  it('does not match the query string as part of the path', async () => {
    const app = labelled(['/q/:v'])
    const res = await once(make, app, '/q/one?two=three')
    expect(res.json()).toEqual({ route: '/q/:v', params: { v: 'one' } })
  })
})

forEachEntry('trailing slashes', (make) => {
  it('are lenient by default: /a and /a/ both match either form', async () => {
    const app = labelled(['/plain', '/slashed/', '/p/:id<int>'])
    const res = await many(make, app, ['/plain', '/plain/', '/slashed', '/slashed/', '/p/1', '/p/1/'])
    expect(res.map((r) => r.status)).toEqual([200, 200, 200, 200, 200, 200])
    expect(res[1]!.json().route).toBe('/plain')
    expect(res[2]!.json().route).toBe('/slashed/')
    expect(res[5]!.json().params).toEqual({ id: 1 })
  })

  it('must match exactly when the app sets strictSlashes', async () => {
    const app = labelled(['/plain', '/slashed/'], { strictSlashes: true })
    const res = await many(make, app, ['/plain', '/plain/', '/slashed/', '/slashed'])
    expect(res.map((r) => r.status)).toEqual([200, 404, 200, 404])
  })

  it('follow the route option over the app setting, both ways', async () => {
    const strictApp = new Brisk({ strictSlashes: true })
    strictApp.get('/loose', { strictSlashes: false }, () => 'loose')
    const lenientApp = new Brisk()
    lenientApp.get('/tight', { strictSlashes: true }, () => 'tight')
    const [a, b] = await many(make, strictApp, ['/loose', '/loose/'])
    const [c, d] = await many(make, lenientApp, ['/tight', '/tight/'])
    expect([a!.status, b!.status]).toEqual([200, 200])
    expect([c!.status, d!.status]).toEqual([200, 404])
  })

  it('let two strict routes tell /a from /a/', async () => {
    const app = new Brisk({ strictSlashes: true })
    app.get('/dir', () => 'file')
    app.get('/dir/', () => 'folder')
    const [file, folder] = await many(make, app, ['/dir', '/dir/'])
    expect(file!.body).toBe('file')
    expect(folder!.body).toBe('folder')
  })

  it('never make the root path / ambiguous', async () => {
    const app = labelled(['/'])
    const [root, missing] = await many(make, app, ['/', '//'])
    expect(root!.json().route).toBe('/')
    expect(missing!.status).toBe(404)
  })
})

forEachEntry('route versions', (make) => {
  it('mount a route with version under /v{version}', async () => {
    const app = new Brisk()
    app.get('/books', { version: 1 }, () => 'v1')
    app.get('/books', { version: 2 }, () => 'v2')
    app.get('/books', () => 'unversioned')
    app.get('/beta', { version: '2-beta' }, () => 'beta')
    const res = await many(make, app, ['/v1/books', '/v2/books', '/books', '/v2-beta/beta', '/v3/books'])
    expect(res.map((r) => r.status)).toEqual([200, 200, 200, 200, 404])
    expect(res.slice(0, 4).map((r) => r.body)).toEqual(['v1', 'v2', 'unversioned', 'beta'])
  })
})

forEachEntry('host-based routes', (make) => {
  it('match only requests for their host, whatever the port', async () => {
    const app = new Brisk()
    app.get('/only', { host: 'api.example.com' }, () => 'api')
    const res = await many(make, app, [
      { url: '/only', headers: { host: 'api.example.com' } },
      { url: '/only', headers: { host: 'API.Example.com:8443' } },
      { url: '/only', headers: { host: 'www.example.com' } },
    ])
    expect(res.map((r) => r.status)).toEqual([200, 200, 404])
    expect(res[0]!.body).toBe('api')
  })

  it('win over host-less routes on the same path, which serve every other host', async () => {
    const app = new Brisk()
    app.get('/', () => 'anyone')
    app.get('/', { host: 'admin.example.com' }, () => 'admin')
    app.get('/', { host: 'shop.example.com' }, () => 'shop')
    const res = await many(make, app, [
      { url: '/', headers: { host: 'admin.example.com' } },
      { url: '/', headers: { host: 'shop.example.com:80' } },
      { url: '/', headers: { host: 'other.example.com' } },
    ])
    expect(res.map((r) => r.body)).toEqual(['admin', 'shop', 'anyone'])
  })
})

forEachEntry('HEAD', (make) => {
  it('is answered from GET with the same status and headers and no body', async () => {
    const app = new Brisk()
    app.get('/doc', () => text('twelve bytes', { status: 203, headers: { 'x-doc': '1' } }))
    const [get, head] = await many(make, app, ['/doc', { method: 'HEAD', url: '/doc' }])
    expect(get!.body).toBe('twelve bytes')
    expect(head!.status).toBe(203)
    expect(head!.body).toBe('')
    const { date: _a, ...getHeaders } = get!.headers
    const { date: _b, ...headHeaders } = head!.headers
    expect(headHeaders).toEqual(getHeaders)
    expect(head!.headers['x-doc']).toBe('1')
  })

  it('sends no body even when the GET handler returns JSON or a Web Response', async () => {
    const app = new Brisk()
    app.get('/json', () => ({ big: 'x'.repeat(100) }))
    app.get('/web', () => new Response('web body', { headers: { 'x-web': 'yes' } }))
    const [a, b] = await many(make, app, [
      { method: 'HEAD', url: '/json' },
      { method: 'HEAD', url: '/web' },
    ])
    expect([a!.status, a!.body, a!.headers['content-type']]).toEqual([200, '', 'application/json'])
    expect([b!.status, b!.body, b!.headers['x-web']]).toEqual([200, '', 'yes'])
  })

  it('goes to an explicit HEAD route when there is one', async () => {
    const app = new Brisk()
    app.get('/size', () => 'body')
    app.head('/size', () => empty({ status: 200, headers: { 'x-size': '4' } }))
    const [get, head] = await many(make, app, ['/size', { method: 'HEAD', url: '/size' }])
    expect(get!.headers['x-size']).toBeUndefined()
    expect(head!.headers['x-size']).toBe('4')
  })
})

forEachEntry('OPTIONS', (make) => {
  it('is answered with 204 and the Allow header by default', async () => {
    const app = new Brisk()
    app.get('/books/:id<int>', () => 'show')
    app.delete('/books/:id<int>', () => 'gone')
    app.put('/books/:id<int>', () => 'put')
    const res = await once(make, app, { method: 'OPTIONS', url: '/books/3' })
    expect(res.status).toBe(204)
    expect(res.body).toBe('')
    expect(res.headers.allow).toBe('DELETE, GET, HEAD, OPTIONS, PUT')
  })

  it('goes to an explicit OPTIONS route when there is one', async () => {
    const app = new Brisk()
    app.get('/custom', () => 'get')
    app.options('/custom', () => json({ describe: true }, { headers: { allow: 'GET' } }))
    const res = await once(make, app, { method: 'OPTIONS', url: '/custom' })
    expect(res.status).toBe(200)
    expect(res.json()).toEqual({ describe: true })
    expect(res.headers.allow).toBe('GET')
  })

  it('is 404 for an unknown path', async () => {
    const app = labelled(['/known'])
    const res = await once(make, app, { method: 'OPTIONS', url: '/unknown' })
    expect(res.status).toBe(404)
  })
})

forEachEntry('405 Method Not Allowed', (make) => {
  it('answers a known path with a wrong method with 405, Allow and problem+json', async () => {
    const app = new Brisk()
    app.get('/items', () => 'list')
    app.post('/items', () => 'create')
    const res = await once(make, app, { method: 'DELETE', url: '/items' })
    expect(res.status).toBe(405)
    expect(res.headers.allow).toBe('GET, HEAD, OPTIONS, POST')
    expect(res.headers['content-type']).toBe('application/problem+json')
    expect(res.json()).toMatchObject({
      status: 405,
      title: 'Method Not Allowed',
      code: 'BRISK_ERR_METHOD_NOT_ALLOWED',
      detail: 'DELETE is not allowed on /items',
    })
  })

  it('answers an unknown method such as PROPFIND on a known path with 405', async () => {
    const app = labelled(['/files/:rest<path>'])
    const res = await once(make, app, { method: 'PROPFIND', url: '/files/a/b' })
    expect(res.status).toBe(405)
    expect(res.headers.allow).toBe('GET, HEAD, OPTIONS')
  })

  it('lists only the methods of the route that path reaches', async () => {
    const app = new Brisk()
    app.get('/a/:id<int>', () => 'int')
    app.post('/a/:name', () => 'name')
    const [num, word] = await many(make, app, [
      { method: 'PATCH', url: '/a/1' },
      { method: 'PATCH', url: '/a/x' },
    ])
    expect(num!.status).toBe(405)
    expect(num!.headers.allow).toBe('GET, HEAD, OPTIONS, POST')
    expect(word!.headers.allow).toBe('OPTIONS, POST')
  })

  it('is a plain 404 for a path no route knows', async () => {
    const app = labelled(['/here'])
    const res = await once(make, app, { method: 'POST', url: '/there' })
    expect(res.status).toBe(404)
    expect(res.headers.allow).toBeUndefined()
    expect(res.json()).toMatchObject({ detail: 'No route for POST /there' })
  })
})

describe('route registration errors', () => {
  const fn = () => 'ok'

  it('throws a TypeError at the registering line when the path is not a string', () => {
    const app = new Brisk()
    expect(() => app.get(42 as never, fn)).toThrow(
      new TypeError('route(): the path must be a string, got number'),
    )
    expect(() => app.route({ path: undefined as never, handler: fn })).toThrow(
      /the path must be a string, got undefined/,
    )
  })

  it('throws a TypeError when the handler is not a function', () => {
    const app = new Brisk()
    expect(() => app.get('/x', 'nope' as never)).toThrow(
      new TypeError('route(): the handler of /x must be a function, got string'),
    )
    expect(() => app.post('/x', {}, undefined as never)).toThrow(
      /handler of \/x must be a function, got undefined/,
    )
    expect(() => app.put('/x', { name: 'x' } as never)).toThrow(
      /handler of \/x must be a function, got undefined/,
    )
    expect(() => app.route({ path: '/x' } as never)).toThrow(
      /handler of \/x must be a function, got undefined/,
    )
  })

  it('throws a TypeError when the options are not an object', () => {
    const app = new Brisk()
    expect(() => app.get('/x', null as never, fn)).toThrow(
      new TypeError('route(): the options of /x must be an object'),
    )
    expect(() => app.route(null as never)).toThrow(new TypeError('route(): expected an object'))
  })

  it('throws a TypeError for a method that is not an HTTP token', () => {
    const app = new Brisk()
    expect(() => app.route({ methods: ['GE T'], path: '/x', handler: fn })).toThrow(
      new TypeError('route(): "GE T" is not an HTTP method (route /x)'),
    )
    expect(() => app.route({ methods: [''], path: '/x', handler: fn })).toThrow(/"" is not an HTTP method/)
    expect(() => app.route({ methods: [42 as never], path: '/x', handler: fn })).toThrow(
      /42 is not an HTTP method/,
    )
  })

  it('throws a TypeError when methods is empty', () => {
    const app = new Brisk()
    expect(() => app.route({ methods: [], path: '/x', handler: fn })).toThrow(
      new TypeError('route(): the route /x has no methods'),
    )
  })

  it('throws a RoutePatternError naming the pattern for an unknown parameter type', () => {
    const app = new Brisk()
    let thrown: unknown
    try {
      app.get('/x/:x<nope>', fn)
    } catch (error) {
      thrown = error
    }
    expect(thrown).toBeInstanceOf(RoutePatternError)
    expect((thrown as RoutePatternError).code).toBe('BRISK_ERR_ROUTE_PATTERN')
    expect((thrown as Error).message).toBe(
      'Invalid route pattern "/x/:x<nope>": ":x<nope>" has an unknown type "nope" (expected one of int, float, uuid, slug, alpha, path, re:PATTERN)',
    )
  })

  it('throws a RoutePatternError for other malformed patterns', () => {
    const app = new Brisk()
    expect(() => app.get('no-slash', fn)).toThrow(/must start with "\/"/)
    expect(() => app.get('/a/:id<int', fn)).toThrow(/missing its closing ">"/)
    expect(() => app.get('/a/:1x', fn)).toThrow(/invalid parameter name "1x"/)
    expect(() => app.get('/a/:id/:id', fn)).toThrow(/parameter "id" appears more than once/)
    expect(() => app.get('/a/:rest<path>/b', fn)).toThrow(/must be the last segment/)
    expect(() => app.get('/a/:v<re:(>', fn)).toThrow(/invalid regex/)
  })

  it('throws a TypeError for a route version that is not a word', () => {
    const app = new Brisk()
    expect(() => app.get('/x', { version: 'a/b' }, fn)).toThrow(
      new TypeError('route(): the version of /x must be a number or a word, got a/b'),
    )
  })

  it('records nothing when registration fails', async () => {
    const app = new Brisk()
    expect(() => app.get('/x/:x<nope>', fn)).toThrow()
    expect(() => app.route({ methods: ['GET', 'B A D'], path: '/y', handler: fn })).toThrow()
    await app.ready()
    expect(app.routes().filter((r) => !r.automatic)).toEqual([])
  })

  it('rejects ready() when two routes have the same method and path', async () => {
    const app = new Brisk()
    app.get('/dup/:a', fn)
    app.get('/dup/:b', fn)
    await expect(app.ready()).rejects.toThrow(/Route GET \/dup\/:b is already registered/)
  })

  it('throws BRISK_ERR_APP_STARTED when a route is added after start', async () => {
    const app = new Brisk()
    app.get('/', fn)
    await app.ready()
    let thrown: unknown
    try {
      app.get('/late', fn)
    } catch (error) {
      thrown = error
    }
    expect(thrown).toBeInstanceOf(BriskError)
    expect((thrown as BriskError).code).toBe('BRISK_ERR_APP_STARTED')
    expect(() => app.route({ path: '/late', handler: fn })).toThrow(/the app has started/)
    expect(app.routes().some((r) => r.path === '/late')).toBe(false)
  })
})

forEachEntry('an app with 300 routes', (make) => {
  it('answers each route with its own identity', async () => {
    const app = new Brisk()
    const blueprints = [0, 1, 2].map((b) => new Blueprint(`bp${b}`, { prefix: `/bp${b}` }))
    const expected = new Map<string, { id: string; params: Record<string, unknown> }>()
    for (let i = 0; i < 300; i++) {
      const id = `route-${i}`
      const scope: { get(path: string, h: Handler): unknown; post(path: string, h: Handler): unknown } =
        i % 4 === 3 ? blueprints[i % 3]! : app
      const prefix = scope === app ? '' : `/bp${i % 3}`
      const kind = i % 5
      let path: string
      let url: string
      let params: Record<string, unknown>
      if (kind === 0) [path, url, params] = [`/static/${i}`, `/static/${i}`, {}]
      else if (kind === 1) [path, url, params] = [`/items${i}/:id<int>`, `/items${i}/${i * 3}`, { id: i * 3 }]
      else if (kind === 2)
        [path, url, params] = [`/s${i}/:slug<slug>/x`, `/s${i}/slug-${i}/x`, { slug: `slug-${i}` }]
      else if (kind === 3) [path, url, params] = [`/n/${i}/:name`, `/n/${i}/n%20${i}`, { name: `n ${i}` }]
      else [path, url, params] = [`/f${i}/:rest<path>`, `/f${i}/a/${i}.txt`, { rest: `a/${i}.txt` }]
      scope.get(path, () => ({ id }))
      // The handler echoes params by reading them from the request.
      scope.post(path, (req) => ({ id, params: req.params }))
      expected.set(`${prefix}${url}`, { id, params })
    }
    for (const bp of blueprints) app.blueprint(bp)
    const entries = [...expected]
    const sample = entries.filter((_, i) => i % 23 === 0 || i >= entries.length - 3)
    const client = await make(app)
    try {
      for (const [url, { id, params }] of sample) {
        const got = await client.request(url)
        expect(got.status, url).toBe(200)
        expect(got.json(), url).toEqual({ id })
        const posted = await client.request({ method: 'POST', url })
        expect(posted.json(), url).toEqual({ id, params })
      }
      expect(app.routes().filter((r) => !r.automatic)).toHaveLength(600)
      expect((await client.request('/static/300')).status).toBe(404)
      expect((await client.request('/items1/abc')).status).toBe(404)
    } finally {
      await client.close()
    }
    expect(sample.at(-1)![1].id).toBe('route-299')
  })
})
