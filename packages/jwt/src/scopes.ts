/**
 * Scope checks. A token's scopes are the space-separated `scope` claim (RFC 8693 §4.2, as OAuth 2.0 writes
 * them); `books:*` in a token grants every scope that starts with `books:`, and `*` grants every scope.
 */
import { JwtError } from './errors'

/**
 * Splits a `scope` claim into its scopes.
 *
 * @example
 * parseScopes('books:read books:write') // ['books:read', 'books:write']
 */
export function parseScopes(claim: unknown): readonly string[] {
  if (typeof claim !== 'string' || claim === '') return []
  return Object.freeze(claim.split(' ').filter((s) => s !== ''))
}

/**
 * Whether `granted` covers the scope `needed`, wildcards included.
 *
 * @example
 * grants(['books:*'], 'books:write') // true
 */
export function grants(granted: readonly string[], needed: string): boolean {
  for (let i = 0; i < granted.length; i++) {
    const g = granted[i]!
    if (g === needed || g === '*') return true
    if (g.endsWith(':*') && needed.startsWith(g.slice(0, -1))) return true
  }
  return false
}

/**
 * Whether `granted` holds every scope of `all` and, when `anyOf` is not empty, one of `anyOf`.
 *
 * @example
 * satisfies(['books:read'], ['books:read'], []) // true
 */
export function satisfies(
  granted: readonly string[],
  all: readonly string[],
  anyOf: readonly string[],
): boolean {
  for (let i = 0; i < all.length; i++) if (!grants(granted, all[i]!)) return false
  if (anyOf.length === 0) return true
  for (let i = 0; i < anyOf.length; i++) if (grants(granted, anyOf[i]!)) return true
  return false
}

/**
 * Checks a scope list given in options: non-empty strings without spaces.
 *
 * @example
 * scopeList(['books:write'], 'auth.scopes') // ['books:write']
 */
export function scopeList(value: unknown, name: string): readonly string[] {
  if (value === undefined) return []
  if (!Array.isArray(value) || value.some((s) => typeof s !== 'string' || s === '' || /\s/.test(s))) {
    throw new JwtError(
      'BRISK_JWT_ERR_OPTIONS',
      `@brisk/jwt: ${name} must be a list of scope names without spaces`,
    )
  }
  return Object.freeze([...value])
}
