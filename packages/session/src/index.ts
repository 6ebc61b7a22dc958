/**
 * @module @brisk/session
 * Sessions for Brisk that a client can never fix: signed cookie ids, a lazy `req.ctx.session`, and memory,
 * Redis and encrypted-cookie stores.
 *
 * @example
 * import { Brisk } from '@brisk/core'
 * import { session } from '@brisk/session'
 *
 * const app = new Brisk().use(session, { secret: process.env.SESSION_SECRET! })
 * app.get('/visits', async (req) => {
 *   const visits = Number((await req.ctx.session.get('visits')) ?? 0) + 1
 *   await req.ctx.session.set('visits', visits)
 *   return { visits }
 * })
 */

export { CookieStore } from './cookie-store'
// Errors
export type { SessionErrorCode } from './errors'
export { SessionCookieTooLarge, SessionError, SessionStoreUnavailable } from './errors'
export type { MemoryStoreOptions } from './memory-store'
export { MemoryStore } from './memory-store'
export type { SessionCookieOptions, SessionOptions } from './options'
// The plugin
export type { SessionCtx } from './plugin'
export { session } from './plugin'
export type { RedisClient, RedisStoreOptions } from './redis-store'
export { RedisStore } from './redis-store'
export { Session } from './session'
// Stores
export type { SessionData, Store, StoreSetOptions } from './store'
