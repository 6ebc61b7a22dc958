/**
 * Sessions: a visit counter per session in a server-side store; the cookie `sid` is HttpOnly, SameSite=Lax,
 * Path=/; a sid the server did not issue is never adopted; reset destroys the session and clears the cookie.
 */
import { testClient } from '@brisk/testing'
import { afterEach, describe, expect, it } from 'vitest'
import { showcase, test } from './_helpers'

/** The `sid` value a response sets, or `undefined`. */
function sidOf(res: { headers: Headers }): string | undefined {
  for (const line of res.headers.getSetCookie()) {
    const match = /^sid=([^;]*)/.exec(line)
    if (match) return match[1]
  }
  return undefined
}

describe('GET /session/visits', () => {
  test('counts 1, 2, 3 in one session, with a sid cookie HttpOnly, SameSite=Lax, Path=/', async ({
    client,
  }) => {
    const first = await client.get('/session/visits')
    expect(first).toHaveStatus(200)
    expect(first.json()).toEqual({ visits: 1 })
    const cookie = first.cookies.sid
    expect(cookie).toBeDefined()
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/' })
    const line = first.headers.getSetCookie().find((l) => l.startsWith('sid='))!
    expect(line).toMatch(/;\s*HttpOnly/i)
    expect(line).toMatch(/;\s*SameSite=Lax/i)
    expect(line).toMatch(/;\s*Path=\/(;|$)/)
    expect((await client.get('/session/visits')).json()).toEqual({ visits: 2 })
    const third = await client.get('/session/visits')
    expect(third.json()).toEqual({ visits: 3 })
    expect(sidOf(third)).toBeUndefined() // the cookie is set once, not on every visit
  })

  test('keeps sessions apart', async ({ app, client }) => {
    const other = testClient(app, { mode: 'listen', closeApp: false })
    try {
      await client.get('/session/visits')
      await client.get('/session/visits')
      expect((await other.get('/session/visits')).json()).toEqual({ visits: 1 })
      expect((await client.get('/session/visits')).json()).toEqual({ visits: 3 })
      expect(other.cookies.get('sid')).not.toBe(client.cookies.get('sid'))
    } finally {
      await other.close()
    }
  })

  test('never adopts a sid it did not issue: unknown, unsigned, badly signed', async ({ client }) => {
    const issued = sidOf(await client.get('/session/visits'))!
    const [id, signature] = issued.split('.') as [string, string]
    const flipped = signature.slice(0, -2) + (signature.endsWith('AA') ? 'BB' : 'AA')
    const foreign = [
      'attacker-chosen-id',
      id, // the right id without its signature
      `${id}.${flipped}`, // the right id, a wrong signature
      `${'A'.repeat(43)}.${signature}`, // another id under this signature
      `${id}.${signature}.extra`,
      '',
    ]
    for (const sid of foreign) {
      const res = await client.get('/session/visits', { headers: { cookie: `sid=${sid}` } })
      expect(res.json(), sid).toEqual({ visits: 1 })
      const fresh = sidOf(res)
      expect(fresh, sid).toBeDefined()
      expect(fresh).not.toBe(sid)
      expect(fresh!.split('.')[0]).not.toBe(sid.split('.')[0])
      expect(fresh!.split('.')[0]).not.toBe(id)
    }
    // The real session was not disturbed.
    expect((await client.get('/session/visits', { headers: { cookie: `sid=${issued}` } })).json()).toEqual({
      visits: 2,
    })
  })

  test('a well-signed sid of an id the store does not know starts a new id', async ({ client }) => {
    const issued = sidOf(await client.get('/session/visits'))!
    await client.post('/session/reset')
    const res = await client.get('/session/visits', { headers: { cookie: `sid=${issued}` } })
    expect(res.json()).toEqual({ visits: 1 })
    expect(sidOf(res)!.split('.')[0]).not.toBe(issued.split('.')[0])
  })
})

describe('a sid signed by another deployment', () => {
  const clients: ReturnType<typeof testClient>[] = []
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()))
  })

  it('is not adopted: the session key comes from JWT_SECRET', async () => {
    const theirs = testClient(showcase({ JWT_SECRET: 'another-deployment-secret-0123456789abcdef' }), {
      mode: 'listen',
    })
    const ours = testClient(showcase(), { mode: 'listen' })
    clients.push(theirs, ours)
    await theirs.get('/session/visits')
    const sid = theirs.cookies.get('sid')!
    expect(sid).toMatch(/^[\w-]{43}\.[\w-]{43}$/) // <id>.<HMAC-SHA256>, both base64url
    const res = await ours.get('/session/visits', { headers: { cookie: `sid=${sid}` } })
    expect(res.json()).toEqual({ visits: 1 })
    expect(sidOf(res)).not.toBe(sid)
  })
})

describe('POST /session/reset', () => {
  test('answers 204, destroys the session in its store and clears the cookie', async ({ client }) => {
    await client.get('/session/visits')
    await client.get('/session/visits')
    const old = client.cookies.get('sid')!
    expect(old).toMatch(/^[\w-]+\.[\w-]+$/)
    const res = await client.post('/session/reset')
    expect(res).toHaveStatus(204)
    expect(res.text()).toBe('')
    const clearing = res.headers.getSetCookie().find((l) => l.startsWith('sid='))
    expect(clearing).toBeDefined()
    expect(clearing).toMatch(/^sid=;|Max-Age=0|Expires=Thu, 01 Jan 1970/i)
    expect(clearing).toMatch(/;\s*Path=\//)
    expect(client.cookies.get('sid')).toBeUndefined() // the jar dropped it, as a browser would

    // Replaying the old cookie: the store no longer has it, so a new session with a new id starts.
    const replay = await client.get('/session/visits', { headers: { cookie: `sid=${old}` } })
    expect(replay.json()).toEqual({ visits: 1 })
    expect(sidOf(replay)).not.toBe(old)
  })

  test('answers 204 with no session at all, and with a foreign sid', async ({ client }) => {
    expect(await client.post('/session/reset')).toHaveStatus(204)
    expect(await client.post('/session/reset', { headers: { cookie: 'sid=forged.value' } })).toHaveStatus(204)
    expect((await client.get('/session/visits')).json()).toEqual({ visits: 1 })
  })
})
