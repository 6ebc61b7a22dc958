/**
 * The one place where an error becomes a response when no `onError` handler took it.
 *
 * Outside development mode only exposed errors (4xx, or `expose: true`) show their message; anything else is
 * logged and answered with the bare status title, so stacks, paths and secrets never reach a client.
 */

import type { Logger } from '../log/logger'
import { renderProblem, statusTitle } from './error-page'
import { HTTPError } from './errors'
import type { BriskRequest } from './request'
import { headerValue } from './request'
import { BriskResponse } from './response'

/**
 * Turns any thrown value into a problem+json, HTML or text response, by the request's `Accept`. The problem's
 * `type` is the error's own, else `typeBase` + its code (the app's `problemTypeBase`), else `about:blank`.
 *
 * @example
 * defaultErrorResponse(new NotFound(), req, false, logger).status // 404
 */
export function defaultErrorResponse(
  error: unknown,
  req: BriskRequest<any, any>,
  dev: boolean,
  logger: Logger,
  typeBase?: string,
): BriskResponse {
  const http = error instanceof HTTPError ? error : undefined
  const status = http?.status ?? 500
  const expose = http?.expose ?? false
  if (!expose) {
    logger.error({ err: error, reqId: req.id, method: req.method, path: req.path }, 'request failed')
  }
  const shown = expose || dev
  // The code goes into the type only where the code itself is shown: a hidden error stays about:blank.
  const type = http?.type ?? (typeBase !== undefined && http && shown ? typeBase + http.code : 'about:blank')
  const problem: Record<string, unknown> & { title: string; status: number } = {
    type,
    title: statusTitle(status),
    status,
  }
  if (shown) {
    const message = error instanceof Error ? error.message : String(error)
    if (message && message !== problem.title) problem.detail = message
    if (http) {
      problem.code = http.code
      if (http.extensions) for (const key in http.extensions) problem[key] ??= http.extensions[key]
    }
  }
  const stack = dev && error instanceof Error ? error.stack : undefined
  const { contentType, body } = renderProblem(problem, headerValue(req.headers.accept), stack)
  const headers: Record<string, string> = { ...http?.headers, 'content-type': contentType }
  return new BriskResponse(body, status, headers)
}

/**
 * Wraps a thrown non-Error value (a string, a number) so handlers and logs always get an Error.
 *
 * @example
 * asError('boom') instanceof Error // true
 */
export function asError(value: unknown): Error {
  if (value instanceof Error) return value
  return new Error(`A non-Error value was thrown (${value === null ? 'null' : typeof value})`, {
    cause: value,
  })
}
