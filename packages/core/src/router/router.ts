/**
 * The router the app registers its routes with: methods, hosts and trailing slashes on top of
 * the segment tree, plus a direct map for fully static paths.
 */

import { TOKEN } from '../http/token'
import { formatPath, parsePath, type Segment } from './path'
import { RadixTree } from './tree'

/** What {@link Router.find} returns: the registered store and the converted parameter values. */
export interface RouteMatch<T> {
  store: T
  params: Record<string, unknown>
}

/** Per-route options of {@link Router.add}. */
export interface AddOptions {
  /** Only match requests for this host (case-insensitive; the port counts only when given here). */
  host?: string
  /** Require the trailing slash to be exactly as registered. @default false */
  strict?: boolean
  /**
   * An automatic answer (HEAD from GET, OPTIONS): it matches only where no route registered without this flag
   * for exactly the request's method does, wherever that route sits in the tree. @default false
   */
  fallback?: boolean
}

/** One registered route, as listed by {@link Router.routes}. */
export interface RouteInfo<T> {
  method: string
  path: string
  host: string | undefined
  store: T
}

/**
 * Thrown when the same method, path shape, host and trailing-slash form are registered twice.
 *
 * @example
 * router.add('GET', '/a/:x', 1)
 * router.add('GET', '/a/:y', 2) // throws RouteDuplicateError, code 'BRISK_ERR_ROUTE_DUPLICATE'
 */
export class RouteDuplicateError extends Error {
  readonly code = 'BRISK_ERR_ROUTE_DUPLICATE'

  constructor(message: string) {
    super(message)
    this.name = 'RouteDuplicateError'
  }
}

interface Entry<T> {
  route: RouteInfo<T>
  method: string
  /** Lower-cased host, or undefined for a route that serves every host. */
  host: string | undefined
  hostHasPort: boolean
  /** Registered under the other trailing-slash form of a lenient route. */
  alias: boolean
  /** Lower wins: host-specific before host-less, own form before alias, exact method before '*'. */
  rank: number
  /** Gives way to an explicit route of its method elsewhere in the tree. */
  fallback: boolean
  names: readonly string[]
  /** Shared frozen match for routes without parameters, so static hits allocate nothing. */
  match: RouteMatch<T> | undefined
}

/** The entries registered at one path shape, kept sorted by rank. */
type Slot<T> = Entry<T>[]

interface Request {
  method: string
  host: string | undefined
  hostname: string | undefined
}

interface Collect {
  methods: Set<string>
  host: string | undefined
  hostname: string | undefined
}

const EMPTY_PARAMS: Record<string, unknown> = Object.freeze(Object.create(null))

/**
 * Maps (method, host, path) to a store of your choosing, with typed path parameters.
 *
 * @example
 * const router = new Router<string>()
 * router.add('GET', '/books/:id<int>', 'show book')
 * router.find('GET', '/books/42') // { store: 'show book', params: { id: 42 } }
 */
export class Router<T> {
  readonly #tree = new RadixTree<Slot<T>>()
  /** Fully static paths (in both slash forms when lenient) to the same slots the tree holds. */
  readonly #statics = new Map<string, Slot<T>>()
  readonly #routes: RouteInfo<T>[] = []
  /** Methods that have explicit (not fallback) routes: only they can take a request from a fallback. */
  readonly #explicitMethods = new Set<string>()
  #hostRoutes = 0

  /**
   * Registers `store` for `method` (any HTTP token, or '*' for all methods) at `path`.
   *
   * @example
   * router.add('GET', '/books/:id<int>', handler, { host: 'api.example.com', strict: true })
   */
  add(method: string, path: string, store: T, options: AddOptions = {}): void {
    if (!TOKEN.test(method)) {
      throw new TypeError(`Invalid HTTP method ${JSON.stringify(method)} for route ${path}`)
    }
    const segments = parsePath(path)
    const host = options.host === undefined ? undefined : options.host.toLowerCase()
    const route: RouteInfo<T> = { method, path, host: options.host, store }
    const names = segments.flatMap((segment) => (segment.type === 'param' ? [segment.name] : []))
    const base = {
      route,
      method,
      host,
      hostHasPort: host !== undefined && stripPort(host) !== host,
      names,
      match: names.length === 0 ? Object.freeze({ store, params: EMPTY_PARAMS }) : undefined,
      fallback: options.fallback === true,
    }

    const slot = this.#slot(segments)
    const clash = slot.find((entry) => !entry.alias && entry.method === method && entry.host === host)
    if (clash !== undefined) {
      const where = host === undefined ? '' : ` for host ${host}`
      throw new RouteDuplicateError(
        `Route ${method} ${path}${where} is already registered (as ${clash.method} ${clash.route.path})`,
      )
    }
    place(slot, { ...base, alias: false, rank: rankOf(host, false, method) })
    const alias = options.strict === true ? undefined : slashAlias(segments)
    if (alias !== undefined) {
      place(this.#slot(alias), { ...base, alias: true, rank: rankOf(host, true, method) })
    }
    if (host !== undefined) this.#hostRoutes++
    if (options.fallback !== true) this.#explicitMethods.add(method)
    this.#routes.push(route)
  }

  /**
   * Finds the route for a request, or null. `path` excludes the query string; `host` is the Host
   * header, port included or not. Throws a `URIError` when a parameter has a malformed escape.
   *
   * @example
   * router.find('GET', '/books/42', 'example.com:8080')?.params.id // 42
   */
  find(method: string, path: string, host?: string): RouteMatch<T> | null {
    let lowered: string | undefined
    let hostname: string | undefined
    if (this.#hostRoutes > 0 && host !== undefined) {
      lowered = host.toLowerCase()
      hostname = stripPort(lowered)
    }
    const slot = this.#statics.get(path)
    if (slot !== undefined) {
      const entry = select(slot, method, lowered, hostname)
      if (entry !== undefined) {
        if (entry.fallback) return this.#explicit(method, path, lowered, hostname) ?? entry.match!
        return entry.match!
      }
    }
    const values: unknown[] = []
    const request: Request = { method, host: lowered, hostname }
    const entry = this.#tree.lookup(path, selectForRequest, request, values)
    if (entry === undefined) return null
    if (entry.fallback) {
      const explicit = this.#explicit(method, path, lowered, hostname)
      if (explicit !== null) return explicit
    }
    return entry.match ?? { store: entry.route.store, params: toParams(entry.names, values) }
  }

  /** The best route registered for exactly `method` (not '*', not a fallback) that `path` reaches, or null. */
  #explicit(
    method: string,
    path: string,
    host: string | undefined,
    hostname: string | undefined,
  ): RouteMatch<T> | null {
    if (!this.#explicitMethods.has(method)) return null
    const values: unknown[] = []
    const request: Request = { method, host, hostname }
    const entry = this.#tree.lookup(path, selectExplicit, request, values)
    if (entry === undefined) return null
    return entry.match ?? { store: entry.route.store, params: toParams(entry.names, values) }
  }

  /**
   * The methods some request for `path` (and `host`) would match, sorted; '*' when a route takes
   * every method. Empty when the path is unknown. Meant for 405 `Allow` headers and OPTIONS.
   *
   * @example
   * router.allowed('/books/42') // ['DELETE', 'GET']
   */
  allowed(path: string, host?: string): string[] {
    const lowered = host === undefined || this.#hostRoutes === 0 ? undefined : host.toLowerCase()
    const collect: Collect = { methods: new Set(), host: lowered, hostname: lowered && stripPort(lowered) }
    this.#tree.lookup(path, collectMethods, collect, [])
    return [...collect.methods].sort()
  }

  /**
   * Whether some route is bound to a host, i.e. whether `find` reads its `host` argument at all (an entry
   * that would have to build the Host header for it can skip that when not).
   *
   * @example
   * router.hostBound // false
   */
  get hostBound(): boolean {
    return this.#hostRoutes > 0
  }

  /**
   * Every registered route in registration order, for route tables and debugging.
   *
   * @example
   * router.routes() // [{ method: 'GET', path: '/books/:id<int>', host: undefined, store: handler }]
   */
  routes(): RouteInfo<T>[] {
    return this.#routes.map((route) => ({ ...route }))
  }

  #slot(segments: readonly Segment[]): Slot<T> {
    const slot = this.#tree.insert(segments, () => [])
    if (segments.every((segment) => segment.type === 'static')) this.#statics.set(formatPath(segments), slot)
    return slot
  }
}

function rankOf(host: string | undefined, alias: boolean, method: string): number {
  return (host === undefined ? 4 : 0) + (alias ? 2 : 0) + (method === '*' ? 1 : 0)
}

// Stable: among equal ranks, the earlier registration stays first.
function place<T>(slot: Slot<T>, entry: Entry<T>): void {
  let at = slot.length
  while (at > 0 && slot[at - 1]!.rank > entry.rank) at--
  slot.splice(at, 0, entry)
}

/**
 * The shape under which a lenient route also answers: `/a` for `/a/` and the other way round.
 * The root is never a trailing slash, and a catch-all already takes any trailing slash.
 */
function slashAlias(segments: readonly Segment[]): Segment[] | undefined {
  const last = segments.at(-1)
  if (last === undefined || (last.type === 'param' && last.kind === 'path')) return undefined
  if (last.type === 'param' || last.value !== '') return [...segments, { type: 'static', value: '' }]
  const rest = segments.slice(0, -1)
  const first = rest[0]
  // Dropping the slash of `//` would leave a lone empty segment, a shape no request ever has.
  const lonelyEmpty = rest.length === 1 && first?.type === 'static' && first.value === ''
  return first === undefined || lonelyEmpty ? undefined : rest
}

/** Strips a `:port` suffix, leaving IPv6 literals like `[::1]` intact. */
function stripPort(host: string): string {
  const colon = host.lastIndexOf(':')
  if (colon === -1 || host.indexOf(']', colon) !== -1) return host
  return host.slice(0, colon)
}

function hostMatches<T>(entry: Entry<T>, host: string | undefined, hostname: string | undefined): boolean {
  if (entry.host === undefined) return true
  return entry.host === (entry.hostHasPort ? host : hostname)
}

function select<T>(
  slot: Slot<T>,
  method: string,
  host: string | undefined,
  hostname: string | undefined,
): Entry<T> | undefined {
  for (let i = 0; i < slot.length; i++) {
    const entry = slot[i]!
    if ((entry.method === method || entry.method === '*') && hostMatches(entry, host, hostname)) return entry
  }
  return undefined
}

function selectForRequest<T>(slot: Slot<T>, request: Request): Entry<T> | undefined {
  return select(slot, request.method, request.host, request.hostname)
}

function selectExplicit<T>(slot: Slot<T>, request: Request): Entry<T> | undefined {
  for (let i = 0; i < slot.length; i++) {
    const entry = slot[i]!
    if (
      !entry.fallback &&
      entry.method === request.method &&
      hostMatches(entry, request.host, request.hostname)
    )
      return entry
  }
  return undefined
}

// Never accepts, so the lookup visits every branch the path can reach.
function collectMethods<T>(slot: Slot<T>, collect: Collect): undefined {
  for (const entry of slot) {
    if (hostMatches(entry, collect.host, collect.hostname)) collect.methods.add(entry.method)
  }
  return undefined
}

// A plain literal, filled in the same key order every time, keeps V8's fast properties (a null-prototype
// object would be a slow dictionary); `__proto__` is refused as a parameter name, so no key is special.
function toParams(names: readonly string[], values: readonly unknown[]): Record<string, unknown> {
  const params: Record<string, unknown> = {}
  for (let i = 0; i < names.length; i++) params[names[i]!] = values[i]
  return params
}
