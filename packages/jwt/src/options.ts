/**
 * The options of the JWT plugin and of the `auth` route option. Every field has a default except the keys
 * and `authenticate`; the plugin checks them all when it registers (a mistake fails the app's start-up).
 */

import type { KeyObject, webcrypto } from 'node:crypto'
import type { Blueprint, BriskRequest } from '@brisk/core'
import type { JWK } from 'jose'
import type { RefreshTokenStore } from './refresh-store'

/** The algorithms the plugin signs and verifies with; anything else (`none` first of all) is refused. */
export type JwtAlgorithm = 'HS256' | 'HS384' | 'HS512' | 'RS256' | 'PS256' | 'ES256' | 'EdDSA'

/**
 * Key material: a PEM string, a JWK object, a node `KeyObject`, a WebCrypto `CryptoKey`, or a secret's bytes.
 * (`webcrypto.CryptoKey` from node's types: the global `CryptoKey` type exists only with the DOM lib, which a
 * Node project's tsconfig often leaves out.)
 */
export type KeyInput = string | JWK | KeyObject | webcrypto.CryptoKey | Uint8Array

/**
 * One key of the key set. HS keys have a `secret` (at least 32 bytes); asymmetric keys have a `privateKey`
 * (to sign; its public half is derived) and/or a `publicKey` (to verify only: a retired key, or another
 * service's). The algorithm is pinned to the key: a token that names this key with another `alg` is refused.
 *
 * @example
 * const current: JwtKey = { kid: '2026-12', alg: 'ES256', privateKey: process.env.JWT_KEY_PEM! }
 * const retired: JwtKey = { kid: '2026-11', alg: 'ES256', publicKey: oldPublicPem }
 */
export interface JwtKey {
  /** The key id written in each token's header (`kid`) and in the JWKS. */
  kid: string
  /** The algorithm this key signs and verifies with, and the only one it accepts. */
  alg: JwtAlgorithm
  /** The shared secret of an HS key (a string is taken as UTF-8). */
  secret?: string | Uint8Array
  /** The private key of an asymmetric key; with it, the key can sign. */
  privateKey?: KeyInput
  /** The public key of an asymmetric key; derived from `privateKey` when left out. */
  publicKey?: KeyInput
}

/**
 * The type of `req.ctx.user` (with `loadUser`). Describe your user by augmenting it:
 *
 * @example
 * declare module '@brisk/jwt' {
 *   interface JwtUser { user_id: number; username: string }
 * }
 */
export type JwtUser = {}

/** What `authenticate` may return: a user object, or `null`/`undefined` for "no such user". */
export type MaybeUser = Record<string, unknown> | null | undefined

/** The claims of a verified access token, as handlers see them on `req.ctx.jwt`. */
export interface AccessClaims {
  /** The subject: the user's id, as a string. */
  readonly sub: string
  readonly iss?: string
  readonly aud?: string | string[]
  readonly exp: number
  readonly iat: number
  readonly nbf?: number
  readonly jti: string
  /** The scopes granted at login (from the `scopes` option). */
  readonly scope?: string
  /** Custom claims from the `claims` option. */
  readonly [claim: string]: unknown
}

/** Which scopes a route needs: all of `scopes`, and at least one of `anyOf` when it is given. */
export interface AuthRequirement {
  /** Scopes the token must all hold. `books:*` in a token grants every `books:…` scope. @default [] */
  scopes?: readonly string[]
  /** Scopes of which the token must hold at least one. @default [] */
  anyOf?: readonly string[]
}

/** The route option: `true` (any valid token), scopes, or `false` to leave a route of a guarded scope open. */
export type AuthOption = boolean | AuthRequirement

/** Cookie mode: tokens in `HttpOnly` cookies, unsafe methods protected by a double-submit CSRF token. */
export interface CookieModeOptions {
  /** The access token's cookie. @default 'access_token' */
  accessCookie?: string
  /** The refresh token's cookie (sent only to the refresh and logout paths). @default 'refresh_token' */
  refreshCookie?: string
  /** The CSRF cookie, readable by scripts, to be echoed in `csrfHeader`. @default 'csrf_token' */
  csrfCookie?: string
  /** The header that must echo the CSRF cookie on POST, PUT, PATCH and DELETE. @default 'x-csrf-token' */
  csrfHeader?: string
  /** `Secure` on every cookie. @default true */
  secure?: boolean
  /** `SameSite` of every cookie. @default 'Lax' */
  sameSite?: 'Strict' | 'Lax' | 'None'
  /** `Domain` of every cookie. @default none (host-only) */
  domain?: string
}

/** Where a websocket client may put its token, since browsers cannot set headers on an upgrade. */
export interface WebSocketTokenOptions {
  /** A query parameter holding the token, e.g. `'access_token'`. @default none */
  query?: string
  /** A `Sec-WebSocket-Protocol` prefix: the offer `<prefix><token>` carries it, e.g. `'bearer.'`. @default none */
  protocolPrefix?: string
}

/** The endpoints of the auth blueprint: each one's path, or `false` to leave it out. */
export interface EndpointPaths {
  /** @default '' (POST /auth) */
  login?: string | false
  /** @default '/verify' */
  verify?: string | false
  /** @default '/me' (needs `retrieveUser`) */
  me?: string | false
  /** @default '/refresh' */
  refresh?: string | false
  /** @default '/logout' */
  logout?: string | false
  /** @default '/jwks.json' (only with asymmetric keys) */
  jwks?: string | false
}

/** The JSON field names the endpoints read and write. */
export interface FieldNames {
  /** @default 'username' */
  username?: string
  /** @default 'password' */
  password?: string
  /** @default 'access_token' */
  accessToken?: string
  /** @default 'refresh_token' */
  refreshToken?: string
  /** @default 'me' */
  me?: string
  /** @default 'valid' */
  valid?: string
}

/**
 * How the plugin signs, checks and hands out tokens.
 *
 * @example
 * app.use(jwt, {
 *   secret: process.env.JWT_SECRET!,
 *   issuer: 'https://shop.example.com',
 *   audience: 'shop',
 *   authenticate: async ({ username, password }) => users.check(username, password),
 *   retrieveUser: async (claims) => users.byId(Number(claims.sub)),
 *   scopes: (user) => user.scopes as string[],
 * })
 */
export interface JwtOptions {
  /** An HS256 secret (at least 32 bytes): the short form of `keys: [{ kid: 'default', alg: 'HS256', secret }]`. */
  secret?: string | Uint8Array
  /** The key set; the first key signs, every key verifies. Rotate by putting a new key first. */
  keys?: readonly JwtKey[]
  /** Checks the login body; returns the user, or `null` for wrong credentials (401). Required for login. */
  authenticate?: (body: Record<string, string>, req: BriskRequest<any, any>) => MaybeUser | Promise<MaybeUser>
  /** Loads the user of a verified token, for `GET /auth/me` (`null`: 401). */
  retrieveUser?: (claims: AccessClaims, req: BriskRequest<any, any>) => unknown
  /**
   * Calls `retrieveUser` on every guarded request and puts the result on `req.ctx.user` (no user: 401). Costs
   * a lookup per request; leave it off and read `req.ctx.jwt` when the claims are enough.
   * @default false
   */
  loadUser?: boolean
  /** The scopes granted to a user, written in the token's `scope` claim. @default none */
  scopes?: (user: Record<string, unknown>) => readonly string[] | Promise<readonly string[]>
  /** Extra claims for a user's access token (registered claims cannot be overridden). @default none */
  claims?: (
    user: Record<string, unknown>,
    req: BriskRequest<any, any>,
  ) => Record<string, unknown> | Promise<Record<string, unknown>>
  /** The token's subject for a user. @default `String(user.user_id ?? user.id ?? user.sub)` */
  subject?: (user: Record<string, unknown>) => string
  /** `iss`, set and checked. @default none */
  issuer?: string
  /** `aud`, set and checked (a token must name one of them). @default none */
  audience?: string | readonly string[]
  /** Access token lifetime in seconds. @default 900 (15 minutes) */
  accessTtl?: number
  /** Refresh token lifetime in seconds; each rotation issues a token with a full lifetime. @default 1209600 (14 days) */
  refreshTtl?: number
  /** Seconds of clock skew tolerated on `exp` and `nbf`. @default 0 */
  leeway?: number
  /** Where refresh tokens live. @default a `MemoryStore` (one process only) */
  store?: RefreshTokenStore
  /** Milliseconds a store call may take before the endpoint answers 503. @default 2000 */
  storeTimeout?: number
  /** The blueprint's prefix. @default '/auth' */
  prefix?: string
  /**
   * Where the endpoints go: by default a new blueprint named `auth` mounted on the app; a blueprint of
   * yours (mount it where you like: in a group, under another prefix); or `false` for no endpoints.
   * @default a blueprint `auth` at `prefix`
   */
  blueprint?: Blueprint<any, any> | false
  /** Each endpoint's path under the prefix, or `false` to switch it off. */
  paths?: EndpointPaths
  /** JSON field names. */
  fields?: FieldNames
  /** The OpenAPI security scheme name written in `route.meta.auth`. @default 'bearerAuth' */
  schemeName?: string
  /** `realm` of the `WWW-Authenticate` challenge. @default none */
  realm?: string
  /** Tokens in `HttpOnly` cookies instead of the body and the `Authorization` header. @default off */
  cookies?: boolean | CookieModeOptions
  /** Token places for websocket routes, beside the `Authorization` header. @default the header only */
  websocket?: WebSocketTokenOptions
  /** How many verified tokens to remember (until their `exp`), so a token is checked by crypto once. @default 10000; 0 turns it off */
  cacheSize?: number
}

declare module '@brisk/core' {
  interface RouteOptions {
    /**
     * Needs a valid access token (`true`), with scopes (`{ scopes: ['books:write'] }` for all of them,
     * `{ anyOf: [...] }` for one of them), or `false` to leave this route of a guarded scope open. Needs the
     * `jwt` plugin registered on the app or an enclosing blueprint.
     * @example app.post('/books', { auth: { scopes: ['books:write'] } }, create)
     */
    auth?: AuthOption
  }
}
