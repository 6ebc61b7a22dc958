/**
 * Keys: every algorithm signs and verifies, a key set rotates (sign with the newest, verify with all until
 * removed), short HS secrets are refused outside development mode, and bad key material fails at start-up
 * without quoting it.
 */
import { generateKeyPairSync } from 'node:crypto'
import { Brisk, type Logger } from '@brisk/core'
import { describe, expect, it } from 'vitest'
import { type JwtKey, jwt } from '../src/index'
import { clientFor, loginAs, newApp, payloadOf, quiet, showcaseOptions } from './_apps'

const bearer = (token: string) => ({ authorization: `Bearer ${token}` })

function keyOf(alg: JwtKey['alg'], kid: string): JwtKey {
  switch (alg) {
    case 'HS256':
    case 'HS384':
    case 'HS512':
      return { kid, alg, secret: `${kid}-`.padEnd(64, 's') }
    case 'RS256':
    case 'PS256':
      return { kid, alg, privateKey: generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey }
    case 'ES256':
      return {
        kid,
        alg,
        privateKey: generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({
          type: 'pkcs8',
          format: 'pem',
        }) as string,
      }
    case 'EdDSA':
      return {
        kid,
        alg,
        privateKey: generateKeyPairSync('ed25519').privateKey.export({ format: 'jwk' }) as never,
      }
  }
}

describe('algorithms', () => {
  it.each(['HS256', 'HS384', 'HS512', 'RS256', 'PS256', 'ES256', 'EdDSA'] as const)(
    '%s: login signs with it, the guard verifies it',
    async (alg) => {
      const client = clientFor(newApp({ secret: undefined, keys: [keyOf(alg, `k-${alg}`)] }))
      const { access_token } = await loginAs(client)
      expect(JSON.parse(Buffer.from(access_token.split('.')[0]!, 'base64url').toString())).toMatchObject({
        alg,
        kid: `k-${alg}`,
      })
      expect((await client.get('/books', { headers: bearer(access_token) })).status).toBe(200)
      await client.close()
    },
  )
})

describe('rotation', () => {
  it('signs with the first key and verifies with every key until it is removed', async () => {
    const old = keyOf('ES256', '2026-11')
    const next = keyOf('ES256', '2026-12')
    // Before: only the old key.
    const before = clientFor(newApp({ secret: undefined, keys: [old] }))
    const oldToken = (await loginAs(before)).access_token
    await before.close()
    // Rotation: the new key first; the old one still verifies (here as a public key only).
    const publicOnly: JwtKey = {
      kid: old.kid,
      alg: 'ES256',
      publicKey: (await import('node:crypto')).createPublicKey(old.privateKey as string),
    }
    const during = clientFor(newApp({ secret: undefined, keys: [next, publicOnly] }))
    const newToken = (await loginAs(during)).access_token
    expect(JSON.parse(Buffer.from(newToken.split('.')[0]!, 'base64url').toString()).kid).toBe('2026-12')
    expect((await during.get('/books', { headers: bearer(oldToken) })).status).toBe(200)
    expect((await during.get('/books', { headers: bearer(newToken) })).status).toBe(200)
    const jwks = (await during.get('/auth/jwks.json')).json().keys.map((k: { kid: string }) => k.kid)
    expect(jwks).toEqual(['2026-12', '2026-11'])
    await during.close()
    // After: the old key is retired; its tokens are refused as naming an unknown key.
    const after = clientFor(newApp({ secret: undefined, keys: [next] }))
    const refused = await after.get('/books', { headers: bearer(oldToken) })
    expect(refused.status).toBe(401)
    expect(refused.json().code).toBe('BRISK_JWT_ERR_TOKEN_INVALID')
    expect((await after.get('/books', { headers: bearer(newToken) })).status).toBe(200)
    await after.close()
  })

  it('rotates HS secrets the same way, and keeps custom claims and scopes through refresh', async () => {
    const a = keyOf('HS256', 'a')
    const b = keyOf('HS512', 'b')
    const client = clientFor(newApp({ secret: undefined, keys: [b, a], claims: () => ({ tenant: 't1' }) }))
    const { refresh_token } = await loginAs(client)
    const next = (await client.post('/auth/refresh', { json: { refresh_token } })).json()
    expect(payloadOf(next.access_token)).toMatchObject({
      tenant: 't1',
      scope: 'books:read books:write',
      sub: '1',
    })
    await client.close()
  })
})

describe('start-up refusals', () => {
  const start = (options: object, dev = false, logger: Logger = quiet) =>
    new Brisk({ logger, dev }).use(jwt, showcaseOptions(options)).ready()

  it('refuses an HS secret under 32 bytes, and only warns in development mode', async () => {
    await expect(start({ secret: 'short-secret' })).rejects.toMatchObject({
      code: 'BRISK_JWT_ERR_WEAK_SECRET',
    })
    await expect(
      start({ secret: undefined, keys: [{ kid: 'k', alg: 'HS256', secret: 'x'.repeat(31) }] }),
    ).rejects.toMatchObject({
      code: 'BRISK_JWT_ERR_WEAK_SECRET',
    })
    const warnings: string[] = []
    const logger: Logger = { ...quiet, warn: (message: unknown) => void warnings.push(String(message)) }
    await start({ secret: 'short-secret' }, true, logger)
    expect(warnings.join(' ')).toContain('shorter than 32 bytes')
    expect(warnings.join(' ')).not.toContain('short-secret')
    await expect(start({ secret: 'x'.repeat(32) })).resolves.toBeUndefined()
  })

  it('refuses key material that does not fit its algorithm, without quoting it', async () => {
    const rsa1024 = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey
    const ec384 = generateKeyPairSync('ec', { namedCurve: 'P-384' }).privateKey
    const ed = generateKeyPairSync('ed25519').privateKey
    const cases: [object, string][] = [
      [{ secret: undefined, keys: [{ kid: 'a', alg: 'RS256', privateKey: rsa1024 }] }, 'BRISK_JWT_ERR_KEY'],
      [{ secret: undefined, keys: [{ kid: 'a', alg: 'ES256', privateKey: ec384 }] }, 'BRISK_JWT_ERR_KEY'],
      [{ secret: undefined, keys: [{ kid: 'a', alg: 'RS256', privateKey: ed }] }, 'BRISK_JWT_ERR_KEY'],
      [
        {
          secret: undefined,
          keys: [
            {
              kid: 'a',
              alg: 'ES256',
              privateKey: '-----BEGIN PRIVATE KEY-----\nsecretstuff\n-----END PRIVATE KEY-----',
            },
          ],
        },
        'BRISK_JWT_ERR_KEY',
      ],
      [{ secret: undefined, keys: [{ kid: 'a', alg: 'none', secret: 'x'.repeat(32) }] }, 'BRISK_JWT_ERR_KEY'],
      [{ secret: undefined, keys: [{ kid: 'a', alg: 'HS256', privateKey: ed }] }, 'BRISK_JWT_ERR_KEY'],
      [
        { secret: undefined, keys: [{ kid: 'a', alg: 'ES256', secret: 'x'.repeat(32) }] },
        'BRISK_JWT_ERR_KEY',
      ],
      [
        {
          secret: undefined,
          keys: [
            { kid: 'a', alg: 'HS256', secret: 'x'.repeat(32) },
            { kid: 'a', alg: 'HS256', secret: 'y'.repeat(32) },
          ],
        },
        'BRISK_JWT_ERR_KEY',
      ],
      [
        {
          secret: undefined,
          keys: [{ kid: 'pub', alg: 'EdDSA', publicKey: generateKeyPairSync('ed25519').publicKey }],
        },
        'BRISK_JWT_ERR_KEY',
      ],
      [{ secret: undefined, keys: [] }, 'BRISK_JWT_ERR_OPTIONS'],
      [
        { secret: 'x'.repeat(32), keys: [{ kid: 'a', alg: 'HS256', secret: 'x'.repeat(32) }] },
        'BRISK_JWT_ERR_OPTIONS',
      ],
      [{ accessTtl: 0 }, 'BRISK_JWT_ERR_OPTIONS'],
      [{ authenticate: 'nope' }, 'BRISK_JWT_ERR_OPTIONS'],
      [{ authenticate: undefined }, 'BRISK_JWT_ERR_OPTIONS'],
      [{ cookies: { sameSite: 'None', secure: false } }, 'BRISK_JWT_ERR_OPTIONS'],
      [{ paths: { login: 'no-slash' } }, 'BRISK_JWT_ERR_OPTIONS'],
    ]
    for (const [options, code] of cases) {
      const error = await start(options).then(
        () => undefined,
        (e: { code: string; message: string }) => e,
      )
      expect(error?.code, JSON.stringify(options)).toBe(code)
      expect(error?.message).not.toContain('secretstuff')
      expect(error?.message).not.toContain('x'.repeat(32))
    }
  })
})
