/**
 * @module @brisk/testing/services
 * Real services for tests, as a fresh machine gets them: programs from Debian's packages, a real
 * `redis-server` on a free loopback port, and an app run as a real process the way its users run it.
 *
 * @example
 * import { startRedisServer } from '@brisk/testing/services'
 * const redis = await startRedisServer()
 */

export type { AppProcess, AppProcessExit, AppProcessOptions } from './services/app-process'
export { startAppProcess } from './services/app-process'
export type { ChromiumLaunchOptions } from './services/chromium'
export { offlineChromium } from './services/chromium'
export { ensureDebianPackage } from './services/debian-package'
export type { RedisServer } from './services/redis-server'
export { startRedisServer } from './services/redis-server'
