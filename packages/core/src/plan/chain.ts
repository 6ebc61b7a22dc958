/**
 * Runs a route plan: request middleware, handler, response middleware, and the error path.
 *
 * Every function here is top-level and takes its state as arguments: a synchronous route makes no closure. It
 * stays synchronous until a step hands back a promise; only then does it continue, in an async function or, for
 * the handler's own promise (the common async case), in two `then` callbacks, which cost less than an async
 * function's frame and turn on Deno's server.
 */
import { asError } from '../http/default-error'
import type { BriskRequest } from '../http/request'
import { BriskResponse, fromWebResponse, toResponse } from '../http/response'
import { WebSocketRoute } from '../http/websocket'
import type { ErrorEntry, RoutePlan } from './route-plan'

type Req = BriskRequest<any, any>

/**
 * @internal What the core's own handlers (no route matched, a method not allowed, a malformed path) return
 * instead of throwing: the error, taken down the same error path as a thrown one (error handlers, fallback,
 * response middleware). A `throw` costs V8 about 3 µs (it builds a message object with the source position
 * of the throw) while everything else a 404 does costs less than that; misses come at the rate clients send
 * them. Never exported from the package: a user's handler or middleware cannot return one.
 *
 * @example
 * return new Failure(unstacked(() => new NotFound(`No route for ${req.method} ${req.path}`)))
 */
export class Failure {
  constructor(readonly error: Error) {}
}

/**
 * Runs `plan` for `req` and returns what to send: a {@link BriskResponse}, a Web `Response`, or a raw handler
 * result (string, object, …) when no response middleware needed a response object.
 *
 * @example
 * const out = runPlan(plan, req)
 * const result = out instanceof Promise ? await out : out
 */
export function runPlan(plan: RoutePlan, req: Req): unknown {
  let out: unknown
  try {
    out = plan.pre === null ? plan.handler(req) : runPre(plan, req, 0)
  } catch (error) {
    return recover(plan, req, error)
  }
  if (out instanceof Promise) return settle(plan, req, out)
  if (out instanceof Failure) return recover(plan, req, out.error)
  return plan.post === null ? out : startPost(plan, req, out)
}

function runPre(plan: RoutePlan, req: Req, from: number): unknown {
  const hooks = plan.pre!
  for (let i = from; i < hooks.length; i++) {
    const out = hooks[i]!(req)
    if (out instanceof Promise) return resumePre(plan, req, out, i + 1)
    if (out !== undefined && out !== null) return out // a middleware answered: the handler does not run
  }
  return plan.handler(req)
}

async function resumePre(
  plan: RoutePlan,
  req: Req,
  pending: Promise<unknown>,
  next: number,
): Promise<unknown> {
  const out = await pending
  if (out !== undefined && out !== null) return out
  return runPre(plan, req, next)
}

// `then`, not an async function: on Deno's server the async form cost about 0.5 µs more per async route.
function settle(plan: RoutePlan, req: Req, pending: Promise<unknown>): Promise<unknown> {
  return pending.then(
    (out) => {
      if (out instanceof Failure) return recover(plan, req, out.error)
      return plan.post === null ? out : startPost(plan, req, out)
    },
    (error) => recover(plan, req, error),
  )
}

/** Response middleware needs a response object; a result that cannot become one (a BigInt) is an error. */
function startPost(plan: RoutePlan, req: Req, out: unknown): unknown {
  // An accepted websocket upgrade is no response: there is nothing for response middleware to see.
  if (out instanceof WebSocketRoute) return out
  let res: BriskResponse
  try {
    res = asBrisk(out)
  } catch (error) {
    return recover(plan, req, error)
  }
  return runPost(plan, req, res, 0)
}

function runPost(
  plan: RoutePlan,
  req: Req,
  res: BriskResponse,
  from: number,
): BriskResponse | Promise<BriskResponse> {
  const hooks = plan.post!
  for (let i = from; i < hooks.length; i++) {
    let out: unknown
    try {
      out = hooks[i]!(req, res)
    } catch (error) {
      return errorResponse(plan, req, error)
    }
    if (out instanceof Promise) return resumePost(plan, req, res, out, i + 1)
    if (out !== undefined && out !== null) res = asBrisk(out)
  }
  return res
}

async function resumePost(
  plan: RoutePlan,
  req: Req,
  res: BriskResponse,
  pending: Promise<unknown>,
  next: number,
): Promise<BriskResponse> {
  let out: unknown
  try {
    out = await pending
  } catch (error) {
    return errorResponse(plan, req, error)
  }
  return runPost(plan, req, out !== undefined && out !== null ? asBrisk(out) : res, next)
}

/** An error before the response phase: turn it into a response, then let response middleware see it. */
function recover(plan: RoutePlan, req: Req, thrown: unknown): unknown {
  const out = errorResponse(plan, req, thrown)
  if (plan.post === null) return out
  if (out instanceof Promise) return out.then((res) => runPost(plan, req, res, 0)) // error path only
  return runPost(plan, req, out, 0)
}

/** The nearest matching error handler's response, or the app's fallback; never throws. */
function errorResponse(plan: RoutePlan, req: Req, thrown: unknown): BriskResponse | Promise<BriskResponse> {
  const error = asError(thrown)
  const entry = plan.errors === null ? undefined : nearestHandler(plan.errors, error)
  if (entry === undefined) return plan.fallback(error, req)
  let out: unknown
  try {
    out = entry.hook(error, req)
  } catch (failure) {
    return plan.fallback(asError(failure), req)
  }
  if (out instanceof Promise) return settleHandler(plan, req, out)
  try {
    return asBrisk(out)
  } catch (failure) {
    return plan.fallback(asError(failure), req)
  }
}

async function settleHandler(plan: RoutePlan, req: Req, pending: Promise<unknown>): Promise<BriskResponse> {
  try {
    return asBrisk(await pending)
  } catch (failure) {
    return plan.fallback(asError(failure), req)
  }
}

/** The nearest scope with a handler wins; within a scope, the handler for the most specific class. */
function nearestHandler(levels: readonly (readonly ErrorEntry[])[], error: Error): ErrorEntry | undefined {
  for (const level of levels) {
    let best: ErrorEntry | undefined
    let bestDistance = Number.POSITIVE_INFINITY
    for (const entry of level) {
      const distance = protoDistance(error, entry.type.prototype)
      if (distance < bestDistance) {
        best = entry
        bestDistance = distance
      }
    }
    if (best !== undefined) return best
  }
  return undefined
}

function protoDistance(value: object, proto: unknown): number {
  let distance = 0
  for (let p = Object.getPrototypeOf(value); p !== null; p = Object.getPrototypeOf(p), distance++) {
    if (p === proto) return distance
  }
  return Number.POSITIVE_INFINITY
}

/** Any handler result as a response object that middleware can change. */
function asBrisk(result: unknown): BriskResponse {
  const res = toResponse(result)
  return res instanceof BriskResponse ? res : fromWebResponse(res)
}

/**
 * What an entry sends: the result as a response object, or — when it cannot become one (a BigInt, a cycle) —
 * the fallback's 500, so a bad handler result never escapes the entry.
 *
 * @example
 * const res = responseFor(result, req, plan.fallback)
 */
export function responseFor(
  result: unknown,
  req: Req,
  fallback: (error: unknown, req: Req) => BriskResponse,
): BriskResponse {
  try {
    return asBrisk(result)
  } catch (error) {
    return fallback(error, req)
  }
}
