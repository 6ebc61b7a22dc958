/**
 * Refresh tokens with rotation and reuse detection, which no @fastify/* plugin provides, so a Fastify user
 * writes it: opaque tokens (256 random bits), stored only as SHA-256 hashes, grouped in a family per login.
 * Refreshing replaces the family's one live token; a replaced token presented again revokes the family
 * (RFC 9700 §4.14.2); logout revokes it. Two stores, the same semantics as the showcase's: one process's
 * memory (bounded), or Redis, one Lua script per operation so two concurrent refreshes cannot both win.
 */
import { createHash, randomBytes } from 'node:crypto'

/** A new refresh token: 32 random bytes, base64url. @example newRefreshToken().length // 43 */
export const newRefreshToken = () => randomBytes(32).toString('base64url')
/** The hash a store keeps instead of the token. @example hashToken(t).length // 43 */
export const hashToken = (token) => createHash('sha256').update(token).digest('base64url')
/** A new family id. @example newFamilyId().length // 22 */
export const newFamilyId = () => randomBytes(16).toString('base64url')

/**
 * Families in a Map, bounded: past `maxFamilies` the expired go first, then the least recently refreshed.
 * Every method finishes synchronously, so a rotation is atomic in the process.
 *
 * @example
 * const store = new MemoryRefreshStore()
 * await store.create(hashToken(t), newFamilyId(), '{"sub":"1"}', 60_000)
 */
export class MemoryRefreshStore {
  #families = new Map()
  #tokens = new Map()
  #max

  constructor({ maxFamilies = 100_000 } = {}) {
    this.#max = maxFamilies
  }

  async create(tokenHash, family, claims, ttlMs) {
    if (this.#families.size >= this.#max) this.#evict()
    this.#families.set(family, {
      current: tokenHash,
      claims,
      expiresAt: Date.now() + ttlMs,
      revoked: false,
      hashes: [tokenHash],
    })
    this.#tokens.set(tokenHash, family)
  }

  /** `{ status: 'rotated', claims }`, `{ status: 'reused' }` (the family is now revoked) or `{ status: 'invalid' }`. */
  async rotate(tokenHash, nextHash, ttlMs) {
    const id = this.#tokens.get(tokenHash)
    const family = id === undefined ? undefined : this.#live(id)
    if (family === undefined || family.revoked) return { status: 'invalid' }
    if (family.current !== tokenHash) {
      family.revoked = true
      return { status: 'reused' }
    }
    family.current = nextHash
    family.expiresAt = Date.now() + ttlMs
    family.hashes.push(nextHash)
    this.#tokens.set(nextHash, id)
    this.#families.delete(id)
    this.#families.set(id, family)
    return { status: 'rotated', claims: family.claims }
  }

  async revoke(tokenHash) {
    const id = this.#tokens.get(tokenHash)
    const family = id === undefined ? undefined : this.#live(id)
    if (family !== undefined) family.revoked = true
  }

  #live(id) {
    const family = this.#families.get(id)
    if (family !== undefined && family.expiresAt <= Date.now()) {
      this.#drop(id, family)
      return undefined
    }
    return family
  }

  #drop(id, family) {
    this.#families.delete(id)
    for (const hash of family.hashes) this.#tokens.delete(hash)
  }

  #evict() {
    const now = Date.now()
    for (const [id, family] of this.#families) {
      if (family.expiresAt > now && this.#families.size < this.#max) return
      this.#drop(id, family)
      if (family.expiresAt > now) return
    }
  }
}

// KEYS[1] token key, KEYS[2] family key; ARGV: family id, token hash, claims, ttl ms.
const CREATE = `
redis.call('HSET', KEYS[2], 'cur', ARGV[2], 'claims', ARGV[3], 'rev', '0')
redis.call('PEXPIRE', KEYS[2], ARGV[4])
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[4])
return 1`

// KEYS[1] presented token key, KEYS[2] next token key; ARGV: prefix, presented hash, next hash, ttl ms.
const ROTATE = `
local family = redis.call('GET', KEYS[1])
if not family then return {'invalid'} end
local fkey = ARGV[1] .. 'f:' .. family
local f = redis.call('HMGET', fkey, 'cur', 'claims', 'rev')
if not f[1] or f[3] == '1' then return {'invalid'} end
if f[1] ~= ARGV[2] then
  redis.call('HSET', fkey, 'rev', '1')
  return {'reused'}
end
redis.call('HSET', fkey, 'cur', ARGV[3])
redis.call('PEXPIRE', fkey, ARGV[4])
redis.call('SET', KEYS[2], family, 'PX', ARGV[4])
redis.call('PEXPIRE', KEYS[1], ARGV[4])
return {'rotated', f[2]}`

// KEYS[1] token key; ARGV: prefix.
const REVOKE = `
local family = redis.call('GET', KEYS[1])
if not family then return 0 end
local fkey = ARGV[1] .. 'f:' .. family
if redis.call('EXISTS', fkey) == 1 then redis.call('HSET', fkey, 'rev', '1') end
return 1`

/**
 * Families in Redis, shared by every worker: each operation one script, defined with ioredis' `defineCommand`
 * (EVALSHA, falling back to EVAL once).
 *
 * @example
 * const store = new RedisRefreshStore(redis, 'twin:jwt:')
 */
export class RedisRefreshStore {
  #redis
  #prefix

  constructor(redis, prefix) {
    this.#redis = redis
    this.#prefix = prefix
    redis.defineCommand('twinRefreshCreate', { numberOfKeys: 2, lua: CREATE })
    redis.defineCommand('twinRefreshRotate', { numberOfKeys: 2, lua: ROTATE })
    redis.defineCommand('twinRefreshRevoke', { numberOfKeys: 1, lua: REVOKE })
  }

  async create(tokenHash, family, claims, ttlMs) {
    const p = this.#prefix
    await this.#redis.twinRefreshCreate(
      `${p}t:${tokenHash}`,
      `${p}f:${family}`,
      family,
      tokenHash,
      claims,
      ttlMs,
    )
  }

  async rotate(tokenHash, nextHash, ttlMs) {
    const p = this.#prefix
    const [status, claims] = await this.#redis.twinRefreshRotate(
      `${p}t:${tokenHash}`,
      `${p}t:${nextHash}`,
      p,
      tokenHash,
      nextHash,
      ttlMs,
    )
    return status === 'rotated' ? { status, claims } : { status }
  }

  async revoke(tokenHash) {
    await this.#redis.twinRefreshRevoke(`${this.#prefix}t:${tokenHash}`, this.#prefix)
  }
}
