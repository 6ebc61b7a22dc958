/**
 * Class-based views: one method per HTTP verb, registered together on one path.
 */

import type { BriskRequest } from '../http/request'
import type { HandlerResult } from './types'

/** The verbs a view may define, lower-case as its method names. */
export const viewMethods = ['get', 'head', 'post', 'put', 'patch', 'delete', 'options'] as const

/**
 * A class-based view: define `get`, `post`, … and register it with `app.view(path, View)`.
 *
 * @example
 * class BookView extends HTTPMethodView<{ id: number }> {
 *   get(req: BriskRequest<{ id: number }>) { return books.get(req.params.id) }
 *   delete(req: BriskRequest<{ id: number }>) { books.delete(req.params.id); return empty() }
 * }
 * app.view('/books/:id<int>', BookView)
 */
export abstract class HTTPMethodView<P = Record<string, unknown>, C extends object = {}> {
  get?(req: BriskRequest<P, C>): HandlerResult | Promise<HandlerResult>
  head?(req: BriskRequest<P, C>): HandlerResult | Promise<HandlerResult>
  post?(req: BriskRequest<P, C>): HandlerResult | Promise<HandlerResult>
  put?(req: BriskRequest<P, C>): HandlerResult | Promise<HandlerResult>
  patch?(req: BriskRequest<P, C>): HandlerResult | Promise<HandlerResult>
  delete?(req: BriskRequest<P, C>): HandlerResult | Promise<HandlerResult>
  options?(req: BriskRequest<P, C>): HandlerResult | Promise<HandlerResult>
}
