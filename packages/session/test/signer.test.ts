import { describe, expect, it } from 'vitest'
import { fromBase64url, toBase64url } from '../src/base64url'
import { createSigner } from '../src/signer'
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
