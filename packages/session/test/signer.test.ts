import { describe, expect, it } from 'vitest'
import { fromBase64url, toBase64url } from '../src/base64url'
import { createSigner, remembering, type Signer } from '../src/signer'
import { OLD_SECRET, SECRET } from './_helpers'

describe.each([
  ['node:crypto', false],
  ['WebCrypto', true],
])('createSigner (%s)', (_name, web) => {
  it('makes 32-byte base64url ids, all different', async () => {
    const signer = await createSigner([SECRET], { web })
    const ids = new Set(Array.from({ length: 200 }, () => signer.randomId()))
    expect(ids.size).toBe(200)
    for (const id of ids) {
      expect(id).toMatch(/^[A-Za-z0-9_-]{43}$/)
      expect(fromBase64url(id)!.length).toBe(32)
    }
  })

  it('verifies what it signed, with any secret of the list, and nothing else', async () => {
    const signer = await createSigner([SECRET, OLD_SECRET], { web })
    const old = await createSigner([OLD_SECRET], { web })
    const id = signer.randomId()
    const signed = await signer.sign(id)
    expect(await signer.unsign(signed)).toBe(id)
    expect(await signer.unsign(await old.sign(id))).toBe(id)
    expect(await old.unsign(signed)).toBeUndefined()
    const [, mac] = signed.split('.')
    for (const bad of [
      id,
      `${id}.`,
      `${signer.randomId()}.${mac}`,
      `${id}.${mac!.slice(0, -1)}${mac!.endsWith('A') ? 'B' : 'A'}`,
      `${id}.${mac}x`,
      `${id}..${mac}`,
      '',
    ]) {
      expect(await signer.unsign(bad), bad).toBeUndefined()
    }
  })
})

describe('node:crypto and WebCrypto signers', () => {
  it('agree on every signature, so one app can move between runtimes', async () => {
    const node = await createSigner([SECRET])
    const web = await createSigner([SECRET], { web: true })
    for (let i = 0; i < 20; i++) {
      const id = node.randomId()
      expect(await web.sign(id)).toBe(await node.sign(id))
      expect(await node.unsign(await web.sign(id))).toBe(id)
    }
  })

  it('refuse a signature spelt another way that decodes to the same bytes', async () => {
    // 43 base64url characters carry 258 bits: the last character's low 2 bits are padding.
    const node = await createSigner([SECRET])
    const web = await createSigner([SECRET], { web: true })
    const id = node.randomId()
    const signed = await node.sign(id)
    const last = signed.at(-1)!
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'
    const twin = alphabet[alphabet.indexOf(last) ^ 1]!
    const variant = signed.slice(0, -1) + twin
    expect(toBase64url(fromBase64url(variant.split('.')[1]!)!)).toBe(signed.split('.')[1])
    expect(await node.unsign(variant)).toBeUndefined()
    expect(await web.unsign(variant)).toBeUndefined()
  })
})

describe('remembering: verified cookie values are kept, refused ones never', () => {
  /** A signer that counts the values it is asked to verify. */
  async function counted(web: boolean): Promise<{ inner: Signer; asked: string[] }> {
    const real = await createSigner([SECRET], { web })
    const asked: string[] = []
    return {
      asked,
      inner: {
        randomId: () => real.randomId(),
        sign: (id) => real.sign(id),
        unsign: (value) => {
          asked.push(value)
          return real.unsign(value)
        },
      },
    }
  }

  it.each([false, true])('answers a value verified before from memory (web: %s)', async (web) => {
    const { inner, asked } = await counted(web)
    const signer = remembering(inner)
    const id = signer.randomId()
    const signed = await signer.sign(id)
    expect(await signer.unsign(signed)).toBe(id)
    expect(await signer.unsign(signed)).toBe(id)
    expect(signer.unsign(signed)).toBe(id) // synchronous once known, even over WebCrypto
    expect(asked).toEqual([signed])
  })

  it('asks again for every refused value, and never takes a near miss of a known one', async () => {
    const { inner, asked } = await counted(false)
    const signer = remembering(inner)
    const id = signer.randomId()
    const signed = await signer.sign(id)
    await signer.unsign(signed)
    const forged = `${id}.${'A'.repeat(43)}`
    expect(await signer.unsign(forged)).toBeUndefined()
    expect(await signer.unsign(forged)).toBeUndefined()
    expect(await signer.unsign(`${signed}x`)).toBeUndefined()
    expect(await signer.unsign(signed.slice(0, -1))).toBeUndefined()
    expect(asked).toEqual([signed, forged, forged, `${signed}x`, signed.slice(0, -1)])
  })

  it('is bounded: past its size, the oldest value is verified again', async () => {
    const { inner, asked } = await counted(false)
    const signer = remembering(inner, 2)
    const values = await Promise.all([1, 2, 3].map(() => signer.sign(signer.randomId())))
    for (const value of values) await signer.unsign(value)
    asked.length = 0
    await signer.unsign(values[2]!)
    await signer.unsign(values[1]!)
    expect(asked).toEqual([])
    await signer.unsign(values[0]!)
    expect(asked).toEqual([values[0]])
  })
})
