/**
 * The auth blueprint: login, verify, me, refresh, logout and the JWKS, their bodies and refusals, and how it is
 * configured (paths, fields, switched-off endpoints, another prefix, a blueprint of the app's in a group).
 */
import { generateKeyPairSync } from 'node:crypto'
import { Blueprint, Brisk } from '@brisk/core'
import { forEachEntry, once } from '@brisk/testing/vitest'
import { describe, expect, it } from 'vitest'
import { jwt } from '../src/index'
import { clientFor, loginAs, newApp, payloadOf, quiet, showcaseOptions } from './_apps'

const bearer = (token: string) => ({ authorization: `Bearer ${token}` })

describe('POST /auth (login)', () => {
  it('answers the two tokens for good credentials, with the user scopes in the token', async () => {
    const client = clientFor(newApp())
    const res = await client.post('/auth', { json: { username: 'alice', password: 'wonderland' } })
    expect(res.status).toBe(200)
    const body = res.json()
    expect(Object.keys(body).sort()).toEqual(['access_token', 'refresh_token'])
    expect(payloadOf(body.access_token)).toMatchObject({ sub: '1', scope: 'books:read books:write' })
    expect(body.refresh_token).toMatch(/^[A-Za-z0-9_-]{43}$/)
    await client.close()
  })

  it('answers 401 for wrong credentials or an unknown user', async () => {
    const client = clientFor(newApp())
    for (const json of [
      { username: 'alice', password: 'nope' },
      { username: 'mallory', password: 'x' },
    ]) {
      const res = await client.post('/auth', { json })
      expect(res.status).toBe(401)
      expect(res.json().code).toBe('BRISK_JWT_ERR_LOGIN_FAILED')
      expect(res.headers.get('www-authenticate')).toBe('Bearer')
    }
    await client.close()
  })

  it('answers 400 for malformed JSON and 422 for JSON that is not an object with string fields', async () => {
    const client = clientFor(newApp())
    const malformed = await client.post('/auth', {
      body: '{"username":',
      headers: { 'content-type': 'application/json' },
    })
    expect(malformed.status).toBe(400)
    const empty = await client.post('/auth', { body: '', headers: { 'content-type': 'application/json' } })
    expect(empty.status).toBe(400)
    for (const json of [
      [],
      'alice',
      42,
      null,
      {},
      { username: 'alice' },
      { username: 'alice', password: 7 },
      { username: ['alice'], password: 'wonderland' },
    ]) {
      const res = await client.post('/auth', { json })
      expect(res.status, JSON.stringify(json)).toBe(422)
      expect(res.json().code).toBe('BRISK_JWT_ERR_LOGIN_BODY')
    }
    const form = await client.post('/auth', { form: { username: 'alice', password: 'wonderland' } })
    expect(form.status).toBe(415)
    await client.close()
  })

  it('passes authenticate the string fields and the request, and adds custom claims (registered ones ignored)', async () => {
    let seen: unknown
    const app = newApp({
      authenticate: (body, req) => {
        seen = { body, ua: req.headers['user-agent'] }
        return { user_id: 9 }
      },
      claims: (user) => ({ tenant: 'acme', sub: 'overridden?', exp: 1, uid: user.user_id }),
    })
    const client = clientFor(app)
    const res = await client.post('/auth', {
      json: { username: 'u', password: 'p', remember: true, otp: '123' },
      headers: { 'user-agent': 'test' },
    })
    expect(seen).toEqual({ body: { username: 'u', password: 'p', otp: '123' }, ua: 'test' })
    const claims = payloadOf(res.json().access_token)
    expect(claims).toMatchObject({ tenant: 'acme', uid: 9, sub: '9' })
    expect(claims.exp).toBeGreaterThan(Date.now() / 1000)
    expect(claims.scope).toBeUndefined() // user 9 has no scopes
    await client.close()
  })
})

forEachEntry('verify and me', (make) => {
  it('GET /auth/verify: 200 {valid: true} with a good token, 401 without or with a bad one', async () => {
    const client = clientFor(newApp())
    const { access_token } = await loginAs(client)
    await client.close()
    expect((await once(make, newApp(), { url: '/auth/verify', headers: bearer(access_token) })).body).toBe(
      '{"valid":true}',
    )
    const none = await once(make, newApp(), { url: '/auth/verify' })
    expect(none.status).toBe(401)
    const bad = await once(make, newApp(), { url: '/auth/verify', headers: bearer(`${access_token}x`) })
    expect(bad.status).toBe(401)
  })

  it('GET /auth/me: the user from retrieveUser, 401 without a token or when the user is gone', async () => {
    const client = clientFor(newApp())
    const { access_token } = await loginAs(client)
    await client.close()
    const res = await once(make, newApp(), { url: '/auth/me', headers: bearer(access_token) })
    expect(res.status).toBe(200)
    expect(JSON.parse(res.body)).toEqual({
      me: { user_id: 1, username: 'alice', scopes: ['books:read', 'books:write'] },
    })
    expect((await once(make, newApp(), { url: '/auth/me' })).status).toBe(401)
    const gone = newApp({ retrieveUser: () => null })
    const missing = await once(make, gone, { url: '/auth/me', headers: bearer(access_token) })
    expect(missing.status).toBe(401)
    expect(JSON.parse(missing.body).code).toBe('BRISK_JWT_ERR_USER_NOT_FOUND')
  })
})

describe('POST /auth/refresh and /auth/logout', () => {
  it('rotates: a new access token and a new refresh token, and the new refresh token works', async () => {
    const client = clientFor(newApp())
    const first = await loginAs(client)
    const res = await client.post('/auth/refresh', { json: { refresh_token: first.refresh_token } })
    expect(res.status).toBe(200)
    const second = res.json()
    expect(second.refresh_token).not.toBe(first.refresh_token)
    expect(second.access_token).not.toBe(first.access_token)
    expect(payloadOf(second.access_token)).toMatchObject({ sub: '1', scope: 'books:read books:write' })
    expect((await client.get('/books', { headers: bearer(second.access_token) })).status).toBe(200)
    const third = await client.post('/auth/refresh', { json: { refresh_token: second.refresh_token } })
    expect(third.status).toBe(200)
    await client.close()
  })

  it('answers 400 without a string refresh_token, 401 for an unknown one', async () => {
    const client = clientFor(newApp())
    for (const json of [{}, { refresh_token: 5 }, { refresh_token: '' }, [], null]) {
      for (const url of ['/auth/refresh', '/auth/logout']) {
        const res = await client.post(url, { json })
        expect(res.status, `${url} ${JSON.stringify(json)}`).toBe(400)
        expect(res.json().code).toBe('BRISK_JWT_ERR_REFRESH_BODY')
      }
    }
    const unknown = await client.post('/auth/refresh', { json: { refresh_token: 'never-issued' } })
    expect(unknown.status).toBe(401)
    expect(unknown.json().code).toBe('BRISK_JWT_ERR_REFRESH_INVALID')
    await client.close()
  })

  it('logout: 204, also for an unknown token; the family can no longer refresh', async () => {
    const client = clientFor(newApp())
    const { refresh_token } = await loginAs(client)
    const out = await client.post('/auth/logout', { json: { refresh_token } })
    expect(out.status).toBe(204)
    expect(out.text()).toBe('')
    expect((await client.post('/auth/logout', { json: { refresh_token: 'unknown' } })).status).toBe(204)
    expect((await client.post('/auth/logout', { json: { refresh_token } })).status).toBe(204)
    const res = await client.post('/auth/refresh', { json: { refresh_token } })
    expect(res.status).toBe(401)
    expect(res.json().code).toBe('BRISK_JWT_ERR_REFRESH_INVALID')
    await client.close()
  })
})

describe('the JWKS', () => {
  it('publishes the public keys of asymmetric keys (never a private part), and is absent for HS keys', async () => {
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' })
    const ed = generateKeyPairSync('ed25519')
    const app = newApp({
      secret: undefined,
      keys: [
        { kid: 'ec-2', alg: 'ES256', privateKey: ec.privateKey },
        { kid: 'ed-1', alg: 'EdDSA', publicKey: ed.publicKey },
        { kid: 'hs-1', alg: 'HS256', secret: 'y'.repeat(32) },
      ],
    })
    const client = clientFor(app)
    const res = await client.get('/auth/jwks.json')
    expect(res.status).toBe(200)
    expect(res.headers.get('cache-control')).toBe('public, max-age=300')
    const { keys } = res.json()
    expect(keys.map((k: { kid: string }) => k.kid)).toEqual(['ec-2', 'ed-1'])
    expect(keys[0]).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256', use: 'sig' })
    expect(keys[1]).toMatchObject({ kty: 'OKP', crv: 'Ed25519', alg: 'EdDSA' })
    for (const key of keys) expect(key.d).toBeUndefined()
    expect(res.text()).not.toContain('y'.repeat(32))
    await client.close()
    const hs = clientFor(newApp())
    expect((await hs.get('/auth/jwks.json')).status).toBe(404)
    await hs.close()
  })
})

describe('configuring the blueprint', () => {
  it('takes other paths, field names and prefix, and leaves out switched-off endpoints', async () => {
    const app = newApp({
      prefix: '/api/session',
      paths: { login: '/login', verify: false, me: '/whoami', jwks: false },
      fields: {
        username: 'email',
        password: 'pass',
        accessToken: 'access',
        refreshToken: 'refresh',
        me: 'user',
      },
      authenticate: ({ email, pass }) => (email === 'a@x' && pass === 'pw' ? { user_id: 1 } : null),
    })
    const client = clientFor(app)
    expect((await client.post('/auth', { json: {} })).status).toBe(404)
    const res = await client.post('/api/session/login', { json: { email: 'a@x', pass: 'pw' } })
    expect(res.status).toBe(200)
    const { access, refresh } = res.json()
    expect((await client.get('/api/session/verify', { headers: bearer(access) })).status).toBe(404)
    const me = await client.get('/api/session/whoami', { headers: bearer(access) })
    expect(Object.keys(me.json())).toEqual(['user'])
    const next = await client.post('/api/session/refresh', { json: { refresh } })
    expect(Object.keys(next.json()).sort()).toEqual(['access', 'refresh'])
    expect(app.routes().map((r) => `${r.method} ${r.path}`)).toEqual(
      expect.arrayContaining([
        'POST /api/session/login',
        'GET /api/session/whoami',
        'POST /api/session/logout',
      ]),
    )
    await client.close()
  })

  it('mounts its routes on a blueprint of the app, inside a group, with names for urlFor', async () => {
    const authBp = new Blueprint('auth', { prefix: '/auth' })
    const app = new Brisk({ logger: quiet }).use(jwt, showcaseOptions({ blueprint: authBp }))
    app.blueprint(Blueprint.group([authBp], { prefix: '/api', version: 1 }))
    const client = clientFor(app)
    const res = await client.post('/api/v1/auth', { json: { username: 'alice', password: 'wonderland' } })
    expect(res.status).toBe(200)
    expect(
      (await client.get('/api/v1/auth/verify', { headers: bearer(res.json().access_token) })).status,
    ).toBe(200)
    expect(app.urlFor('auth.refresh')).toBe('/api/v1/auth/refresh')
    expect((await client.post('/auth', { json: {} })).status).toBe(404)
    await client.close()
  })

  it('mounts no endpoints with blueprint: false, and guards still work', async () => {
    const app = newApp({ blueprint: false })
    const client = clientFor(app)
    expect((await client.post('/auth', { json: {} })).status).toBe(404)
    expect((await client.get('/books')).status).toBe(401)
    await client.close()
  })
})
