/**
 * The plugin: resolves its options when it registers, mounts the auth blueprint, and guards the routes that
 * ask for it (route option `auth`, or {@link requireAuth} on a whole scope).
 *
 * Nearest wins, as in `@brisk/cors`: core calls a route's `onRoute` hooks with one builder, scope by scope from
 * the app inwards. The first hook to see a route makes its slot; a nearer `jwt` registration replaces the
 * slot's config, a nearer `requireAuth` its requirement, and the route's own `auth` option has the last word.
 * The guard is attached once, the first time a route has a requirement, and reads the slot, which is final
 * once the app has started. Automatic routes (the HEAD and OPTIONS core adds) are left alone, so CORS
 * preflights never need a token.
 */
import { Blueprint, Brisk, definePlugin, type RouteBuilder } from '@brisk/core'
import { type Config, resolveConfig } from './config'
import { jwks, login, logout, me, refresh, verify } from './endpoints'
import { JwtError } from './errors'
import { guardRequest, type Requirement, type Slot } from './guard'
import type { AccessClaims, AuthOption, AuthRequirement, JwtOptions, JwtUser } from './options'
import { scopeList } from './scopes'

/**
 * What the plugin adds to `req.ctx`: the verified claims of the access token, on routes it guards
 * (`undefined` elsewhere), and with `loadUser` the user they belong to.
 *
 * @example
 * app.get('/books', { auth: true }, (req) => books.of(req.ctx.jwt!.sub))
 */
export interface JwtCtx {
  jwt: AccessClaims | undefined
  /** The user `retrieveUser` gave for the token, on guarded routes with the `loadUser` option. */
  user: JwtUser | undefined
}

const slots = new WeakMap<RouteBuilder, Slot>()
const ANY: Requirement = Object.freeze({ scopes: Object.freeze([]), anyOf: Object.freeze([]) })

/**
 * JWT auth for a Brisk app: the `/auth` blueprint (login, verify, me, refresh with rotation, logout, JWKS) and
 * guards for routes with the `auth` option. Options are checked when the app starts; a bad one rejects
 * `ready()`/`listen()` with a {@link JwtError}.
 *
 * @example
 * import { Brisk } from '@brisk/core'
 * import { jwt } from '@brisk/jwt'
 *
 * const app = new Brisk().use(jwt, {
 *   secret: process.env.JWT_SECRET!, // 32 bytes or more
 *   authenticate: ({ username, password }) => users.check(username, password),
 *   retrieveUser: (claims) => users.byId(Number(claims.sub)),
 *   scopes: (user) => user.scopes as string[],
 * })
 * app.get('/books', { auth: { scopes: ['books:read'] } }, () => books)
 */
export const jwt = definePlugin<JwtOptions, JwtCtx>({
  name: '@brisk/jwt',
  core: '>=26.11.0',
  async register(scope, options) {
    const config = await resolveConfig(options)
    const isApp = scope instanceof Brisk
    if (config.keys.signer.weak || [...config.keys.byKid.values()].some((k) => k.weak)) {
      const message =
        '@brisk/jwt: an HS secret is shorter than 32 bytes, which can be guessed offline from one token ' +
        '(RFC 7518 §3.2); use 32 random bytes or more'
      // Development mode only warns, so a tutorial's short secret runs; anything else refuses to start.
      if (isApp && !scope.config.dev) throw new JwtError('BRISK_JWT_ERR_WEAK_SECRET', message)
      if (isApp) scope.log.warn(message)
      else
        scope.beforeStart((app) => {
          if (!app.config.dev) throw new JwtError('BRISK_JWT_ERR_WEAK_SECRET', message)
          app.log.warn(message)
        })
    }
    scope.onRoute((route) => {
      if (route.automatic) return
      const slot = slotOf(route)
      slot.config = config
      settle(route, slot)
    })
    mountEndpoints(scope, isApp, config, options)
    if (isApp) scope.beforeStart((app) => checkGuarded(app.routes()))
  },
})

/**
 * Guards every route of a scope (the app, a blueprint or a group): a valid token, and the given scopes. A
 * route's own `auth` option still wins (`auth: false` leaves it open). Needs `jwt` registered on the app or
 * on a blueprint around the routes; otherwise the app refuses to start.
 *
 * @example
 * const admin = new Blueprint('admin', { prefix: '/admin' })
 * requireAuth(admin, { scopes: ['admin'] })
 * requireAuth(Blueprint.group([books, authors]), { anyOf: ['books:read', 'books:*'] })
 */
export function requireAuth<S extends { onRoute(hook: (route: RouteBuilder) => void): unknown }>(
  scope: S,
  requirement: AuthRequirement | true = true,
): S {
  const need = toRequirement(requirement, 'requireAuth()')!
  const seen: Slot[] = []
  const paths: string[] = []
  scope.onRoute((route) => {
    if (route.automatic) return
    const slot = slotOf(route)
    slot.scoped = need
    settle(route, slot)
    seen.push(slot)
    paths.push(`${route.method} ${route.path}`)
  })
  const withListeners = scope as unknown as { beforeStart?(fn: () => void): unknown }
  withListeners.beforeStart?.(() => {
    for (let i = 0; i < seen.length; i++) {
      if (seen[i]!.requirement !== null && seen[i]!.config === null) throw notRegistered(paths[i]!)
    }
  })
  return scope
}

function slotOf(route: RouteBuilder): Slot {
  let slot = slots.get(route)
  if (slot === undefined) {
    slot = { config: null, scoped: null, requirement: null, attached: false }
    slots.set(route, slot)
  }
  return slot
}

/** Works out the route's requirement and its `meta.auth`, and attaches the guard the first time it is needed. */
function settle(route: RouteBuilder, slot: Slot): void {
  const own = route.options.auth
  slot.requirement =
    own === undefined ? slot.scoped : toRequirement(own, `route ${route.method} ${route.path}: auth`)
  const { config, requirement } = slot
  if (requirement === null) {
    delete route.meta.auth
    return
  }
  if (config !== null) {
    route.meta.auth = {
      scheme: config.scheme,
      definition: config.definition,
      scopes: requirement.scopes,
      anyOf: requirement.anyOf,
    }
  }
  if (!slot.attached) {
    slot.attached = true
    const guarded = slot
    route.addRequestHook((req) => guardRequest(guarded, req))
  }
}

const requirements = new WeakMap<object, Requirement>()

function toRequirement(option: AuthOption, where: string): Requirement | null {
  if (option === false) return null
  if (option === true) return ANY
  if (option === null || typeof option !== 'object') {
    throw new JwtError(
      'BRISK_JWT_ERR_OPTIONS',
      `@brisk/jwt: ${where} must be true, false or { scopes, anyOf }`,
    )
  }
  let resolved = requirements.get(option)
  if (resolved === undefined) {
    resolved = Object.freeze({
      scopes: scopeList(option.scopes, `${where}.scopes`),
      anyOf: scopeList(option.anyOf, `${where}.anyOf`),
    })
    requirements.set(option, resolved)
  }
  return resolved
}

function checkGuarded(
  routes: readonly {
    options: { auth?: AuthOption }
    meta: { auth?: unknown }
    method: string
    path: string
    automatic: boolean
  }[],
): void {
  for (const route of routes) {
    const own = route.options.auth
    if (own !== undefined && own !== false && route.meta.auth === undefined && !route.automatic) {
      throw notRegistered(`${route.method} ${route.path}`)
    }
  }
}

function notRegistered(route: string): JwtError {
  return new JwtError(
    'BRISK_JWT_ERR_NOT_REGISTERED',
    `@brisk/jwt: ${route} asks for auth, but no jwt registration covers it (use jwt on the app or an enclosing blueprint)`,
  )
}

/** Adds the endpoint routes to the blueprint the options name (a new `auth` blueprint on the app by default). */
function mountEndpoints(scope: unknown, isApp: boolean, config: Config, options: JwtOptions): void {
  if (options.blueprint === false) return
  let bp = options.blueprint
  if (bp === undefined) {
    if (!isApp) {
      throw new JwtError(
        'BRISK_JWT_ERR_OPTIONS',
        '@brisk/jwt: registered on a blueprint, the plugin cannot mount its endpoints; pass `blueprint: yourBlueprint` (mounted where you like) or `blueprint: false`',
      )
    }
    bp = new Blueprint('auth', { prefix: options.prefix ?? '/auth' })
    ;(scope as Brisk).blueprint(bp)
  } else if (!(bp instanceof Blueprint)) {
    throw new JwtError('BRISK_JWT_ERR_OPTIONS', '@brisk/jwt: blueprint must be a Blueprint or false')
  }
  const paths = options.paths ?? {}
  const path = (value: string | false | undefined, fallback: string): string | false => {
    const p = value === undefined ? fallback : value
    if (p === false) return false
    if (typeof p !== 'string' || (p !== '' && !p.startsWith('/'))) {
      throw new JwtError(
        'BRISK_JWT_ERR_OPTIONS',
        `@brisk/jwt: endpoint paths must start with "/" (or be "" or false), got ${JSON.stringify(p)}`,
      )
    }
    return p === '' ? '/' : p
  }
  // The endpoints' own routes always use this registration's config, wherever the blueprint is mounted; login,
  // refresh, logout and the JWKS stay open even under `requireAuth(app)` (their own option has the last word).
  const own = new WeakSet<object>()
  const opts = <T extends object>(o: T): T => {
    own.add(o)
    return o
  }
  const loginPath = path(paths.login, '')
  if (loginPath !== false) {
    if (config.authenticate === undefined) {
      throw new JwtError(
        'BRISK_JWT_ERR_OPTIONS',
        '@brisk/jwt: the login endpoint needs an `authenticate(body, req)` option (or paths.login: false)',
      )
    }
    bp.post(loginPath, opts({ name: 'login', auth: false }), (req) => login(config, req))
  }
  const verifyPath = path(paths.verify, '/verify')
  if (verifyPath !== false) bp.get(verifyPath, opts({ name: 'verify', auth: true }), () => verify(config))
  const mePath = path(paths.me, '/me')
  if (mePath !== false && config.retrieveUser !== undefined) {
    bp.get(mePath, opts({ name: 'me', auth: true }), (req) => me(config, req))
  }
  const refreshPath = path(paths.refresh, '/refresh')
  if (refreshPath !== false)
    bp.post(refreshPath, opts({ name: 'refresh', auth: false }), (req) => refresh(config, req))
  const logoutPath = path(paths.logout, '/logout')
  if (logoutPath !== false)
    bp.post(logoutPath, opts({ name: 'logout', auth: false }), (req) => logout(config, req))
  const jwksPath = path(paths.jwks, '/jwks.json')
  if (jwksPath !== false && config.keys.jwks !== undefined)
    bp.get(jwksPath, opts({ name: 'jwks', auth: false }), () => jwks(config))

  bp.onRoute((route) => {
    if (route.automatic || !own.has(route.options)) return
    const slot = slotOf(route)
    slot.config = config
    settle(route, slot)
    // The refresh cookie goes to the blueprint's own paths only (refresh and logout), wherever it is mounted.
    if (route.options.name === 'refresh' && refreshPath !== false) {
      const suffix = refreshPath === '/' ? '' : refreshPath
      config.cookiePath = route.path.slice(0, route.path.length - suffix.length) || '/'
    }
  })
}
