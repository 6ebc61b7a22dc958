import { Brisk, BriskResponse, text } from '@brisk/core'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { CookieJar, parseSetCookie, type TestClient, type TestClientOptions, testClient } from '../src/index'
import { modes, silent } from './_apps'

/** An app that sets whatever `Set-Cookie` lines the query asks for, and echoes the cookies it receives. */
function cookieApp(): Brisk {
  const app = new Brisk({ logger: silent })
  app.get('/set', (req) => new BriskResponse('set', 200, { 'set-cookie': [req.query.line ?? []].flat() }))
  app.get('/account/login', () => new BriskResponse('in', 200, { 'set-cookie': ['acct=1'] }))
  app.post('/login', () =>
    text('welcome').setCookie('sid', 'abc 123').setCookie('theme', 'dark', { httpOnly: false }),
  )
  app.post('/logout', () => text('bye').deleteCookie('sid'))
  app.get('/:rest<path>', (req) => ({ ...req.cookies }))
  app.get('/', (req) => ({ ...req.cookies }))
  return app
}

const open: TestClient[] = []
afterEach(async () => {
  vi.useRealTimers()
  await Promise.all(open.splice(0).map((c) => c.close()))
})

describe.each(modes)('the cookie jar in %s mode', (mode) => {
  function client(options: TestClientOptions = {}): TestClient {
    const c = testClient(cookieApp(), { mode, ...options })
    open.push(c)
    return c
  }
  const set = (c: TestClient, ...lines: string[]) => c.get('/set', { query: { line: lines } })

  it('keeps cookies across requests and sends them back', async () => {
    const c = client()
    const login = await c.post('/login')
    expect(login.cookies.sid).toMatchObject({ value: 'abc 123', path: '/', httpOnly: true, sameSite: 'Lax' })
    expect((await c.get('/')).json()).toEqual({ sid: 'abc 123', theme: 'dark' })
    expect(c.cookies.get('sid')).toBe('abc 123')
    expect((await c.get('/anything/deeper')).request.cookies).toEqual({ sid: 'abc 123', theme: 'dark' })
  })

  it('forgets a cookie the server deletes (Max-Age=0)', async () => {
    const c = client()
    await c.post('/login')
    const out = await c.post('/logout')
    expect(out.cookies.sid?.maxAge).toBe(0)
    expect((await c.get('/')).json()).toEqual({ theme: 'dark' })
    expect(c.cookies.get('sid')).toBeUndefined()
  })

  it('forgets a cookie set again with an Expires in the past', async () => {
    const c = client()
    await set(c, 'a=1')
    await set(c, 'a=gone; Expires=Thu, 01 Jan 1970 00:00:00 GMT')
    expect((await c.get('/')).json()).toEqual({})
  })

  it('replaces a cookie with the same name, domain and path', async () => {
    const c = client()
    await set(c, 'a=1')
    await set(c, 'a=2')
    expect((await c.get('/')).request.headers.cookie).toBe('a=2')
  })

  it('sends a cookie only under its Path', async () => {
    const c = client()
    await set(c, 'admin=1; Path=/admin', 'all=1; Path=/')
    expect((await c.get('/admin')).json()).toEqual({ admin: '1', all: '1' })
    expect((await c.get('/admin/users')).json()).toEqual({ admin: '1', all: '1' })
    expect((await c.get('/administrator')).json()).toEqual({ all: '1' })
    expect((await c.get('/')).json()).toEqual({ all: '1' })
  })

  it('puts longer paths first in the Cookie header', async () => {
    const c = client()
    await set(c, 'k=root; Path=/', 'k=deep; Path=/a/b', 'k=mid; Path=/a')
    expect((await c.get('/a/b/c')).request.headers.cookie).toBe('k=deep; k=mid; k=root')
  })

  it('defaults the path to the directory of the request that set it', async () => {
    const c = client()
    await c.get('/account/login')
    expect(c.cookies.getAll()[0]).toMatchObject({ name: 'acct', path: '/account' })
    expect((await c.get('/account/me')).json()).toEqual({ acct: '1' })
    expect((await c.get('/')).json()).toEqual({})
  })

  it('sends a host-only cookie to its host only, and a Domain cookie to subdomains', async () => {
    const c = client({ origin: 'http://shop.example.com' })
    await set(c, 'narrow=1', 'wide=1; Domain=.Example.com')
    expect((await c.get('/')).json()).toEqual({ narrow: '1', wide: '1' })
    expect((await c.get('/', { headers: { host: 'api.example.com' } })).json()).toEqual({ wide: '1' })
    expect((await c.get('/', { headers: { host: 'example.org' } })).json()).toEqual({})
  })

  it('ignores a Domain that does not cover the host, or that is a bare TLD', async () => {
    const c = client({ origin: 'http://shop.example.com' })
    await set(c, 'evil=1; Domain=other.com', 'tld=1; Domain=com', 'sub=1; Domain=deep.shop.example.com')
    expect(c.cookies.size).toBe(0)
    expect((await c.get('/')).json()).toEqual({})
  })

  it('treats localhost as a host that may name itself in Domain', async () => {
    const c = client()
    await set(c, 'local=1; Domain=localhost')
    expect((await c.get('/')).json()).toEqual({ local: '1' })
  })

  it('drops a cookie once its Max-Age has passed', async () => {
    vi.useFakeTimers({ toFake: ['Date'] })
    const c = client()
    await set(c, 'short=1; Max-Age=60', 'long=1; Max-Age=3600', 'session=1')
    vi.setSystemTime(Date.now() + 61_000)
    expect((await c.get('/')).json()).toEqual({ long: '1', session: '1' })
    vi.setSystemTime(Date.now() + 3600_000)
    expect((await c.get('/')).json()).toEqual({ session: '1' })
  })

  it('drops a cookie at its Expires date, and lets Max-Age win over Expires', async () => {
    vi.useFakeTimers({ toFake: ['Date'] })
    const c = client()
    const inAMinute = new Date(Date.now() + 60_000).toUTCString()
    await set(
      c,
      `soon=1; Expires=${inAMinute}`,
      'both=1; Max-Age=3600; Expires=Thu, 01 Jan 1970 00:00:00 GMT',
    )
    expect((await c.get('/')).json()).toEqual({ soon: '1', both: '1' })
    vi.setSystemTime(Date.now() + 61_000)
    expect((await c.get('/')).json()).toEqual({ both: '1' })
  })

  it('keeps but does not send a Secure cookie over http', async () => {
    const c = client()
    await set(c, 'sid=1; Secure', 'plain=1')
    expect((await c.get('/')).json()).toEqual({ plain: '1' })
    expect(c.cookies.get('sid')).toBe('1')
    expect(c.cookies.getAll('/').map((k) => k.name)).toEqual(['plain'])
  })

  it('sends a Secure cookie when the origin is https', async () => {
    const c = client({ origin: 'https://localhost' })
    await set(c, 'sid=1; Secure', 'plain=1')
    expect((await c.get('/')).json()).toEqual({ sid: '1', plain: '1' })
  })

  it('adds per-request cookies on top of the jar, without storing them', async () => {
    const c = client()
    await set(c, 'a=1', 'b=1')
    expect((await c.get('/', { cookies: { b: 'override', c: 'x y' } })).json()).toEqual({
      a: '1',
      b: 'override',
      c: 'x y',
    })
    expect((await c.get('/')).json()).toEqual({ a: '1', b: '1' })
  })

  it('leaves the jar out when the Cookie header is given', async () => {
    const c = client()
    await set(c, 'a=1')
    expect((await c.get('/', { headers: { cookie: 'only=me' } })).json()).toEqual({ only: 'me' })
  })

  it('reads, sets, deletes and clears through client.cookies', async () => {
    const c = client()
    c.cookies.set('name', 'Jörg; the "great"')
    c.cookies.set('admin', 'yes', { path: '/admin' })
    c.cookies.set('secret', 'no', { secure: true })
    expect((await c.get('/admin')).json()).toEqual({ admin: 'yes', name: 'Jörg; the "great"' })
    expect(c.cookies.get('admin')).toBe('yes')
    expect(c.cookies.get('admin', { url: '/' })).toBeUndefined()
    expect(c.cookies.delete('admin')).toBe(1)
    expect((await c.get('/admin')).json()).toEqual({ name: 'Jörg; the "great"' })
    c.cookies.clear()
    expect(c.cookies.size).toBe(0)
    expect((await c.get('/')).json()).toEqual({})
  })

  it('lets client.cookies.set delete with maxAge 0', async () => {
    const c = client()
    c.cookies.set('a', '1')
    c.cookies.set('a', '', { maxAge: 0 })
    expect(c.cookies.size).toBe(0)
  })
})

describe('parseSetCookie()', () => {
  it('reads every attribute, case-insensitively', () => {
    const cookie = parseSetCookie(
      'sid="abc%20d"; path=/app; DOMAIN=.Example.COM; max-age=60; expires=Wed, 21 Oct 2037 07:28:00 GMT; secure; HTTPONLY; samesite=Strict; Partitioned',
    )
    expect(cookie).toEqual({
      name: 'sid',
      value: 'abc d',
      rawValue: 'abc%20d',
      domain: 'example.com',
      path: '/app',
      expires: new Date('2037-10-21T07:28:00Z'),
      maxAge: 60,
      secure: true,
      httpOnly: true,
      sameSite: 'Strict',
      partitioned: true,
    })
  })

  it('ignores attributes it cannot read, not the cookie', () => {
    expect(parseSetCookie('a=1; Max-Age=soon; Expires=never; Path=relative; Domain=')).toMatchObject({
      name: 'a',
      value: '1',
      maxAge: undefined,
      expires: undefined,
      path: undefined,
      domain: undefined,
    })
  })

  it('drops a line without a name=value pair', () => {
    expect(parseSetCookie('justaname')).toBeNull()
    expect(parseSetCookie('=value')).toBeNull()
  })

  it('keeps a malformed escape as it is', () => {
    expect(parseSetCookie('a=%E0%A4%A')?.value).toBe('%E0%A4%A')
  })
})

describe('new CookieJar()', () => {
  it('stores from Set-Cookie lines and builds Cookie headers for paths and absolute URLs', () => {
    const jar = new CookieJar('https://shop.example')
    jar.store(['sid=1; Secure', 'cart=2; Path=/cart'], '/login')
    expect(jar.header('/')).toBe('sid=1')
    expect(jar.header('/cart/items')).toBe('cart=2; sid=1')
    expect(jar.header('http://shop.example/cart')).toBe('cart=2')
    expect(jar.header('https://other.example/')).toBe('')
  })

  it('orders equal paths by age', () => {
    const jar = new CookieJar()
    jar.store('b=1')
    jar.store('a=1')
    jar.store('b=2') // a replacement keeps the old cookie's age
    expect(jar.header()).toBe('b=2; a=1')
  })

  it('describes its cookies', () => {
    const jar = new CookieJar('http://localhost')
    jar.store('sid=x; Max-Age=60; HttpOnly; SameSite=Lax')
    const [cookie] = jar.getAll()
    expect(cookie).toMatchObject({
      name: 'sid',
      value: 'x',
      domain: 'localhost',
      hostOnly: true,
      path: '/',
      httpOnly: true,
      sameSite: 'Lax',
    })
    expect(cookie?.expires).toBeInstanceOf(Date)
  })

  it('refuses a Domain attribute on an IP host unless it is the IP itself', () => {
    const jar = new CookieJar('http://127.0.0.1')
    jar.store(['a=1; Domain=0.0.1', 'b=1; Domain=127.0.0.1'])
    expect(jar.getAll().map((c) => c.name)).toEqual(['b'])
  })

  it('deletes by domain and path', () => {
    const jar = new CookieJar()
    jar.set('a', '1', { path: '/x' })
    jar.set('a', '2', { path: '/y' })
    expect(jar.delete('a', { path: '/x' })).toBe(1)
    expect(jar.get('a')).toBe('2')
    expect(jar.delete('a', { domain: 'elsewhere' })).toBe(0)
  })

  it('rejects a bad origin, URL or name with a clear message', () => {
    expect(() => new CookieJar('localhost')).toThrow(/origin must be an absolute URL/)
    expect(() => new CookieJar().header('nope')).toThrow(
      /expected a path starting with "\/" or an absolute URL/,
    )
    expect(() => new CookieJar().set('bad name', '1')).toThrow(/not a valid cookie name/)
  })
})
