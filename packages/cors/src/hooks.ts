/**
 * What runs per request: answering preflights (request middleware) and adding the allow headers to every
 * other response (response middleware). Top-level functions over a resolved {@link Policy}; they stay
 * synchronous unless the origin function returns a promise.
 *
 * The protocol: https://fetch.spec.whatwg.org/#http-cors-protocol
 */
import { type BriskRequest, BriskResponse } from '@brisk/core'
import type { Policy } from './policy'
import { appendVary } from './vary'

type Req = BriskRequest<any, any>

/**
 * Answers a CORS preflight (an OPTIONS request with `Origin` and `Access-Control-Request-Method`,
 * https://fetch.spec.whatwg.org/#cors-preflight-request) from an allowed origin. Anything else, a preflight
 * from an origin that is not allowed included, goes on to the route as if CORS were not there: a plain
 * OPTIONS gets the app's `Allow` answer.
 *
 * @example
 * route.addRequestHook((req) => answerPreflight(policy, req))
 */
export function answerPreflight(
  policy: Policy,
  req: Req,
): BriskResponse | Promise<BriskResponse | undefined> | undefined {
  if (req.method !== 'OPTIONS') return undefined // a route for every method sees OPTIONS among others
  const origin = single(req.headers.origin)
  if (origin === undefined) return undefined
  const method = single(req.headers['access-control-request-method'])
  if (method === undefined) return undefined
  if (policy.wildcard) return preflightResponse(policy, req, '*', method)
  const allowed = policy.allows(origin, req)
  if (allowed === true) return preflightResponse(policy, req, origin, method)
  if (allowed instanceof Promise) return preflightLater(policy, req, origin, method, allowed)
  return undefined
}

async function preflightLater(
  policy: Policy,
  req: Req,
  origin: string,
  method: string,
  pending: Promise<boolean>,
): Promise<BriskResponse | undefined> {
  return (await pending) === true ? preflightResponse(policy, req, origin, method) : undefined
}

function preflightResponse(policy: Policy, req: Req, origin: string, method: string): BriskResponse {
  const headers: Record<string, string | string[]> = { ...policy.preflight }
  headers['access-control-allow-origin'] = origin
  if (policy.reflectMethod) headers['access-control-allow-methods'] = method
  if (policy.reflectHeaders) {
    const asked = single(req.headers['access-control-request-headers'])
    if (asked !== undefined && asked !== '') headers['access-control-allow-headers'] = asked
  }
  return new BriskResponse(null, policy.preflightStatus, headers)
}

/**
 * Adds CORS headers to a response: `Vary` always (appended), and for an allowed origin
 * `Access-Control-Allow-Origin` with the credentials and expose headers. Error responses get them too, so a
 * page can read why its request failed. A response that already has `Access-Control-Allow-Origin` (set by
 * its handler, or a preflight answered above) keeps its own.
 *
 * @example
 * route.addResponseHook((req, res) => decorate(policy, req, res))
 */
export function decorate(policy: Policy, req: Req, res: BriskResponse): Promise<undefined> | undefined {
  if (isPreflight(req)) {
    appendVary(res.headers, policy.preflightVary)
    return undefined
  }
  return decorateActual(policy, req, res)
}

/**
 * {@link decorate} for a request that has no route (404, 405, a malformed path): a preflight there is not
 * answered, so it is treated like any other request and its error carries the simple headers.
 *
 * @example
 * app.onResponse((req, res) => (req.route === null ? decorateActual(policy, req, res) : undefined))
 */
export function decorateActual(policy: Policy, req: Req, res: BriskResponse): Promise<undefined> | undefined {
  const headers = res.headers
  if (policy.vary !== null) appendVary(headers, policy.vary)
  if (headers['access-control-allow-origin'] !== undefined) return undefined
  if (policy.wildcard) {
    setPairs(headers, policy.actual)
    return undefined
  }
  const origin = single(req.headers.origin)
  if (origin === undefined) return undefined
  const allowed = policy.allows(origin, req)
  if (allowed === true) allow(policy, headers, origin)
  else if (allowed instanceof Promise) return allowLater(policy, headers, origin, allowed)
  return undefined
}

async function allowLater(
  policy: Policy,
  headers: Record<string, string | string[]>,
  origin: string,
  pending: Promise<boolean>,
): Promise<undefined> {
  if ((await pending) === true) allow(policy, headers, origin)
  return undefined
}

function allow(policy: Policy, headers: Record<string, string | string[]>, origin: string): void {
  headers['access-control-allow-origin'] = origin
  setPairs(headers, policy.actual)
}

function setPairs(headers: Record<string, string | string[]>, pairs: readonly string[]): void {
  for (let i = 0; i < pairs.length; i += 2) headers[pairs[i]!] = pairs[i + 1]!
}

function isPreflight(req: Req): boolean {
  return (
    req.method === 'OPTIONS' &&
    req.headers.origin !== undefined &&
    req.headers['access-control-request-method'] !== undefined
  )
}

/**
 * One value of a header. Browsers send `Origin` once; two values (`a, b`) match no configured origin, which
 * is the safe outcome for a request no browser makes.
 */
function single(value: string | string[] | undefined): string | undefined {
  return value === undefined || typeof value === 'string' ? value : value.join(', ')
}
