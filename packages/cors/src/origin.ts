/**
 * The origin check, chosen once per configuration: one string compare, a Set lookup, a list with regular
 * expressions, or the user's function. The request path then calls it without looking at the option again.
 */
import type { BriskRequest } from '@brisk/core'
import { CorsError } from './errors'
import type { OriginFunction, OriginOption } from './options'

/** Whether `origin` may read the response; only `true` allows. @example const check: OriginCheck = (origin) => origin === 'https://a.example' */
export type OriginCheck = (origin: string, req: BriskRequest<any, any>) => boolean | Promise<boolean>

/** `'*'`, or the check for every other kind of `origins`. @example const all: ResolvedOrigins = { wildcard: true } */
export type ResolvedOrigins =
  | { readonly wildcard: true }
  | { readonly wildcard: false; readonly allows: OriginCheck }

// What a serialised origin looks like (https://html.spec.whatwg.org/#ascii-serialisation-of-an-origin):
// scheme "://" host [":" port], nothing after it. Browsers send scheme and host in lower case.
const ORIGIN = /^[a-z][a-z0-9+.-]*:\/\/[^\s/?#@*]+$/

/**
 * Resolves the `origins` option into a check specialised for its kind.
 *
 * @example
 * const o = resolveOrigins(['https://a.example', /^https:\/\/.+\.b\.example$/], 'cors on app "shop"')
 * o.wildcard || o.allows('https://x.b.example', req) // true
 */
export function resolveOrigins(option: OriginOption | undefined, where: string): ResolvedOrigins {
  if (option === undefined || option === '*') return { wildcard: true }
  if (typeof option === 'function') return { wildcard: false, allows: option as OriginFunction }
  if (typeof option === 'string') {
    const only = originString(option, where)
    return { wildcard: false, allows: (origin) => origin === only }
  }
  if (option instanceof RegExp) {
    const pattern = stateless(option)
    return { wildcard: false, allows: (origin) => origin !== 'null' && pattern.test(origin) }
  }
  if (!Array.isArray(option)) {
    throw optionError(
      where,
      `origins must be '*', an origin string, a RegExp, a list of those or a function, got ${describe(option)}`,
    )
  }
  const strings = new Set<string>()
  const patterns: RegExp[] = []
  for (const item of option as readonly unknown[]) {
    if (item === '*') {
      throw optionError(
        where,
        `origins: '*' must be given alone, not in a list (it already allows every origin)`,
      )
    }
    if (typeof item === 'string') strings.add(originString(item, where))
    else if (item instanceof RegExp) patterns.push(stateless(item))
    else
      throw optionError(
        where,
        `origins: a list may hold origin strings and RegExps only, got ${describe(item)}`,
      )
  }
  if (patterns.length === 0) return { wildcard: false, allows: (origin) => strings.has(origin) }
  return { wildcard: false, allows: (origin) => strings.has(origin) || matchesAny(patterns, origin) }
}

/** A pattern never lets `null` through: an opaque origin is allowed only when listed as the string `'null'`. */
function matchesAny(patterns: readonly RegExp[], origin: string): boolean {
  if (origin === 'null') return false
  for (let i = 0; i < patterns.length; i++) if (patterns[i]!.test(origin)) return true
  return false
}

/**
 * `test()` on a RegExp with the `g` or `y` flag moves `lastIndex`, so the same origin would match on one
 * request and fail on the next; a copy without those flags has no state.
 */
function stateless(pattern: RegExp): RegExp {
  return pattern.global || pattern.sticky
    ? new RegExp(pattern.source, pattern.flags.replace(/[gy]/g, ''))
    : pattern
}

/** Checks one configured origin and puts it in the form browsers send (lower case). */
function originString(value: string, where: string): string {
  if (value === 'null') return value
  const origin = value.toLowerCase()
  if (ORIGIN.test(origin)) return origin
  if (origin.includes('*')) {
    throw optionError(
      where,
      `origins: "${value}" holds a wildcard, which origins cannot; use '*' alone or a RegExp such as /^https:\\/\\/[a-z0-9-]+\\.example\\.com$/`,
    )
  }
  const bare = /^([a-z][a-z0-9+.-]*:\/\/[^\s/?#@]+)[/?#]/.exec(origin)
  if (bare !== null) {
    throw optionError(
      where,
      `origins: "${value}" is not an origin: an origin has no path, query or trailing slash; write "${bare[1]}"`,
    )
  }
  throw optionError(
    where,
    `origins: "${value}" is not an origin; write it as scheme://host[:port], e.g. "https://app.example.com"`,
  )
}

/** A {@link CorsError} for a bad option, prefixed with where it was given. @example throw optionError(where, 'maxAge must be a number') */
export function optionError(where: string, message: string): CorsError {
  return new CorsError('BRISK_CORS_ERR_OPTIONS', `${where}: ${message}`)
}

/** A value for an error message: its type, and the value itself when it is short. @example describe(42) // 'number 42' */
export function describe(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'an array'
  if (typeof value === 'string') return JSON.stringify(value)
  if (typeof value === 'number' || typeof value === 'boolean') return `${typeof value} ${String(value)}`
  return typeof value
}
