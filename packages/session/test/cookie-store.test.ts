/**
 * The stateless cookie store, driven through `app.fetch` with Web `Request`s (as on a Web-standard runtime)
 * and through the test client.
 */
import { Brisk } from '@brisk/core'
import { testClient } from '@brisk/testing'
import { describe, expect, it } from 'vitest'
import { createSealer } from '../src/cookie-store'
import { CookieStore, session } from '../src/index'
import { memoryLogger, OLD_SECRET, SECRET, sessionApp } from './_helpers'

async function fetchVisits(
  app: Brisk<any>,
  cookie?: string,
): Promise<{ visits: number; cookie: string | undefined }> {
  const res = await app.fetch(
    new Request('http://x/visits', { headers: cookie === undefined ? {} : { cookie: `sid=${cookie}` } }),
  )
  const line = res.headers.getSetCookie().find((l) => l.startsWith('sid='))
  return { visits: (await res.json()).visits, cookie: line?.slice(4, line.indexOf(';')) }
}

describe('CookieStore', () => {
  it('keeps the session in an encrypted cookie, through app.fetch', async () => {
    const app = sessionApp({ store: new CookieStore() })
    const one = await fetchVisits(app)
    expect(one.visits).toBe(1)
    expect(one.cookie).toMatch(/^[A-Za-z0-9_-]+$/)
    expect(one.cookie).not.toContain('visits') // not readable by the client
    const two = await fetchVisits(app, one.cookie)
    const three = await fetchVisits(app, two.cookie)
    expect([two.visits, three.visits]).toEqual([2, 3])
    // every change makes a new ciphertext (fresh IV), and another app with the same secret reads it
    expect(two.cookie).not.toBe(one.cookie)
    expect((await fetchVisits(sessionApp({ store: new CookieStore() }), three.cookie)).visits).toBe(4)
  })

  it('starts a new session for a tampered cookie, one sealed with another secret, or one past its time', async () => {
    const app = sessionApp({ store: new CookieStore(), ttl: 0.3 })
    const { cookie } = await fetchVisits(app)
    const flipped = cookie!.slice(0, 20) + (cookie![20] === 'A' ? 'B' : 'A') + cookie!.slice(21)
    expect((await fetchVisits(app, flipped)).visits).toBe(1)
    const other = await fetchVisits(sessionApp({ store: new CookieStore(), secret: OLD_SECRET }))
    expect((await fetchVisits(app, other.cookie)).visits).toBe(1)
    expect((await fetchVisits(app, 'garbage')).visits).toBe(1)
    expect((await fetchVisits(app, cookie)).visits).toBe(2)
    await new Promise((r) => setTimeout(r, 350))
    expect((await fetchVisits(app, cookie)).visits).toBe(1) // a replay past the ttl is no session
  })

  it('opens cookies sealed with an older secret of the list, and seals new ones with the first', async () => {
    const old = await fetchVisits(sessionApp({ store: new CookieStore(), secret: OLD_SECRET }))
    const rotated = sessionApp({ store: new CookieStore(), secret: [SECRET, OLD_SECRET] })
    const next = await fetchVisits(rotated, old.cookie)
    expect(next.visits).toBe(2)
    const sealer = await createSealer([SECRET])
    expect(await sealer.open(next.cookie!)).toMatchObject({ data: { visits: 2 } })
    expect(await sealer.open(old.cookie!)).toBeUndefined()
  })

  it('regenerate() gives a new id; destroy() clears the cookie', async () => {
    const client = testClient(sessionApp({ store: new CookieStore() }))
    const before = (await client.get('/peek')).json()
    await client.get('/visits')
    const login = await client.post('/login')
    expect(login.json().id).not.toBe(before.id)
    expect((await client.get('/peek')).json()).toMatchObject({ id: login.json().id, visits: 1, user: 'ada' })
    const reset = await client.post('/reset')
    expect(reset.headers.getSetCookie()[0]).toMatch(/^sid=; .*Max-Age=0/)
    expect((await client.get('/peek')).json()).toMatchObject({ visits: null, user: null, isNew: true })
    await client.close()
  })

  it('refuses a session past the 4 KB cookie limit: a 500, logged with its code, explained in development mode', async () => {
    for (const dev of [false, true]) {
      const log = memoryLogger()
      const app = new Brisk({ logger: log, dev }).use(session, { secret: SECRET, store: new CookieStore() })
      app.post('/big/:n<int>', async (req) => {
        await req.ctx.session.set('blob', 'x'.repeat(req.params.n))
        return { ok: true }
      })
      const small = await app.inject({ method: 'POST', url: '/big/2000' })
      expect(small.status).toBe(200)
      const big = await app.inject({ method: 'POST', url: '/big/4000' })
      expect(big.status).toBe(500)
      expect(big.headers['set-cookie']).toBeUndefined()
      const body = JSON.parse(big.body as string)
      expect(body.status).toBe(500)
      if (dev) expect(body.detail).toMatch(/cookie of \d+ bytes; browsers keep at most 4096/)
      else expect(JSON.stringify(body)).not.toMatch(/4096/)
      const logged = log.lines.map((l) => (l.obj as { err?: { code?: string } }).err?.code)
      expect(logged).toContain('BRISK_SESSION_ERR_COOKIE_TOO_LARGE')
    }
  })
})
