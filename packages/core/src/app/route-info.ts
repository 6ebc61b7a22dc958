/**
 * What is known about a route once the app has started: its full path, name and options. Plugins read it
 * (in `onRoute` hooks and as `req.route`) to learn each other's metadata without importing each other.
 */
import type { MultipartLimits } from '../http/multipart'
import type { ErrorHook, Handler, RequestHook, ResponseHook } from './types'

/**
 * Options of one route. Plugins add their own members by module augmentation:
 *
 * @example
 * declare module '@brisk/core' {
 *   interface RouteOptions { cors?: CorsOptions | false }
 * }
 * app.get('/books', { name: 'books.list', cors: false }, list)
 */
export interface RouteOptions {
  /** The route's name for `app.urlFor`; inside a blueprint it is prefixed with `blueprint.`. @default the handler's function name */
  name?: string
  /** Body limit in bytes or as `'64kb'`. @default the app's `bodyLimit` (1 MiB) */
  bodyLimit?: number | string
  /**
   * Milliseconds the whole request, body included, may take to arrive on Brisk's own server; past it, 408.
   * Raise it on upload routes that take large bodies from slow clients; 0 turns it off for the route.
   * @default the app's `requestTimeout` (30 s)
   */
  requestTimeout?: number
  /** Whether a trailing slash must match exactly. @default the blueprint's, group's, or app's setting */
  strictSlashes?: boolean
  /** Mounts the route under `/v{version}`. */
  version?: number | string
  /** Only answer for this `Host`. */
  host?: string
  /** Limits for `multipart/form-data` bodies on this route (merged over the app's). */
  multipart?: MultipartLimits
  /** Request middleware for this route only, after every scope's. */
  onRequest?: RequestHook<any> | RequestHook<any>[]
  /** Response middleware for this route only, before every scope's. */
  onResponse?: ResponseHook<any> | ResponseHook<any>[]
}

/**
 * That a route needs credentials, as an auth plugin records it in `route.meta.auth`, so other plugins (an
 * OpenAPI generator, say) learn it without importing the auth plugin.
 *
 * @example
 * route.meta.auth = { scheme: 'bearerAuth', definition: { type: 'http', scheme: 'bearer' }, scopes: ['books:write'], anyOf: [] }
 */
export interface RouteAuth {
  /** The security scheme's name, e.g. `bearerAuth` (the key in OpenAPI's `components.securitySchemes`). */
  readonly scheme: string
  /** The scheme as OpenAPI describes it, e.g. `{ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' }`. */
  readonly definition: Readonly<Record<string, unknown>>
  /** Scopes a caller must all hold. */
  readonly scopes: readonly string[]
  /** Scopes of which a caller must hold at least one; empty when none is asked. */
  readonly anyOf: readonly string[]
}

/**
 * What plugins learned about a route at start-up, for other plugins to read; written by `onRoute` hooks,
 * frozen once the route is compiled. Plugins add their own members by module augmentation.
 */
export interface RouteMeta {
  /** The route needs credentials (set by an auth plugin such as `@brisk/jwt`). */
  auth?: RouteAuth
}

/**
 * Where a handler came from, when core made it: a class view's method, or a static folder. Kept on the handler
 * under {@link HANDLER_SOURCE}, so a plugin that sees the handler (`route.wrapHandler`) can find the view method
 * (and the decorators on it) behind a bound handler, or leave static routes out of what it describes.
 *
 * @example
 * route.wrapHandler((handler) => {
 *   const source = (handler as { [HANDLER_SOURCE]?: HandlerSource })[HANDLER_SOURCE]
 *   if (source?.kind === 'view') console.log(source.view.constructor.name, source.method.name)
 *   return handler
 * })
 */
export type HandlerSource =
  | { readonly kind: 'view'; readonly view: object; readonly method: (...args: any[]) => unknown }
  | { readonly kind: 'static'; readonly folder: string }

/** The key of a handler's {@link HandlerSource}; `Symbol.for`, so copies of core agree on it. */
export const HANDLER_SOURCE: unique symbol = Symbol.for('brisk.handler-source')

/** A route as the app compiled it. */
export interface RouteInfo {
  /** The full name (`books.show`), if it has one. */
  readonly name: string | undefined
  /** The method it answers (`GET`, …). */
  readonly method: string
  /** The full path pattern, prefixes and version included (`/api/v1/books/:id<int>`). */
  readonly path: string
  /** The `Host` it is bound to, if any. */
  readonly host: string | undefined
  /** The options it was registered with. */
  readonly options: Readonly<RouteOptions>
  /** The blueprint it belongs to, if any. */
  readonly blueprint: string | undefined
  /** True for the HEAD and OPTIONS routes Brisk adds by itself. */
  readonly automatic: boolean
  /** What plugins recorded about the route while it was compiled (read-only afterwards). */
  readonly meta: Readonly<RouteMeta>
}

/**
 * A route while it is being compiled: `onRoute` hooks may add middleware to it.
 *
 * @example
 * scope.onRoute((route) => {
 *   if (route.options.auth) route.addRequestHook(guard(route.options.auth))
 * })
 */
export interface RouteBuilder extends RouteInfo {
  /** Facts for other plugins to read: `route.meta.auth = { … }`. */
  readonly meta: RouteMeta
  /** Adds request middleware that runs after the scopes' own, before the route's. */
  addRequestHook(hook: RequestHook<any>): void
  /** Adds response middleware that runs before the scopes' own. */
  addResponseHook(hook: ResponseHook<any>): void
  /** Adds an error handler that is tried before the scopes' handlers. */
  addErrorHandler(type: abstract new (...args: any[]) => unknown, hook: ErrorHook<any, any>): void
  /**
   * Replaces the route's handler with one built around it, once, at start-up (e.g. a template plugin that
   * renders what the handler returns). Wrappers added later wrap earlier ones.
   *
   * @example
   * route.wrapHandler((inner) => async (req) => render(req, route.options.template!, await inner(req)))
   */
  wrapHandler(wrap: (handler: Handler<any, any>) => Handler<any, any>): void
}
