/**
 * Start-up compilation: walks the app's scopes, puts prefixes, versions and hosts on each route, merges the
 * middleware of every enclosing scope into one plan per route, and fills the router.
 *
 * The order (docs/lifecycle.md): request middleware app → groups → blueprint → route, response middleware
 * the exact reverse, error handlers nearest scope first.
 */

import type { RouteBuilder, RouteInfo, RouteOptions } from '../app/route-info'
import { kScope, type RouteDef, type Scope, type ScopeState } from '../app/scope'
import type { Handler, RequestHook, ResponseHook } from '../app/types'
import { parseBytes } from '../http/body-parse'
import { BadRequest, BriskError, HTTPError, MethodNotAllowed, NotFound, unstacked } from '../http/errors'
import { type ResolvedMultipartLimits, resolveMultipartLimits } from '../http/multipart'
import { type BriskRequest, headerValue } from '../http/request'
import { empty } from '../http/response'
import { pathProblem, patternSegment } from '../http/url-path'
import { WS_METHOD } from '../http/websocket'
import { joinPaths, parsePath, type Segment } from '../router/path'
import { Router } from '../router/router'
import { Failure } from './chain'
import type { ErrorEntry, Fallback, RoutePlan } from './route-plan'

/** Everything the app needs at request time. */
export interface Compiled {
  readonly router: Router<RoutePlan>
  readonly notFound: RoutePlan
  /** Answers a path whose parameter has a malformed percent-escape with 400, through the app's hooks. */
  readonly malformed: RoutePlan
  readonly names: ReadonlyMap<string, { readonly segments: Segment[]; readonly info: RouteInfo } | null>
  readonly routes: readonly RouteInfo[]
}

/** The app-wide defaults a route falls back to. */
export interface CompileDefaults {
  readonly bodyLimit: number
  readonly requestTimeout: number
  readonly multipart: ResolvedMultipartLimits
  readonly strictSlashes: boolean
  readonly fallback: Fallback
}

interface Mount {
  readonly chain: readonly Scope<any>[]
  readonly prefix: string
  readonly version: string | number | undefined
  readonly host: string | undefined
  readonly strict: boolean
}

interface Pending {
  readonly info: RouteInfo
  readonly plan: RoutePlan
  readonly strict: boolean
  readonly chain: readonly Scope<any>[]
}

/**
 * Compiles an app's scope tree into a router of route plans.
 *
 * @example
 * const { router } = compileApp(app, { bodyLimit: 1 << 20, strictSlashes: false, fallback })
 */
export function compileApp(app: Scope<any>, defaults: CompileDefaults): Compiled {
  const router = new Router<RoutePlan>()
  const pending: Pending[] = []
  const names = new Map<string, { segments: Segment[]; info: RouteInfo } | null>()
  const explicitNames = new Set<string>()
  const blueprintNames = new Set<string>()

  const visit = (scope: Scope<any>, mount: Mount): void => {
    const state = scope[kScope]
    const chain = [...mount.chain, scope]
    if (state.kind === 'blueprint') {
      // A blueprint's name prefixes its route names (`books.show`): two of one name would mix up `urlFor`.
      if (blueprintNames.has(state.name)) {
        throw new BriskError(
          'BRISK_ERR_BLUEPRINT_NAME',
          `Two blueprints are named "${state.name}"; blueprint names must be unique`,
        )
      }
      blueprintNames.add(state.name)
    }
    if (state.kind === 'blueprint' || state.kind === 'app') {
      for (const def of state.routes) {
        for (const method of def.methods) pending.push(build(def, method, state, chain, mount, defaults))
      }
    }
    for (const child of state.children) {
      const c = child[kScope]
      visit(child, {
        chain,
        // Version goes after group prefixes and before the blueprint's own prefix: /api/v1/books.
        prefix: c.kind === 'group' ? joinPaths(mount.prefix, c.prefix) : mount.prefix,
        version: c.version ?? mount.version,
        host: c.host ?? mount.host,
        strict: c.strictSlashes ?? mount.strict,
      })
    }
  }
  visit(app, { chain: [], prefix: '', version: undefined, host: undefined, strict: defaults.strictSlashes })

  for (const { info, plan, strict } of pending) {
    router.add(info.method, info.path, plan, { host: info.host, strict })
    if (info.name !== undefined) {
      const explicit = info.options.name !== undefined
      const known = names.get(info.name)
      if (known === undefined) {
        names.set(info.name, { segments: parsePath(info.path), info })
        if (explicit) explicitNames.add(info.name)
      } else if (known === null || known.info.path !== info.path || known.info.host !== info.host) {
        if (explicit && explicitNames.has(info.name)) {
          throw new BriskError(
            'BRISK_ERR_ROUTE_NAME',
            `Two routes are named "${info.name}": ${known?.info.path ?? 'another path'} and ${info.path}`,
          )
        }
        // A name given on purpose beats names guessed from function names; guessed names that clash with each
        // other just stop resolving.
        if (explicit) {
          names.set(info.name, { segments: parsePath(info.path), info })
          explicitNames.add(info.name)
        } else if (!explicitNames.has(info.name)) {
          names.set(info.name, null)
        }
      } else if (explicit) {
        explicitNames.add(info.name)
      }
    }
  }
  addAutomatic(router, pending, defaults)
  const notFound = basePlan([app], null, notFoundHandler(router), defaults)
  const malformed = basePlan([app], null, malformedPath, defaults)
  return { router, notFound, malformed, names, routes: pending.map((p) => p.info) }
}

function build(
  def: RouteDef,
  method: string,
  state: ScopeState,
  chain: Scope<any>[],
  mount: Mount,
  defaults: CompileDefaults,
): Pending {
  const options = def.options
  const version = options.version ?? mount.version
  const own = state.kind === 'blueprint' ? state.prefix : undefined
  const versionPrefix = version === undefined ? undefined : `/v${version}`
  const path = requestForm(joinPaths(mount.prefix, versionPrefix, own, def.path))
  const local = options.name ?? guessName(def.handler)
  const name = local === undefined ? undefined : state.kind === 'blueprint' ? `${state.name}.${local}` : local
  const info: RouteInfo = {
    name,
    method,
    path,
    host: options.host ?? mount.host,
    options,
    blueprint: state.kind === 'blueprint' ? state.name : undefined,
    automatic: false,
    meta: {},
  }
  const strict = options.strictSlashes ?? mount.strict
  const bodyLimit = options.bodyLimit === undefined ? defaults.bodyLimit : parseBytes(options.bodyLimit)
  // A websocket route keeps its response middleware: an upgrade that a guard refuses is answered like any
  // request (the runner lets an accepted upgrade, which is no response, go past it).
  const plan = basePlan(chain, info, def.handler, defaults, bodyLimit, options)
  return { info, strict, chain, plan }
}

/**
 * A pattern's static segments in the normal form requests are brought to (url-path.ts), so the router can
 * compare them as strings: `/café` is `/caf%C3%A9`, `/%7euser` is `/~user`. Parameter segments are left alone.
 */
function requestForm(path: string): string {
  return path
    .split('/')
    .map((segment) => (segment.startsWith(':') ? segment : patternSegment(segment)))
    .join('/')
}

function guessName(handler: Handler<any, any>): string | undefined {
  const name = handler.name
  return name && !name.startsWith('bound ') ? name : undefined
}

/** Merges a scope chain (outermost first) and the route's own hooks into a plan, running `onRoute` hooks. */
function basePlan(
  chain: readonly Scope<any>[],
  info: RouteInfo | null,
  handler: Handler<any, any>,
  defaults: CompileDefaults,
  bodyLimit = defaults.bodyLimit,
  options: RouteOptions = {},
): RoutePlan {
  const extraPre: RequestHook<any>[] = []
  const extraPost: ResponseHook<any>[] = []
  const extraErrors: ErrorEntry[] = []
  if (info !== null) {
    const builder: RouteBuilder = {
      ...info,
      addRequestHook: (hook) => void extraPre.push(hook),
      addResponseHook: (hook) => void extraPost.push(hook),
      addErrorHandler: (type, hook) => void extraErrors.push({ type, hook }),
      wrapHandler: (wrap) => {
        const wrapped = wrap(handler)
        if (typeof wrapped !== 'function')
          throw new TypeError(`wrapHandler(): the wrapper for ${info.path} must return a handler`)
        handler = wrapped
      },
    }
    for (const scope of chain) for (const hook of scope[kScope].routeHooks) hook(builder)
    Object.freeze(info.meta)
  }
  const pre = [...chain.flatMap((s) => s[kScope].requestHooks), ...extraPre, ...list(options.onRequest)]
  const post = [
    ...chain.flatMap((s) => s[kScope].responseHooks),
    ...extraPost,
    ...list(options.onResponse),
  ].reverse()
  const errors = [extraErrors, ...[...chain].reverse().map((s) => s[kScope].errorHooks)].filter(
    (l) => l.length > 0,
  )
  return Object.freeze({
    info,
    pre: pre.length > 0 ? pre : null,
    handler,
    post: post.length > 0 ? post : null,
    errors: errors.length > 0 ? errors : null,
    fallback: defaults.fallback,
    bodyLimit,
    requestTimeout: routeTimeout(options.requestTimeout, defaults.requestTimeout, info),
    multipart:
      options.multipart === undefined
        ? defaults.multipart
        : resolveMultipartLimits(options.multipart, defaults.multipart),
  })
}

function routeTimeout(given: number | undefined, fallback: number, info: RouteInfo | null): number {
  if (given === undefined) return fallback
  if (typeof given !== 'number' || !Number.isFinite(given) || given < 0) {
    throw new TypeError(
      `route(): requestTimeout of ${info?.path ?? 'a route'} must be a number of milliseconds ≥ 0, got ${JSON.stringify(given)}`,
    )
  }
  return given
}

function list<T>(value: T | T[] | undefined): T[] {
  return value === undefined ? [] : Array.isArray(value) ? value : [value]
}

/**
 * HEAD answered from GET, and OPTIONS answered with `Allow`, wherever the app did not define them. The
 * OPTIONS plan carries the scopes' middleware (so a blueprint's CORS answers preflights) but not the route's
 * own guards, which must not turn a preflight into a 401.
 */
function addAutomatic(
  router: Router<RoutePlan>,
  pending: readonly Pending[],
  defaults: CompileDefaults,
): void {
  const tryAdd = (method: string, info: RouteInfo, plan: RoutePlan, strict: boolean): void => {
    try {
      // An automatic answer gives way to an explicit route of its method anywhere (a catch-all OPTIONS route).
      router.add(method, info.path, plan, { host: info.host, strict, fallback: true })
    } catch (error) {
      if ((error as { code?: string }).code !== 'BRISK_ERR_ROUTE_DUPLICATE') throw error
    }
  }
  for (const p of pending) if (p.info.method === 'GET') tryAdd('HEAD', p.info, p.plan, p.strict)
  const options = optionsHandler(router)
  const seen = new Set<string>()
  for (const p of pending) if (p.info.method === 'OPTIONS') seen.add(`${p.info.host} ${p.info.path}`)
  for (const p of pending) {
    const key = `${p.info.host} ${p.info.path}`
    if (seen.has(key) || p.info.method === WS_METHOD) continue
    seen.add(key)
    const info: RouteInfo = { ...p.info, method: 'OPTIONS', automatic: true, meta: {} }
    tryAdd('OPTIONS', info, basePlan(p.chain, info, options, defaults, 0), p.strict)
  }
}

function optionsHandler(router: Router<RoutePlan>): Handler<any, any> {
  return (req: BriskRequest<any, any>) => {
    const allow = httpMethods(router.allowed(req.path, headerValue(req.headers.host))).join(', ')
    return empty({ status: 204, headers: { allow } })
  }
}

// The core's own answers below fail by returning a Failure, not by throwing (see Failure in chain.ts): the
// chain takes the error down the same path, error handlers and response middleware included.
function malformedPath(req: BriskRequest<any, any>): Failure {
  return new Failure(unstacked(() => new BadRequest(pathProblem(req.path))))
}

function notFoundHandler(router: Router<RoutePlan>): Handler<any, any> {
  return (req: BriskRequest<any, any>) => {
    const known = router.allowed(req.path, headerValue(req.headers.host))
    // Misses come at the rate clients send them, and their stack is always the router's: none is captured.
    if (req.method === 'GET' && known.includes(WS_METHOD)) {
      return new Failure(
        unstacked(
          () =>
            new HTTPError(426, 'This path speaks WebSocket: send an Upgrade request', {
              headers: { upgrade: 'websocket', connection: 'Upgrade' },
            }),
        ),
      )
    }
    const allowed = httpMethods(known)
    if (known.includes(WS_METHOD) && !allowed.includes('GET')) allowed.unshift('GET')
    if (allowed.length > 0) {
      return new Failure(
        unstacked(() => new MethodNotAllowed(allowed, `${req.method} is not allowed on ${req.path}`)),
      )
    }
    return new Failure(unstacked(() => new NotFound(`No route for ${req.method} ${req.path}`)))
  }
}

/** The methods for an `Allow` header: without the websocket pseudo-method and the any-method marker. */
function httpMethods(methods: string[]): string[] {
  return methods.filter((m) => m !== WS_METHOD && m !== '*')
}
