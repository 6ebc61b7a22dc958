/**
 * A client can never choose its session id: forged, stale and replayed cookies all start a new session with
 * a fresh id, and destroy() and regenerate() leave the old id dead.
 */
import { Brisk } from '@brisk/core'
import { testClient } from '@brisk/testing'
import { describe, expect, it } from 'vitest'
import { MemoryStore, SessionError, session } from '../src/index'
import { createSigner } from '../src/signer'
import { CountingStore, memoryLogger, OLD_SECRET, SECRET, sessionApp } from './_helpers'

const ID = /^[A-Za-z0-9_-]{43}$/

describe('session fixation', () => {
  it('never adopts an id with a bad signature, and never asks the store about it', async () => {
    const store = new CountingStore()
    const app = sessionApp({ store })
    const client = testClient(app)
    const chosen = 'A'.repeat(43)
    for (const forged of [chosen, `${chosen}.${'B'.repeat(43)}`, `${chosen}.`, 'x', '']) {
      const res = await client.get('/visits', { cookies: { sid: forged } })
      expect(res.json()).toEqual({ visits: 1 })
      const issued = res.cookies.sid!.value
      expect(issued.split('.')[0]).toMatch(ID)
      expect(issued.startsWith(chosen)).toBe(false)
    }
    expect(store.calls.filter((c) => c.startsWith('get'))).toEqual([])
    await client.close()
  })

  it('never adopts a well-signed id the store does not know (expired, or signed elsewhere): a fresh id instead', async () => {
    const signer = await createSigner([SECRET])
    const planted = signer.randomId()
    const client = testClient(sessionApp())
    const res = await client.get('/visits', { cookies: { sid: await signer.sign(planted) } })
    expect(res.json()).toEqual({ visits: 1 })
    const id = res.cookies.sid!.value.split('.')[0]
    expect(id).toMatch(ID)
    expect(id).not.toBe(planted)
    await client.close()
  })

  it('clears a cookie it did not issue when the request ends without a session', async () => {
    const client = testClient(sessionApp())
    const res = await client.get('/peek', { cookies: { sid: 'forged' } })
    expect(res.headers.getSetCookie()[0]).toMatch(
      /^sid=; Path=\/; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0/,
    )
    await client.close()
  })

  it('destroy() removes the session from its store: replaying the old cookie starts a new one', async () => {
    const store = new CountingStore()
    const client = testClient(sessionApp({ store }))
    await client.get('/visits')
    const old = (await client.get('/visits')).request.cookies.sid!
    const oldId = old.split('.')[0]!
    const reset = await client.post('/reset')
    expect(reset.status).toBe(204)
    expect(reset.cookies.sid?.value).toBe('') // cleared
    expect(reset.headers.getSetCookie()[0]).toMatch(/Max-Age=0/)
    expect(store.calls).toContain(`destroy ${oldId}`)
    expect(store.inner.get(oldId)).toBeUndefined()
    const replay = await client.get('/visits', { cookies: { sid: old } })
    expect(replay.json()).toEqual({ visits: 1 })
    expect(replay.cookies.sid!.value.split('.')[0]).not.toBe(oldId)
    await client.close()
  })

  it('destroy() without a session answers and sets nothing; destroy() then set() starts a new id', async () => {
    const app = sessionApp()
    app.post('/restart', async (req) => {
      await req.ctx.session.destroy()
      await req.ctx.session.set('visits', 100)
    })
    const client = testClient(app)
    const none = await client.post('/reset')
    expect(none.status).toBe(204)
    expect(none.headers.getSetCookie()).toEqual([])
    const first = (await client.get('/visits')).cookies.sid!.value
    const restarted = await client.post('/restart')
    const second = restarted.cookies.sid!.value
    expect(second.split('.')[0]).not.toBe(first.split('.')[0])
    expect((await client.get('/visits')).json()).toEqual({ visits: 101 })
    expect((await client.get('/visits', { cookies: { sid: first } })).json()).toEqual({ visits: 1 })
    await client.close()
  })

  it('regenerate() gives a new id, keeps the data, and kills the old id', async () => {
    const client = testClient(sessionApp())
    await client.get('/visits')
    await client.get('/visits')
    const before = (await client.get('/peek')).json()
    const oldCookie = (await client.get('/peek')).request.cookies.sid!
    const login = await client.post('/login')
    const newId = login.json().id
    expect(newId).toMatch(ID)
    expect(newId).not.toBe(before.id)
    expect(login.cookies.sid!.value.split('.')[0]).toBe(newId)
    const after = (await client.get('/peek')).json()
    expect(after).toEqual({ id: newId, visits: 2, user: 'ada', isNew: false })
    // The planted (pre-login) cookie is worth nothing now.
    const replay = await client.get('/peek', { cookies: { sid: oldCookie } })
    expect(replay.json()).toMatchObject({ visits: null, user: null, isNew: true })
    await client.close()
  })

  it('a write from a request that loaded the session before a concurrent destroy does not bring it back', async () => {
    const store = new MemoryStore()
    let release!: () => void
    const gate = new Promise<void>((resolve) => {
      release = resolve
    })
    const app = sessionApp({ store })
    app.post('/slow', async (req) => {
      await req.ctx.session.get('visits')
      await gate
      await req.ctx.session.set('visits', 1000)
    })
    const client = testClient(app)
    const sid = (await client.get('/visits')).cookies.sid!.value
    const id = sid.split('.')[0]!
    const slow = client.post('/slow')
    await new Promise((r) => setTimeout(r, 20))
    await client.post('/reset', { cookies: { sid } })
    release()
    const late = await slow
    expect(late.status).toBe(204)
    expect(late.headers.getSetCookie()[0]).toMatch(/Max-Age=0/)
    expect(store.get(id)).toBeUndefined()
    await client.close()
  })
})

describe('secrets', () => {
  it('rotates: the first secret signs, every secret verifies, a dropped secret no longer does', async () => {
    const oldApp = sessionApp({ secret: OLD_SECRET, store: new MemoryStore() })
    const store = new MemoryStore()
    const signedByOld = ((await oldApp.inject({ url: '/visits' })).headers['set-cookie'] as string[])[0]!
    const oldValue = signedByOld.slice(4, signedByOld.indexOf(';'))
    const id = oldValue.split('.')[0]!
    store.set(id, { visits: 41 }, 60_000, { mustExist: false })

    const rotated = testClient(sessionApp({ secret: [SECRET, OLD_SECRET], store }))
    const res = await rotated.get('/visits', { cookies: { sid: oldValue } })
    expect(res.json()).toEqual({ visits: 42 })
    await rotated.close()

    const signer = await createSigner([SECRET])
    expect(await signer.unsign(await signer.sign(id))).toBe(id)
    expect(await signer.unsign(oldValue)).toBeUndefined()
    const dropped = testClient(sessionApp({ secret: SECRET, store }))
    expect((await dropped.get('/visits', { cookies: { sid: oldValue } })).json()).toEqual({ visits: 1 })
    await dropped.close()
  })

  it('refuses a secret shorter than 32 bytes at start-up, and only warns in development mode', async () => {
    const prod = sessionApp({ secret: 'too short' })
    await expect(prod.ready()).rejects.toMatchObject({
      name: 'SessionError',
      code: 'BRISK_SESSION_ERR_SECRET',
      message: expect.stringContaining('at least 32'),
    })
    const rotated = sessionApp({ secret: [SECRET, 'short'] })
    await expect(rotated.ready()).rejects.toThrow(/secret #2 has 5 bytes/)

    const log = memoryLogger()
    const dev = new Brisk({ dev: true, logger: log }).use(session, { secret: 'too short' })
    dev.get('/', async (req) => req.ctx.session.set('a', 1))
    expect((await dev.inject({ url: '/' })).status).toBe(204)
    expect(log.lines.some((l) => l.level === 'warn' && /at least 32/.test(String(l.msg)))).toBe(true)
  })

  it('refuses a missing secret and unknown options with a coded error', async () => {
    for (const [options, code] of [
      [{}, 'BRISK_SESSION_ERR_SECRET'],
      [{ secret: [] }, 'BRISK_SESSION_ERR_SECRET'],
      [{ secret: SECRET, ttl: -1 }, 'BRISK_SESSION_ERR_OPTIONS'],
      [{ secret: SECRET, sotre: {} }, 'BRISK_SESSION_ERR_OPTIONS'],
      [{ secret: SECRET, store: { get() {} } }, 'BRISK_SESSION_ERR_OPTIONS'],
      [{ secret: SECRET, cookie: { sameSite: 'None' } }, 'BRISK_SESSION_ERR_OPTIONS'],
      [{ secret: SECRET, cookie: { name: 'bad name' } }, 'BRISK_SESSION_ERR_OPTIONS'],
      [{ secret: SECRET, cookie: { path: 'a;b' } }, 'BRISK_SESSION_ERR_OPTIONS'],
      [{ secret: SECRET, cookie: { name: '__Host-sid' } }, 'BRISK_SESSION_ERR_OPTIONS'],
      [
        { secret: SECRET, cookie: { name: '__Host-sid', secure: true, path: '/a' } },
        'BRISK_SESSION_ERR_OPTIONS',
      ],
      [{ secret: SECRET, rolling: 'yes' }, 'BRISK_SESSION_ERR_OPTIONS'],
      [{ secret: SECRET, storeTimeout: 0 }, 'BRISK_SESSION_ERR_OPTIONS'],
      [{ secret: SECRET, cookie: { maxAge: 0 } }, 'BRISK_SESSION_ERR_OPTIONS'],
    ] as const) {
      const app = new Brisk().use(session, options as never)
      const error = await app.ready().then(
        () => null,
        (e: unknown) => e,
      )
      // core wraps a failing register() in BRISK_ERR_PLUGIN_REGISTER; ours is the cause
      const ours = error instanceof SessionError ? error : (error as { cause?: unknown })?.cause
      expect(ours, JSON.stringify(options)).toBeInstanceOf(SessionError)
      expect((ours as SessionError).code).toBe(code)
    }
  })
})
