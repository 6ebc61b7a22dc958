/**
 * The handlers of the auth blueprint: login, verify, me, refresh, logout and the JWKS. Each is a top-level
 * function of the resolved config and the request; the blueprint binds them once, at registration.
 */
import { type BriskRequest, type BriskResponse, empty, json } from '@brisk/core'
import type { Config } from './config'
import { JwtHTTPError } from './errors'
import { checkCsrf, userGone } from './guard'
import type { AccessClaims } from './options'
import { randomBase64url } from './random'
import { hashToken, newFamilyId, newRefreshToken } from './refresh-store'
import { signAccess } from './tokens'

type Req = BriskRequest<any, any>

/**
 * `POST /auth`: checks the body, asks `authenticate`, and answers the two tokens (or sets the cookies).
 *
 * @example
 * bp.post('/', (req) => login(config, req))
 */
export async function login(config: Config, req: Req): Promise<BriskResponse> {
  const body = await readObject(req, 'BRISK_JWT_ERR_LOGIN_BODY', 422)
  const { username, password } = config.fields
  if (typeof body[username] !== 'string' || typeof body[password] !== 'string') {
    throw new JwtHTTPError(
      422,
      'BRISK_JWT_ERR_LOGIN_BODY',
      `The body needs the string fields "${username}" and "${password}"`,
    )
  }
  const strings: Record<string, string> = {}
  for (const [name, value] of Object.entries(body)) if (typeof value === 'string') strings[name] = value
  const user = await config.authenticate!(strings, req)
  if (user === null || user === undefined) {
    throw new JwtHTTPError(401, 'BRISK_JWT_ERR_LOGIN_FAILED', 'Wrong credentials', {
      'www-authenticate': config.challenge,
    })
  }
  const claims: Record<string, unknown> =
    config.claims === undefined ? {} : { ...(await config.claims(user, req)) }
  if (config.scopes !== undefined) {
    const scopes = await config.scopes(user)
    if (scopes.length > 0) claims.scope = scopes.join(' ')
  }
  claims.sub = config.subject(user)
  const refreshToken = newRefreshToken()
  const family = newFamilyId()
  const serialised = JSON.stringify(claims)
  await guarded(config, () =>
    config.store.create(hashToken(refreshToken), family, serialised, config.refreshTtl * 1000),
  )
  return answerTokens(config, claims, refreshToken, 200)
}

/**
 * `POST /auth/refresh`: rotates the refresh token and signs a new access token with the login's claims.
 *
 * @example
 * bp.post('/refresh', (req) => refresh(config, req))
 */
export async function refresh(config: Config, req: Req): Promise<BriskResponse> {
  const presented = await refreshTokenOf(config, req)
  const next = newRefreshToken()
  const outcome = await guarded(config, () =>
    config.store.rotate(hashToken(presented), hashToken(next), config.refreshTtl * 1000),
  )
  if (outcome.status === 'reused') {
    throw new JwtHTTPError(
      401,
      'BRISK_JWT_ERR_REFRESH_REUSED',
      'The refresh token was already used; this login is revoked',
      {
        'www-authenticate': config.challenge,
      },
    )
  }
  if (outcome.status !== 'rotated') {
    throw new JwtHTTPError(
      401,
      'BRISK_JWT_ERR_REFRESH_INVALID',
      'The refresh token is unknown, expired or revoked',
      {
        'www-authenticate': config.challenge,
      },
    )
  }
  return answerTokens(config, JSON.parse(outcome.claims) as Record<string, unknown>, next, 200)
}

/**
 * `POST /auth/logout`: revokes the refresh token's family; 204 also for an unknown or dead token, so the
 * answer tells nothing about tokens.
 *
 * @example
 * bp.post('/logout', (req) => logout(config, req))
 */
export async function logout(config: Config, req: Req): Promise<BriskResponse> {
  const presented = await refreshTokenOf(config, req)
  await guarded(config, () => config.store.revoke(hashToken(presented)))
  const res = empty(204)
  if (config.cookies !== null) clearCookies(config, res)
  return res
}

/**
 * `GET /auth/verify` (behind the guard): the token is good.
 *
 * @example
 * bp.get('/verify', { auth: true }, () => verify(config))
 */
export function verify(config: Config): BriskResponse {
  return json({ [config.fields.valid]: true })
}

/**
 * `GET /auth/me` (behind the guard): `retrieveUser` for the token's claims.
 *
 * @example
 * bp.get('/me', { auth: true }, (req) => me(config, req))
 */
export async function me(config: Config, req: Req): Promise<BriskResponse> {
  const claims = req.ctx.jwt as AccessClaims
  const user = req.ctx.user ?? (await config.retrieveUser!(claims, req))
  if (user === null || user === undefined) throw userGone(config)
  return json({ [config.fields.me]: user })
}

/**
 * `GET /auth/jwks.json`: the public keys (never an HS secret), cacheable for five minutes.
 *
 * @example
 * bp.get('/jwks.json', () => jwks(config))
 */
export function jwks(config: Config): BriskResponse {
  return json(config.keys.jwks, { headers: { 'cache-control': 'public, max-age=300' } })
}

async function answerTokens(
  config: Config,
  claims: Record<string, unknown>,
  refreshToken: string,
  status: number,
): Promise<BriskResponse> {
  const cookies = config.cookies
  const { sub, ...rest } = claims
  if (cookies === null) {
    const accessToken = await signAccess(config, String(sub), rest)
    return json(
      { [config.fields.accessToken]: accessToken, [config.fields.refreshToken]: refreshToken },
      status,
    )
  }
  // Cookie mode: the CSRF token goes in the access token too, so only this server's pair of cookies matches.
  const csrf = randomBase64url(24)
  // Objects built whole, not `{ ...a, more }`: V8 spends microseconds on a spread followed by more properties.
  const withCsrf: Record<string, unknown> = { ...rest }
  withCsrf.csrf = csrf
  const accessToken = await signAccess(config, String(sub), withCsrf)
  const res = json({ csrf_token: csrf }, status)
  const { secure, sameSite, domain } = cookies
  res.setCookie(cookies.access, accessToken, {
    secure,
    sameSite,
    domain,
    path: '/',
    httpOnly: true,
    maxAge: config.accessTtl,
  })
  res.setCookie(cookies.refresh, refreshToken, {
    secure,
    sameSite,
    domain,
    path: config.cookiePath,
    httpOnly: true,
    maxAge: config.refreshTtl,
  })
  res.setCookie(cookies.csrf, csrf, {
    secure,
    sameSite,
    domain,
    path: '/',
    httpOnly: false,
    maxAge: config.refreshTtl,
  })
  return res
}

function clearCookies(config: Config, res: BriskResponse): void {
  const cookies = config.cookies!
  const base = { secure: cookies.secure, sameSite: cookies.sameSite, domain: cookies.domain, maxAge: 0 }
  res.setCookie(cookies.access, '', { ...base, path: '/' })
  res.setCookie(cookies.refresh, '', { ...base, path: config.cookiePath })
  res.setCookie(cookies.csrf, '', { ...base, path: '/', httpOnly: false })
}

/** The refresh token of a refresh or logout request: the body's field, or the cookie (CSRF-checked). */
async function refreshTokenOf(config: Config, req: Req): Promise<string> {
  const cookies = config.cookies
  if (cookies !== null) {
    const fromCookie = req.cookies[cookies.refresh]
    if (fromCookie !== undefined && fromCookie !== '') {
      checkCsrf(config, req, req.cookies[cookies.csrf])
      return fromCookie
    }
  }
  const body = await readObject(req, 'BRISK_JWT_ERR_REFRESH_BODY', 400)
  const token = body[config.fields.refreshToken]
  if (typeof token !== 'string' || token === '' || token.length > 512) {
    throw new JwtHTTPError(
      400,
      'BRISK_JWT_ERR_REFRESH_BODY',
      `The body needs a string field "${config.fields.refreshToken}"`,
    )
  }
  return token
}

/** The body as a JSON object; core answers 400/415 for a malformed or non-JSON body. */
async function readObject(
  req: Req,
  code: 'BRISK_JWT_ERR_LOGIN_BODY' | 'BRISK_JWT_ERR_REFRESH_BODY',
  status: number,
): Promise<Record<string, unknown>> {
  const body = await req.json<unknown>()
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new JwtHTTPError(status, code, 'The body must be a JSON object')
  }
  return body as Record<string, unknown>
}

/**
 * A store call bounded by `storeTimeout`: a store that fails or does not answer in time gives a 503 (the
 * cause is kept for the logs, never sent), and a late rejection is swallowed, not left unhandled.
 */
function guarded<T>(config: Config, start: () => Promise<T>): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(unavailable()), config.storeTimeout)
    let call: Promise<T>
    try {
      call = Promise.resolve(start())
    } catch (error) {
      call = Promise.reject(error)
    }
    call.then(
      (value) => {
        clearTimeout(timer)
        resolve(value)
      },
      (error: unknown) => {
        clearTimeout(timer)
        reject(unavailable(error))
      },
    )
  })
}

function unavailable(cause?: unknown): JwtHTTPError {
  const error = new JwtHTTPError(
    503,
    'BRISK_JWT_ERR_STORE_UNAVAILABLE',
    'The token store is unavailable; try again shortly',
    {
      'retry-after': '5',
    },
  )
  if (cause !== undefined) Object.defineProperty(error, 'cause', { value: cause })
  return error
}
