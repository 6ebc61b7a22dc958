/**
 * Security from the routes themselves: an auth plugin records `route.meta.auth` on each route it protects,
 * and that becomes the scheme in `components.securitySchemes` and the operation's `security`.
 */
import type { RouteAuth } from '@brisk/core'
import type { SecurityRequirement } from './operation'

/**
 * The security requirements of a protected route: every scope in `scopes` is needed; `anyOf` offers
 * alternatives, one requirement object per scope, each with the required scopes plus that one.
 *
 * @example
 * requirementsOf({ scheme: 'bearerAuth', definition, scopes: ['books'], anyOf: ['admin', 'editor'] })
 * // [{ bearerAuth: ['books', 'admin'] }, { bearerAuth: ['books', 'editor'] }]
 */
export function requirementsOf(auth: RouteAuth): SecurityRequirement[] {
  if (auth.anyOf.length === 0) return [{ [auth.scheme]: [...auth.scopes] }]
  return auth.anyOf.map((scope) => ({ [auth.scheme]: [...auth.scopes, scope] }))
}
