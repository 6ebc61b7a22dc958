/**
 * The errors of the JWT plugin. Two kinds: configuration mistakes ({@link JwtError}, thrown at start-up, never
 * sent), and refusals of a request ({@link JwtHTTPError}, an `HTTPError` that core turns into RFC 9457
 * problem+json). No message of either names a secret, a key or a key id: a refusal says what was wrong with
 * the token, never what the server holds. The README lists every code and a test fails when the two drift.
 */
import { BriskError, HTTPError } from '@brisk/core'

/**
 * Every code a {@link JwtError} (configuration) can carry.
 *
 * @example
 * const code: JwtConfigErrorCode = 'BRISK_JWT_ERR_WEAK_SECRET'
 */
export type JwtConfigErrorCode =
  | 'BRISK_JWT_ERR_OPTIONS'
  | 'BRISK_JWT_ERR_KEY'
  | 'BRISK_JWT_ERR_WEAK_SECRET'
  | 'BRISK_JWT_ERR_NOT_REGISTERED'

/**
 * Every code a {@link JwtHTTPError} (a refused request) can carry.
 *
 * @example
 * if (res.json().code === 'BRISK_JWT_ERR_TOKEN_EXPIRED') await refresh()
 */
export type JwtHTTPErrorCode =
  | 'BRISK_JWT_ERR_TOKEN_MISSING'
  | 'BRISK_JWT_ERR_TOKEN_MALFORMED'
  | 'BRISK_JWT_ERR_TOKEN_TOO_LARGE'
  | 'BRISK_JWT_ERR_TOKEN_INVALID'
  | 'BRISK_JWT_ERR_TOKEN_EXPIRED'
  | 'BRISK_JWT_ERR_TOKEN_NOT_YET_VALID'
  | 'BRISK_JWT_ERR_INSUFFICIENT_SCOPE'
  | 'BRISK_JWT_ERR_CSRF'
  | 'BRISK_JWT_ERR_LOGIN_FAILED'
  | 'BRISK_JWT_ERR_LOGIN_BODY'
  | 'BRISK_JWT_ERR_USER_NOT_FOUND'
  | 'BRISK_JWT_ERR_REFRESH_BODY'
  | 'BRISK_JWT_ERR_REFRESH_INVALID'
  | 'BRISK_JWT_ERR_REFRESH_REUSED'
  | 'BRISK_JWT_ERR_STORE_UNAVAILABLE'

/**
 * A JWT configuration the plugin refuses (bad options, a key it cannot use, a short HS secret, a protected
 * route with no `jwt` registration around it). The app's start-up rejects with it.
 *
 * @example
 * try {
 *   await new Brisk().use(jwt, { secret: 'short' }).ready()
 * } catch (error) {
 *   if (error instanceof JwtError) console.error(error.code) // BRISK_JWT_ERR_WEAK_SECRET
 * }
 */
export class JwtError extends BriskError {
  declare readonly code: JwtConfigErrorCode

  constructor(code: JwtConfigErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options)
    this.name = 'JwtError'
  }
}

/**
 * A request the plugin refuses: 400, 401, 403, 422 or 503, with `WWW-Authenticate` where RFC 6750 asks for it.
 *
 * @example
 * app.onError(JwtHTTPError, (error) => json({ error: error.code }, error.status))
 */
export class JwtHTTPError extends HTTPError {
  declare readonly code: JwtHTTPErrorCode

  constructor(status: number, code: JwtHTTPErrorCode, message: string, headers?: Record<string, string>) {
    super(status, message, { code, headers, expose: true })
    this.name = 'JwtHTTPError'
  }
}

/**
 * A 401 for an access token: `WWW-Authenticate: Bearer error="invalid_token"` with the reason (RFC 6750 §3.1).
 * A request with no token at all gets a bare `Bearer` challenge, as §3.1 asks ("SHOULD NOT include an error
 * code" when no credentials were sent).
 *
 * @example
 * throw invalidToken('BRISK_JWT_ERR_TOKEN_EXPIRED', 'The access token has expired', realm)
 */
export function invalidToken(code: JwtHTTPErrorCode, description: string, challenge: string): JwtHTTPError {
  const header =
    code === 'BRISK_JWT_ERR_TOKEN_MISSING'
      ? challenge
      : `${challenge} error="invalid_token", error_description="${description}"`
  return new JwtHTTPError(401, code, description, { 'www-authenticate': header })
}

/**
 * A 403 for a token without the scopes a route needs: `error="insufficient_scope"` and the `scope` attribute
 * naming what the route asks for (RFC 6750 §3.1).
 *
 * @example
 * throw insufficientScope(['books:write'], 'Bearer')
 */
export function insufficientScope(needed: readonly string[], challenge: string): JwtHTTPError {
  const scope = needed.join(' ')
  return new JwtHTTPError(
    403,
    'BRISK_JWT_ERR_INSUFFICIENT_SCOPE',
    'The access token lacks a required scope',
    {
      'www-authenticate': `${challenge} error="insufficient_scope", error_description="The access token lacks a required scope", scope="${scope}"`,
    },
  )
}
