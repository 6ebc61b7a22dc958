/**
 * Sessions in Redis, shared by every worker and machine that uses the same Redis: one string key per
 * session holding its JSON, with a time to live set on every write. The user brings the `ioredis` client,
 * so connection options, TLS and Sentinel or Cluster set-ups stay theirs.
 */
import type { SessionData, Store, StoreSetOptions } from './store'

/**
 * The part of an `ioredis` client (`Redis` or `Cluster`) the store uses; any client with these methods
 * works.
 *
 * @example
 * import { Redis } from 'ioredis'
 * const client: RedisClient = new Redis(process.env.REDIS_URL!)
 */
export interface RedisClient {
  /** ioredis's connection state: `ready` when commands can be sent. */
  readonly status: string
  get(key: string): Promise<string | null>
  set(key: string, value: string, ...args: any[]): Promise<unknown>
  del(...keys: any[]): Promise<number>
  pexpire(key: string, milliseconds: number): Promise<number>
}

/** Options of {@link RedisStore}. */
export interface RedisStoreOptions {
  /** The `ioredis` client to use (yours: the store never connects or quits it). */
  client: RedisClient
  /** Put before every session id to make its key. @default 'sess:' */
  prefix?: string
}

// ioredis queues commands while it reconnects (up to maxRetriesPerRequest retries, 20 by default), which
// would hold a request for seconds; in these states the store fails at once and the request gets its 503.
const DOWN = new Set(['reconnecting', 'close', 'end'])

/**
 * A {@link Store} in Redis: `SET key json PX ttl` on every write (`XX` when the session must still exist),
 * `GET`, `DEL` and `PEXPIRE`. While the client is reconnecting, every call fails at once.
 *
 * @example
 * import { Redis } from 'ioredis'
 * const redis = new Redis(process.env.REDIS_URL!, { maxRetriesPerRequest: 1 })
 * app.use(session, { secret, store: new RedisStore({ client: redis, prefix: 'shop:sess:' }) })
 */
export class RedisStore implements Store {
  readonly #client: RedisClient
  readonly #prefix: string

  constructor(options: RedisStoreOptions) {
    const client = options?.client
    if (client === null || typeof client !== 'object' || typeof client.get !== 'function') {
      throw new TypeError('RedisStore: `client` must be an ioredis client (new Redis(url))')
    }
    if (options.prefix !== undefined && typeof options.prefix !== 'string') {
      throw new TypeError(`RedisStore: prefix must be a string, got ${typeof options.prefix}`)
    }
    this.#client = client
    this.#prefix = options.prefix ?? 'sess:'
  }

  /** The record of `id`, or `undefined` (also for a value that is not JSON). @example await store.get(id) */
  async get(id: string): Promise<SessionData | undefined> {
    this.#check()
    const json = await this.#client.get(this.#prefix + id)
    if (json === null) return undefined
    try {
      const data = JSON.parse(json) as unknown
      return data !== null && typeof data === 'object' ? (data as SessionData) : undefined
    } catch {
      return undefined // not written by this store: treated as no session, so a new one starts
    }
  }

  /** Writes `data` with a time to live of `ttlMs` ms. @example await store.set(id, { visits: 1 }, 60_000, { mustExist: false }) */
  async set(id: string, data: SessionData, ttlMs: number, options: StoreSetOptions): Promise<boolean> {
    this.#check()
    const json = JSON.stringify(data)
    const key = this.#prefix + id
    const ms = Math.max(1, Math.ceil(ttlMs))
    const reply = options.mustExist
      ? await this.#client.set(key, json, 'PX', ms, 'XX')
      : await this.#client.set(key, json, 'PX', ms)
    return reply !== null
  }

  /** Deletes `id`. @example await store.destroy(id) */
  async destroy(id: string): Promise<void> {
    this.#check()
    await this.#client.del(this.#prefix + id)
  }

  /** Gives `id` a new time to live. @example await store.touch(id, 60_000) */
  async touch(id: string, ttlMs: number): Promise<boolean> {
    this.#check()
    return (await this.#client.pexpire(this.#prefix + id, Math.max(1, Math.ceil(ttlMs)))) === 1
  }

  #check(): void {
    const status = this.#client.status
    if (DOWN.has(status)) throw new Error(`Redis is not connected (ioredis status: ${status})`)
  }
}
