import { describe, expect, it } from 'vitest'
import type { AccessClaims } from '../src/index'
import { TokenCache, type Verified } from '../src/token-cache'

const entry = (expiresAt: number): Verified => ({
  claims: { sub: '1', exp: expiresAt / 1000, iat: 0, jti: 'j' } as AccessClaims,
  scopes: [],
  expiresAt,
})

describe('TokenCache', () => {
  it('answers a stored token until its expiry, then forgets it', () => {
    const cache = new TokenCache(10)
    cache.set('t', entry(1000))
    expect(cache.get('t', 999)?.expiresAt).toBe(1000)
    expect(cache.get('t', 1000)).toBeUndefined()
    expect(cache.size).toBe(0)
  })

  it('keeps at most its bound, dropping the oldest', () => {
    const cache = new TokenCache(2)
    cache.set('a', entry(5000))
    cache.set('b', entry(5000))
    cache.set('c', entry(5000))
    expect(cache.size).toBe(2)
    expect(cache.get('a', 0)).toBeUndefined()
    expect(cache.get('c', 0)).toBeDefined()
  })

  it('is keyed by the whole token: a token differing in one character is a miss', () => {
    const cache = new TokenCache(2)
    cache.set('header.payload.signature', entry(5000))
    expect(cache.get('header.payload.signaturf', 0)).toBeUndefined()
  })
})
