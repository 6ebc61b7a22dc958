/**
 * One URL, one meaning: every spelling of a path reaches guards, middleware, routes and static files as the
 * same normalised path, through every entry (inject, fetch, Brisk's server, node:http).
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Brisk, json, text } from '../src/index'
import { getFresh } from './_helpers'
import { forEachEntry, many, once } from './_matrix'

let base: string
let root: string

beforeAll(async () => {
  base = await mkdtemp(join(tmpdir(), 'brisk-url-'))
  root = join(base, 'public')
  await mkdir(join(root, 'admin'), { recursive: true })
  await writeFile(join(root, 'admin', 'keys.txt'), 'TOP SECRET KEYS')
  await writeFile(join(root, 'public.txt'), 'hello')
  await writeFile(join(root, 'secret.txt'), 'inside the folder but not under /app/:version')
})
afterAll(async () => {
  await rm(base, { recursive: true, force: true })
})

/** Spellings of `/admin/keys.txt` that a client can send; some resolve to it, none may slip past a guard. */
const adminSpellings = [
  '/admin/keys.txt',
  '/%61dmin/keys.txt',
  '/%61%64%6d%69%6e/keys.txt',
  '/%61%64%6D%69%6E/keys%2etxt',
  '/admin%2Fkeys.txt',
  '/admin%2fkeys.txt',
  '/public/../admin/keys.txt',
  '/public/%2e%2e/admin/keys.txt',
  '/public/%2E%2E/admin/keys.txt',
  '/./admin/keys.txt',
  '/%2e/admin/keys.txt',
  '/admin/./keys.txt',
  '/admin/%2e/keys.txt',
  '/admin/x/../keys.txt',
  '/admin\\keys.txt',
  '/admin%5ckeys.txt',
  '//admin/keys.txt',
  '/%2561dmin/keys.txt',
  '/admin/keys.txt#frag',
]

/** Spellings that name `/admin/…` once normalised: the guard must see them as such. */
const resolvesToAdmin = new Set([
  '/admin/keys.txt',
  '/%61dmin/keys.txt',
  '/%61%64%6d%69%6e/keys.txt',
  '/%61%64%6D%69%6E/keys%2etxt',
  '/public/../admin/keys.txt',
  '/public/%2e%2e/admin/keys.txt',
  '/public/%2E%2E/admin/keys.txt',
  '/./admin/keys.txt',
  '/%2e/admin/keys.txt',
  '/admin/./keys.txt',
  '/admin/%2e/keys.txt',
  '/admin/x/../keys.txt',
  '/admin/keys.txt#frag',
])

forEachEntry('a guard on a path prefix', (make, entry) => {
  // node's client refuses to send a `#`; the other entries take it (fetch keeps it in Request.url).
  const spellings = adminSpellings.filter((s) => !(s.includes('#') && entry.startsWith('node')))

  it('middleware checking req.path sees every spelling of /admin as /admin', async () => {
    const app = new Brisk()
    app.onRequest((req) => {
      if (req.path.startsWith('/admin')) return json({ error: 'no' }, 401)
    })
    app.static('/', root)
    const responses = await many(make, app, spellings)
    responses.forEach((res, i) => {
      const sent = spellings[i]!
      expect(res.body, sent).not.toContain('TOP SECRET')
      expect(res.status, sent).not.toBe(200)
      if (resolvesToAdmin.has(sent)) expect(res.status, sent).toBe(401)
    })
  })

  it('a guarded /admin/:rest<path> route is reached by every spelling that names it', async () => {
    const app = new Brisk()
    app.get('/admin/:rest<path>', { onRequest: () => json({ error: 'no' }, 401) }, () => 'never')
    app.static('/', root)
    const responses = await many(make, app, spellings)
    responses.forEach((res, i) => {
      const sent = spellings[i]!
      expect(res.body, sent).not.toContain('TOP SECRET')
      expect(res.status, sent).not.toBe(200)
      if (resolvesToAdmin.has(sent)) expect(res.status, sent).toBe(401)
    })
  })

  it('the static files still serve what the guard lets through', async () => {
    const app = new Brisk()
    app.onRequest((req) => {
      if (req.path.startsWith('/admin')) return json({ error: 'no' }, 401)
    })
    app.static('/', root)
    const [plain, encoded, dotted] = await many(make, app, [
      '/public.txt',
      '/%70ublic.txt',
      '/admin/../public.txt',
    ])
    expect([plain!.body, encoded!.body, dotted!.body]).toEqual(['hello', 'hello', 'hello'])
  })
})

forEachEntry('equivalent URLs', (make) => {
  it('reach static routes: lower-case hex, encoded unreserved characters, raw [ ] |', async () => {
    const app = new Brisk()
    app.get('/café', () => 'café')
    app.get('/encoded', () => 'encoded')
    app.get('/a[1]|b', () => 'brackets')
    app.get('/~user/x', () => 'tilde')
    const sent = [
      '/caf%c3%a9',
      '/caf%C3%A9',
      '/%65ncoded',
      '/%65%6E%63%6f%64%65%64',
      '/a[1]|b',
      '/a%5B1%5D%7Cb',
      '/a%5b1%5d%7cb',
      '/%7euser/x',
      '/%7Euser/%78',
    ]
    const responses = await many(make, app, sent)
    expect(responses.map((r) => r.status)).toEqual(sent.map(() => 200))
    expect(responses.map((r) => r.body)).toEqual([
      'café',
      'café',
      'encoded',
      'encoded',
      'brackets',
      'brackets',
      'brackets',
      'tilde',
      'tilde',
    ])
  })

  it('give handlers the normalised, still encoded path and decoded params', async () => {
    const app = new Brisk()
    app.get('/p/:name/:rest<path>', (req) => ({
      path: req.path,
      url: req.url,
      params: req.params,
      q: req.query,
    }))
    const res = await once(make, app, '/p/J%c3%bcrgen/%61/b%2fc/./d?x=%61')
    expect(res.json()).toEqual({
      path: '/p/J%C3%BCrgen/a/b%2Fc/d',
      url: '/p/J%C3%BCrgen/a/b%2Fc/d?x=%61',
      params: { name: 'Jürgen', rest: 'a/b/c/d' },
      q: { x: 'a' },
    })
  })

  it('leave a path that needs no change exactly as sent', async () => {
    const app = new Brisk()
    app.get('/p/:rest<path>', (req) => ({ path: req.path, url: req.url }))
    const res = await once(make, app, "/p/a-b_c~d.e/!$&'()*+,;=:@/x?y=1")
    expect(res.json()).toEqual({
      path: "/p/a-b_c~d.e/!$&'()*+,;=:@/x",
      url: "/p/a-b_c~d.e/!$&'()*+,;=:@/x?y=1",
    })
  })

  it('keep reserved characters and their escapes apart (RFC 3986 §6.2.2.2)', async () => {
    const app = new Brisk()
    app.get('/a:b', () => 'colon')
    const [raw, encoded] = await many(make, app, ['/a:b', '/a%3Ab'])
    expect(raw!.body).toBe('colon')
    expect(encoded!.status).toBe(404)
  })

  it('answer 400 for a malformed escape anywhere in the path, not only in a parameter', async () => {
    const app = new Brisk()
    app.get('/a/:x', () => 'x')
    app.get('/b%zz', () => 'never')
    const [inStatic, truncated] = await many(make, app, ['/b%zz', '/a%4/x'])
    for (const res of [inStatic!, truncated!]) {
      expect(res.status).toBe(400)
      expect(res.json()).toMatchObject({
        code: 'BRISK_ERR_BAD_REQUEST',
        detail: 'The path has a malformed percent-encoding',
      })
    }
  })
})

/**
 * Encoding cases from find-my-way's suite (test/issue-206, issue-234, url-sanitizer, methods), through the
 * whole app: [request, route that answers or status, params]. Where Brisk differs on purpose the row says so.
 */
const findMyWayCases: [string, string | number, Record<string, unknown>?][] = [
  ['/%65ncod%65d', '/encoded'],
  ['/%F0%9F%8D%8C', '/🍌'],
  ['/%f0%9f%8d%8c', '/🍌'],
  ['/%F0%9F%8D%8C/%23', '/🍌/:param', { param: '#' }],
  ['/%F0%9F%8D%8C/@', '/🍌/:param', { param: '@' }],
  ['/%5B...%5D/a%20.html', '/[...]/a .html'],
  ['/[...]/a%20.html', '/[...]/a .html'],
  // find-my-way reads route patterns as decoded text, Brisk as URL text (`%25` is a literal `%`), so the
  // request that reaches the route of the file named `a%20.html` is `a%2520.html` here, `a%252520.html` there.
  ['/[...]/a%2520.html', '/[...]/a%2520.html'],
  ['/%5B...%5D/a%20%20.html', 404],
  ['/user/maintainer%2Btomas', '/user/:id', { id: 'maintainer+tomas' }],
  ['/user/maintainer%20tomas', '/user/:id', { id: 'maintainer tomas' }],
  ['/user/maintainer%252Btomas', '/user/:id', { id: 'maintainer%2Btomas' }],
  ['/test/he%2Fllo', '/test/:id', { id: 'he/llo' }],
  ['/wild/he%2Fllo', '/wild/:rest<path>', { rest: 'he/llo' }],
  ['/wild/mail%2540mail.it', '/wild/:rest<path>', { rest: 'mail%40mail.it' }],
  // find-my-way answers no route (404) or throws; Brisk answers 400 for any malformed escape.
  ['/static/%25E0%A4%A', 400],
  ['/Hello%3xWorld/world', 400],
]

forEachEntry("find-my-way's encoding cases", (make) => {
  it('match the same routes with the same params', async () => {
    const app = new Brisk()
    for (const route of [
      '/encoded',
      '/🍌',
      '/🍌/:param',
      '/[...]/a .html',
      '/[...]/a%2520.html',
      '/user/:id',
      '/test/:id',
      '/wild/:rest<path>',
    ]) {
      app.get(route, (req) => ({ route, params: req.params }))
    }
    const responses = await many(
      make,
      app,
      findMyWayCases.map(([url]) => url),
    )
    responses.forEach((res, i) => {
      const [url, expected, params = {}] = findMyWayCases[i]!
      if (typeof expected === 'number') expect(res.status, url).toBe(expected)
      else expect(res.json(), url).toEqual({ route: expected, params })
    })
  })
})

forEachEntry('dot segments', (make, entry) => {
  it('are resolved before routing (RFC 3986 §5.2.4)', async () => {
    const app = new Brisk()
    app.get('/b/:rest<path>', (req) => ({ path: req.path, rest: req.params.rest }))
    app.get('/folder/', (req) => ({ path: req.path }))
    const [up, here, encoded, trailing] = await many(make, app, [
      '/a/../b/c',
      '/b/./c/.',
      '/a/%2e%2E/b/%2e/c',
      '/folder/x/..',
    ])
    expect(up!.json()).toEqual({ path: '/b/c', rest: 'c' })
    expect(here!.json()).toEqual({ path: '/b/c/', rest: 'c/' })
    expect(encoded!.json()).toEqual({ path: '/b/c', rest: 'c' })
    expect(trailing!.json()).toEqual({ path: '/folder/' })
  })

  it('that climb above the root are a 400 and reach no handler', async () => {
    const app = new Brisk()
    let reached = 0
    app.onRequest(() => void reached++)
    app.get('/:rest<path>', (req) => req.path)
    const responses = await many(make, app, ['/../a', '/a/../../a', '/%2e%2e/a', '/a/%2E%2E/%2e%2e/a'])
    expect(reached).toBe(responses.length) // app middleware runs for the 400 too, as for any error answer
    for (const res of responses) {
      if (entry === 'fetch') {
        // `new Request()` has resolved the dots before Brisk sees the URL, clamping at the root (WHATWG URL).
        expect([res.status, res.body]).toEqual([200, '/a'])
        continue
      }
      expect(res.status).toBe(400)
      expect(res.json()).toMatchObject({ detail: 'The path climbs above the root with ".."' })
    }
  })
})

forEachEntry('app.static() under a parameter', (make) => {
  it('refuses a .. caught by the parameter, in any encoding', async () => {
    const app = new Brisk()
    app.static('/app/:version', root)
    const responses = await many(make, app, [
      '/app/%2e%2e/secret.txt',
      '/app/%2E%2E/secret.txt',
      '/app/.%2e/secret.txt',
      '/app/v1/public.txt',
    ])
    for (const res of responses.slice(0, 3)) {
      expect(res.status).toBe(404)
      expect(res.body).not.toContain('inside the folder')
    }
    expect(responses[3]!.body).toBe('hello')
  })
})

forEachEntry('a catch-all OPTIONS route', (make) => {
  it('answers OPTIONS on every path, not the automatic 204', async () => {
    const app = new Brisk()
    app.options('/:rest<path>', (req) => text(`preflight ${req.path}`, { headers: { allow: 'GET, POST' } }))
    app.get('/books', () => 'books')
    app.get('/books/:id<int>', () => 'book')
    app.post('/orders', () => 'ordered')
    const responses = await many(make, app, [
      { method: 'OPTIONS', url: '/books' },
      { method: 'OPTIONS', url: '/books/7' },
      { method: 'OPTIONS', url: '/orders' },
      { method: 'OPTIONS', url: '/' },
    ])
    expect(responses.slice(0, 3).map((r) => [r.status, r.body])).toEqual([
      [200, 'preflight /books'],
      [200, 'preflight /books/7'],
      [200, 'preflight /orders'],
    ])
    expect(responses[3]!.status).toBe(404) // `<path>` needs at least one character; no route has `/`
  })

  it('is passed over on another host, where the automatic 204 still answers', async () => {
    const app = new Brisk()
    app.options('/:rest<path>', { host: 'api.example.com' }, () => 'api preflight')
    app.get('/books', () => 'books')
    const [api, other] = await many(make, app, [
      { method: 'OPTIONS', url: '/books', headers: { host: 'api.example.com' } },
      { method: 'OPTIONS', url: '/books', headers: { host: 'www.example.com' } },
    ])
    expect(api!.body).toBe('api preflight')
    expect(other!.status).toBe(204)
    expect(other!.headers.allow).toBe('GET, HEAD, OPTIONS')
  })

  it('does not take over GET, and a catch-all HEAD route beats HEAD from GET the same way', async () => {
    const app = new Brisk()
    app.options('/:rest<path>', () => 'preflight')
    app.head('/:rest<path>', () => text('', { headers: { 'x-head': 'catch-all' } }))
    app.get('/books', () => 'books')
    const [get, head] = await many(make, app, ['/books', { method: 'HEAD', url: '/books' }])
    expect(get!.body).toBe('books')
    expect(head!.headers['x-head']).toBe('catch-all')
  })
})

/** Sends `GET <target>` with a Host header, exactly as written, to a live server. */
function rawGet(
  port: number,
  target: string,
  host = 'ignored.example',
): Promise<{ status: number; body: string }> {
  return getFresh(port, target, 10_000, { host })
}

function absoluteApp(): Brisk {
  const app = new Brisk()
  app.get('/', (req) => ({ route: 'root', url: req.url, query: req.query }))
  app.get('/admin', () => ({ route: 'admin' }))
  app.get('/a/:id', (req) => ({ path: req.path, url: req.url, host: req.hostname, id: req.params.id }))
  app.get('/only-api', { host: 'api.example.com' }, () => ({ route: 'api' }))
  return app
}

const absoluteCases: [string, number, unknown][] = [
  ['http://example.com/a/1?x=2', 200, { path: '/a/1', url: '/a/1?x=2', host: 'example.com', id: '1' }],
  ['https://example.com:8443/a/%32', 200, { path: '/a/2', url: '/a/2', host: 'example.com', id: '2' }],
  ['HTTP://Example.COM/a/3', 200, { path: '/a/3', url: '/a/3', host: 'Example.COM', id: '3' }],
  ['http://example.com?next=/admin', 200, { route: 'root', url: '/?next=/admin', query: { next: '/admin' } }],
  ['http://example.com', 200, { route: 'root', url: '/', query: {} }],
  ['http://api.example.com/only-api', 200, { route: 'api' }],
  ['http://www.example.com/only-api', 404, undefined],
  ['http:///admin', 400, undefined],
  ['http://localhost:invalid/admin', 400, undefined],
  ['http://user@example.com/admin', 400, undefined],
  ['ftp://example.com/admin', 400, undefined],
  ['http://example.com/a/../../admin', 400, undefined],
]

// Only the servers meet this form: `app.inject` takes a path, and `app.fetch` gets a URL it cuts to one.
describe('absolute-form request targets (RFC 9112 §3.2.2)', () => {
  for (const server of ['brisk', 'node'] as const) {
    it(`are accepted on the ${server} server, with the host taken from the target`, async () => {
      const app = absoluteApp()
      const { port } = await app.listen({ port: 0, host: '127.0.0.1', server })
      try {
        for (const [target, status, body] of absoluteCases) {
          const res = await rawGet(port, target)
          expect(res.status, target).toBe(status)
          if (body !== undefined) expect(JSON.parse(res.body), target).toEqual(body)
        }
      } finally {
        await app.close()
      }
    })
  }
})
