/**
 * Login, token checks and refresh-token rotation with @fastify/jwt (fast-jwt underneath): `POST /auth`,
 * `GET /auth/verify`, `GET /auth/me`, `POST /auth/refresh`, `POST /auth/logout`, and the guards other routes
 * use (`app.authenticate` and `requireScope(scope)`, both `onRequest` hooks, so a request without a valid
 * token is refused before its body is read).
 *
 * Access tokens are HS256 with the showcase's claims (`sub`, `scope`, `iat`, `nbf`, `exp` 15 minutes later, a
 * random `jti`, header `kid: default`); verification pins HS256 and requires sub, exp, iat and jti, as the
 * showcase's does. fast-jwt's verified-token cache is switched on because the showcase's guard keeps such a
 * cache by default (10 000 tokens): without it the twin would do work the showcase skips.
 */
import { randomBytes } from 'node:crypto'
import fastifyJwt from '@fastify/jwt'
import { HttpProblem } from './problem.mjs'
import { hashToken, newFamilyId, newRefreshToken } from './refresh-store.mjs'

const ACCESS_TTL = '15m'
const REFRESH_TTL_MS = 14 * 24 * 3600 * 1000

const TokenPair = {
  type: 'object',
  properties: { access_token: { type: 'string' }, refresh_token: { type: 'string' } },
  required: ['access_token', 'refresh_token'],
}

const problem = (description) => ({
  description,
  content: {
    'application/problem+json': {
      schema: { type: 'object', properties: { status: { type: 'integer' }, title: { type: 'string' } } },
    },
  },
})

/**
 * A store call; a failure (Redis away, or slower than ioredis' `commandTimeout`) is a 503 with Retry-After.
 */
async function guarded(call) {
  try {
    return await call()
  } catch {
    throw new HttpProblem(
      503,
      'BRISK_JWT_ERR_STORE_UNAVAILABLE',
      'The token store is unavailable; try again shortly',
      {
        headers: { 'retry-after': '5' },
      },
    )
  }
}

/** The body as a JSON object: 415 when it was not JSON at all, `status`/`code` when not an object. */
function jsonObject(request, status, code) {
  const body = request.body
  if (body === undefined) {
    throw new HttpProblem(
      415,
      'BRISK_ERR_JSON_CONTENT_TYPE',
      'Expected a JSON body (application/json), got no content type',
    )
  }
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new HttpProblem(status, code, 'The body must be a JSON object')
  }
  return body
}

function refreshTokenOf(request) {
  const token = jsonObject(request, 400, 'BRISK_JWT_ERR_REFRESH_BODY').refresh_token
  if (typeof token !== 'string' || token === '' || token.length > 512) {
    throw new HttpProblem(400, 'BRISK_JWT_ERR_REFRESH_BODY', 'The body needs a string field "refresh_token"')
  }
  return token
}

/**
 * `onRequest` hook factory: the verified token must carry `scope`; else 403 with RFC 6750's challenge.
 *
 * @example
 * app.post('/books', { onRequest: [app.authenticate, requireScope('books:write')] }, handler)
 */
export function requireScope(scope) {
  return async function scopeGuard(request) {
    const scopes = request.user.scope
    if (typeof scopes === 'string' && scopes.split(' ').includes(scope)) return
    throw new HttpProblem(
      403,
      'BRISK_JWT_ERR_INSUFFICIENT_SCOPE',
      'The access token lacks a required scope',
      {
        headers: {
          'www-authenticate': `Bearer error="insufficient_scope", error_description="The access token lacks a required scope", scope="${scope}"`,
        },
      },
    )
  }
}

/**
 * Registers @fastify/jwt, decorates `app.authenticate`, and adds the `/auth` routes.
 *
 * @example
 * addAuth(app, { secret, users, store: new MemoryRefreshStore() })
 */
export function addAuth(app, { secret, users, store }) {
  app.register(fastifyJwt, {
    secret,
    sign: { algorithm: 'HS256', kid: 'default', expiresIn: ACCESS_TTL },
    verify: { algorithms: ['HS256'], requiredClaims: ['sub', 'exp', 'iat', 'jti'], cache: true },
  })

  app.decorate('authenticate', async function authenticate(request) {
    await request.jwtVerify()
  })

  const signAccess = (claims) => {
    const now = Math.floor(Date.now() / 1000)
    return app.jwt.sign({ ...claims, iat: now, nbf: now, jti: randomBytes(16).toString('base64url') })
  }

  const bearer = { security: [{ bearerAuth: [] }] }

  app.register(
    async (auth) => {
      auth.post(
        '',
        {
          schema: {
            summary: 'Log in: two tokens for a username and password',
            tags: ['auth'],
            response: { 200: TokenPair },
          },
        },
        async (request) => {
          const body = jsonObject(request, 422, 'BRISK_JWT_ERR_LOGIN_BODY')
          if (typeof body.username !== 'string' || typeof body.password !== 'string') {
            throw new HttpProblem(
              422,
              'BRISK_JWT_ERR_LOGIN_BODY',
              'The body needs the string fields "username" and "password"',
            )
          }
          const user = await users.authenticate(body.username, body.password)
          if (user === null) {
            throw new HttpProblem(401, 'BRISK_JWT_ERR_LOGIN_FAILED', 'Wrong credentials', {
              headers: { 'www-authenticate': 'Bearer' },
            })
          }
          const claims =
            user.scopes.length > 0
              ? { scope: user.scopes.join(' '), sub: String(user.user_id) }
              : { sub: String(user.user_id) }
          const refreshToken = newRefreshToken()
          await guarded(() =>
            store.create(hashToken(refreshToken), newFamilyId(), JSON.stringify(claims), REFRESH_TTL_MS),
          )
          return { access_token: signAccess(claims), refresh_token: refreshToken }
        },
      )

      auth.get(
        '/verify',
        {
          onRequest: [app.authenticate],
          schema: {
            summary: 'Check an access token',
            tags: ['auth'],
            ...bearer,
            response: {
              200: { type: 'object', properties: { valid: { type: 'boolean' } }, required: ['valid'] },
              401: problem('No valid bearer token'),
            },
          },
        },
        async () => ({ valid: true }),
      )

      auth.get(
        '/me',
        {
          onRequest: [app.authenticate],
          schema: {
            summary: 'The user of an access token',
            tags: ['auth'],
            ...bearer,
            response: {
              200: {
                type: 'object',
                properties: {
                  me: {
                    type: 'object',
                    properties: {
                      user_id: { type: 'integer' },
                      username: { type: 'string' },
                      scopes: { type: 'array', items: { type: 'string' } },
                    },
                    required: ['user_id', 'username', 'scopes'],
                  },
                },
                required: ['me'],
              },
              401: problem('No valid bearer token'),
            },
          },
        },
        async (request) => {
          const user = users.byId(Number(request.user.sub))
          if (user === null) {
            throw new HttpProblem(
              401,
              'BRISK_JWT_ERR_USER_NOT_FOUND',
              'The user of this token no longer exists',
              {
                headers: { 'www-authenticate': 'Bearer' },
              },
            )
          }
          return { me: user }
        },
      )

      auth.post(
        '/refresh',
        {
          schema: {
            summary: 'A new token pair for a refresh token (which is then spent)',
            tags: ['auth'],
            response: { 200: TokenPair },
          },
        },
        async (request) => {
          const presented = refreshTokenOf(request)
          const next = newRefreshToken()
          const outcome = await guarded(() =>
            store.rotate(hashToken(presented), hashToken(next), REFRESH_TTL_MS),
          )
          if (outcome.status === 'reused') {
            throw new HttpProblem(
              401,
              'BRISK_JWT_ERR_REFRESH_REUSED',
              'The refresh token was already used; this login is revoked',
              {
                headers: { 'www-authenticate': 'Bearer' },
              },
            )
          }
          if (outcome.status !== 'rotated') {
            throw new HttpProblem(
              401,
              'BRISK_JWT_ERR_REFRESH_INVALID',
              'The refresh token is unknown, expired or revoked',
              {
                headers: { 'www-authenticate': 'Bearer' },
              },
            )
          }
          return { access_token: signAccess(JSON.parse(outcome.claims)), refresh_token: next }
        },
      )

      auth.post(
        '/logout',
        {
          schema: {
            summary: 'End a login: its refresh tokens are dead',
            tags: ['auth'],
            response: { 204: { description: 'Done', type: 'null' } },
          },
        },
        async (request, reply) => {
          const presented = refreshTokenOf(request)
          await guarded(() => store.revoke(hashToken(presented)))
          return reply.code(204).send()
        },
      )
    },
    { prefix: '/auth' },
  )
}
