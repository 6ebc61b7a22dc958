/**
 * The default store: sessions in this process's memory, bounded in number, the least recently used evicted
 * first, each with its time to live. Records are kept as JSON text, so a store hands out copies and behaves
 * like Redis (a value that JSON cannot carry fails the same way on both).
 */
import type { SessionData, Store, StoreSetOptions } from './store'

/** Options of {@link MemoryStore}. */
export interface MemoryStoreOptions {
  /** How many sessions are kept at most; past it the least recently used one is dropped. @default 10000 */
  max?: number
}

interface Entry {
  json: string
  expires: number
}

/**
 * Sessions in memory: for one process (each worker has its own; use `RedisStore` with `workers`). A `Map`
 * keeps insertion order, so re-inserting an entry on use makes its first key the least recently used.
 *
 * @example
 * app.use(session, { secret, store: new MemoryStore({ max: 50_000 }) })
 */
export class MemoryStore implements Store {
  readonly #entries = new Map<string, Entry>()
  readonly #max: number

  constructor(options: MemoryStoreOptions = {}) {
    const max = options.max ?? 10_000
    if (!Number.isInteger(max) || max < 1) {
      throw new TypeError(`MemoryStore: max must be a positive integer, got ${String(options.max)}`)
    }
    this.#max = max
  }

  /** How many sessions are kept now (expired ones not yet swept included). @example store.size */
  get size(): number {
    return this.#entries.size
  }

  /** The record of `id`, a fresh copy, or `undefined`. @example store.get(id) */
  get(id: string): SessionData | undefined {
    const entry = this.#live(id)
    if (entry === undefined) return undefined
    this.#entries.delete(id)
    this.#entries.set(id, entry)
    return JSON.parse(entry.json) as SessionData
  }

  /** Keeps `data` for `ttlMs` milliseconds. @example store.set(id, { visits: 1 }, 60_000, { mustExist: false }) */
  set(id: string, data: SessionData, ttlMs: number, options: StoreSetOptions): boolean {
    if (options.mustExist && this.#live(id) === undefined) return false
    const json = JSON.stringify(data)
    this.#entries.delete(id)
    this.#entries.set(id, { json, expires: Date.now() + ttlMs })
    while (this.#entries.size > this.#max) {
      this.#entries.delete(this.#entries.keys().next().value as string)
    }
    return true
  }

  /** Forgets `id`. @example store.destroy(id) */
  destroy(id: string): void {
    this.#entries.delete(id)
  }

  /** Gives `id` a new time to live. @example store.touch(id, 60_000) */
  touch(id: string, ttlMs: number): boolean {
    const entry = this.#live(id)
    if (entry === undefined) return false
    entry.expires = Date.now() + ttlMs
    this.#entries.delete(id)
    this.#entries.set(id, entry)
    return true
  }

  #live(id: string): Entry | undefined {
    const entry = this.#entries.get(id)
    if (entry === undefined) return undefined
    if (entry.expires <= Date.now()) {
      this.#entries.delete(id)
      return undefined
    }
    return entry
  }
}
