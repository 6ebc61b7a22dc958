/**
 * Handlers that return only the context: the `template` route option, and `template()` as a decorator for
 * class-view methods or as a wrapper around a handler.
 */
import { type BriskRequest, BriskResponse, type HandlerResult, type RouteBuilder } from '@brisk/core'
import { renderResponse } from './render'

declare module '@brisk/core' {
  interface RouteOptions {
    /**
     * Renders what the handler returns with this template (needs `use(templates)` on the app or the
     * route's blueprint). A returned response passes through untouched.
     *
     * @example
     * app.get('/', { template: 'home.html' }, () => ({ title: 'Home' }))
     */
    template?: string
  }
}

/**
 * What a templated handler's result becomes: a `BriskResponse` or `Response` (a redirect, an error page), a
 * string or bytes pass through; `undefined` or `null` render with an empty context; any other object is the
 * context.
 */
function page(
  req: BriskRequest<any, any>,
  name: string,
  result: unknown,
): HandlerResult | Promise<HandlerResult> {
  if (result === undefined || result === null) return renderResponse(req, name, {})
  if (
    typeof result !== 'object' ||
    result instanceof BriskResponse ||
    result instanceof Response ||
    ArrayBuffer.isView(result)
  ) {
    return result as HandlerResult
  }
  return renderResponse(req, name, result as Record<string, unknown>)
}

function templated<T>(
  name: string,
  fn: (this: T, req: BriskRequest<any, any>) => unknown,
): (this: T, req: BriskRequest<any, any>) => HandlerResult | Promise<HandlerResult> {
  return function (this: T, req: BriskRequest<any, any>) {
    const out = fn.call(this, req)
    // A sync handler stays synchronous, and so does its page when nothing in it has to be waited for.
    return out instanceof Promise ? out.then((result) => page(req, name, result)) : page(req, name, out)
  }
}

/**
 * The method decorator that `template(name)` returns.
 *
 * @example
 * const asShow: TemplateDecorator = template('books/show.html')
 */
export type TemplateDecorator = <T extends (this: any, req: BriskRequest<any, any>, ...rest: any[]) => any>(
  method: T,
  context: ClassMethodDecoratorContext,
) => T

/**
 * Renders what a handler returns with a template. With a handler, it returns the wrapped handler; without
 * one, it is a decorator (TypeScript 5 standard decorators) for a class-view method.
 *
 * @example
 * app.get('/books/:id<int>', template('books/show.html', async (req) => ({ book: await books.get(req.params.id) })))
 *
 * class BookView extends HTTPMethodView<{ id: number }> {
 *   @template('books/show.html')
 *   async get(req: BriskRequest<{ id: number }>) { return { book: await books.get(req.params.id) } }
 * }
 */
export function template<P, C extends object>(
  name: string,
  handler: (req: BriskRequest<P, C>) => unknown,
): (req: BriskRequest<P, C>) => HandlerResult | Promise<HandlerResult>
export function template(name: string): TemplateDecorator
export function template(name: string, handler?: (req: BriskRequest<any, any>) => unknown): unknown {
  if (typeof name !== 'string' || name === '') {
    throw new TypeError(
      `template(): the template name must be a non-empty string, got ${JSON.stringify(name)}`,
    )
  }
  if (handler !== undefined) {
    if (typeof handler !== 'function') throw new TypeError('template(): the handler must be a function')
    const wrapped = templated(name, handler)
    // Keep the handler's name: Brisk names routes after their handlers (for urlFor).
    Object.defineProperty(wrapped, 'name', { value: handler.name })
    return wrapped
  }
  const decorator = (
    method: (this: unknown, ...args: any[]) => unknown,
    context: ClassMethodDecoratorContext,
  ) => {
    if (typeof context !== 'object' || context?.kind !== 'method') {
      // A string here is a legacy (`experimentalDecorators`) call, which passes the property name instead.
      throw new TypeError(
        '@template() is a standard (TypeScript 5) method decorator; without them, wrap the handler: template(name, handler)',
      )
    }
    return templated(name, method as (this: unknown, req: BriskRequest<any, any>) => unknown)
  }
  return decorator
}

// One wrapper per route even when both the app and the route's blueprint registered the plugin (both
// registrations' onRoute hooks see the same builder).
const wrapped = new WeakSet<RouteBuilder>()

/**
 * The `onRoute` hook of every registration: wraps the handler of a route with a `template` option.
 * Automatic OPTIONS routes copy their GET route's options but answer with `Allow`, so they are left alone.
 *
 * @example
 * scope.onRoute(wrapTemplateRoute)
 */
export function wrapTemplateRoute(route: RouteBuilder): void {
  const name = route.options.template
  if (name === undefined || route.automatic || wrapped.has(route)) return
  if (typeof name !== 'string' || name === '') {
    throw new TypeError(`the template option of ${route.method} ${route.path} must be a non-empty string`)
  }
  wrapped.add(route)
  route.wrapHandler((handler) => templated(name, handler as (req: BriskRequest<any, any>) => unknown))
}
