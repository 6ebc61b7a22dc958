/**
 * A route's frozen plan, built once when the app starts: every scope's middleware merged in order, a phase
 * with no hooks set to `null` so the runner skips it with one check, error handlers ordered nearest first.
 */

import type { RouteInfo } from '../app/route-info'
import type { ErrorHook, Handler, RequestHook, ResponseHook } from '../app/types'
import type { BriskRequest, RequestRoute } from '../http/request'
import type { BriskResponse } from '../http/response'

/** An `onError` registration. */
export interface ErrorEntry {
  readonly type: abstract new (...args: any[]) => unknown
  readonly hook: ErrorHook<any, any>
}

/** What answers when no error handler took an error. */
export type Fallback = (error: unknown, req: BriskRequest<any, any>) => BriskResponse

/** One route, ready to run. */
export interface RoutePlan extends RequestRoute {
  readonly info: RouteInfo | null
  /** Request middleware, app first; null when there is none. */
  readonly pre: readonly RequestHook<any>[] | null
  readonly handler: Handler<any, any>
  /** Response middleware, route first; null when there is none. */
  readonly post: readonly ResponseHook<any>[] | null
  /** Error handlers by scope, nearest scope first; null when there is none. */
  readonly errors: readonly (readonly ErrorEntry[])[] | null
  readonly fallback: Fallback
  readonly bodyLimit: number
}
