/**
 * Request validation before the handler: path parameters, query and headers first (synchronously when every
 * check can be), then the JSON body. Any bad field ends in one 422 that lists them all.
 */
import type { BriskRequest, Handler, HandlerResult } from '@brisk/core'
import type { Compilers } from './ajv'
import { ajvErrors, type Check, compileCheck, type Outcome, runCheck } from './check'
import { type FieldError, OpenAPIError, ValidationFailed } from './errors'
import type { RequestSchemas } from './operation'
import type { ToJSONSchema } from './schema'

/** The compiled checks of one route; null where nothing is declared. */
export interface RequestPlan {
  readonly params: Check | null
  readonly query: Check | null
  readonly headers: Check | null
  readonly body: Check | null
  /** Whether a parameter check may answer with a promise (an async Standard Schema). */
  readonly sync: boolean
}

/**
 * Compiles a route's request schemas, or returns null when it declares none (the route then pays nothing).
 *
 * @example
 * const plan = compileRequestPlan({ body: BookSchema }, compilers, 'POST /books')
 */
export function compileRequestPlan(
  schemas: RequestSchemas & { bodyContentType?: string },
  compilers: Compilers,
  where: string,
  toJSONSchema?: ToJSONSchema,
): RequestPlan | null {
  const { body, query, params, headers } = schemas
  if (body === undefined && query === undefined && params === undefined && headers === undefined) return null
  const form = body !== undefined && isForm(schemas.bodyContentType, where)
  const plan = {
    params:
      params === undefined ? null : compileCheck(params, 'path', compilers.coercing, where, toJSONSchema),
    query: query === undefined ? null : compileCheck(query, 'query', compilers.coercing, where, toJSONSchema),
    headers:
      headers === undefined ? null : compileCheck(headers, 'header', compilers.coercing, where, toJSONSchema),
    body:
      body === undefined
        ? null
        : compileCheck(body, 'body', form ? compilers.coercing : compilers.exact, where, toJSONSchema, form),
  }
  return {
    ...plan,
    sync: plan.params?.standard == null && plan.query?.standard == null && plan.headers?.standard == null,
  }
}

/**
 * Wraps a handler so the request is checked first. Made once per route at start-up; per request it runs
 * top-level functions only.
 *
 * @example
 * route.wrapHandler((handler) => validatingHandler(plan, handler))
 */
export function validatingHandler(plan: RequestPlan, handler: Handler<any, any>): Handler<any, any> {
  const body = plan.body
  if (
    body !== null &&
    !body.form &&
    body.standard === null &&
    plan.params === null &&
    plan.query === null &&
    plan.headers === null
  ) {
    // The common case, a JSON Schema body and nothing else: one async step, no outcome objects.
    const validate = body.ajv!
    return async (req) => {
      const data = await req.json()
      if (!validate(data)) throw new ValidationFailed(ajvErrors(validate, 'body'))
      return handler(req)
    }
  }
  if (plan.sync) {
    if (plan.body === null) return (req) => checkSyncParts(plan, handler, req)
    return (req) => checkBody(plan, handler, req, syncPartErrors(plan, req))
  }
  return (req) => checkAllAsync(plan, handler, req)
}

function checkSyncParts(
  plan: RequestPlan,
  handler: Handler<any, any>,
  req: BriskRequest<any, any>,
): HandlerResult | Promise<HandlerResult> {
  const errors = syncPartErrors(plan, req)
  if (errors !== null) throw new ValidationFailed(errors)
  return handler(req)
}

/** Checks parameters with Ajv only (no Standard Schema): values are converted in place. */
function syncPartErrors(plan: RequestPlan, req: BriskRequest<any, any>): FieldError[] | null {
  let errors: FieldError[] | null = null
  if (plan.params !== null) errors = add(errors, runCheck(plan.params, req.params) as Outcome)
  if (plan.query !== null) errors = add(errors, runCheck(plan.query, req.query) as Outcome)
  if (plan.headers !== null) errors = add(errors, runCheck(plan.headers, headerCopy(req)) as Outcome)
  return errors
}

async function checkBody(
  plan: RequestPlan,
  handler: Handler<any, any>,
  req: BriskRequest<any, any>,
  errors: FieldError[] | null,
): Promise<HandlerResult> {
  // Malformed JSON, a wrong content type or an empty body throw here as core's 400/415.
  const body = plan.body!.form ? await req.form() : await req.json()
  let outcome = runCheck(plan.body!, body)
  if (outcome instanceof Promise) outcome = await outcome
  errors = add(errors, outcome)
  if (errors !== null) throw new ValidationFailed(errors)
  if (outcome.value !== body && !refill(body, outcome.value) && !plan.body!.form) setJSON(req, outcome.value)
  return handler(req)
}

async function checkAllAsync(
  plan: RequestPlan,
  handler: Handler<any, any>,
  req: BriskRequest<any, any>,
): Promise<HandlerResult> {
  let errors: FieldError[] | null = null
  if (plan.params !== null) {
    const outcome = await runCheck(plan.params, req.params)
    errors = add(errors, outcome)
    // Over the router's values: a schema that strips unknown keys (zod's objects) names only some parameters.
    if (outcome.errors === null) req.params = { ...req.params, ...(outcome.value as object) }
  }
  if (plan.query !== null) {
    const query = req.query
    const outcome = await runCheck(plan.query, query)
    errors = add(errors, outcome)
    if (outcome.errors === null && outcome.value !== query)
      if (!refill(query, outcome.value)) Object.defineProperty(req, 'query', { value: outcome.value })
  }
  if (plan.headers !== null) errors = add(errors, await runCheck(plan.headers, headerCopy(req)))
  if (plan.body !== null) return checkBody(plan, handler, req, errors)
  if (errors !== null) throw new ValidationFailed(errors)
  return handler(req)
}

/**
 * Whether a body of this media type is read as form fields (`req.form()`) rather than JSON; a type the plugin
 * cannot read fails at start-up, since its schema could not be enforced.
 */
function isForm(contentType: string | undefined, where: string): boolean {
  const type = (contentType ?? 'application/json').split(';')[0]!.trim().toLowerCase()
  if (type === 'application/x-www-form-urlencoded' || type === 'multipart/form-data') return true
  if (type === 'application/json' || type.endsWith('+json')) return false
  throw new OpenAPIError(
    'BRISK_OPENAPI_ERR_SCHEMA',
    `The body of ${where} is ${type}, which the plugin cannot read to check (JSON and form bodies only): document it with an OpenAPI requestBody in extra instead`,
  )
}

function add(errors: FieldError[] | null, outcome: Outcome): FieldError[] | null {
  if (outcome.errors === null) return errors
  return errors === null ? outcome.errors : errors.concat(outcome.errors)
}

/** Headers are checked on a copy: converting them in place would change what every other reader sees. */
function headerCopy(req: BriskRequest<any, any>): Record<string, unknown> {
  return { ...req.headers }
}

/**
 * Puts a Standard Schema's output into the object the request already holds (its parsed body, its query), when
 * both are plain objects: the request keeps its shape, and what the handler reads is the output.
 */
function refill(target: unknown, output: unknown): boolean {
  if (!isPlain(target) || !isPlain(output)) return false
  for (const key of Object.keys(target)) if (!Object.hasOwn(output, key)) delete target[key]
  Object.assign(target, output)
  return true
}

function isPlain(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false
  const proto = Object.getPrototypeOf(value)
  return proto === Object.prototype || proto === null
}

/** Otherwise the output (a class instance, an array) replaces `req.json` for this request. */
function setJSON(req: BriskRequest<any, any>, value: unknown): void {
  const promise = Promise.resolve(value)
  Object.defineProperty(req, 'json', { value: () => promise, configurable: true })
}
