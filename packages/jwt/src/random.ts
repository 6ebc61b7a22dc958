/**
 * Random tokens (refresh tokens, family ids, `jti`, CSRF tokens) from a pool of CSPRNG bytes. One
 * `randomBytes` call costs several microseconds whatever its size (a native job and a new buffer), and a
 * refresh needs two: drawing the bytes 4 KiB at a time makes that a fraction of a microsecond. Each byte of
 * the pool is handed out once, then zeroed; the pool is per process (a cluster worker fills its own after it
 * starts), which is what node does for `crypto.randomUUID()`.
 */
import { randomFillSync } from 'node:crypto'

const POOL_BYTES = 4096
const pool = Buffer.alloc(POOL_BYTES)
let used = POOL_BYTES

/**
 * `size` random bytes (at most 4096) as base64url text.
 *
 * @example
 * randomBase64url(32) // 43 characters, 256 random bits
 */
export function randomBase64url(size: number): string {
  if (!Number.isInteger(size) || size < 1 || size > POOL_BYTES) {
    throw new RangeError(`randomBase64url: size must be an integer from 1 to ${POOL_BYTES}, got ${size}`)
  }
  if (used + size > POOL_BYTES) {
    randomFillSync(pool)
    used = 0
  }
  const text = pool.toString('base64url', used, used + size)
  pool.fill(0, used, used + size)
  used += size
  return text
}
