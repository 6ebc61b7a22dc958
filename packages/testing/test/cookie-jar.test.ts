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

/** Runs `fn` with the process in another time zone (Node reads TZ again when it changes). */
function inZone(zone: string, fn: () => void): void {
  const before = process.env.TZ
  process.env.TZ = zone
  try {
    // Proves the zone took effect, so a test that passes here would not pass by being in UTC.
    expect(new Date(2037, 0, 1).getTimezoneOffset()).not.toBe(0)
    fn()
  } finally {
    if (before === undefined) delete process.env.TZ
    else process.env.TZ = before
  }
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

  it('treats localhost as a host that may name itself in Domain, making a host-only cookie', async () => {
    const c = client()
    await set(c, 'local=1; Domain=localhost')
    expect((await c.get('/')).json()).toEqual({ local: '1' })
    expect(c.cookies.getAll()[0]).toMatchObject({ domain: 'localhost', hostOnly: true })
    expect((await c.get('/', { headers: { host: 'api.localhost' } })).json()).toEqual({})
  })

  it('sends a quoted value back with its quotes, and the server reads it without them', async () => {
    const c = client()
    await set(c, 'q="bar"', 'spaced="a b"')
    const res = await c.get('/')
    expect(res.request.headers.cookie).toBe('q="bar"; spaced="a b"')
    expect(res.json()).toEqual({ q: 'bar', spaced: 'a b' })
    expect(c.cookies.get('q')).toBe('bar')
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
      rawValue: '"abc%20d"',
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

  it('reads Expires with the RFC 6265 date algorithm: offsets are not applied', () => {
    const at = (date: string) => parseSetCookie(`a=1; Expires=${date}`)?.expires?.toISOString()
    expect(at('Sat, 15-Apr-17 21:01:22 GMT-0400')).toBe('2017-04-15T21:01:22.000Z')
    expect(at('Wed, 21 Oct 2037 07:28:00 +0200')).toBe('2037-10-21T07:28:00.000Z')
    expect(at('Thu, 31 Feb 2030 00:00:00 GMT')).toBeUndefined()
  })

  it('reads an Expires without a zone as UTC, whatever the time zone of the machine', () => {
    inZone('America/New_York', () => {
      expect(parseSetCookie('a=1; Expires=Wed, 21 Oct 2037 07:28:00')?.expires?.toISOString()).toBe(
        '2037-10-21T07:28:00.000Z',
      )
    })
  })

  it('keeps the double quotes of a value in rawValue, and leaves them out of value', () => {
    expect(parseSetCookie('foo="bar"')).toMatchObject({ value: 'bar', rawValue: '"bar"' })
    expect(parseSetCookie('foo="  bar "')).toMatchObject({ value: '  bar ', rawValue: '"  bar "' })
    expect(parseSetCookie('foo="bar')).toMatchObject({ value: '"bar', rawValue: '"bar' })
  })

  it('drops a line with a NUL, CR, LF or other control character, but not one with a tab', () => {
    for (const line of ['a=b\u0000c', 'a=b\rc', 'a=b\nc', 'a=b; Path=/\u0000x', 'a=\u007f', 'a\u0001=b']) {
      expect(parseSetCookie(line)).toBeNull()
    }
    expect(parseSetCookie('a=\tb\t; Path=/')).toMatchObject({ name: 'a', rawValue: 'b' })
  })

  it('trims spaces and tabs only', () => {
    expect(parseSetCookie('a=\u00a0b\u00a0')?.rawValue).toBe('\u00a0b\u00a0')
  })

  it('reads Max-Age as an integer, the last readable one winning, and ignores other forms', () => {
    expect(parseSetCookie('a=1; Max-Age=+5')?.maxAge).toBeUndefined()
    expect(parseSetCookie('a=1; Max-Age=1.5')?.maxAge).toBeUndefined()
    expect(parseSetCookie('a=1; Max-Age=-')?.maxAge).toBeUndefined()
    expect(parseSetCookie('a=1; Max-Age=')?.maxAge).toBeUndefined()
    expect(parseSetCookie('a=1; Max-Age=-5')?.maxAge).toBe(-5)
    expect(parseSetCookie('a=1; Max-Age=10; Max-Age=x; Max-Age=20; Max-Age=1e3')?.maxAge).toBe(20)
  })

  it('ignores an empty Domain, and lets Domain=. make the cookie host-only again', () => {
    expect(parseSetCookie('a=1; Domain=Example.com; Domain=')?.domain).toBe('example.com')
    expect(parseSetCookie('a=1; Domain=example.com; Domain=.')?.domain).toBeUndefined()
    expect(parseSetCookie('a=1; Domain=..example.com')?.domain).toBe('.example.com')
  })

  it('spells SameSite as Strict, Lax or None, and reads any other value as no SameSite', () => {
    expect(parseSetCookie('a=1; samesite=strict')?.sameSite).toBe('Strict')
    expect(parseSetCookie('a=1; SameSite=LAX')?.sameSite).toBe('Lax')
    expect(parseSetCookie('a=1; SameSite=none; Secure')?.sameSite).toBe('None')
    expect(parseSetCookie('a=1; SameSite=Strict; SameSite=bogus')?.sameSite).toBeUndefined()
    expect(parseSetCookie('a=1; SameSite=constructor')?.sameSite).toBeUndefined()
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

  it('expires a cookie at the UTC instant of an Expires without a zone, whatever the time zone', () => {
    vi.useFakeTimers({ toFake: ['Date'] })
    inZone('America/New_York', () => {
      vi.setSystemTime(new Date('2036-12-31T23:59:00Z'))
      const jar = new CookieJar()
      jar.store('a=1; Expires=Thu, 01 Jan 2037 00:00:00')
      expect(jar.header()).toBe('a=1')
      vi.setSystemTime(new Date('2037-01-01T00:00:01Z'))
      expect(jar.header()).toBe('')
    })
  })

  it('never stores or sends a value with a NUL or CR in it', () => {
    const jar = new CookieJar()
    jar.store(['a=b\u0000c', 'b=x\ry', 'ok=1'])
    expect(jar.header()).toBe('ok=1')
    expect(jar.size).toBe(1)
  })

  it('sends quoted values back exactly as they came', () => {
    const jar = new CookieJar()
    jar.store(['foo="bar"', 'j="J%C3%B6rg"'])
    expect(jar.header()).toBe('foo="bar"; j="J%C3%B6rg"')
    expect(jar.getAll().map((c) => c.value)).toEqual(['bar', 'Jörg'])
  })

  it('cuts a huge Max-Age to the last date it can hold', () => {
    const jar = new CookieJar()
    jar.store('a=1; Max-Age=99999999999999999999')
    expect(jar.getAll()[0]?.expires?.getTime()).toBe(8.64e15)
    expect(jar.header()).toBe('a=1')
  })

  it('makes a cookie whose Domain is the IP host itself host-only', () => {
    const jar = new CookieJar('http://127.0.0.1')
    jar.store('a=1; Domain=127.0.0.1')
    expect(jar.getAll()[0]).toMatchObject({ domain: '127.0.0.1', hostOnly: true })
  })

  it('lets a Domain cookie replace a host-only one of the same name, domain and path', () => {
    const jar = new CookieJar('http://shop.example.com')
    jar.store('a=host')
    jar.store('a=wide; Domain=shop.example.com')
    expect(jar.getAll()).toMatchObject([{ value: 'wide', hostOnly: false }])
    expect(jar.header('http://eu.shop.example.com/')).toBe('a=wide')
  })

  it('refuses SameSite=None without Secure, as browsers do', () => {
    const jar = new CookieJar('https://localhost')
    jar.store(['lax=1; SameSite=Lax', 'bad=1; SameSite=None', 'good=1; SameSite=None; Secure'])
    expect(jar.header()).toBe('lax=1; good=1')
    expect(() => jar.set('x', '1', { sameSite: 'None' })).toThrow(/requires secure: true/)
    jar.set('x', '1', { sameSite: 'None', secure: true })
    expect(jar.get('x')).toBe('1')
  })

  it('falls back to the default path for an empty or relative Path, the last Path winning', () => {
    const jar = new CookieJar()
    jar.store(['a=1; Path=', 'b=1; Path=docs', 'c=1; Path=/x; Path=', 'd=1; Path=; Path=/x'], '/app/login')
    expect(jar.getAll().map((c) => [c.name, c.path])).toEqual([
      ['a', '/app'],
      ['b', '/app'],
      ['c', '/app'],
      ['d', '/x'],
    ])
  })

  it('rejects a bad origin, URL or name with a clear message', () => {
    expect(() => new CookieJar('localhost')).toThrow(/origin must be an absolute URL/)
    expect(() => new CookieJar().header('nope')).toThrow(
      /expected a path starting with "\/" or an absolute URL/,
    )
    expect(() => new CookieJar().set('bad name', '1')).toThrow(/not a valid cookie name/)
  })
})
