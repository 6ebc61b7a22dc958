/**
 * The route guard: request middleware that finds the access token, verifies it, checks scopes (and, in cookie
 * mode, the CSRF token), and puts the claims on `req.ctx.jwt`. It runs before the handler, so before anything
 * reads the body: a request without a valid token is refused whatever its body or size.
 */
import { timingSafeEqual } from 'node:crypto'
import { type BriskRequest, InternalServerError } from '@brisk/core'
import type { Config } from './config'
import { insufficientScope, JwtHTTPError } from './errors'
import type { AccessClaims } from './options'
import { satisfies } from './scopes'
import type { Verified } from './token-cache'
import { refusal, verifyAccess } from './tokens'

type Req = BriskRequest<any, any>

/** A route's requirement, resolved: the scopes it needs (all of), and those of which it needs one. */
export interface Requirement {
  readonly scopes: readonly string[]
  readonly anyOf: readonly string[]
}

/** What the guard of one route reads; filled while the route compiles, final once the app has started. */
export interface Slot {
  config: Config | null
  /** The requirement of the enclosing scopes (`requireAuth`), before the route's own option. */
  scoped: Requirement | null
  /** The requirement in force: the route's option, else `scoped`. */
  requirement: Requirement | null
  attached: boolean
}

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE'])
const WS_METHOD = 'WS' // core's method word for websocket routes

/**
 * Guards one request. Returns `undefined` (go on) synchronously when the token is in the verified cache,
 * else a promise of it; throws or rejects with a 401/403 {@link JwtHTTPError}.
 *
 * @example
 * route.addRequestHook((req) => guardRequest(slot, req))
 */
export function guardRequest(slot: Slot, req: Req): undefined | Promise<undefined> {
  const need = slot.requirement
  if (need === null) return undefined
  const config = slot.config
  // Start-up refuses a guarded route without a registration; should one slip through, it fails closed.
  if (config === null) throw new InternalServerError('@brisk/jwt: a guarded route has no jwt registration')
  const found = findToken(config, req)
  const verified = verifyAccess(config, found.token)
  if (verified instanceof Promise) return admitLater(config, need, req, found.fromCookie, verified)
  admit(config, need, req, found.fromCookie, verified)
  return config.loadUser ? loadUser(config, req, verified.claims) : undefined
}

async function admitLater(
  config: Config,
  need: Requirement,
  req: Req,
  fromCookie: boolean,
  pending: Promise<Verified>,
): Promise<undefined> {
  const verified = await pending
  admit(config, need, req, fromCookie, verified)
  return config.loadUser ? loadUser(config, req, verified.claims) : undefined
}

/** `loadUser`: `req.ctx.user` from `retrieveUser`; a token whose user is gone is refused like a bad token. */
async function loadUser(config: Config, req: Req, claims: AccessClaims): Promise<undefined> {
  const user = await config.retrieveUser!(claims, req)
  if (user === null || user === undefined) throw userGone(config)
  req.ctx.user = user
  return undefined
}

/**
 * The 401 for a valid token whose user `retrieveUser` no longer finds.
 *
 * @example
 * if (user === null) throw userGone(config)
 */
export function userGone(config: Config): JwtHTTPError {
  return new JwtHTTPError(401, 'BRISK_JWT_ERR_USER_NOT_FOUND', 'The user of this token no longer exists', {
    'www-authenticate': `${config.challenge} error="invalid_token", error_description="The user of this token no longer exists"`,
  })
}

function admit(config: Config, need: Requirement, req: Req, fromCookie: boolean, verified: Verified): void {
  if (!satisfies(verified.scopes, need.scopes, need.anyOf)) {
    throw insufficientScope(
      need.anyOf.length > 0 ? [...need.scopes, ...need.anyOf] : need.scopes,
      config.challenge,
    )
  }
  if (fromCookie) {
    if (UNSAFE.has(req.method)) checkCsrf(config, req, verified.claims.csrf)
    else if (req.route?.method === WS_METHOD) checkOrigin(req)
  }
  req.ctx.jwt = verified.claims
}

interface Found {
  token: string
  fromCookie: boolean
}

/**
 * The access token of a request: the `Authorization: Bearer` header (scheme case-insensitive), else the
 * cookie in cookie mode, else, on websocket routes, the configured query parameter or subprotocol offer.
 *
 * @example
 * const { token } = findToken(config, req)
 */
export function findToken(config: Config, req: Req): Found {
  const header = req.headers.authorization
  if (header !== undefined) {
    if (typeof header !== 'string') throw malformed(config)
    // "Bearer" then one or more spaces (RFC 6750 §2.1 has one; RFC 9110 §11.4 allows any case of the scheme).
    if (header.length < 8 || header.slice(0, 6).toLowerCase() !== 'bearer' || header[6] !== ' ')
      throw malformed(config)
    const token = header.slice(7).trim()
    if (token === '' || token.includes(' ')) throw malformed(config)
    return { token, fromCookie: false }
  }
  const cookies = config.cookies
  if (cookies !== null) {
    const token = req.cookies[cookies.access]
    if (token !== undefined && token !== '') return { token, fromCookie: true }
  }
  if (req.route?.method === WS_METHOD) {
    const token = websocketToken(config, req)
    if (token !== undefined) return { token, fromCookie: false }
  }
  throw refusal(config, 'BRISK_JWT_ERR_TOKEN_MISSING', 'No access token was sent')
}

function websocketToken(config: Config, req: Req): string | undefined {
  if (config.wsQuery !== undefined) {
    const value = req.query[config.wsQuery]
    if (typeof value === 'string' && value !== '') return value
  }
  const prefix = config.wsProtocol
  const offered = req.headers['sec-websocket-protocol']
  if (prefix !== undefined && typeof offered === 'string') {
    for (const part of offered.split(',')) {
      const p = part.trim()
      if (p.startsWith(prefix) && p.length > prefix.length) return p.slice(prefix.length)
    }
  }
  return undefined
}

function malformed(config: Config): JwtHTTPError {
  return refusal(config, 'BRISK_JWT_ERR_TOKEN_MALFORMED', 'The Authorization header is not a Bearer token')
}

/**
 * Double-submit CSRF check of cookie mode: the header must repeat the CSRF token. `expected` is the token the
 * access token was issued with (a claim, which a site that can plant cookies still cannot forge), or the CSRF
 * cookie for the refresh and logout endpoints.
 *
 * @example
 * checkCsrf(config, req, req.cookies.csrf_token)
 */
export function checkCsrf(config: Config, req: Req, expected: unknown): void {
  const cookies = config.cookies!
  const sent = req.headers[cookies.csrfHeader]
  if (
    typeof expected !== 'string' ||
    expected === '' ||
    typeof sent !== 'string' ||
    !sameText(sent, expected)
  ) {
    throw new JwtHTTPError(
      403,
      'BRISK_JWT_ERR_CSRF',
      `The ${cookies.csrfHeader} header is missing or does not match`,
    )
  }
}

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a)
  const y = Buffer.from(b)
  return x.length === y.length && timingSafeEqual(x, y)
}

/**
 * A websocket upgrade authenticated by a cookie must come from a page of this origin: browsers send cookies
 * with cross-site upgrades under `SameSite=None`, and an upgrade cannot carry a CSRF header, so the `Origin`
 * browsers always send on upgrades is compared with `Host` (cross-site websocket hijacking).
 */
function checkOrigin(req: Req): void {
  const origin = req.headers.origin
  const host = req.headers.host
  let same = false
  if (typeof origin === 'string' && typeof host === 'string') {
    try {
      same = new URL(origin).host === host
    } catch {
      same = false
    }
  }
  if (!same) {
    throw new JwtHTTPError(
      403,
      'BRISK_JWT_ERR_CSRF',
      'A websocket authenticated by cookie must come from this origin',
    )
  }
}
