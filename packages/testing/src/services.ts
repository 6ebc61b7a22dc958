/**
 * @module @brisk/testing/services
 * Real services for tests, as a fresh machine gets them: programs from Debian's packages, and a real
 * `redis-server` on a free loopback port.
 *
 * @example
 * import { startRedisServer } from '@brisk/testing/services'
 * const redis = await startRedisServer()
 */

export { ensureDebianPackage } from './services/debian-package'
export type { RedisServer } from './services/redis-server'
export { startRedisServer } from './services/redis-server'
