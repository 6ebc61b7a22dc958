/**
 * Signing and verifying access tokens with `jose`. Verification goes through the {@link TokenCache}: a token
 * seen before costs a `Map` lookup and a clock read; a new one is checked in full (size, shape, key and
 * pinned algorithm, signature, then `exp`, `nbf`, `iss`, `aud` and the required claims).
 */
import { errors, type JWTHeaderParameters, jwtVerify, SignJWT } from 'jose'
import { type Config, MAX_TOKEN_BYTES } from './config'
import { invalidToken, type JwtHTTPError, type JwtHTTPErrorCode } from './errors'
import type { ResolvedKey } from './keys'
import type { AccessClaims } from './options'
import { randomBase64url } from './random'
import { parseScopes } from './scopes'
import type { Verified } from './token-cache'

const REGISTERED = new Set(['iss', 'sub', 'aud', 'exp', 'nbf', 'iat', 'jti'])
// Three base64url parts; a JWS with an empty signature (`alg: none`) fails here already.
const SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/

/**
 * Signs an access token for `sub` with the newest key: `iat` and `nbf` now, `exp` after the access TTL, a
 * random `jti`, `iss` and `aud` when configured, and the given claims (registered names in them are ignored).
 * HS keys sign synchronously with `node:crypto`; the others through `jose` (WebCrypto).
 *
 * @example
 * const token = await signAccess(config, '42', { scope: 'books:read' })
 */
export async function signAccess(
  config: Config,
  sub: string,
  claims: Record<string, unknown>,
): Promise<string> {
  const key = config.keys.signer
  const now = Math.floor(Date.now() / 1000)
  const body: Record<string, unknown> = {}
  for (const name of Object.keys(claims)) if (!REGISTERED.has(name)) body[name] = claims[name]
  if (key.signNow !== undefined) {
    // HS keys: the same compact JWS jose makes (header, then the claims in the same order), signed at once.
    // The registered claims are added to `body` itself: `{ ...body, sub, … }` cost about 7 µs a token in V8
    // (measured in a loop; the whole token costs about 5 µs without it).
    const payload = body
    payload.sub = sub
    payload.iat = now
    payload.nbf = now
    payload.exp = now + config.accessTtl
    payload.jti = randomBase64url(16)
    if (config.issuer !== undefined) payload.iss = config.issuer
    if (config.audience !== undefined) payload.aud = config.audience
    const input = `${encodedHeader(key)}.${base64url(JSON.stringify(payload))}`
    return `${input}.${key.signNow(input)}`
  }
  const jwt = new SignJWT(body)
    .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: 'JWT' })
    .setSubject(sub)
    .setIssuedAt(now)
    .setNotBefore(now)
    .setExpirationTime(now + config.accessTtl)
    .setJti(randomBase64url(16))
  if (config.issuer !== undefined) jwt.setIssuer(config.issuer)
  if (config.audience !== undefined) jwt.setAudience(config.audience)
  return jwt.sign(key.sign as CryptoKey | Uint8Array)
}

// A key's protected header never changes: encoded once per key (about 0.8 µs a token otherwise).
const headers = new WeakMap<ResolvedKey, string>()

function encodedHeader(key: ResolvedKey): string {
  let encoded = headers.get(key)
  if (encoded === undefined) {
    encoded = base64url(JSON.stringify({ alg: key.alg, kid: key.kid, typ: 'JWT' }))
    headers.set(key, encoded)
  }
  return encoded
}

function base64url(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64url')
}

/**
 * Verifies an access token; synchronous when the token is in the cache. Throws (or rejects with) a 401
 * {@link JwtHTTPError} saying what was wrong, never which key was tried.
 *
 * @example
 * const verified = await verifyAccess(config, token)
 * verified.claims.sub
 */
export function verifyAccess(config: Config, token: string): Verified | Promise<Verified> {
  if (token.length > MAX_TOKEN_BYTES) {
    throw refusal(config, 'BRISK_JWT_ERR_TOKEN_TOO_LARGE', 'The access token is too large')
  }
  const cache = config.cache
  if (cache !== null) {
    const hit = cache.get(token, Date.now() - config.leeway * 1000)
    if (hit !== undefined) return hit
  }
  if (!SHAPE.test(token))
    throw refusal(config, 'BRISK_JWT_ERR_TOKEN_MALFORMED', 'The access token is not a signed JWT')
  return verifySlow(config, token)
}

async function verifySlow(config: Config, token: string): Promise<Verified> {
  let payload: AccessClaims
  try {
    const result = await jwtVerify(token, (header) => keyFor(config, header).verify, {
      algorithms: config.keys.algorithms as string[],
      issuer: config.issuer,
      audience: config.audience,
      clockTolerance: config.leeway,
      requiredClaims: ['exp', 'iat', 'sub', 'jti'],
    })
    payload = result.payload as unknown as AccessClaims
  } catch (error) {
    throw translate(config, error)
  }
  if (typeof payload.sub !== 'string' || typeof payload.exp !== 'number') {
    throw refusal(config, 'BRISK_JWT_ERR_TOKEN_INVALID', 'The access token lacks a valid sub or exp claim')
  }
  const verified: Verified = Object.freeze({
    claims: deepFreeze(payload),
    scopes: parseScopes(payload.scope),
    expiresAt: payload.exp * 1000,
  })
  config.cache?.set(token, verified)
  return verified
}

class KeyRefused extends Error {}

/** The key a token names, with its pinned algorithm enforced: the header's `alg` must be the key's. */
function keyFor(config: Config, header: JWTHeaderParameters): ResolvedKey {
  const keys = config.keys
  const key = header.kid === undefined ? keys.only : keys.byKid.get(header.kid)
  if (key === undefined) throw new KeyRefused('The access token names an unknown key')
  if (header.alg !== key.alg)
    throw new KeyRefused('The access token uses an algorithm its key does not allow')
  return key
}

function translate(config: Config, error: unknown): JwtHTTPError {
  if (error instanceof KeyRefused) return refusal(config, 'BRISK_JWT_ERR_TOKEN_INVALID', error.message)
  if (error instanceof errors.JWTExpired)
    return refusal(config, 'BRISK_JWT_ERR_TOKEN_EXPIRED', 'The access token has expired')
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.claim === 'nbf' && error.reason !== 'missing') {
      return refusal(config, 'BRISK_JWT_ERR_TOKEN_NOT_YET_VALID', 'The access token is not valid yet')
    }
    const what =
      error.claim === 'iss' ? 'issuer' : error.claim === 'aud' ? 'audience' : `${safeName(error.claim)} claim`
    return refusal(
      config,
      'BRISK_JWT_ERR_TOKEN_INVALID',
      `The access token has an unexpected or missing ${what}`,
    )
  }
  if (error instanceof errors.JWSSignatureVerificationFailed) {
    return refusal(config, 'BRISK_JWT_ERR_TOKEN_INVALID', 'The access token signature is invalid')
  }
  if (error instanceof errors.JOSEAlgNotAllowed || error instanceof errors.JOSENotSupported) {
    return refusal(
      config,
      'BRISK_JWT_ERR_TOKEN_INVALID',
      'The access token uses an algorithm that is not allowed',
    )
  }
  return refusal(config, 'BRISK_JWT_ERR_TOKEN_MALFORMED', 'The access token is malformed')
}

function safeName(claim: string): string {
  return /^[a-z_]{1,16}$/i.test(claim) ? claim : 'a'
}

/**
 * A 401 refusal of an access token with this plugin's challenge.
 *
 * @example
 * throw refusal(config, 'BRISK_JWT_ERR_TOKEN_MISSING', 'No access token')
 */
export function refusal(config: Config, code: JwtHTTPErrorCode, description: string): JwtHTTPError {
  return invalidToken(code, description, config.challenge)
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value)
    for (const inner of Object.values(value)) deepFreeze(inner)
  }
  return value
}
