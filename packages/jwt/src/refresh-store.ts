/**
 * The refresh-token store interface. A login starts a *family*; each refresh replaces the family's one live
 * token with the next (rotation). A token that was already replaced and comes back is a stolen copy (or the
 * thief's use came first): the whole family is revoked, so neither party can refresh again (the reuse
 * detection of RFC 9700 §4.14.2, OAuth 2.0 Security BCP).
 *
 * Stores see only SHA-256 hashes of tokens, never the tokens: a copy of the store (a backup, a `MONITOR`)
 * hands out nothing that can be presented.
 */
import * as nodeCrypto from 'node:crypto'
import { randomBase64url } from './random'

// `crypto.hash` (Node 20.12 and later) hashes in one call, about 0.4 µs against 1.6 for a Hash object's
// create, update and digest; a refresh hashes two tokens. Read from the namespace: a runtime whose
// node:crypto lacks it (some Bun and Deno versions) takes the Hash object, with the same result.
const oneShot = typeof nodeCrypto.hash === 'function' ? nodeCrypto.hash : undefined

/**
 * What a rotation found. `rotated`: the token was the family's live one and `next` replaced it; `reused`:
 * the token had already been replaced, and the family is now revoked; `invalid`: unknown, expired, or of a
 * revoked family.
 *
 * @example
 * const outcome: RotateOutcome = { status: 'rotated', claims: '{"sub":"1"}' }
 */
export type RotateOutcome =
  | { status: 'rotated'; claims: string }
  | { status: 'reused' }
  | { status: 'invalid' }

/**
 * Where refresh-token families live. `MemoryStore` and `RedisStore` implement it; a store of your own must
 * make `rotate` atomic: of two concurrent rotations of one token, exactly one may answer `rotated`.
 * Every method may reject (a database down): the endpoints then answer 503.
 *
 * @example
 * class SqlStore implements RefreshTokenStore {
 *   async create(hash, family, claims, ttlMs) { await sql`insert …` }
 *   async rotate(hash, next, ttlMs) { return sql.begin(async (tx) => { … }) } // one transaction
 *   async revoke(hash) { await sql`update families set revoked = true where …` }
 * }
 */
export interface RefreshTokenStore {
  /** Starts a family with its first token (by hash), the access claims to re-issue, and a lifetime. */
  create(tokenHash: string, family: string, claims: string, ttlMs: number): Promise<void>
  /** Atomically replaces `tokenHash` by `nextHash` in its family, giving the family `ttlMs` more to live. */
  rotate(tokenHash: string, nextHash: string, ttlMs: number): Promise<RotateOutcome>
  /** Revokes the family of `tokenHash`; nothing happens for an unknown token. */
  revoke(tokenHash: string): Promise<void>
}

/**
 * A new refresh token: 256 random bits, base64url. Opaque on purpose: it means something only to the store.
 *
 * @example
 * const token = newRefreshToken() // 43 characters
 */
export function newRefreshToken(): string {
  return randomBase64url(32)
}

/**
 * A new family id (128 random bits).
 *
 * @example
 * await store.create(hashToken(token), newFamilyId(), claims, ttlMs)
 */
export function newFamilyId(): string {
  return randomBase64url(16)
}

/**
 * The hash a store keeps for a token. A plain SHA-256 is enough: the token has 256 random bits, so there is
 * nothing to guess that a slow hash would protect.
 *
 * @example
 * hashToken('abc') // 'ungWv48Bz-pBQUDeXa4iI7ADYaOWF3qctBD_YfIAFa0'
 */
export function hashToken(token: string): string {
  if (oneShot !== undefined) return oneShot('sha256', token, 'base64url') as string
  return nodeCrypto.createHash('sha256').update(token).digest('base64url')
}
