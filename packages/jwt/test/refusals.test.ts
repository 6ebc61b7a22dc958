/**
 * Every way an access token is refused: each gives a 401 (or 403 for scopes) with an RFC 6750 challenge and
 * an RFC 9457 body, and no error names a secret or a key.
 */
import { generateKeyPairSync } from 'node:crypto'
import { Brisk } from '@brisk/core'
import { SignJWT } from 'jose'
import { describe, expect, it } from 'vitest'
import { jwt } from '../src/index'
import { clientFor, loginAs, newApp, part, payloadOf, quiet, SECRET, showcaseOptions } from './_apps'

const secret = new TextEncoder().encode(SECRET)

/** A token signed with the app's own secret and kid, with claims chosen by the test. */
function ownToken(claims: Record<string, unknown>, header: Record<string, unknown> = {}): Promise<string> {
  const now = Math.floor(Date.now() / 1000)
  return new SignJWT({ sub: '1', iat: now, nbf: now, exp: now + 60, jti: 'j1', ...claims })
    .setProtectedHeader({ alg: 'HS256', kid: 'default', ...header })
    .sign(secret)
}

async function refusedWith(app: Brisk<any>, token: string | undefined, header?: string) {
  const client = clientFor(app)
  const authorization = header ?? (token === undefined ? undefined : `Bearer ${token}`)
  const res = await client.get('/books', { headers: { authorization } })
  await client.close()
  return res
}

function expectInvalid(res: Awaited<ReturnType<typeof refusedWith>>, code: string): void {
  expect(res.status).toBe(401)
  expect(res.headers.get('content-type')).toBe('application/problem+json')
  const body = res.json()
  expect(body.code).toBe(code)
  const challenge = res.headers.get('www-authenticate')!
  expect(challenge).toMatch(/^Bearer error="invalid_token", error_description="[^"]+"$/)
  expect(challenge).toContain(body.detail)
  // Nothing that names what the server holds.
  const all = `${res.text()} ${challenge}`
  expect(all).not.toContain(SECRET)
  expect(all.toLowerCase()).not.toContain('default')
}

describe('access tokens that are refused', () => {
  it('accepts a good token, then refuses a forged signature', async () => {
    const good = await ownToken({})
    const res = await refusedWith(newApp(), good)
    expect(res.status).toBe(200)
    const forged = await new SignJWT({ sub: '1', exp: Math.floor(Date.now() / 1000) + 60, iat: 1, jti: 'x' })
      .setProtectedHeader({ alg: 'HS256', kid: 'default' })
      .sign(new TextEncoder().encode('another-secret-that-is-also-32-bytes-long'))
    expectInvalid(await refusedWith(newApp(), forged), 'BRISK_JWT_ERR_TOKEN_INVALID')
  })

  it('refuses a payload changed after signing (more scopes), even after the original was cached', async () => {
    const app = newApp()
    const client = clientFor(app)
    const { access_token } = await loginAs(client, 'bob', 'builder')
    const ok = await client.post('/books', { headers: { authorization: `Bearer ${access_token}` }, json: {} })
    expect(ok.status).toBe(403) // bob has books:read only
    const [h, , s] = access_token.split('.')
    const tampered = `${h}.${part({ ...payloadOf(access_token), scope: 'books:read books:write' })}.${s}`
    const res = await client.post('/books', { headers: { authorization: `Bearer ${tampered}` }, json: {} })
    expect(res.status).toBe(401)
    expect(res.json().code).toBe('BRISK_JWT_ERR_TOKEN_INVALID')
    expect(res.json().detail).toBe('The access token signature is invalid')
    await client.close()
  })

  it('refuses an expired token, and honours the leeway', async () => {
    const now = Math.floor(Date.now() / 1000)
    const expired = await ownToken({ iat: now - 120, nbf: now - 120, exp: now - 30 })
    expectInvalid(await refusedWith(newApp(), expired), 'BRISK_JWT_ERR_TOKEN_EXPIRED')
    expect((await refusedWith(newApp({ leeway: 60 }), expired)).status).toBe(200)
  })

  it('refuses a token whose nbf is in the future, and honours the leeway', async () => {
    const now = Math.floor(Date.now() / 1000)
    const early = await ownToken({ nbf: now + 30 })
    const res = await refusedWith(newApp(), early)
    expectInvalid(res, 'BRISK_JWT_ERR_TOKEN_NOT_YET_VALID')
    expect((await refusedWith(newApp({ leeway: 60 }), early)).status).toBe(200)
  })

  it('refuses a wrong issuer or audience, and a token without them where they are configured', async () => {
    const app = () => newApp({ issuer: 'https://shop.example', audience: 'shop' })
    const good = await ownToken({ iss: 'https://shop.example', aud: 'shop' })
    expect((await refusedWith(app(), good)).status).toBe(200)
    const wrongIss = await ownToken({ iss: 'https://evil.example', aud: 'shop' })
    const res = await refusedWith(app(), wrongIss)
    expectInvalid(res, 'BRISK_JWT_ERR_TOKEN_INVALID')
    expect(res.json().detail).toContain('issuer')
    const wrongAud = await ownToken({ iss: 'https://shop.example', aud: 'other' })
    expect((await refusedWith(app(), wrongAud)).json().detail).toContain('audience')
    expectInvalid(await refusedWith(app(), await ownToken({})), 'BRISK_JWT_ERR_TOKEN_INVALID')
  })

  it('sets iss, aud, sub, exp, nbf, iat and jti on the tokens it signs, exp 15 minutes out by default', async () => {
    const client = clientFor(newApp({ issuer: 'https://shop.example', audience: ['shop', 'admin'] }))
    const { access_token } = await loginAs(client)
    const claims = payloadOf(access_token)
    expect(claims).toMatchObject({ iss: 'https://shop.example', aud: ['shop', 'admin'], sub: '1' })
    expect(claims.exp).toBe((claims.iat as number) + 900)
    expect(claims.nbf).toBe(claims.iat)
    expect(typeof claims.jti).toBe('string')
    expect(JSON.parse(Buffer.from(access_token.split('.')[0]!, 'base64url').toString())).toEqual({
      alg: 'HS256',
      kid: 'default',
      typ: 'JWT',
    })
    await client.close()
  })

  it('refuses alg: none, with or without a signature part', async () => {
    const claims = part({ sub: '1', exp: Math.floor(Date.now() / 1000) + 60, iat: 1, jti: 'n' })
    for (const alg of ['none', 'None', 'NONE']) {
      const header = part({ alg, kid: 'default' })
      expectInvalid(await refusedWith(newApp(), `${header}.${claims}.`), 'BRISK_JWT_ERR_TOKEN_MALFORMED')
      const res = await refusedWith(newApp(), `${header}.${claims}.c2ln`)
      expect(res.status).toBe(401)
      expect(['BRISK_JWT_ERR_TOKEN_INVALID', 'BRISK_JWT_ERR_TOKEN_MALFORMED']).toContain(res.json().code)
    }
  })

  it('refuses algorithm confusion: an HS256 token signed with the RSA public key', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })
    const publicPem = publicKey.export({ type: 'spki', format: 'pem' }) as string
    const app = () => newApp({ secret: undefined, keys: [{ kid: 'rsa1', alg: 'RS256', privateKey }] })
    const now = Math.floor(Date.now() / 1000)
    const confused = await new SignJWT({ sub: '1', iat: now, exp: now + 60, jti: 'c' })
      .setProtectedHeader({ alg: 'HS256', kid: 'rsa1' })
      .sign(new TextEncoder().encode(publicPem))
    const res = await refusedWith(app(), confused)
    expectInvalid(res, 'BRISK_JWT_ERR_TOKEN_INVALID')
    expect(res.json().detail).not.toContain('rsa1')
    // The same without kid: the single RS256 key still pins the algorithm.
    const noKid = await new SignJWT({ sub: '1', iat: now, exp: now + 60, jti: 'c' })
      .setProtectedHeader({ alg: 'HS256' })
      .sign(new TextEncoder().encode(publicPem))
    expectInvalid(await refusedWith(app(), noKid), 'BRISK_JWT_ERR_TOKEN_INVALID')
    // And a genuine RS256 token passes.
    const good = await new SignJWT({ sub: '1', iat: now, exp: now + 60, jti: 'g' })
      .setProtectedHeader({ alg: 'RS256', kid: 'rsa1' })
      .sign(privateKey)
    expect((await refusedWith(app(), good)).status).toBe(200)
  })

  it('refuses an unknown kid and an algorithm that is not configured', async () => {
    expectInvalid(
      await refusedWith(newApp(), await ownToken({}, { kid: 'someone-elses' })),
      'BRISK_JWT_ERR_TOKEN_INVALID',
    )
    const hs512 = await new SignJWT({ sub: '1', iat: 1, exp: Math.floor(Date.now() / 1000) + 60, jti: 'x' })
      .setProtectedHeader({ alg: 'HS512', kid: 'default' })
      .sign(new TextEncoder().encode(SECRET.repeat(2)))
    expectInvalid(await refusedWith(newApp(), hs512), 'BRISK_JWT_ERR_TOKEN_INVALID')
  })

  it('refuses a token without sub, exp, iat or jti', async () => {
    for (const missing of ['sub', 'exp', 'iat', 'jti']) {
      const now = Math.floor(Date.now() / 1000)
      const claims: Record<string, unknown> = { sub: '1', iat: now, exp: now + 60, jti: 'j' }
      delete claims[missing]
      const token = await new SignJWT(claims)
        .setProtectedHeader({ alg: 'HS256', kid: 'default' })
        .sign(secret)
      const res = await refusedWith(newApp(), token)
      expect(res.status, missing).toBe(401)
      expect(res.json().code).toBe('BRISK_JWT_ERR_TOKEN_INVALID')
    }
  })

  it('refuses a token over 8 KiB before any parsing, and accepts a large valid one under it', async () => {
    const big = `${'a'.repeat(8200)}.b.c`
    expectInvalid(await refusedWith(newApp(), big), 'BRISK_JWT_ERR_TOKEN_TOO_LARGE')
    const padded = await ownToken({ pad: 'x'.repeat(5000) })
    expect(padded.length).toBeLessThan(8192)
    expect((await refusedWith(newApp(), padded)).status).toBe(200)
  })

  it('answers a missing token with a bare Bearer challenge (RFC 6750 §3.1), and realm when configured', async () => {
    const res = await refusedWith(newApp(), undefined)
    expect(res.status).toBe(401)
    expect(res.headers.get('www-authenticate')).toBe('Bearer')
    expect(res.json()).toMatchObject({
      status: 401,
      code: 'BRISK_JWT_ERR_TOKEN_MISSING',
      title: 'Unauthorized',
    })
    const realm = await refusedWith(newApp({ realm: 'shop' }), undefined)
    expect(realm.headers.get('www-authenticate')).toBe('Bearer realm="shop"')
  })

  it('refuses malformed Authorization headers', async () => {
    const token = await ownToken({})
    for (const header of [
      'Basic YWxpY2U6d29uZGVybGFuZA==',
      'Bearer',
      'Bearer ',
      `Bearer${token}`,
      `Token ${token}`,
      'Bearer a b',
    ]) {
      const res = await refusedWith(newApp(), undefined, header)
      expectInvalid(res, 'BRISK_JWT_ERR_TOKEN_MALFORMED')
    }
    for (const garbage of ['not-a-jwt', 'a.b', 'a.b.c.d', '!!!.???.***']) {
      expectInvalid(await refusedWith(newApp(), garbage), 'BRISK_JWT_ERR_TOKEN_MALFORMED')
    }
    const badJson = `${part({ alg: 'HS256', kid: 'default' }).slice(0, -2)}x.${part({ sub: '1' })}.c2ln`
    expect((await refusedWith(newApp(), badJson)).status).toBe(401)
  })

  it('reads the scheme word Bearer in any case', async () => {
    const token = await ownToken({})
    for (const scheme of ['Bearer', 'bearer', 'BEARER', 'bEaReR']) {
      expect((await refusedWith(newApp(), undefined, `${scheme} ${token}`)).status).toBe(200)
    }
  })

  it('refuses a token without the scope with 403 insufficient_scope naming the scopes', async () => {
    const client = clientFor(newApp())
    const { access_token } = await loginAs(client, 'bob', 'builder')
    const res = await client.post('/books', {
      headers: { authorization: `Bearer ${access_token}` },
      json: {},
    })
    expect(res.status).toBe(403)
    expect(res.headers.get('content-type')).toBe('application/problem+json')
    expect(res.json().code).toBe('BRISK_JWT_ERR_INSUFFICIENT_SCOPE')
    expect(res.headers.get('www-authenticate')).toBe(
      'Bearer error="insufficient_scope", error_description="The access token lacks a required scope", scope="books:write"',
    )
    await client.close()
  })

  it('refuses tokens of another app with the same claims but another secret', async () => {
    const other = new Brisk({ logger: quiet }).use(jwt, showcaseOptions({ secret: 'x'.repeat(40) }))
    const otherClient = clientFor(other)
    const { access_token } = await loginAs(otherClient)
    await otherClient.close()
    expectInvalid(await refusedWith(newApp(), access_token), 'BRISK_JWT_ERR_TOKEN_INVALID')
  })
})
