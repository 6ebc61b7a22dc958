/**
 * The errors of the session plugin. Configuration mistakes are `SessionError`s thrown at start-up; a store
 * that fails or does not answer in time becomes a 503 problem+json; a session too large for the cookie
 * store is a 500 (a programming mistake, logged, its details shown in development mode only). The README
 * lists every code and a test fails when the two drift apart.
 */
import { BriskError, HTTPError, ServiceUnavailable } from '@brisk/core'

/**
 * Every code a {@link SessionError} can carry; the README says when each is thrown.
 *
 * @example
 * const code: SessionErrorCode = 'BRISK_SESSION_ERR_SECRET'
 */
export type SessionErrorCode = 'BRISK_SESSION_ERR_OPTIONS' | 'BRISK_SESSION_ERR_SECRET'

/**
 * A session configuration the plugin refuses: a missing or short secret, a bad option. The app's start-up
 * (`ready()`, `listen()`, the first `fetch`/`inject`) rejects with it.
 *
 * @example
 * try {
 *   await new Brisk().use(session, { secret: 'short' }).ready()
 * } catch (error) {
 *   if (error instanceof SessionError) console.error(error.code) // BRISK_SESSION_ERR_SECRET
 * }
 */
export class SessionError extends BriskError {
  declare readonly code: SessionErrorCode

  constructor(code: SessionErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options)
    this.name = 'SessionError'
  }
}

/**
 * 503: the session store failed or did not answer within `storeTimeout`. Only requests that touch their
 * session get it; the cause is logged, never sent.
 *
 * @example
 * app.onError(SessionStoreUnavailable, () => html('<p>Sessions are down, try again shortly</p>', 503))
 */
export class SessionStoreUnavailable extends ServiceUnavailable {
  constructor(cause: unknown) {
    super('The session store is unavailable', {
      code: 'BRISK_SESSION_ERR_STORE_UNAVAILABLE',
      headers: { 'retry-after': '1' },
      cause,
    })
  }
}

/**
 * 500: a session kept in the cookie store would make a cookie past the 4096 bytes browsers keep. Keep such
 * sessions small (an id, a few flags) or use a server-side store.
 *
 * @example
 * new SessionCookieTooLarge(5123).message // 'The session needs a cookie of 5123 bytes; browsers keep at most 4096…'
 */
export class SessionCookieTooLarge extends HTTPError {
  constructor(bytes: number) {
    super(
      500,
      `The session needs a cookie of ${bytes} bytes; browsers keep at most 4096 per cookie. ` +
        'Store less in the session, or use MemoryStore or RedisStore instead of CookieStore',
      { code: 'BRISK_SESSION_ERR_COOKIE_TOO_LARGE', expose: false },
    )
  }
}
