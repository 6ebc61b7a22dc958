/**
 * The default refresh-token store: one process's memory, bounded. Fine for one process; with workers or
 * several machines a token issued by one process is unknown to the others: use `RedisStore` there.
 */
import type { RefreshTokenStore, RotateOutcome } from './refresh-store'

interface Family {
  current: string
  claims: string
  expiresAt: number
  revoked: boolean
  /** Every token hash the family has had, so they go with it. */
  readonly hashes: string[]
}

/** Options of {@link MemoryStore}. */
export interface MemoryStoreOptions {
  /** The most logins kept at once; past it the oldest family is dropped (its tokens stop refreshing). @default 100000 */
  maxFamilies?: number
  /** The clock, for tests. @default Date.now */
  now?: () => number
}

/**
 * Keeps refresh-token families in a `Map`. Every method runs synchronously inside one call, so a rotation is
 * atomic within the process. Expired families are dropped when met and when the store is full.
 *
 * @example
 * app.use(jwt, { secret, authenticate, store: new MemoryStore({ maxFamilies: 10_000 }) })
 */
export class MemoryStore implements RefreshTokenStore {
  readonly #families = new Map<string, Family>()
  readonly #tokens = new Map<string, string>() // token hash → family id
  readonly #max: number
  readonly #now: () => number

  constructor(options: MemoryStoreOptions = {}) {
    const max = options.maxFamilies ?? 100_000
    if (!Number.isInteger(max) || max < 1)
      throw new TypeError('MemoryStore: maxFamilies must be a whole number ≥ 1')
    this.#max = max
    this.#now = options.now ?? Date.now
  }

  /** How many families are kept now. @example store.size */
  get size(): number {
    return this.#families.size
  }

  /** Starts a family. @example await store.create(hashToken(t), newFamilyId(), '{"sub":"1"}', 86_400_000) */
  async create(tokenHash: string, family: string, claims: string, ttlMs: number): Promise<void> {
    if (this.#families.size >= this.#max) this.#evict()
    this.#families.set(family, {
      current: tokenHash,
      claims,
      expiresAt: this.#now() + ttlMs,
      revoked: false,
      hashes: [tokenHash],
    })
    this.#tokens.set(tokenHash, family)
  }

  /** Rotates a token atomically (nothing is awaited between the check and the write). @example await store.rotate(old, next, ttl) */
  async rotate(tokenHash: string, nextHash: string, ttlMs: number): Promise<RotateOutcome> {
    const id = this.#tokens.get(tokenHash)
    if (id === undefined) return { status: 'invalid' }
    const family = this.#live(id)
    if (family === undefined || family.revoked) return { status: 'invalid' }
    if (family.current !== tokenHash) {
      family.revoked = true
      return { status: 'reused' }
    }
    family.current = nextHash
    family.expiresAt = this.#now() + ttlMs
    family.hashes.push(nextHash)
    this.#tokens.set(nextHash, id)
    // Refresh again, and again: the family moves to the back, so eviction takes the least recently used.
    this.#families.delete(id)
    this.#families.set(id, family)
    return { status: 'rotated', claims: family.claims }
  }

  /** Revokes a token's family. @example await store.revoke(hashToken(t)) */
  async revoke(tokenHash: string): Promise<void> {
    const id = this.#tokens.get(tokenHash)
    if (id === undefined) return
    const family = this.#live(id)
    if (family !== undefined) family.revoked = true
  }

  /** The family, or undefined once it has expired (then it is dropped). */
  #live(id: string): Family | undefined {
    const family = this.#families.get(id)
    if (family === undefined) return undefined
    if (family.expiresAt <= this.#now()) {
      this.#drop(id, family)
      return undefined
    }
    return family
  }

  #drop(id: string, family: Family): void {
    this.#families.delete(id)
    for (const hash of family.hashes) this.#tokens.delete(hash)
  }

  /**
   * Makes room. Families sit in the order of their last issue, and every issue gives the same lifetime, so the
   * front is the soonest to expire: drop expired ones from the front, or else the front one (O(1) a call).
   */
  #evict(): void {
    const now = this.#now()
    for (const [id, family] of this.#families) {
      if (family.expiresAt > now && this.#families.size < this.#max) return
      this.#drop(id, family)
      if (family.expiresAt > now) return
    }
  }
}
