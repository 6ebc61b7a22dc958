/**
 * A bounded cache of verified access tokens, keyed by the whole token, kept until the token's `exp`.
 *
 * Why it is safe: a hit means these exact bytes (header, payload and signature) were verified before by this
 * process, against a key it still holds, so verifying again could only give the same answer until `exp`
 * (checked on every hit, with the same leeway). Nothing else of a token changes with time: `nbf` was in the
 * past at the first check and stays there; `iss`, `aud` and the signature do not depend on the clock. Only
 * tokens that passed are stored, so a client cannot fill the cache with forgeries; the size bound caps what
 * valid tokens cost. The claims are frozen, so one request cannot change what the next sees.
 */
import type { AccessClaims } from './options'

/** A verified token: its claims, its scopes split once, and when it stops being valid (ms). */
export interface Verified {
  readonly claims: AccessClaims
  readonly scopes: readonly string[]
  readonly expiresAt: number
}

/**
 * Least recently stored first out; a `Map` keeps insertion order, so eviction is O(1).
 *
 * @example
 * const cache = new TokenCache(10_000)
 * cache.set(token, verified)
 * cache.get(token, Date.now())
 */
export class TokenCache {
  readonly #entries = new Map<string, Verified>()
  readonly #max: number

  constructor(max: number) {
    this.#max = max
  }

  /** The entry, if stored and still valid at `now` (an expired one is dropped). */
  get(token: string, now: number): Verified | undefined {
    const hit = this.#entries.get(token)
    if (hit === undefined) return undefined
    if (hit.expiresAt <= now) {
      this.#entries.delete(token)
      return undefined
    }
    return hit
  }

  /** Stores an entry, dropping the oldest when full. */
  set(token: string, entry: Verified): void {
    if (this.#entries.size >= this.#max) {
      const oldest = this.#entries.keys().next().value
      if (oldest !== undefined) this.#entries.delete(oldest)
    }
    this.#entries.set(token, entry)
  }

  /** How many tokens are stored. */
  get size(): number {
    return this.#entries.size
  }
}
