/**
 * `validated(schemas, handler)`: a handler whose `req` is typed from its schemas, and whose schemas the
 * plugin enforces before it runs and writes into the document.
 */
import type { BriskRequest, Handler, HandlerResult } from '@brisk/core'
import type { OperationSpec, RequestSchemas } from './operation'
import type { Infer } from './schema'

/** Where `validated()` keeps a handler's spec; `Symbol.for`, so two copies of the package agree. */
export const SPEC: unique symbol = Symbol.for('brisk.openapi.spec')

/** A handler that carries an operation spec, and the handler it was made from. */
export interface SpecifiedHandler<P, C extends object> extends Handler<P, C> {
  readonly [SPEC]: OperationSpec
  readonly [INNER]: Handler<any, any>
}

/** Where `validated()` keeps the handler it was given, which the plugin calls directly. */
const INNER: unique symbol = Symbol.for('brisk.openapi.inner')

/**
 * The request a validated handler sees: `await req.json()`, `req.query` and `req.params` typed from the
 * schemas (a Standard Schema's output, a TypeBox schema's `static`); everything else as `BriskRequest`.
 *
 * @example
 * const create = validated({ body: Book }, async (req: ValidatedRequest<{ body: typeof Book }>) => (await req.json()).title)
 */
export type ValidatedRequest<
  S extends RequestSchemas,
  P = Record<string, unknown>,
  C extends object = {},
> = Omit<BriskRequest<ParamsOf<S, P>, C>, 'json' | 'query'> & {
  /** The body, checked against the `body` schema (its output for a Standard Schema). */
  json(): Promise<S extends { body: infer B } ? Infer<B> : unknown>
  /** The query, its values converted to the declared types and checked. */
  readonly query: S extends { query: infer Q } ? Infer<Q> : Record<string, string | string[]>
}

/** The params type: the `params` schema's when there is one, else the path's. */
export type ParamsOf<S extends RequestSchemas, P> = S extends { params: infer X } ? Infer<X> : P

/**
 * Declares a handler's schemas (and any other documentation) beside it, so its `req` is typed from them
 * with no cast. Registered with `use(openapi)`, the schemas are enforced before the handler (422 otherwise)
 * and written into the document; without the plugin, the handler runs unchecked.
 *
 * @example
 * app.post('/books', validated({ body: BookSchema, responses: { 201: BookSchema } }, async (req) => {
 *   const book = await req.json() // typed from BookSchema
 *   return json(book, 201)
 * }))
 */
export function validated<const S extends OperationSpec, P = Record<string, unknown>, C extends object = {}>(
  spec: S,
  handler: (req: ValidatedRequest<S, P, C>) => HandlerResult | Promise<HandlerResult>,
): SpecifiedHandler<P, C> {
  if (spec === null || typeof spec !== 'object')
    throw new TypeError('validated(): the schemas must be an object')
  if (typeof handler !== 'function') throw new TypeError('validated(): the handler must be a function')
  const wrapped = ((req: BriskRequest<P, C>) =>
    handler(req as unknown as ValidatedRequest<S, P, C>)) as SpecifiedHandler<P, C>
  // Brisk names routes after their handlers (for urlFor): keep the handler's name.
  Object.defineProperty(wrapped, 'name', { value: handler.name })
  Object.defineProperty(wrapped, SPEC, { value: spec })
  Object.defineProperty(wrapped, INNER, { value: handler })
  return wrapped
}

/**
 * The handler `validated()` was given, to call without the wrapper's extra step; any other handler as it is.
 *
 * @example
 * route.wrapHandler((handler) => validatingHandler(plan, innerHandler(handler)))
 */
export function innerHandler(handler: Handler<any, any>): Handler<any, any> {
  return (handler as Partial<SpecifiedHandler<unknown, {}>>)[INNER] ?? handler
}

/** The spec `validated()` attached to a handler, if any. @example specOf(validated({ summary: 'x' }, h)) // { summary: 'x' } */
export function specOf(handler: unknown): OperationSpec | undefined {
  return typeof handler === 'function' ? (handler as Partial<SpecifiedHandler<unknown, {}>>)[SPEC] : undefined
}
