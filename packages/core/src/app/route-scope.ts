/**
 * Route registration, shared by the app and blueprints: `get`, `post`, …, `route({...})` and `view()`.
 */

import { checkStaticFolder, resolveStaticOptions, type StaticOptions, staticHandler } from '../http/static'
import { TOKEN } from '../http/token'
import { type WebSocketHandler, type WebSocketOptions, WebSocketRoute, WS_METHOD } from '../http/websocket'
import { parsePath } from '../router/path'
import { HANDLER_SOURCE, type HandlerSource, type RouteOptions } from './route-info'
import { assertFunction, kScope, Scope } from './scope'
import type { CtxOf, Env, Handler, PathParams } from './types'
import { viewMethods } from './view'

/** `app.route()`'s argument: a path, its methods, a handler, and route options. */
export interface RouteDefinition<P extends string, C extends object> extends RouteOptions {
  path: P
  /** One method or several. @default ['GET'] */
  methods?: string | readonly string[]
  handler: Handler<PathParams<P>, C>
}

/**
 * What `view()` checks a view against. Function-typed properties, not methods: a method's parameter is compared
 * both ways, which would let through a view that reads a plugin's ctx or a parameter the path does not have.
 */
export interface ViewRoutes<P, C extends object> {
  get?: Handler<P, C>
  head?: Handler<P, C>
  post?: Handler<P, C>
  put?: Handler<P, C>
  patch?: Handler<P, C>
  delete?: Handler<P, C>
  options?: Handler<P, C>
}

/**
 * A scope that holds routes: the app and blueprints.
 *
 * @example
 * app.get('/books/:id<int>', (req) => books.get(req.params.id))
 */
export abstract class RouteScope<E extends Env = {}> extends Scope<E> {
  /** Adds a GET route (HEAD is answered from it). @example app.get('/health', () => ({ status: 'ok' })) */
  get<P extends string>(path: P, handler: Handler<PathParams<P>, CtxOf<E>>): this
  get<P extends string>(path: P, options: RouteOptions, handler: Handler<PathParams<P>, CtxOf<E>>): this
  get(path: string, a: unknown, b?: unknown): this {
    return this.add(['GET'], path, a, b)
  }

  /** Adds a POST route. @example app.post('/books', { bodyLimit: '64kb' }, create) */
  post<P extends string>(path: P, handler: Handler<PathParams<P>, CtxOf<E>>): this
  post<P extends string>(path: P, options: RouteOptions, handler: Handler<PathParams<P>, CtxOf<E>>): this
  post(path: string, a: unknown, b?: unknown): this {
    return this.add(['POST'], path, a, b)
  }

  /** Adds a PUT route. @example app.put('/books/:id<int>', replace) */
  put<P extends string>(path: P, handler: Handler<PathParams<P>, CtxOf<E>>): this
  put<P extends string>(path: P, options: RouteOptions, handler: Handler<PathParams<P>, CtxOf<E>>): this
  put(path: string, a: unknown, b?: unknown): this {
    return this.add(['PUT'], path, a, b)
  }

  /** Adds a PATCH route. @example app.patch('/books/:id<int>', update) */
  patch<P extends string>(path: P, handler: Handler<PathParams<P>, CtxOf<E>>): this
  patch<P extends string>(path: P, options: RouteOptions, handler: Handler<PathParams<P>, CtxOf<E>>): this
  patch(path: string, a: unknown, b?: unknown): this {
    return this.add(['PATCH'], path, a, b)
  }

  /** Adds a DELETE route. @example app.delete('/books/:id<int>', remove) */
  delete<P extends string>(path: P, handler: Handler<PathParams<P>, CtxOf<E>>): this
  delete<P extends string>(path: P, options: RouteOptions, handler: Handler<PathParams<P>, CtxOf<E>>): this
  delete(path: string, a: unknown, b?: unknown): this {
    return this.add(['DELETE'], path, a, b)
  }

  /** Adds a HEAD route (without one, HEAD is answered from GET). @example app.head('/big', sizeOnly) */
  head<P extends string>(path: P, handler: Handler<PathParams<P>, CtxOf<E>>): this
  head<P extends string>(path: P, options: RouteOptions, handler: Handler<PathParams<P>, CtxOf<E>>): this
  head(path: string, a: unknown, b?: unknown): this {
    return this.add(['HEAD'], path, a, b)
  }

  /** Adds an OPTIONS route (without one, OPTIONS is answered with `Allow`). @example app.options('/x', describe) */
  options<P extends string>(path: P, handler: Handler<PathParams<P>, CtxOf<E>>): this
  options<P extends string>(path: P, options: RouteOptions, handler: Handler<PathParams<P>, CtxOf<E>>): this
  options(path: string, a: unknown, b?: unknown): this {
    return this.add(['OPTIONS'], path, a, b)
  }

  /**
   * Adds a route for any methods, with its options in one object.
   *
   * @example
   * app.route({ methods: ['GET', 'POST'], path: '/search', version: 2, handler: search })
   */
  route<P extends string>(definition: RouteDefinition<P, CtxOf<E>>): this {
    if (definition === null || typeof definition !== 'object')
      throw new TypeError('route(): expected an object')
    const { path, methods = ['GET'], handler, ...options } = definition
    return this.add(typeof methods === 'string' ? [methods] : [...methods], path, options, handler)
  }

  /**
   * Registers a class-based view: each verb method it defines becomes a route on `path`.
   *
   * @example
   * app.view('/books/:id<int>', BookView, { name: 'book' })
   */
  view<P extends string>(
    path: P,
    view: ViewRoutes<PathParams<P>, CtxOf<E>> | (new () => ViewRoutes<PathParams<P>, CtxOf<E>>),
    options: RouteOptions = {},
  ): this {
    const instance = typeof view === 'function' ? new view() : view
    const target = instance as unknown as Record<string, unknown>
    let found = 0
    for (const verb of viewMethods) {
      const method = target[verb]
      if (typeof method !== 'function') continue
      found++
      // The handler is made once, here at registration, not per request. It takes the class's name, so every
      // verb shares one name for `urlFor` (as in Sanic), inferred like a function handler's name.
      const handler = method.bind(instance)
      Object.defineProperty(handler, 'name', { value: instance.constructor.name })
      const source: HandlerSource = { kind: 'view', view: instance, method: method as () => unknown }
      Object.defineProperty(handler, HANDLER_SOURCE, { value: source })
      this.add([verb.toUpperCase()], path, options, handler)
    }
    if (found === 0)
      throw new TypeError(
        `view(): the view for ${path} defines no get/post/put/patch/delete/head/options method`,
      )
    return this
  }

  /**
   * Adds a websocket route. Request middleware and route guards run before the upgrade, so they can refuse
   * with 401/403 before the socket opens. Served by the node server (`listen`); `fetch`/`inject` answer 426.
   *
   * @example
   * app.websocket('/ws/echo', async (req, ws) => {
   *   for await (const message of ws) await ws.send(message)
   * }, { maxPayload: '64kb', subprotocols: ['chat.v1'] })
   */
  websocket<P extends string>(
    path: P,
    handler: WebSocketHandler<PathParams<P>, CtxOf<E>>,
    options: RouteOptions & WebSocketOptions = {},
  ): this {
    assertFunction(handler, `websocket ${path}`)
    const { maxPayload, pingInterval, subprotocols, highWaterMark, maxQueued, ...route } = options
    const target = new WebSocketRoute(handler, {
      maxPayload,
      pingInterval,
      subprotocols,
      highWaterMark,
      maxQueued,
    })
    // The plan's handler is made once here; it hands the route to the upgrade entry.
    const start = (): WebSocketRoute => target
    // Named after the handler, so the route's name is inferred as for any other route (a clash is no error).
    Object.defineProperty(start, 'name', { value: handler.name })
    return this.add([WS_METHOD], path, route, start)
  }

  /**
   * Serves the files of `folder` under `prefix`: ETag/Last-Modified (304), byte ranges (206/416), HEAD,
   * precompressed `.br`/`.gz` siblings, streaming for large files. Nothing outside the folder is ever served.
   *
   * @example
   * app.static('/static', './public', { maxAge: 3600 })
   */
  static(prefix: string, folder: string, options: StaticOptions = {}): this {
    if (typeof folder !== 'string' || folder.length === 0)
      throw new TypeError('static(): folder must be a path')
    if (typeof prefix !== 'string' || !prefix.startsWith('/'))
      throw new TypeError('static(): prefix must start with "/"')
    const handler = staticHandler(folder, resolveStaticOptions(options))
    const source: HandlerSource = { kind: 'static', folder }
    Object.defineProperty(handler, HANDLER_SOURCE, { value: source })
    const base = prefix.replace(/\/+$/, '')
    this.beforeStart(() => checkStaticFolder(folder))
    this.add(['GET'], `${base}/:path<path>`, { name: options.name }, handler)
    return this.add(['GET'], base === '' ? '/' : base, {}, handler) // the folder's own index
  }

  /** @internal Validates and records a route. */
  protected add(methods: string[], path: string, a: unknown, b: unknown): this {
    this.guardOpen('route')
    // `get(path, options)` with the handler forgotten must not take the options for the handler.
    const [options, handler] = b === undefined && (a === null || typeof a !== 'object') ? [{}, a] : [a, b]
    if (typeof path !== 'string')
      throw new TypeError(`route(): the path must be a string, got ${typeof path}`)
    if (options === null || typeof options !== 'object') {
      throw new TypeError(`route(): the options of ${path} must be an object`)
    }
    if (typeof handler !== 'function') {
      throw new TypeError(`route(): the handler of ${path} must be a function, got ${typeof handler}`)
    }
    const { version, host } = options as RouteOptions
    if (host !== undefined && typeof host !== 'string') {
      throw new TypeError(`route(): the host of ${path} must be a string, got ${typeof host}`)
    }
    if (version !== undefined && !/^[\w.-]+$/.test(String(version))) {
      throw new TypeError(
        `route(): the version of ${path} must be a number or a word, got ${String(version)}`,
      )
    }
    if (methods.length === 0) throw new TypeError(`route(): the route ${path} has no methods`)
    for (const method of methods) {
      if (typeof method !== 'string' || !TOKEN.test(method)) {
        throw new TypeError(`route(): ${JSON.stringify(method)} is not an HTTP method (route ${path})`)
      }
    }
    parsePath(path) // a bad pattern fails here, at the line that registered it
    const upper = methods.map((m) => m.toUpperCase())
    this[kScope].routes.push({
      methods: upper,
      path,
      options: options as RouteOptions,
      handler: handler as Handler,
    })
    return this
  }
}
