/**
 * The token endpoints: login, verify, me, refresh (rotation, reuse revokes the login), logout.
 */
import { createHmac, randomUUID } from 'node:crypto'
import { describe, expect } from 'vitest'
import { bearer, expectProblem, login, SECRET, test } from './_helpers'

/** An HS256 token as the app would sign it, with claims of the test's choosing (e.g. an `exp` in the past). */
function signToken(claims: Record<string, unknown>, secret = SECRET): string {
  const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url')
  const head = `${encode({ alg: 'HS256', kid: 'default', typ: 'JWT' })}.${encode(claims)}`
  return `${head}.${createHmac('sha256', secret).update(head).digest('base64url')}`
}

const now = () => Math.floor(Date.now() / 1000)

describe('POST /auth', () => {
  test('gives alice and bob an access token and a refresh token', async ({ client }) => {
    for (const [username, password] of [
      ['alice', 'wonderland'],
      ['bob', 'builder'],
    ] as const) {
      const res = await client.post('/auth', { json: { username, password } })
      expect(res).toHaveStatus(200)
      const body = res.json()
      expect(Object.keys(body).sort()).toEqual(['access_token', 'refresh_token'])
      expect(body.access_token).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/)
      expect(body.refresh_token).toMatch(/^[\w-]{20,}$/)
    }
  })

  test('signs access tokens that live 15 minutes and carry the user’s scopes', async ({ client }) => {
    const { access_token } = await login(client, 'alice', 'wonderland')
    const [head, payload] = access_token
      .split('.')
      .slice(0, 2)
      .map((part) => JSON.parse(Buffer.from(part, 'base64url').toString()))
    expect(head).toMatchObject({ alg: 'HS256' })
    expect(payload).toMatchObject({ sub: '1', scope: 'books:read books:write' })
    expect(payload.exp - payload.iat).toBe(15 * 60)
    expect(Math.abs(payload.iat - now())).toBeLessThan(60)
    // Signed with JWT_SECRET: the same claims signed here verify there.
    expect(access_token.split('.')[2]).toBe(signToken(payload).split('.')[2])
  })

  test('answers 401 problem+json for a wrong password or an unknown user', async ({ client }) => {
    for (const json of [
      { username: 'alice', password: 'builder' },
      { username: 'alice', password: '' },
      { username: 'mallory', password: 'wonderland' },
      { username: 'ALICE', password: 'wonderland' },
    ]) {
      const res = await client.post('/auth', { json })
      const problem = expectProblem(res, 401)
      expect(JSON.stringify(problem)).not.toContain('wonderland')
      expect(res.json()).not.toHaveProperty('access_token')
    }
  })

  test('refuses a body that is not JSON credentials', async ({ client }) => {
    expectProblem(await client.post('/auth', { json: { username: 'alice' } }), 422)
    expectProblem(await client.post('/auth', { json: ['alice', 'wonderland'] }), 422)
    expectProblem(
      await client.post('/auth', { body: '{"username":', headers: { 'content-type': 'application/json' } }),
      400,
    )
    expectProblem(await client.post('/auth', { form: { username: 'alice', password: 'wonderland' } }), 415)
  })
})

describe('GET /auth/verify', () => {
  test('answers {"valid":true} for a token sent with the scheme word in any case', async ({ client }) => {
    const { access_token } = await login(client, 'bob', 'builder')
    for (const scheme of ['Bearer', 'bearer', 'BEARER', 'bEaReR']) {
      const res = await client.get('/auth/verify', { headers: bearer(access_token, scheme) })
      expect(res, scheme).toHaveStatus(200)
      expect(res.json()).toEqual({ valid: true })
    }
  })

  test('answers 401 with a Bearer challenge without a token', async ({ client }) => {
    const res = await client.get('/auth/verify')
    expectProblem(res, 401)
    expect(res.headers.get('www-authenticate')).toMatch(/^Bearer\b/)
  })

  test('answers 401 invalid_token for a bad, forged, expired or other-scheme token', async ({ client }) => {
    const { access_token } = await login(client, 'alice', 'wonderland')
    const iat = now() - 3600
    const claims = {
      sub: '1',
      iat,
      nbf: iat,
      exp: iat + 900,
      jti: randomUUID(),
      scope: 'books:read books:write',
    }
    const cases: Record<string, string> = {
      garbage: 'Bearer not-a-token',
      tampered: `Bearer ${access_token.slice(0, -4)}AAAA`,
      'another secret': `Bearer ${signToken({ ...claims, exp: now() + 900 }, 'x'.repeat(32))}`,
      expired: `Bearer ${signToken(claims)}`,
      'no scheme': access_token,
      basic: `Basic ${Buffer.from('alice:wonderland').toString('base64')}`,
    }
    for (const [name, authorization] of Object.entries(cases)) {
      const res = await client.get('/auth/verify', { headers: { authorization } })
      expectProblem(res, 401)
      expect(res.headers.get('www-authenticate'), name).toMatch(/^Bearer\b/)
    }
    // The expired token would be good but for its exp: the same claims with a later exp pass.
    const fresh = signToken({ ...claims, exp: now() + 900 })
    expect(await client.get('/auth/verify', { headers: bearer(fresh) })).toHaveStatus(200)
    const expired = await client.get('/auth/verify', { headers: bearer(signToken(claims)) })
    expect(expired.headers.get('www-authenticate')).toContain('error="invalid_token"')
  })
})

describe('GET /auth/me', () => {
  test('answers the user of the token', async ({ client }) => {
    const alice = await login(client, 'alice', 'wonderland')
    const res = await client.get('/auth/me', { headers: bearer(alice.access_token) })
    expect(res).toHaveStatus(200)
    expect(res.json()).toEqual({
      me: { user_id: 1, username: 'alice', scopes: ['books:read', 'books:write'] },
    })
    const bob = await login(client, 'bob', 'builder')
    const me = (await client.get('/auth/me', { headers: bearer(bob.access_token) })).json()
    expect(me).toEqual({ me: { user_id: 2, username: 'bob', scopes: ['books:read'] } })
    expect(Number.isInteger(me.me.user_id)).toBe(true)
  })

  test('answers 401 with a Bearer challenge without a good token', async ({ client }) => {
    for (const headers of [{}, { authorization: 'Bearer x.y.z' }]) {
      const res = await client.get('/auth/me', { headers })
      expectProblem(res, 401)
      expect(res.headers.get('www-authenticate')).toMatch(/^Bearer\b/)
    }
  })
})

describe('POST /auth/refresh', () => {
  test('rotates: a new pair; the new access token works', async ({ client }) => {
    const first = await login(client, 'alice', 'wonderland')
    const res = await client.post('/auth/refresh', { json: { refresh_token: first.refresh_token } })
    expect(res).toHaveStatus(200)
    const second = res.json()
    expect(Object.keys(second).sort()).toEqual(['access_token', 'refresh_token'])
    expect(second.refresh_token).not.toBe(first.refresh_token)
    expect(second.access_token).not.toBe(first.access_token)
    const me = await client.get('/auth/me', { headers: bearer(second.access_token) })
    expect(me.json().me.username).toBe('alice')
    // And the new refresh token refreshes in turn.
    expect(
      await client.post('/auth/refresh', { json: { refresh_token: second.refresh_token } }),
    ).toHaveStatus(200)
  })

  test('a refresh token used twice is refused, and every refresh token of that login dies', async ({
    client,
  }) => {
    const first = await login(client, 'alice', 'wonderland')
    const other = await login(client, 'alice', 'wonderland') // another login: another family
    const second = (
      await client.post('/auth/refresh', { json: { refresh_token: first.refresh_token } })
    ).json()

    expectProblem(await client.post('/auth/refresh', { json: { refresh_token: first.refresh_token } }), 401)
    // The thief's replay revoked the family: the rightful holder's newest token is dead too.
    expectProblem(await client.post('/auth/refresh', { json: { refresh_token: second.refresh_token } }), 401)
    // The other login is untouched.
    expect(await client.post('/auth/refresh', { json: { refresh_token: other.refresh_token } })).toHaveStatus(
      200,
    )
  })

  test('refuses unknown tokens (401) and bodies without a string refresh_token (400)', async ({ client }) => {
    expectProblem(await client.post('/auth/refresh', { json: { refresh_token: 'not-a-token' } }), 401)
    expectProblem(await client.post('/auth/refresh', { json: {} }), 400)
    expectProblem(await client.post('/auth/refresh', { json: { refresh_token: 42 } }), 400)
  })
})

describe('POST /auth/logout', () => {
  test('answers 204, and the refresh token is dead afterwards', async ({ client }) => {
    const { refresh_token } = await login(client, 'bob', 'builder')
    const res = await client.post('/auth/logout', { json: { refresh_token } })
    expect(res).toHaveStatus(204)
    expect(res.text()).toBe('')
    expectProblem(await client.post('/auth/refresh', { json: { refresh_token } }), 401)
  })

  test('answers 204 for a token that is unknown or already dead', async ({ client }) => {
    const { refresh_token } = await login(client, 'bob', 'builder')
    expect(await client.post('/auth/logout', { json: { refresh_token } })).toHaveStatus(204)
    expect(await client.post('/auth/logout', { json: { refresh_token } })).toHaveStatus(204)
    expect(await client.post('/auth/logout', { json: { refresh_token: 'never-issued' } })).toHaveStatus(204)
  })

  test('answers 400 for a body without a string refresh_token', async ({ client }) => {
    for (const json of [{}, { refresh_token: null }, { refresh_token: 1 }, { token: 'x' }, ['x']]) {
      expectProblem(await client.post('/auth/logout', { json }), 400)
    }
  })
})
