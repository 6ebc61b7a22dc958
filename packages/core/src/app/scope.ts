/**
 * What the app, blueprints and blueprint groups share: middleware, error handlers, listeners, plugins and
 * `onRoute` hooks, kept per scope so that what is registered on a blueprint applies to its routes only.
 */

import { BriskError } from '../http/errors'
import type { ErrorEntry } from '../plan/route-plan'
import type { Brisk } from './app'
import type { Plugin } from './plugin'
import { insertOrdered, newOrder, nextKey, type Order } from './registration-order'
import type { RouteBuilder, RouteOptions } from './route-info'
import type { CtxOf, Env, ErrorHook, Handler, RequestHook, ResponseHook } from './types'

/** Internal state of a scope, behind a symbol so it stays out of the public API and autocompletion. */
export const kScope: unique symbol = Symbol('brisk.scope')

/** The lifecycle events a listener can wait for. */
export type ListenerEvent =
  | 'mainStart'
  | 'beforeStart'
  | 'afterStart'
  | 'beforeStop'
  | 'afterStop'
  | 'mainStop'

/** A lifecycle listener; it gets the app. */
export type Listener = (app: Brisk<any>) => void | Promise<void>

/** A route as registered, before the app puts prefixes and versions on it. */
export interface RouteDef {
  readonly methods: readonly string[]
  readonly path: string
  readonly options: RouteOptions
  readonly handler: Handler<any, any>
}

/** One `use()` of a plugin. */
export interface PluginUse {
  readonly plugin: Plugin<any, any>
  readonly options: unknown
  /** Where `use()` was called among the scope's registrations. */
  readonly key: number[]
}

/** Where a scope sits and what it holds. */
export interface ScopeState {
  readonly kind: 'app' | 'blueprint' | 'group'
  readonly name: string
  readonly prefix: string | undefined
  readonly version: string | number | undefined
  readonly host: string | undefined
  readonly strictSlashes: boolean | undefined
  readonly children: Scope<any>[]
  readonly routes: RouteDef[]
  readonly requestHooks: RequestHook<any>[]
  readonly responseHooks: ResponseHook<any>[]
  readonly errorHooks: ErrorEntry[]
  readonly routeHooks: ((route: RouteBuilder) => void)[]
  readonly plugins: PluginUse[]
  readonly listeners: Record<ListenerEvent, Listener[]>
  /** Set by the app when it starts (on the app and its own copies of blueprints); nothing may be added afterwards. */
  started: boolean
  /** On a blueprint or group: the first app that started with it (blueprint-copy.ts); it is sealed from then on. */
  usedBy: string | null
  /** On a blueprint or group: how many apps that mount it are starting now; their plugins may still add to it. */
  starting: number
  /** Keeps hooks in the order of the calls that registered them, plugins included. */
  readonly order: Order
}

/** Where a scope is mounted. */
export interface ScopeOptions {
  /** Path prefix for the scope's routes. */
  prefix?: string
  /** Mounts the routes under `/v{version}` (after group prefixes, before the blueprint's own). */
  version?: string | number
  /** Only answer for this `Host`. */
  host?: string
  /** Whether trailing slashes must match exactly. */
  strictSlashes?: boolean
}

/**
 * The base of the app, blueprints and groups.
 *
 * @example
 * scope.onRequest((req) => { if (!req.headers.authorization) throw new Unauthorized() })
 */
export abstract class Scope<E extends Env = {}> {
  /** @internal */
  readonly [kScope]: ScopeState

  constructor(kind: ScopeState['kind'], name: string, options: ScopeOptions) {
    if (options === null || typeof options !== 'object') {
      throw new TypeError(`${kind} "${name}": options must be an object`)
    }
    for (const key of ['prefix', 'host'] as const) {
      if (options[key] !== undefined && typeof options[key] !== 'string') {
        throw new TypeError(`${kind} "${name}": ${key} must be a string, got ${typeof options[key]}`)
      }
    }
    if (options.version !== undefined && !/^[\w.-]+$/.test(String(options.version))) {
      throw new TypeError(
        `${kind} "${name}": version must be a number or a word, got ${String(options.version)}`,
      )
    }
    this[kScope] = {
      kind,
      name,
      prefix: options.prefix,
      version: options.version,
      host: options.host,
      strictSlashes: options.strictSlashes,
      children: [],
      routes: [],
      requestHooks: [],
      responseHooks: [],
      errorHooks: [],
      routeHooks: [],
      plugins: [],
      listeners: {
        mainStart: [],
        beforeStart: [],
        afterStart: [],
        beforeStop: [],
        afterStop: [],
        mainStop: [],
      },
      started: false,
      usedBy: null,
      starting: 0,
      order: newOrder(),
    }
  }

  /** The scope's name (the app's `name`, a blueprint's or group's name). */
  get name(): string {
    return this[kScope].name
  }

  /**
   * Adds request middleware. Return nothing to go on, or a response to answer and skip the handler.
   *
   * @example
   * app.onRequest((req) => { req.ctx.started = Date.now() })
   */
  onRequest(hook: RequestHook<CtxOf<E>>): this {
    this.guardOpen('onRequest')
    assertFunction(hook, 'onRequest')
    insertOrdered(this[kScope].order, this[kScope].requestHooks, hook)
    return this
  }

  /**
   * Adds response middleware. Change `res` in place or return a new response.
   *
   * @example
   * app.onResponse((req, res) => { res.header('x-request-id', req.id) })
   */
  onResponse(hook: ResponseHook<CtxOf<E>>): this {
    this.guardOpen('onResponse')
    assertFunction(hook, 'onResponse')
    insertOrdered(this[kScope].order, this[kScope].responseHooks, hook)
    return this
  }

  /**
   * Handles errors of a class (and its subclasses) thrown by this scope's routes and middleware.
   * The nearest scope's handler wins; within a scope, the one for the most specific class.
   *
   * @example
   * app.onError(NotFound, (err, req) => json({ missing: req.path }, 404))
   */
  onError<T>(type: abstract new (...args: any[]) => T, hook: ErrorHook<T, CtxOf<E>>): this {
    this.guardOpen('onError')
    if (typeof type !== 'function')
      throw new TypeError('onError(): the first argument must be an error class')
    assertFunction(hook, 'onError')
    insertOrdered(this[kScope].order, this[kScope].errorHooks, { type, hook })
    return this
  }

  /**
   * Calls `hook` for each of this scope's routes when the app starts, so a plugin can read route options
   * and add middleware to just those routes.
   *
   * @example
   * scope.onRoute((route) => { if (route.options.auth) route.addRequestHook(checkToken) })
   */
  onRoute(hook: (route: RouteBuilder) => void): this {
    this.guardOpen('onRoute')
    assertFunction(hook, 'onRoute')
    insertOrdered(this[kScope].order, this[kScope].routeHooks, hook)
    return this
  }

  /** Runs once in the main process before any worker starts (with `workers: N`, in the primary only). @example app.mainStart(() => migrate()) */
  mainStart(listener: Listener): this {
    return this.listen_('mainStart', listener)
  }

  /** Runs once in the main process after every worker has stopped. @example app.mainStop(() => console.log('bye')) */
  mainStop(listener: Listener): this {
    return this.listen_('mainStop', listener)
  }

  /** Runs before the server listens (and before the first `fetch`/`inject`). @example app.beforeStart(async () => { await db.connect() }) */
  beforeStart(listener: Listener): this {
    return this.listen_('beforeStart', listener)
  }

  /** Runs once the server listens. @example app.afterStart((app) => console.log('ready')) */
  afterStart(listener: Listener): this {
    return this.listen_('afterStart', listener)
  }

  /** Runs when `close()` begins, before in-flight requests are drained. @example app.beforeStop(() => queue.pause()) */
  beforeStop(listener: Listener): this {
    return this.listen_('beforeStop', listener)
  }

  /** Runs after the server has stopped and background tasks have ended. @example app.afterStop(async () => { await db.end() }) */
  afterStop(listener: Listener): this {
    return this.listen_('afterStop', listener)
  }

  /** @internal Records a plugin use; `Brisk#use` and `Blueprint#use` type the result. */
  protected usePlugin(plugin: Plugin<any, any>, options: unknown): void {
    this.guardOpen('use')
    if (typeof plugin?.register !== 'function' || typeof plugin.name !== 'string') {
      throw new TypeError('use(): expected a plugin made with definePlugin()')
    }
    const state = this[kScope]
    const key = nextKey(state.order)
    insertOrdered(state.order, state.plugins, { plugin, options, key }, key)
  }

  /** @internal Throws when the app has started; everything is compiled at start-up. */
  protected guardOpen(what: string): void {
    const state = this[kScope]
    if (state.started) {
      throw new BriskError(
        'BRISK_ERR_APP_STARTED',
        `${what}(): the app has started; register everything before it serves`,
      )
    }
    // A shared blueprint: each app copies it when it starts, so an addition now would reach only the apps that
    // start later. While an app that mounts it starts, its plugins may still add to it (for that app's copy).
    if (state.usedBy !== null && state.starting === 0) {
      throw new BriskError(
        'BRISK_ERR_APP_STARTED',
        `${what}(): ${state.kind} "${state.name}" is mounted in app "${state.usedBy}", which has started; each app copies a blueprint when it starts, so finish it before the first of them starts (or build it in a function)`,
      )
    }
  }

  private listen_(event: ListenerEvent, listener: Listener): this {
    this.guardOpen(event)
    assertFunction(listener, event)
    insertOrdered(this[kScope].order, this[kScope].listeners[event], listener)
    return this
  }
}

/** Throws a TypeError naming the API when a callback is not a function. */
export function assertFunction(value: unknown, api: string): void {
  if (typeof value !== 'function') throw new TypeError(`${api}(): expected a function, got ${typeof value}`)
}
