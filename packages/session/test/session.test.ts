import { Brisk } from '@brisk/core'
import { testClient } from '@brisk/testing'
import { describe, expect, it } from 'vitest'
import { session } from '../src/index'
import { CountingStore, memoryLogger, SECRET, sessionApp } from './_helpers'

describe('req.ctx.session', () => {
  it('counts visits: 1 on the first, +1 on each later one, with one cookie set on the first only', async () => {
    const client = testClient(sessionApp())
    const first = await client.get('/visits')
    expect(first.json()).toEqual({ visits: 1 })
    expect(first.headers.getSetCookie()).toHaveLength(1)
    const second = await client.get('/visits')
    const third = await client.get('/visits')
    expect([second.json(), third.json()]).toEqual([{ visits: 2 }, { visits: 3 }])
    expect(second.headers.getSetCookie()).toEqual([])
    expect(third.headers.getSetCookie()).toEqual([])
    await client.close()
  })

  it('sets `sid` HttpOnly, SameSite=Lax, Path=/, with Max-Age = ttl, and no Secure over plain HTTP', async () => {
    const client = testClient(sessionApp({ ttl: 3600 }))
    const res = await client.get('/visits')
    const cookie = res.cookies.sid!
    expect(cookie.httpOnly).toBe(true)
    expect(cookie.sameSite).toBe('Lax')
    expect(cookie.path).toBe('/')
    expect(cookie.secure).toBe(false)
    expect(res.headers.getSetCookie()[0]).toMatch(/; Max-Age=3600(;|$)/)
    expect(cookie.value).toMatch(/^[A-Za-z0-9_-]{43}\.[A-Za-z0-9_-]{43}$/)
    await client.close()
  })

  it("adds Secure when the request came over HTTPS (trusted proxy) with 'auto', and always with secure: true", async () => {
    const app = new Brisk({ trustProxy: true }).use(session, { secret: SECRET })
    app.get('/', async (req) => req.ctx.session.set('a', 1))
    const client = testClient(app)
    const https = await client.get('/', { headers: { 'x-forwarded-proto': 'https' } })
    expect(https.headers.getSetCookie()[0]).toMatch(/; Secure(;|$)/)
    const http = await client.get('/', { headers: { cookie: undefined } })
    expect(http.headers.getSetCookie()[0]).not.toMatch(/Secure/)
    await client.close()

    const always = sessionApp({ cookie: { secure: true, name: '__Host-sid', sameSite: 'Strict' } })
    const res = await always.inject({ url: '/visits' })
    const line = ([] as string[]).concat(res.headers['set-cookie'] ?? [])[0]!
    expect(line).toMatch(/^__Host-sid=/)
    expect(line).toMatch(/; Secure(;|$)/)
    expect(line).toMatch(/; SameSite=Strict(;|$)/)
  })

  it('costs nothing on a route that never touches its session: no store call, no cookie', async () => {
    const store = new CountingStore()
    const client = testClient(sessionApp({ store }))
    await client.get('/visits')
    store.calls.length = 0
    const res = await client.get('/plain')
    expect(res.json()).toEqual({ ok: true })
    expect(res.headers.getSetCookie()).toEqual([])
    expect(store.calls).toEqual([])
    await client.close()
  })

  it('reads without writing: a read-only request makes one get and no set, and sends no cookie', async () => {
    const store = new CountingStore()
    const client = testClient(sessionApp({ store }))
    await client.get('/visits')
    store.calls.length = 0
    const res = await client.get('/peek')
    expect(res.json()).toMatchObject({ visits: 1, isNew: false })
    expect(store.calls.map((c) => c.split(' ')[0])).toEqual(['get'])
    expect(res.headers.getSetCookie()).toEqual([])
    await client.close()
  })

  it('never stores a new session that stays empty, nor sends it a cookie', async () => {
    const store = new CountingStore()
    const client = testClient(sessionApp({ store }))
    const res = await client.get('/peek')
    expect(res.json()).toMatchObject({ visits: null, isNew: true })
    expect(res.headers.getSetCookie()).toEqual([])
    expect(store.calls).toEqual([])
    await client.close()
  })

  it('rolling: a request that reads its session renews the store TTL and re-sends the cookie', async () => {
    const store = new CountingStore()
    const client = testClient(sessionApp({ store, rolling: true }))
    const first = await client.get('/visits')
    const sid = first.cookies.sid!.value
    store.calls.length = 0
    const res = await client.get('/peek')
    expect(store.calls.map((c) => c.split(' ')[0])).toEqual(['get', 'touch'])
    expect(res.cookies.sid!.value).toBe(sid)
    // still nothing for a route that does not touch it
    store.calls.length = 0
    expect((await client.get('/plain')).headers.getSetCookie()).toEqual([])
    expect(store.calls).toEqual([])
    await client.close()
  })

  it('touch() renews one session on demand, without rewriting it', async () => {
    const store = new CountingStore()
    const app = new Brisk().use(session, { secret: SECRET, store })
    app.get('/set', async (req) => req.ctx.session.set('n', 1))
    app.get('/touch', async (req) => req.ctx.session.touch())
    const client = testClient(app)
    const sid = (await client.get('/set')).cookies.sid!.value
    store.calls.length = 0
    const res = await client.get('/touch')
    expect(store.calls.map((c) => c.split(' ')[0])).toEqual(['get', 'touch'])
    expect(res.cookies.sid!.value).toBe(sid)
    await client.close()
  })

  it('get / set / has / delete / clear / all, with JSON values and no prototype keys', async () => {
    const app = new Brisk().use(session, { secret: SECRET })
    app.post('/step/:n<int>', async (req) => {
      const s = req.ctx.session
      switch (req.params.n) {
        case 1:
          await s.set('user', { id: 7, name: 'ada' })
          await s.set('when', new Date(0) as unknown)
          await s.set('tags', ['a', 'b'])
          return { has: await s.has('user'), constructor: (await s.get('constructor')) ?? null }
        case 2:
          return {
            all: await s.all(),
            deleted: await s.delete('tags'),
            again: await s.delete('tags'),
            hasTags: await s.has('tags'),
          }
        case 3: {
          const before = await s.all()
          await s.set('user', undefined)
          return { before, after: await s.all() }
        }
        default:
          await s.clear()
          return { all: await s.all(), id: s.id }
      }
    })
    app.post('/proto', async (req) => {
      await expect(req.ctx.session.set('__proto__', { polluted: true })).rejects.toThrow(TypeError)
      return { polluted: ({} as { polluted?: boolean }).polluted ?? false }
    })
    const client = testClient(app)
    expect((await client.post('/step/1')).json()).toEqual({ has: true, constructor: null })
    expect((await client.post('/step/2')).json()).toEqual({
      all: { user: { id: 7, name: 'ada' }, when: '1970-01-01T00:00:00.000Z', tags: ['a', 'b'] },
      deleted: true,
      again: false,
      hasTags: false,
    })
    expect((await client.post('/step/3')).json()).toEqual({
      before: { user: { id: 7, name: 'ada' }, when: '1970-01-01T00:00:00.000Z' },
      after: { when: '1970-01-01T00:00:00.000Z' },
    })
    const cleared = await client.post('/step/4')
    expect(cleared.json().all).toEqual({})
    expect((await client.post('/proto')).json()).toEqual({ polluted: false })
    await client.close()
  })

  it('flash messages are kept for the next request that reads them, and shown once', async () => {
    const app = new Brisk().use(session, { secret: SECRET })
    app.post('/save', async (req) => {
      await req.ctx.session.flash('success', 'Book saved')
      await req.ctx.session.flash('success', 'Shelf updated')
      await req.ctx.session.flash('warning', 'Low stock')
      return { ok: true }
    })
    app.get('/success', async (req) => req.ctx.session.flashes('success'))
    app.get('/all', async (req) => req.ctx.session.flashes())
    app.get('/data', async (req) => req.ctx.session.all())
    const client = testClient(app)
    await client.post('/save')
    expect((await client.get('/data')).json()).toEqual({}) // flashes are not data
    expect((await client.get('/success')).json()).toEqual(['Book saved', 'Shelf updated'])
    expect((await client.get('/success')).json()).toEqual([])
    expect((await client.get('/all')).json()).toEqual({ warning: ['Low stock'] })
    expect((await client.get('/all')).json()).toEqual({})
    await client.close()
  })

  it('is typed and present on a blueprint that registers it, and absent elsewhere', async () => {
    const { Blueprint } = await import('@brisk/core')
    const account = new Blueprint('account', { prefix: '/account' }).use(session, { secret: SECRET })
    account.get('/', async (req) => {
      await req.ctx.session.set('seen', true)
      return 'ok'
    })
    const app = new Brisk()
    app.get('/other', (req) => ({ has: 'session' in (req.ctx as object) }))
    app.blueprint(account)
    const client = testClient(app)
    expect((await client.get('/account')).headers.getSetCookie()).toHaveLength(1)
    expect((await client.get('/other')).json()).toEqual({ has: false })
    await client.close()
  })

  it('lets app middleware registered after it read the session', async () => {
    const app = new Brisk().use(session, { secret: SECRET })
    app.onRequest(async (req) => {
      if (req.path === '/private' && !(await req.ctx.session.has('user'))) return { error: 'login first' }
    })
    app.get('/private', () => 'secret')
    app.post('/login', async (req) => {
      await req.ctx.session.regenerate()
      await req.ctx.session.set('user', 'ada')
    })
    const client = testClient(app)
    expect((await client.get('/private')).json()).toEqual({ error: 'login first' })
    await client.post('/login')
    expect((await client.get('/private')).text()).toBe('secret')
    await client.close()
  })

  it('destroy() after reading the session removes it too', async () => {
    const store = new CountingStore()
    const app = sessionApp({ store })
    app.post('/logout', async (req) => {
      const visits = await req.ctx.session.get('visits')
      await req.ctx.session.destroy()
      return { visits }
    })
    const client = testClient(app)
    const sid = (await client.get('/visits')).cookies.sid!.value
    const res = await client.post('/logout')
    expect(res.json()).toEqual({ visits: 1 })
    expect(res.headers.getSetCookie()[0]).toMatch(/^sid=;.*Max-Age=0/)
    expect(store.inner.get(sid.split('.')[0]!)).toBeUndefined()
    expect((await client.get('/visits', { cookies: { sid } })).json()).toEqual({ visits: 1 })
    await client.close()
  })

  it("keeps the handler's own cookies beside the session's", async () => {
    const { BriskResponse, json } = await import('@brisk/core')
    const app = new Brisk().use(session, { secret: SECRET })
    app.get('/one', async (req) => {
      await req.ctx.session.set('a', 1)
      return new BriskResponse('x', 200, { 'set-cookie': 'theme=dark' })
    })
    app.get('/many', async (req) => {
      await req.ctx.session.set('a', 1)
      return json({}).setCookie('lang', 'en')
    })
    const one = await app.inject({ url: '/one' })
    expect(one.headers['set-cookie']).toEqual(['theme=dark', expect.stringMatching(/^sid=/)])
    const many = await app.inject({ url: '/many' })
    expect(many.headers['set-cookie']).toEqual([
      expect.stringMatching(/^lang=en/),
      expect.stringMatching(/^sid=/),
    ])
  })

  it('answers 503 when a store throws, even synchronously, and the handler may catch it', async () => {
    const broken = new CountingStore()
    broken.get = () => {
      throw new Error('disk on fire')
    }
    const app = sessionApp({ store: broken }, memoryLogger())
    app.get('/degrade', async (req) => {
      try {
        return { user: await req.ctx.session.get('user') }
      } catch {
        return { user: 'unknown (sessions are down)' }
      }
    })
    const client = testClient(app)
    const sid = (await client.get('/visits')).cookies.sid!.value // a new session: no get
    const res = await client.get('/visits', { cookies: { sid } })
    expect(res.status).toBe(503)
    expect(res.headers.get('retry-after')).toBe('1')
    expect(res.json()).toMatchObject({ code: 'BRISK_SESSION_ERR_STORE_UNAVAILABLE' })
    expect(JSON.stringify(res.json())).not.toContain('disk on fire')
    expect(res.headers.getSetCookie()).toEqual([])
    expect((await client.get('/degrade', { cookies: { sid } })).json()).toEqual({
      user: 'unknown (sessions are down)',
    })
    await client.close()
  })
})
