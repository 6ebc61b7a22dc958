/**
 * The stateless store: the session travels in its own cookie, encrypted and authenticated with AES-256-GCM
 * under keys derived (HKDF-SHA-256) from the plugin's secrets. Nothing is kept on the server, so it needs no
 * Redis with many workers; the price is the 4 KB a browser keeps per cookie, and that a cookie cannot be
 * revoked before it expires (see the README).
 */
import { fromBase64url, toBase64url } from './base64url'
import type { SessionData } from './store'

/**
 * Keeps each session inside its cookie, encrypted (AES-GCM) with keys derived from the plugin's `secret`s.
 * A session whose cookie would pass 4096 bytes is refused with `BRISK_SESSION_ERR_COOKIE_TOO_LARGE`. Works on
 * every runtime with WebCrypto, `app.fetch` included.
 *
 * @example
 * app.use(session, { secret: process.env.SESSION_SECRET!, store: new CookieStore() })
 */
export class CookieStore {
  /** Tells the plugin this store lives in the cookie. */
  readonly kind = 'cookie' as const
}

/** What a sealed cookie holds: the session id, its data, and when it expires (ms since the epoch). */
export interface CookiePayload {
  readonly id: string
  readonly data: SessionData
  readonly expires: number
}

/** Seals and opens cookie payloads with the keys of the plugin's secrets (the first seals). */
export interface CookieSealer {
  seal(payload: CookiePayload): Promise<string>
  open(value: string): Promise<CookiePayload | undefined>
}

const encoder = new TextEncoder()
const decoder = new TextDecoder()
const INFO = encoder.encode('@brisk/session cookie store v1')
// Binds the ciphertext to its purpose: a value sealed for something else never opens as a session.
const AAD = encoder.encode('@brisk/session')

/**
 * Derives one AES-256-GCM key per secret.
 *
 * @example
 * const sealer = await createSealer(['a secret of at least thirty-two bytes!'])
 * await sealer.open(await sealer.seal({ id, data: { n: 1 }, expires: Date.now() + 60_000 }))
 */
export async function createSealer(secrets: readonly string[]): Promise<CookieSealer> {
  const keys = await Promise.all(secrets.map(deriveKey))
  return {
    async seal(payload) {
      const iv = crypto.getRandomValues(new Uint8Array(12))
      const plain = encoder.encode(JSON.stringify({ i: payload.id, d: payload.data, e: payload.expires }))
      const sealed = new Uint8Array(
        await crypto.subtle.encrypt({ name: 'AES-GCM', iv, additionalData: AAD }, keys[0]!, plain),
      )
      const out = new Uint8Array(iv.length + sealed.length)
      out.set(iv, 0)
      out.set(sealed, iv.length)
      return toBase64url(out)
    },
    async open(value) {
      const bytes = fromBase64url(value)
      if (bytes === undefined || bytes.length < 12 + 16) return undefined
      const iv = bytes.subarray(0, 12)
      const sealed = bytes.subarray(12)
      for (const key of keys) {
        let plain: ArrayBuffer
        try {
          plain = await crypto.subtle.decrypt({ name: 'AES-GCM', iv, additionalData: AAD }, key, sealed)
        } catch {
          continue // not this key (or tampered with): try the next secret
        }
        return parsePayload(decoder.decode(plain))
      }
      return undefined
    },
  }
}

function parsePayload(text: string): CookiePayload | undefined {
  let raw: unknown
  try {
    raw = JSON.parse(text)
  } catch {
    return undefined
  }
  const { i, d, e } = (raw ?? {}) as { i?: unknown; d?: unknown; e?: unknown }
  if (typeof i !== 'string' || typeof e !== 'number' || d === null || typeof d !== 'object') return undefined
  if (e <= Date.now()) return undefined // a replayed cookie past its time is not a session
  return { id: i, data: d as SessionData, expires: e }
}

async function deriveKey(secret: string): Promise<CryptoKey> {
  const base = await crypto.subtle.importKey('raw', encoder.encode(secret), 'HKDF', false, ['deriveKey'])
  return crypto.subtle.deriveKey(
    { name: 'HKDF', hash: 'SHA-256', salt: new Uint8Array(0), info: INFO },
    base,
    { name: 'AES-GCM', length: 256 },
    false,
    ['encrypt', 'decrypt'],
  )
}
