/**
 * Session ids and their signatures. An id is 32 random bytes in base64url; the cookie carries
 * `<id>.<HMAC-SHA256(secret, id)>`, so only ids this server issued are ever looked up. The first secret signs,
 * every secret verifies (rotation). On Node (and runtimes with `node:crypto`) HMAC is synchronous and cheap;
 * elsewhere WebCrypto does it.
 */
import { fromBase64url, toBase64url } from './base64url'

/** Signs session ids and checks signed cookie values. */
export interface Signer {
  /** A new session id: 32 random bytes, base64url. */
  randomId(): string
  /** The cookie value for `id`: `<id>.<signature>`. */
  sign(id: string): string | Promise<string>
  /** The id inside a cookie value, or `undefined` when it is malformed or no secret signed it. */
  unsign(value: string): string | undefined | Promise<string | undefined>
}

// 32 bytes are 43 base64url characters; a signed value is id "." signature.
const SIGNED = /^[A-Za-z0-9_-]{43}\.[A-Za-z0-9_-]{43}$/
const encoder = new TextEncoder()

type NodeCrypto = typeof import('node:crypto')

/**
 * A signer for `secrets` (the first one signs): `node:crypto` when the runtime has it, else WebCrypto.
 *
 * @example
 * const signer = await createSigner(['a secret of at least thirty-two bytes!'])
 * const id = await signer.unsign(await signer.sign(signer.randomId()))
 */
export async function createSigner(
  secrets: readonly string[],
  options: { web?: boolean } = {},
): Promise<Signer> {
  if (options.web !== true) {
    const node = await loadNodeCrypto()
    if (node !== undefined) return remembering(nodeSigner(node, secrets))
  }
  return remembering(await webSigner(secrets))
}

/** How many verified cookie values {@link remembering} keeps: about 2.5 MB at most. */
export const VERIFIED_CACHE_SIZE = 10_000

/**
 * `signer`, remembering the cookie values it has verified (value → id), so a browser's next request with the
 * same cookie costs a `Map` lookup instead of an HMAC (about 5 µs with node:crypto, a promise with
 * WebCrypto). Only values that passed verification are kept, and the secrets never change while the app
 * runs, so a value that is found here would verify again: nothing is accepted that verification refuses.
 * Bounded: past {@link VERIFIED_CACHE_SIZE} values, the oldest is forgotten. Whether the session exists is
 * still asked of the store on every request.
 *
 * @example
 * const signer = remembering(nodeSigner(crypto, secrets))
 */
export function remembering(signer: Signer, size = VERIFIED_CACHE_SIZE): Signer {
  const verified = new Map<string, string>()
  const keep = (value: string, id: string | undefined): string | undefined => {
    if (id !== undefined) {
      if (verified.size >= size) verified.delete(verified.keys().next().value as string)
      verified.set(value, id)
    }
    return id
  }
  return {
    randomId: () => signer.randomId(),
    sign: (id) => signer.sign(id),
    unsign(value) {
      const known = verified.get(value)
      if (known !== undefined) return known
      const id = signer.unsign(value)
      return id instanceof Promise ? id.then((found) => keep(value, found)) : keep(value, id)
    },
  }
}

async function loadNodeCrypto(): Promise<NodeCrypto | undefined> {
  try {
    return await import('node:crypto')
  } catch {
    return undefined // a Web-standard runtime without node's built-ins
  }
}

function nodeSigner(node: NodeCrypto, secrets: readonly string[]): Signer {
  const keys = secrets.map((secret) => node.createSecretKey(Buffer.from(secret, 'utf8')))
  const mac = (key: (typeof keys)[number], id: string): string =>
    node.createHmac('sha256', key).update(id).digest('base64url')
  return {
    randomId: () => node.randomBytes(32).toString('base64url'),
    sign: (id) => `${id}.${mac(keys[0]!, id)}`,
    unsign(value) {
      if (!SIGNED.test(value)) return undefined
      const id = value.slice(0, 43)
      const given = Buffer.from(value.slice(44), 'latin1')
      for (const key of keys) {
        // Compared as the canonical text in constant time: a signature that decodes to the same bytes
        // through other spellings of its last character is not accepted.
        if (node.timingSafeEqual(Buffer.from(mac(key, id), 'latin1'), given)) return id
      }
      return undefined
    },
  }
}

async function webSigner(secrets: readonly string[]): Promise<Signer> {
  const keys = await Promise.all(
    secrets.map((secret) =>
      crypto.subtle.importKey('raw', encoder.encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, [
        'sign',
        'verify',
      ]),
    ),
  )
  return {
    randomId: () => toBase64url(crypto.getRandomValues(new Uint8Array(32))),
    async sign(id) {
      const mac = await crypto.subtle.sign('HMAC', keys[0]!, encoder.encode(id))
      return `${id}.${toBase64url(new Uint8Array(mac))}`
    },
    async unsign(value) {
      if (!SIGNED.test(value)) return undefined
      const id = value.slice(0, 43)
      const text = value.slice(44)
      const signature = fromBase64url(text)
      if (signature === undefined || toBase64url(signature) !== text) return undefined
      const data = encoder.encode(id)
      for (const key of keys) {
        // WebCrypto's verify compares in constant time.
        if (await crypto.subtle.verify('HMAC', key, signature, data)) return id
      }
      return undefined
    },
  }
}
