/**
 * The Redis connection behind sessions and refresh tokens (with `REDIS_URL`). Set up to fail fast: while
 * Redis is away, a command fails at once instead of waiting in ioredis' offline queue, so the routes that
 * need Redis answer 503 promptly and every other route goes on; ioredis keeps reconnecting in the
 * background, and the routes recover as soon as Redis is back.
 */
import type { Logger } from '@brisk/core'
import { Redis } from 'ioredis'

/**
 * A client for `url` that connects only when {@link connectRedis} is called: with workers, the primary
 * process builds the app too but serves nothing, so it should not hold a connection.
 *
 * @example
 * const redis = createRedis(process.env.REDIS_URL!)
 */
export function createRedis(url: string): Redis {
  return new Redis(url, {
    lazyConnect: true,
    // No queueing while disconnected: a command fails at once (the stores turn that into a 503).
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 2000,
    // Retry quickly and often, so a Redis that comes back is used again within about a second.
    retryStrategy: (attempt) => Math.min(attempt * 100, 1000),
  })
}

/**
 * Connects `redis` and logs its outages, one line when it goes away and one when it is back (ioredis
 * reports every failed reconnect as an `error` event). Resolves once connected, or after `waitMs` with
 * Redis still away: the app then starts anyway, answering 503 on the routes that need Redis until it comes.
 *
 * @example
 * app.beforeStart(() => connectRedis(redis, app.log, 2000))
 */
export async function connectRedis(redis: Redis, log: Logger, waitMs: number): Promise<void> {
  let down = false
  redis.on('error', (error: Error) => {
    if (down) return
    down = true
    log.warn(
      { err: { message: error.message } },
      'redis is unavailable: sessions, login, refresh and logout answer 503',
    )
  })
  redis.on('ready', () => {
    if (!down) return
    down = false
    log.warn({}, 'redis is back: sessions, login, refresh and logout work again')
  })
  let timer: ReturnType<typeof setTimeout> | undefined
  const gaveUp = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, waitMs)
    timer.unref()
  })
  // A failed first attempt rejects connect(), but ioredis goes on retrying with retryStrategy.
  await Promise.race([redis.connect().catch(() => {}), gaveUp])
  clearTimeout(timer)
}

/**
 * Closes the connection: politely (`QUIT`) when connected, at once otherwise, and at once after `graceMs`
 * if a Redis that stopped answering never replies to the `QUIT` (a stop must not hang on it).
 *
 * @example
 * app.afterStop(() => closeRedis(redis))
 */
export async function closeRedis(redis: Redis, graceMs = 1000): Promise<void> {
  if (redis.status !== 'ready') {
    redis.disconnect()
    return
  }
  let timer: ReturnType<typeof setTimeout> | undefined
  const late = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, graceMs)
  })
  await Promise.race([redis.quit().catch(() => {}), late])
  clearTimeout(timer)
  redis.disconnect() // a no-op once QUIT went through
}
