/**
 * The plugin's options checked and resolved once, at registration, into a frozen {@link Config} that the
 * request path only reads.
 */
import type { RouteAuth } from '@brisk/core'
import { JwtError } from './errors'
import { type KeySet, resolveKeys } from './keys'
import { MemoryStore } from './memory-store'
import type { CookieModeOptions, JwtOptions } from './options'
import type { RefreshTokenStore } from './refresh-store'
import { TokenCache } from './token-cache'

/** Cookie mode, resolved. */
export interface CookieConfig {
  readonly access: string
  readonly refresh: string
  readonly csrf: string
  readonly csrfHeader: string
  readonly secure: boolean
  readonly sameSite: 'Strict' | 'Lax' | 'None'
  readonly domain: string | undefined
}

/** Everything a request needs, decided at registration. */
export interface Config {
  readonly keys: KeySet
  readonly issuer: string | undefined
  readonly audience: string | string[] | undefined
  readonly accessTtl: number
  readonly refreshTtl: number
  readonly leeway: number
  readonly store: RefreshTokenStore
  readonly storeTimeout: number
  readonly cache: TokenCache | null
  readonly challenge: string
  readonly scheme: string
  readonly definition: RouteAuth['definition']
  readonly cookies: CookieConfig | null
  readonly wsQuery: string | undefined
  readonly wsProtocol: string | undefined
  readonly fields: Readonly<Required<NonNullable<JwtOptions['fields']>>>
  readonly authenticate: JwtOptions['authenticate']
  readonly retrieveUser: JwtOptions['retrieveUser']
  readonly loadUser: boolean
  readonly scopes: JwtOptions['scopes']
  readonly claims: JwtOptions['claims']
  readonly subject: (user: Record<string, unknown>) => string
  /** Where the refresh cookie is sent: the blueprint's prefix, learnt when its routes compile. */
  cookiePath: string
}

/** The most bytes a token may have; larger ones are refused before any parsing or crypto. */
export const MAX_TOKEN_BYTES = 8192

/**
 * Resolves the plugin's options.
 *
 * @example
 * const config = await resolveConfig({ secret: 'x'.repeat(32), authenticate })
 */
export async function resolveConfig(options: JwtOptions): Promise<Config> {
  if (options === null || typeof options !== 'object') {
    throw new JwtError(
      'BRISK_JWT_ERR_OPTIONS',
      '@brisk/jwt: options are required (at least a secret or keys)',
    )
  }
  const keys = await resolveKeys(options.secret, options.keys)
  const accessTtl = seconds(options.accessTtl, 900, 'accessTtl', 1)
  const refreshTtl = seconds(options.refreshTtl, 14 * 86_400, 'refreshTtl', 1)
  const leeway = seconds(options.leeway, 0, 'leeway', 0)
  const storeTimeout = seconds(options.storeTimeout, 2000, 'storeTimeout', 1)
  const cacheSize = seconds(options.cacheSize, 10_000, 'cacheSize', 0)
  for (const name of ['authenticate', 'retrieveUser', 'scopes', 'claims', 'subject'] as const) {
    if (options[name] !== undefined && typeof options[name] !== 'function') {
      throw new JwtError('BRISK_JWT_ERR_OPTIONS', `@brisk/jwt: ${name} must be a function`)
    }
  }
  if (options.loadUser === true && typeof options.retrieveUser !== 'function') {
    throw new JwtError(
      'BRISK_JWT_ERR_OPTIONS',
      '@brisk/jwt: loadUser needs a retrieveUser(claims, req) option',
    )
  }
  const store = options.store ?? new MemoryStore()
  if (
    typeof store?.rotate !== 'function' ||
    typeof store.create !== 'function' ||
    typeof store.revoke !== 'function'
  ) {
    throw new JwtError(
      'BRISK_JWT_ERR_OPTIONS',
      '@brisk/jwt: store must implement RefreshTokenStore (create, rotate, revoke)',
    )
  }
  const audience =
    options.audience === undefined
      ? undefined
      : typeof options.audience === 'string'
        ? options.audience
        : [...options.audience]
  const realm = options.realm === undefined ? '' : ` realm="${quoted(options.realm, 'realm')}"`
  const cookies = resolveCookies(options.cookies)
  const scheme = options.schemeName ?? 'bearerAuth'
  const definition = Object.freeze(
    cookies === null
      ? { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' }
      : { type: 'apiKey', in: 'cookie', name: cookies.access },
  )
  const f = options.fields ?? {}
  return {
    keys,
    issuer: options.issuer,
    audience,
    accessTtl,
    refreshTtl,
    leeway,
    store,
    storeTimeout,
    cache: cacheSize === 0 ? null : new TokenCache(cacheSize),
    challenge: `Bearer${realm}`,
    scheme,
    definition,
    cookies,
    wsQuery: options.websocket?.query,
    wsProtocol: options.websocket?.protocolPrefix,
    fields: Object.freeze({
      username: f.username ?? 'username',
      password: f.password ?? 'password',
      accessToken: f.accessToken ?? 'access_token',
      refreshToken: f.refreshToken ?? 'refresh_token',
      me: f.me ?? 'me',
      valid: f.valid ?? 'valid',
    }),
    authenticate: options.authenticate,
    retrieveUser: options.retrieveUser,
    loadUser: options.loadUser === true,
    scopes: options.scopes,
    claims: options.claims,
    subject: options.subject ?? defaultSubject,
    cookiePath: '/',
  }
}

function defaultSubject(user: Record<string, unknown>): string {
  const id = user.user_id ?? user.id ?? user.sub
  if (typeof id !== 'string' && typeof id !== 'number') {
    throw new TypeError('@brisk/jwt: the user has no user_id, id or sub: give a `subject(user)` option')
  }
  return String(id)
}

function resolveCookies(option: boolean | CookieModeOptions | undefined): CookieConfig | null {
  if (option === undefined || option === false) return null
  const o: CookieModeOptions = option === true ? {} : option
  const sameSite = o.sameSite ?? 'Lax'
  const secure = o.secure ?? true
  if (sameSite === 'None' && !secure) {
    throw new JwtError(
      'BRISK_JWT_ERR_OPTIONS',
      '@brisk/jwt: cookies with sameSite None must be secure (browsers refuse them)',
    )
  }
  return Object.freeze({
    access: o.accessCookie ?? 'access_token',
    refresh: o.refreshCookie ?? 'refresh_token',
    csrf: o.csrfCookie ?? 'csrf_token',
    csrfHeader: (o.csrfHeader ?? 'x-csrf-token').toLowerCase(),
    secure,
    sameSite,
    domain: o.domain,
  })
}

function seconds(value: number | undefined, fallback: number, name: string, min: number): number {
  if (value === undefined) return fallback
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    throw new JwtError('BRISK_JWT_ERR_OPTIONS', `@brisk/jwt: ${name} must be a whole number ≥ ${min}`)
  }
  return value
}

function quoted(value: string, name: string): string {
  if (typeof value !== 'string' || /["\\\r\n]/.test(value)) {
    throw new JwtError(
      'BRISK_JWT_ERR_OPTIONS',
      `@brisk/jwt: ${name} must be a string without quotes or line breaks`,
    )
  }
  return value
}
