/**
 * The Redis connection (with REDIS_URL) behind sessions and refresh tokens, set up as the showcase's: no
 * offline queue and one retry, so while Redis is away a command fails at once and the routes that need it
 * answer 503; ioredis keeps reconnecting (every 100 ms to 1 s) and they recover when it is back. Its
 * `commandTimeout` (1 s) plays the part of the showcase's `storeTimeout`, for a Redis that accepts but does
 * not answer.
 */
import { Redis } from 'ioredis'

/**
 * A client for `url`, connected by `connectRedis`.
 *
 * @example
 * const redis = createRedis(process.env.REDIS_URL)
 */
export function createRedis(url) {
  const redis = new Redis(url, {
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 2000,
    commandTimeout: 1000,
    retryStrategy: (attempt) => Math.min(attempt * 100, 1000),
  })
  let down = false
  redis.on('error', (error) => {
    if (down) return
    down = true
    process.stderr.write(
      `twin: redis is unavailable (${error.message}): sessions, login, refresh and logout answer 503\n`,
    )
  })
  redis.on('ready', () => {
    if (!down) return
    down = false
    process.stderr.write('twin: redis is back\n')
  })
  return redis
}

/**
 * Connects, waiting at most `waitMs` (then the app serves anyway, its Redis routes answering 503 meanwhile).
 *
 * @example
 * await connectRedis(redis, 2000)
 */
export async function connectRedis(redis, waitMs) {
  let timer
  const gaveUp = new Promise((resolve) => {
    timer = setTimeout(resolve, waitMs)
    timer.unref()
  })
  await Promise.race([redis.connect().catch(() => {}), gaveUp])
  clearTimeout(timer)
}

/**
 * Closes: QUIT when connected (at most `graceMs`), at once otherwise.
 *
 * @example
 * await closeRedis(redis)
 */
export async function closeRedis(redis, graceMs = 1000) {
  if (redis.status !== 'ready') {
    redis.disconnect()
    return
  }
  let timer
  const late = new Promise((resolve) => {
    timer = setTimeout(resolve, graceMs)
  })
  await Promise.race([redis.quit().catch(() => {}), late])
  clearTimeout(timer)
  redis.disconnect()
}
