/**
 * @module @brisk/jwt
 * JWT auth for Brisk: a login / verify / me / refresh / logout blueprint, route guards with scopes, key
 * rotation, and refresh-token rotation with reuse detection, in memory or in Redis.
 *
 * @example
 * import { Brisk } from '@brisk/core'
 * import { jwt } from '@brisk/jwt'
 *
 * const app = new Brisk().use(jwt, { secret: process.env.JWT_SECRET!, authenticate: checkPassword })
 * app.get('/books', { auth: { scopes: ['books:read'] } }, () => books)
 */

// Errors
export type { JwtConfigErrorCode, JwtHTTPErrorCode } from './errors'
export { JwtError, JwtHTTPError } from './errors'
export type { MemoryStoreOptions } from './memory-store'
export { MemoryStore } from './memory-store'
// Options (importing the package also adds `auth` to core's RouteOptions)
export type {
  AccessClaims,
  AuthOption,
  AuthRequirement,
  CookieModeOptions,
  EndpointPaths,
  FieldNames,
  JwtAlgorithm,
  JwtKey,
  JwtOptions,
  JwtUser,
  KeyInput,
  MaybeUser,
  WebSocketTokenOptions,
} from './options'
// The plugin and guards
export type { JwtCtx } from './plugin'
export { jwt, requireAuth } from './plugin'
export type { RedisLike, RedisStoreOptions } from './redis-store'
export { RedisStore } from './redis-store'
// Refresh-token stores
export type { RefreshTokenStore, RotateOutcome } from './refresh-store'
export { hashToken } from './refresh-store'
