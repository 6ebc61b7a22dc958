/**
 * The cross-cutting generics: path parameter inference, the per-request context, handlers.
 * Kept to plain interfaces and one-level conditionals so `tsc` stays fast on large apps.
 */
import type { BriskRequest } from '../http/request'
import type { BriskResponse } from '../http/response'

/** What a scope (app, blueprint, group) knows about its requests; `ctx` is `req.ctx`. */
export interface Env {
  ctx?: object
}

/** The `req.ctx` type of an {@link Env}. */
export type CtxOf<E extends Env> = E extends { ctx: infer C extends object } ? C : {}

type KindValue<K extends string> = K extends 'int' | 'float' ? number : string

type SegmentParams<S extends string> = S extends `:${infer Name}<${infer Kind}>`
  ? { [N in Name]: KindValue<Kind> }
  : S extends `:${infer Name}`
    ? { [N in Name]: string }
    : {}

type SplitParams<P extends string> = P extends `${infer Head}/${infer Tail}`
  ? SegmentParams<Head> & SplitParams<Tail>
  : SegmentParams<P>

/**
 * The typed `req.params` of a path pattern: `:id<int>` and `:n<float>` are numbers, everything else a string.
 *
 * @example
 * type P = PathParams<'/books/:id<int>/:slug'>  // { id: number } & { slug: string }
 */
export type PathParams<P extends string> = string extends P ? Record<string, unknown> : SplitParams<P>

/** What a handler may return: a response, a Web `Response`, a string (text), bytes, or anything JSON-serialisable. */
export type HandlerResult =
  | BriskResponse
  | Response
  | string
  | Uint8Array
  | object
  | number
  | boolean
  | null
  | undefined
  | void

/** A route handler. @example const show: Handler<{ id: number }> = (req) => ({ id: req.params.id }) */
export type Handler<P = Record<string, unknown>, C extends object = {}> = (
  req: BriskRequest<P, C>,
) => HandlerResult | Promise<HandlerResult>

/** Request middleware: return nothing to go on, or a response to answer and stop. */
export type RequestHook<C extends object = {}> = (
  req: BriskRequest<any, C>,
) => HandlerResult | undefined | void | Promise<HandlerResult | undefined | void>

/** Response middleware: change `res` in place, or return a new response to replace it. */
export type ResponseHook<C extends object = {}> = (
  req: BriskRequest<any, C>,
  res: BriskResponse,
) => BriskResponse | Response | undefined | void | Promise<BriskResponse | Response | undefined | void>

/** An error handler for one error class; it returns the response to send. */
export type ErrorHook<E = Error, C extends object = {}> = (
  error: E,
  req: BriskRequest<any, C>,
) => HandlerResult | Promise<HandlerResult>

/** The HTTP methods Brisk has helpers for; `route()` takes any other token too. */
export type HTTPMethod = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'OPTIONS'
