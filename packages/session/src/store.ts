/**
 * The interface a server-side store implements, and the shape of what it keeps. The session plugin signs
 * ids, loads lazily and decides when to write; a store only keeps JSON-shaped records under ids, with a
 * time to live.
 */

/**
 * What a session holds: JSON values by key. Give it your own keys by module augmentation, and
 * `session.get('user')` is typed:
 *
 * @example
 * declare module '@brisk/session' {
 *   interface SessionData { user?: { id: number; name: string } }
 * }
 */
export interface SessionData {
  [key: string]: unknown
}

/** Options of {@link Store.set}. */
export interface StoreSetOptions {
  /**
   * True when the record was read from the store during this request: the store must not create it again if
   * it is gone meanwhile (destroyed by a logout or a `regenerate()` in a concurrent request), and then
   * answers `false`. Redis does it with `SET … XX`.
   */
  readonly mustExist: boolean
}

/**
 * A back end for sessions kept on the server. Every method may answer synchronously or with a promise; a
 * rejection (or no answer within the plugin's `storeTimeout`) becomes a 503 for the request that touched
 * its session. Records are handed over and returned as fresh objects: a store must not keep the object it
 * was given, nor return one it keeps (serialise, as JSON, like Redis does).
 *
 * @example
 * class SqlStore implements Store {
 *   async get(id: string) { const row = await db.one('select data from sessions where id = $1 and expires > now()', [id]); return row ? JSON.parse(row.data) : undefined }
 *   async set(id: string, data: SessionData, ttlMs: number, { mustExist }: StoreSetOptions) { … return true }
 *   async destroy(id: string) { await db.none('delete from sessions where id = $1', [id]) }
 *   async touch(id: string, ttlMs: number) { … return true }
 * }
 */
export interface Store {
  /** The record of `id`, or `undefined` when it does not exist or has expired. */
  get(id: string): SessionData | undefined | Promise<SessionData | undefined>
  /**
   * Writes the whole record with a time to live of `ttlMs` milliseconds. Answers `false` only when
   * `options.mustExist` is set and the record is gone (nothing is written then), else `true`.
   */
  set(id: string, data: SessionData, ttlMs: number, options: StoreSetOptions): boolean | Promise<boolean>
  /** Removes the record; removing one that does not exist is not an error. */
  destroy(id: string): void | Promise<void>
  /** Gives the record a new time to live without rewriting it; `false` when it does not exist. */
  touch(id: string, ttlMs: number): boolean | Promise<boolean>
}
