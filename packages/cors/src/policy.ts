/**
 * A CORS configuration resolved once: every header value a response can get is built here, and the origin
 * check is chosen for its kind, so the request path only copies strings and calls one function.
 */
import { CorsError } from './errors'
import type { CorsOptions } from './options'
import { describe, type OriginCheck, optionError, resolveOrigins } from './origin'
import { type VaryTokens, varyTokens } from './vary'

/**
 * What the hooks need to answer one route's requests.
 *
 * @example
 * const policy: Policy = resolvePolicy({ origins: ['https://app.example.com'] }, 'cors on app "shop"')
 * policy.preflight['access-control-allow-methods'] // 'GET, HEAD, PUT, PATCH, POST, DELETE'
 */
export interface Policy {
  /** `origins: '*'`: every response gets `Access-Control-Allow-Origin: *`, whatever the `Origin`. */
  readonly wildcard: boolean
  /** The origin check; unused when `wildcard`. */
  readonly allows: OriginCheck
  /** Name/value pairs, flattened, that an allowed actual response gets besides `Access-Control-Allow-Origin`. */
  readonly actual: readonly string[]
  /** What actual responses add to `Vary`, or null (`'*'`: the answer does not depend on the origin). */
  readonly vary: VaryTokens | null
  /** The headers of an answered preflight, `Vary` included, without `Access-Control-Allow-Origin`. */
  readonly preflight: Readonly<Record<string, string>>
  /** What preflight responses add to `Vary`. */
  readonly preflightVary: VaryTokens
  /** Send the requested method back as `Access-Control-Allow-Methods`. */
  readonly reflectMethod: boolean
  /** Send the requested headers back as `Access-Control-Allow-Headers`. */
  readonly reflectHeaders: boolean
  readonly preflightStatus: number
}

/** The methods a preflight allows when `methods` is not given (those of the `cors` package). @example DEFAULT_METHODS.join(', ') */
export const DEFAULT_METHODS: readonly string[] = ['GET', 'HEAD', 'PUT', 'PATCH', 'POST', 'DELETE']

const KNOWN = new Set([
  'origins',
  'methods',
  'allowHeaders',
  'exposeHeaders',
  'credentials',
  'maxAge',
  'privateNetwork',
  'preflightStatus',
])

// The names the `cors` package (Express) and others use, so a copied configuration fails with a pointer.
const RENAMED: Record<string, string> = {
  origin: 'origins',
  allowedHeaders: 'allowHeaders',
  exposedHeaders: 'exposeHeaders',
  optionsSuccessStatus: 'preflightStatus',
  allowMethods: 'methods',
}

// RFC 9110 §5.6.2: methods and header names are tokens.
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/

const ORIGIN_ONLY = varyTokens(['Origin'])

/**
 * Validates options and builds their {@link Policy}. `where` names the registration or route in messages.
 *
 * @example
 * const policy = resolvePolicy({ origins: ['https://app.example.com'], maxAge: 600 }, 'cors on app "shop"')
 */
export function resolvePolicy(options: CorsOptions | undefined, where: string): Policy {
  if (options === undefined) options = {}
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw optionError(where, `the options must be an object, got ${describe(options)}`)
  }
  for (const key of Object.keys(options)) {
    if (KNOWN.has(key)) continue
    const hint = RENAMED[key] === undefined ? '' : ` (did you mean "${RENAMED[key]}"?)`
    throw optionError(where, `unknown option "${key}"${hint}; the options are ${[...KNOWN].join(', ')}`)
  }
  const credentials = flag(options.credentials, 'credentials', where)
  const privateNetwork = flag(options.privateNetwork, 'privateNetwork', where)
  const origins = resolveOrigins(options.origins, where)
  const methods = tokenList(options.methods, 'methods', where) ?? DEFAULT_METHODS
  const allowHeaders = tokenList(options.allowHeaders, 'allowHeaders', where)
  const exposeHeaders = tokenList(options.exposeHeaders, 'exposeHeaders', where)
  const maxAge = options.maxAge
  if (maxAge !== undefined && (typeof maxAge !== 'number' || !Number.isInteger(maxAge) || maxAge < 0)) {
    throw optionError(where, `maxAge must be a whole number of seconds, 0 or more, got ${describe(maxAge)}`)
  }
  const status = options.preflightStatus ?? 204
  if (typeof status !== 'number' || !Number.isInteger(status) || status < 200 || status > 299) {
    throw optionError(
      where,
      `preflightStatus must be a 2xx status (browsers fail other preflights), got ${describe(status)}`,
    )
  }
  if (credentials && origins.wildcard) {
    throw new CorsError(
      'BRISK_CORS_ERR_WILDCARD_CREDENTIALS',
      `${where}: origins '*' cannot be combined with credentials: true, because browsers refuse a wildcard ` +
        'Access-Control-Allow-Origin on requests with credentials (https://fetch.spec.whatwg.org/#cors-protocol-and-credentials). ' +
        'List the allowed origins, or pass a function that checks them.',
    )
  }
  if (credentials && exposeHeaders === '*') {
    throw new CorsError(
      'BRISK_CORS_ERR_WILDCARD_CREDENTIALS',
      `${where}: exposeHeaders '*' cannot be combined with credentials: true, because browsers then read it as a ` +
        'header named "*" (https://fetch.spec.whatwg.org/#http-access-control-expose-headers). List the headers to expose.',
    )
  }

  const actual: string[] = []
  if (origins.wildcard) actual.push('access-control-allow-origin', '*')
  if (credentials) actual.push('access-control-allow-credentials', 'true')
  if (exposeHeaders === '*' || (exposeHeaders !== undefined && exposeHeaders.length > 0)) {
    actual.push('access-control-expose-headers', join(exposeHeaders))
  }

  // With credentials, `*` is a literal name to browsers: the wildcard is kept by sending back what was asked.
  const reflectMethod = methods === '*' && credentials
  const reflectHeaders = allowHeaders === undefined || (allowHeaders === '*' && credentials)
  const preflightVary = varyTokens([
    // The answer depends on the Origin even for '*': an OPTIONS without one is the app's, not a preflight.
    'Origin',
    ...(reflectMethod ? ['Access-Control-Request-Method'] : []),
    ...(reflectHeaders ? ['Access-Control-Request-Headers'] : []),
  ])
  const preflight: Record<string, string> = {}
  if (credentials) preflight['access-control-allow-credentials'] = 'true'
  if (!reflectMethod && (methods === '*' || methods.length > 0))
    preflight['access-control-allow-methods'] = join(methods)
  if (!reflectHeaders && allowHeaders !== undefined && (allowHeaders === '*' || allowHeaders.length > 0)) {
    preflight['access-control-allow-headers'] = join(allowHeaders)
  }
  if (maxAge !== undefined) preflight['access-control-max-age'] = String(maxAge)
  if (privateNetwork) preflight['access-control-allow-private-network'] = 'true'
  preflight.vary = preflightVary.value

  return Object.freeze({
    wildcard: origins.wildcard,
    allows: origins.wildcard ? refuse : origins.allows,
    actual: Object.freeze(actual),
    vary: origins.wildcard ? null : ORIGIN_ONLY,
    preflight: Object.freeze(preflight),
    preflightVary,
    reflectMethod,
    reflectHeaders,
    preflightStatus: status,
  })
}

function refuse(): boolean {
  return false
}

function join(list: readonly string[] | '*'): string {
  return list === '*' ? '*' : list.join(', ')
}

function flag(value: unknown, name: string, where: string): boolean {
  if (value === undefined) return false
  if (typeof value !== 'boolean')
    throw optionError(where, `${name} must be true or false, got ${describe(value)}`)
  return value
}

function tokenList(value: unknown, name: string, where: string): readonly string[] | '*' | undefined {
  if (value === undefined || value === '*') return value
  if (!Array.isArray(value)) {
    const hint =
      typeof value === 'string' ? ` (write ${JSON.stringify(value.split(',').map((s) => s.trim()))})` : ''
    throw optionError(where, `${name} must be a list of names or '*', got ${describe(value)}${hint}`)
  }
  for (const item of value) {
    if (typeof item !== 'string' || !TOKEN.test(item)) {
      throw optionError(
        where,
        `${name}: ${describe(item)} is not a valid ${name === 'methods' ? 'method' : 'header name'}`,
      )
    }
  }
  return Object.freeze([...value])
}
