/**
 * Refresh-token families in Redis, shared by every worker and machine. Each operation is one Lua script, so
 * Redis runs it whole, with nothing interleaved: of two concurrent refreshes of one token exactly one finds
 * it current and rotates it; the other finds it replaced and revokes the family.
 *
 * Keys: `<prefix>t:<token hash>` → family id, and `<prefix>f:<family>` → a hash `{cur, claims, rev}`; both
 * expire with the family (`PEXPIRE`), so Redis forgets a login once its last token would have expired. The
 * scripts reach the family key through the token key, so they need one Redis (or a primary with replicas),
 * not a Redis Cluster.
 */
import { createHash } from 'node:crypto'
import type { RefreshTokenStore, RotateOutcome } from './refresh-store'

/**
 * The part of an `ioredis` client the store uses. Pass your `Redis` instance; `ioredis` is never imported by
 * this package, so apps without Redis do not need it installed.
 *
 * @example
 * import { Redis } from 'ioredis'
 * const redis: RedisLike = new Redis(process.env.REDIS_URL!)
 */
export interface RedisLike {
  eval(script: string, numKeys: number, ...args: (string | number)[]): Promise<unknown>
  evalsha(sha: string, numKeys: number, ...args: (string | number)[]): Promise<unknown>
}

/** Options of {@link RedisStore}. */
export interface RedisStoreOptions {
  /** Put before every key, so several apps can share one Redis. @default 'brisk:jwt:' */
  prefix?: string
}

const CREATE = `
redis.call('HSET', KEYS[2], 'cur', ARGV[2], 'claims', ARGV[3], 'rev', '0')
redis.call('PEXPIRE', KEYS[2], ARGV[4])
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[4])
return 1`

const ROTATE = `
local fam = redis.call('GET', KEYS[1])
if not fam then return {'invalid'} end
local fk = ARGV[1] .. 'f:' .. fam
local f = redis.call('HMGET', fk, 'cur', 'claims', 'rev')
if not f[1] or f[3] == '1' then return {'invalid'} end
if f[1] ~= ARGV[2] then
  redis.call('HSET', fk, 'rev', '1')
  return {'reused'}
end
redis.call('HSET', fk, 'cur', ARGV[3])
redis.call('PEXPIRE', fk, ARGV[4])
redis.call('SET', KEYS[2], fam, 'PX', ARGV[4])
redis.call('PEXPIRE', KEYS[1], ARGV[4])
return {'rotated', f[2]}`

const REVOKE = `
local fam = redis.call('GET', KEYS[1])
if not fam then return 0 end
local fk = ARGV[1] .. 'f:' .. fam
if redis.call('EXISTS', fk) == 1 then redis.call('HSET', fk, 'rev', '1') end
return 1`

interface Script {
  readonly source: string
  readonly sha: string
}

function script(source: string): Script {
  return { source, sha: createHash('sha1').update(source).digest('hex') }
}

const scripts = { create: script(CREATE), rotate: script(ROTATE), revoke: script(REVOKE) }

/**
 * A {@link RefreshTokenStore} on Redis (`ioredis`). Give it a client made for failing fast, so the endpoints
 * can answer 503 while Redis is down instead of queueing: `enableOfflineQueue: false` and a small
 * `maxRetriesPerRequest` (the plugin's `storeTimeout` bounds every call in any case).
 *
 * @example
 * import { Redis } from 'ioredis'
 * const redis = new Redis(process.env.REDIS_URL!, { enableOfflineQueue: false, maxRetriesPerRequest: 1 })
 * app.use(jwt, { secret, authenticate, store: new RedisStore(redis) })
 */
export class RedisStore implements RefreshTokenStore {
  readonly #redis: RedisLike
  readonly #prefix: string

  constructor(redis: RedisLike, options: RedisStoreOptions = {}) {
    if (redis === null || typeof redis !== 'object' || typeof redis.evalsha !== 'function') {
      throw new TypeError('RedisStore: expected an ioredis client (new Redis(url))')
    }
    this.#redis = redis
    this.#prefix = options.prefix ?? 'brisk:jwt:'
  }

  /** Starts a family. @example await store.create(hashToken(t), newFamilyId(), claims, ttlMs) */
  async create(tokenHash: string, family: string, claims: string, ttlMs: number): Promise<void> {
    const p = this.#prefix
    await this.#run(
      scripts.create,
      [`${p}t:${tokenHash}`, `${p}f:${family}`],
      [family, tokenHash, claims, ttlMs],
    )
  }

  /** Rotates a token in one script. @example await store.rotate(old, next, ttlMs) */
  async rotate(tokenHash: string, nextHash: string, ttlMs: number): Promise<RotateOutcome> {
    const p = this.#prefix
    const out = (await this.#run(
      scripts.rotate,
      [`${p}t:${tokenHash}`, `${p}t:${nextHash}`],
      [p, tokenHash, nextHash, ttlMs],
    )) as [string, string?]
    if (out[0] === 'rotated') return { status: 'rotated', claims: String(out[1]) }
    return { status: out[0] === 'reused' ? 'reused' : 'invalid' }
  }

  /** Revokes a token's family. @example await store.revoke(hashToken(t)) */
  async revoke(tokenHash: string): Promise<void> {
    await this.#run(scripts.revoke, [`${this.#prefix}t:${tokenHash}`], [this.#prefix])
  }

  /** EVALSHA, and EVAL the first time a Redis has not seen the script (or after it restarted). */
  async #run(s: Script, keys: string[], args: (string | number)[]): Promise<unknown> {
    try {
      return await this.#redis.evalsha(s.sha, keys.length, ...keys, ...args)
    } catch (error) {
      if (!String((error as Error)?.message).startsWith('NOSCRIPT')) throw error
      return this.#redis.eval(s.source, keys.length, ...keys, ...args)
    }
  }
}
