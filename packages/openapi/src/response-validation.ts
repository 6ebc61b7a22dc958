/**
 * Response validation, for development and tests (`validateResponses`): what a handler returns as a plain
 * value is checked against the declared schema of the status it will be sent with (200), and a 500 names
 * what is wrong before a client sees it.
 */
import { type BriskRequest, BriskResponse, type Handler, type HandlerResult } from '@brisk/core'
import type { Check } from './check'
import { runCheck } from './check'
import { ResponseValidationFailed } from './errors'

/**
 * Wraps a handler so that a plain value it returns (sent as JSON with status 200) is checked first.
 * Responses it builds itself (`json(data, 201)`, a `Response`, text, bytes) pass as they are.
 *
 * @example
 * route.wrapHandler((handler) => responseCheckingHandler(check, handler))
 */
export function responseCheckingHandler(check: Check, handler: Handler<any, any>): Handler<any, any> {
  return (req) => {
    const out = handler(req)
    return out instanceof Promise ? out.then((value) => checked(check, value, req)) : checked(check, out, req)
  }
}

function checked(
  check: Check,
  value: HandlerResult,
  _req: BriskRequest<any, any>,
): HandlerResult | Promise<HandlerResult> {
  if (
    value === undefined ||
    value === null ||
    typeof value !== 'object' ||
    value instanceof BriskResponse ||
    value instanceof Response ||
    ArrayBuffer.isView(value)
  ) {
    return value
  }
  const outcome = runCheck(check, value)
  if (outcome instanceof Promise) {
    return outcome.then((o) => {
      if (o.errors !== null) throw new ResponseValidationFailed(200, o.errors)
      return o.value as HandlerResult
    })
  }
  if (outcome.errors !== null) throw new ResponseValidationFailed(200, outcome.errors)
  return outcome.value as HandlerResult
}
