/**
 * Random tokens come from a pool of CSPRNG bytes: each has the asked number of bytes, none repeats (across
 * many refills of the pool), and the bytes look uniform.
 */
import { describe, expect, it } from 'vitest'
import { randomBase64url } from '../src/random'
import { newFamilyId, newRefreshToken } from '../src/refresh-store'

describe('randomBase64url', () => {
  it('gives the asked number of bytes, as base64url, never the same twice over many refills', () => {
    const seen = new Set<string>()
    for (let i = 0; i < 5000; i++) {
      for (const size of [16, 24, 32]) {
        const text = randomBase64url(size)
        expect(text).toMatch(/^[A-Za-z0-9_-]+$/)
        expect(Buffer.from(text, 'base64url').byteLength).toBe(size)
        seen.add(text)
      }
    }
    expect(seen.size).toBe(15000)
  })

  it('draws bytes that look uniform (no zeroed or repeated stretch of the pool)', () => {
    const counts = new Array<number>(256).fill(0)
    const total = 64 * 4096
    for (let i = 0; i < total / 32; i++)
      for (const byte of Buffer.from(randomBase64url(32), 'base64url')) counts[byte]!++
    const expected = total / 256
    // Each count is binomial (sd ≈ 32 here): 6 sd either side fails about once in 10⁸ runs.
    for (const count of counts) expect(Math.abs(count - expected)).toBeLessThan(6 * 32)
  })

  it('refuses sizes it cannot give', () => {
    expect(() => randomBase64url(0)).toThrow(RangeError)
    expect(() => randomBase64url(4097)).toThrow(RangeError)
    expect(() => randomBase64url(1.5)).toThrow(RangeError)
  })

  it('makes the refresh tokens (256 bits) and family ids (128 bits)', () => {
    expect(Buffer.from(newRefreshToken(), 'base64url').byteLength).toBe(32)
    expect(Buffer.from(newFamilyId(), 'base64url').byteLength).toBe(16)
    expect(newRefreshToken()).not.toBe(newRefreshToken())
  })
})
