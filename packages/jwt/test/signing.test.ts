/**
 * HS keys sign access tokens synchronously with node:crypto rather than through jose's WebCrypto: the tokens
 * must be the very ones jose would make (same header, same claims in the same order, same signature), and
 * jose must verify them with every check it has (algorithm, issuer, audience, times).
 */
import { jwtVerify, SignJWT } from 'jose'
import { describe, expect, it } from 'vitest'
import type { JwtKey } from '../src/index'
import { clientFor, loginAs, newApp, SECRET } from './_apps'

const parts = (token: string) => {
  const [header, payload] = token
    .split('.')
    .slice(0, 2)
    .map((p) => JSON.parse(Buffer.from(p, 'base64url').toString()))
  return { header, payload }
}

describe('HS access tokens', () => {
  it.each(['HS256', 'HS384', 'HS512'] as const)(
    '%s: jose would sign the same bytes, and verifies them',
    async (alg) => {
      const secret = `key-${alg}-`.padEnd(64, 's')
      const key: JwtKey = { kid: `k-${alg}`, alg, secret }
      const client = clientFor(
        newApp({ secret: undefined, keys: [key], issuer: 'shop', audience: 'shop-web' }),
      )
      const { access_token } = await loginAs(client)
      await client.close()
      const { header, payload } = parts(access_token)
      expect(header).toEqual({ alg, kid: `k-${alg}`, typ: 'JWT' })
      expect(Object.keys(payload)).toEqual(['scope', 'sub', 'iat', 'nbf', 'exp', 'jti', 'iss', 'aud'])
      expect(payload).toMatchObject({
        sub: '1',
        scope: 'books:read books:write',
        iss: 'shop',
        aud: 'shop-web',
      })
      expect(payload.exp - payload.iat).toBe(15 * 60)
      expect(payload.jti).toMatch(/^[A-Za-z0-9_-]{22}$/)

      const bytes = new TextEncoder().encode(secret)
      const again = await new SignJWT(payload).setProtectedHeader(header).sign(bytes)
      expect(again).toBe(access_token)
      const verified = await jwtVerify(access_token, bytes, {
        algorithms: [alg],
        issuer: 'shop',
        audience: 'shop-web',
      })
      expect(verified.payload.sub).toBe('1')
      await expect(jwtVerify(access_token, new TextEncoder().encode(`${secret}x`))).rejects.toThrow()
    },
  )

  it('each key keeps its own header: apps with different keys in one process never share one', async () => {
    const first = clientFor(
      newApp({ secret: undefined, keys: [{ kid: 'one', alg: 'HS256', secret: SECRET }] }),
    )
    const second = clientFor(
      newApp({ secret: undefined, keys: [{ kid: 'two', alg: 'HS512', secret: SECRET.padEnd(64, 'x') }] }),
    )
    const a1 = (await loginAs(first)).access_token
    const b1 = (await loginAs(second)).access_token
    const a2 = (await loginAs(first)).access_token
    await first.close()
    await second.close()
    expect(parts(a1).header).toEqual({ alg: 'HS256', kid: 'one', typ: 'JWT' })
    expect(parts(b1).header).toEqual({ alg: 'HS512', kid: 'two', typ: 'JWT' })
    expect(a2.split('.')[0]).toBe(a1.split('.')[0])
    expect(a2).not.toBe(a1) // a new jti each time
  })

  it('the default secret signs HS256 tokens without iss or aud, which the guard accepts', async () => {
    const client = clientFor(newApp())
    const { access_token } = await loginAs(client)
    const { header, payload } = parts(access_token)
    expect(header).toEqual({ alg: 'HS256', kid: 'default', typ: 'JWT' })
    expect(payload.iss).toBeUndefined()
    expect(payload.aud).toBeUndefined()
    const res = await client.get('/books', { headers: { authorization: `Bearer ${access_token}` } })
    expect(res.status).toBe(200)
    await jwtVerify(access_token, new TextEncoder().encode(SECRET), { algorithms: ['HS256'] })
    await client.close()
  })
})
