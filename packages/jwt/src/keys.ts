/**
 * The key set: each key's material checked against its pinned algorithm once, at registration, and turned
 * into what `jose` signs and verifies with. The first key signs; every key verifies until it is removed.
 */
import { createHmac, createPrivateKey, createPublicKey, createSecretKey, KeyObject } from 'node:crypto'
import { importJWK, type JWK } from 'jose'
import { JwtError } from './errors'
import type { JwtAlgorithm, JwtKey, KeyInput } from './options'

/** A key ready for use. `verify` is what `jose` checks signatures with; `sign` is absent for verify-only keys. */
export interface ResolvedKey {
  readonly kid: string
  readonly alg: JwtAlgorithm
  readonly sign: CryptoKey | Uint8Array | undefined
  /**
   * For HS keys: the signature of a JWS signing input, in base64url, computed synchronously with
   * `node:crypto` (WebCrypto's HMAC is asynchronous and runs on libuv's thread pool, several times the cost of
   * the HMAC itself). `undefined` for other keys, which sign through `jose`.
   */
  readonly signNow: ((input: string) => string) | undefined
  readonly verify: CryptoKey | Uint8Array
  /** The public JWK for the JWKS; absent for HS keys, which must never be published. */
  readonly jwk: JWK | undefined
  /** An HS secret under 32 bytes (RFC 7518 §3.2 asks for at least the hash size). */
  readonly weak: boolean
}

/** The resolved key set. */
export interface KeySet {
  readonly signer: ResolvedKey
  readonly byKid: ReadonlyMap<string, ResolvedKey>
  /** With a single key, tokens without `kid` are matched to it; with several, a `kid` is required. */
  readonly only: ResolvedKey | undefined
  readonly algorithms: readonly JwtAlgorithm[]
  readonly jwks: { keys: JWK[] } | undefined
}

const ALGORITHMS: readonly JwtAlgorithm[] = ['HS256', 'HS384', 'HS512', 'RS256', 'PS256', 'ES256', 'EdDSA']
const HS_MIN_BYTES = 32

/**
 * Checks and imports the keys (`secret` is the short form of one HS256 key with kid `default`).
 *
 * @example
 * const set = await resolveKeys(undefined, [{ kid: 'k1', alg: 'ES256', privateKey: pem }])
 * set.signer.kid // 'k1'
 */
export async function resolveKeys(
  secret: string | Uint8Array | undefined,
  keys: readonly JwtKey[] | undefined,
): Promise<KeySet> {
  if (secret !== undefined && keys !== undefined) {
    throw new JwtError('BRISK_JWT_ERR_OPTIONS', '@brisk/jwt: give either `secret` or `keys`, not both')
  }
  const list: readonly JwtKey[] =
    keys ?? (secret === undefined ? [] : [{ kid: 'default', alg: 'HS256', secret }])
  if (!Array.isArray(list) || list.length === 0) {
    throw new JwtError(
      'BRISK_JWT_ERR_OPTIONS',
      '@brisk/jwt: a `secret` or a non-empty `keys` list is required',
    )
  }
  const byKid = new Map<string, ResolvedKey>()
  for (const [index, key] of list.entries()) {
    const resolved = await resolveKey(key, index)
    if (byKid.has(resolved.kid)) {
      throw new JwtError(
        'BRISK_JWT_ERR_KEY',
        `@brisk/jwt: keys[${index}] repeats a kid used by an earlier key`,
      )
    }
    byKid.set(resolved.kid, resolved)
  }
  const signer = byKid.get(list[0]!.kid)!
  if (signer.sign === undefined) {
    throw new JwtError(
      'BRISK_JWT_ERR_KEY',
      '@brisk/jwt: keys[0] signs new tokens, so it needs a secret or a privateKey',
    )
  }
  const published = [...byKid.values()].flatMap((k) => (k.jwk === undefined ? [] : [k.jwk]))
  return {
    signer,
    byKid,
    only: byKid.size === 1 ? signer : undefined,
    algorithms: [...new Set([...byKid.values()].map((k) => k.alg))],
    jwks: published.length > 0 ? { keys: published } : undefined,
  }
}

async function resolveKey(key: JwtKey, index: number): Promise<ResolvedKey> {
  const where = `@brisk/jwt: keys[${index}]`
  if (key === null || typeof key !== 'object')
    throw new JwtError('BRISK_JWT_ERR_KEY', `${where} must be an object`)
  if (typeof key.kid !== 'string' || key.kid.length === 0) {
    throw new JwtError('BRISK_JWT_ERR_KEY', `${where}: kid must be a non-empty string`)
  }
  if (!ALGORITHMS.includes(key.alg)) {
    throw new JwtError('BRISK_JWT_ERR_KEY', `${where}: alg must be one of ${ALGORITHMS.join(', ')}`)
  }
  if (key.alg.startsWith('HS')) {
    if (key.privateKey !== undefined || key.publicKey !== undefined) {
      throw new JwtError(
        'BRISK_JWT_ERR_KEY',
        `${where}: an ${key.alg} key takes a secret, not a private or public key`,
      )
    }
    const bytes = typeof key.secret === 'string' ? new TextEncoder().encode(key.secret) : key.secret
    if (!(bytes instanceof Uint8Array) || bytes.byteLength === 0) {
      throw new JwtError('BRISK_JWT_ERR_KEY', `${where}: an ${key.alg} key needs a non-empty secret`)
    }
    // Imported once: handing jose the raw bytes would import them into WebCrypto on every verification.
    const hmac = await globalThis.crypto.subtle.importKey(
      'raw',
      new Uint8Array(bytes),
      { name: 'HMAC', hash: `SHA-${key.alg.slice(2)}` },
      false,
      ['sign', 'verify'],
    )
    const secretKey = createSecretKey(new Uint8Array(bytes))
    const hash = `sha${key.alg.slice(2)}`
    return {
      kid: key.kid,
      alg: key.alg,
      sign: hmac,
      signNow: (input) => createHmac(hash, secretKey).update(input).digest('base64url'),
      verify: hmac,
      jwk: undefined,
      weak: bytes.byteLength < HS_MIN_BYTES,
    }
  }
  if (key.secret !== undefined) {
    throw new JwtError(
      'BRISK_JWT_ERR_KEY',
      `${where}: an ${key.alg} key takes a privateKey or publicKey, not a secret`,
    )
  }
  let privateObject: KeyObject | undefined
  let publicObject: KeyObject
  try {
    privateObject = key.privateKey === undefined ? undefined : toKeyObject(key.privateKey, 'private')
    publicObject =
      key.publicKey !== undefined
        ? toKeyObject(key.publicKey, 'public')
        : privateObject !== undefined
          ? createPublicKey(privateObject)
          : missing()
  } catch (error) {
    if (error instanceof JwtError) throw new JwtError(error.code, `${where}: ${error.message}`)
    // Node's message can quote the input; ours says only which key could not be read.
    throw new JwtError('BRISK_JWT_ERR_KEY', `${where}: the key material could not be read (${key.alg})`)
  }
  checkType(publicObject, key.alg, where)
  const publicJwk = publicObject.export({ format: 'jwk' }) as JWK
  const jwk: JWK = { ...publicJwk, kid: key.kid, alg: key.alg, use: 'sig' }
  const verify = (await importJWK(jwk, key.alg)) as CryptoKey
  const sign =
    privateObject === undefined
      ? undefined
      : ((await importJWK(
          { ...(privateObject.export({ format: 'jwk' }) as JWK), alg: key.alg },
          key.alg,
        )) as CryptoKey)
  return { kid: key.kid, alg: key.alg, sign, signNow: undefined, verify, jwk, weak: false }
}

function missing(): never {
  throw new JwtError('BRISK_JWT_ERR_KEY', 'an asymmetric key needs a privateKey or a publicKey')
}

function toKeyObject(input: KeyInput, kind: 'private' | 'public'): KeyObject {
  if (input instanceof KeyObject) return input
  if (typeof CryptoKey !== 'undefined' && input instanceof CryptoKey) return KeyObject.from(input)
  if (typeof input === 'string') return kind === 'private' ? createPrivateKey(input) : createPublicKey(input)
  if (input instanceof Uint8Array)
    throw new JwtError('BRISK_JWT_ERR_KEY', 'raw bytes are only a secret for HS keys')
  const jwk = input as JWK
  if (kind === 'private' && jwk.d === undefined)
    throw new JwtError('BRISK_JWT_ERR_KEY', 'privateKey is a public JWK')
  return kind === 'private'
    ? createPrivateKey({ key: jwk as never, format: 'jwk' })
    : createPublicKey({ key: jwk as never, format: 'jwk' })
}

function checkType(key: KeyObject, alg: JwtAlgorithm, where: string): void {
  const type = key.asymmetricKeyType
  const details = key.asymmetricKeyDetails
  const fits =
    alg === 'RS256' || alg === 'PS256'
      ? (type === 'rsa' || (alg === 'PS256' && type === 'rsa-pss')) && (details?.modulusLength ?? 0) >= 2048
      : alg === 'ES256'
        ? type === 'ec' && details?.namedCurve === 'prime256v1'
        : type === 'ed25519' || type === 'ed448'
  if (!fits) {
    const want =
      alg === 'ES256'
        ? 'a P-256 EC key'
        : alg === 'EdDSA'
          ? 'an Ed25519 or Ed448 key'
          : 'an RSA key of 2048 bits or more'
    throw new JwtError('BRISK_JWT_ERR_KEY', `${where}: ${alg} needs ${want}`)
  }
}
