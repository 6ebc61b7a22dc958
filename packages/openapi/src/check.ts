/**
 * One schema turned into a check, at start-up: a compiled Ajv function for JSON Schema, the validator itself
 * for Standard Schema. A check answers the value to use (a Standard Schema's output) or the bad fields.
 */
import type { StandardSchemaV1 } from '@standard-schema/spec'
import type { Ajv2020, ValidateFunction } from 'ajv/dist/2020.js'
import { errorPointer, escapePointer } from './ajv'
import { type FieldError, OpenAPIError } from './errors'
import { isStandardSchema, type JSONSchema, jsonSchemaOf, type Schema, type ToJSONSchema } from './schema'

/** Where a checked value comes from: the body, or one kind of parameter. */
export type Location = 'body' | 'query' | 'path' | 'header'

/** A compiled schema of one location. */
export interface Check {
  readonly location: Location
  /** Ajv's function for a JSON Schema; for a Standard Schema, the Ajv function that only converts strings. */
  readonly ajv: ValidateFunction | null
  /** The Standard Schema validator, or null for JSON Schema. */
  readonly standard: StandardSchemaV1 | null
  /**
   * Whether a Standard Schema body must be an object: some validators take an array for an object and
   * report its "missing" fields, where the answer should be one item at `#`.
   */
  readonly object: boolean
  /** A form body (urlencoded or multipart fields, read with `req.form()`), whose strings are converted. */
  readonly form: boolean
}

/** What a check found: the value to go on with, or the bad fields. */
export type Outcome =
  | { readonly value: unknown; readonly errors: null }
  | { readonly value: undefined; readonly errors: FieldError[] }

// A body with thousands of bad items would otherwise make an answer as large as itself.
const MAX_ERRORS = 100

/**
 * Compiles a schema for one location. JSON Schema is compiled by Ajv; a Standard Schema runs as it is, and
 * for parameters its JSON Schema (when it has one) is compiled too, only to convert strings before it runs.
 *
 * @example
 * const check = compileCheck(BookSchema, 'body', compilers.exact, 'POST /books')
 */
export function compileCheck(
  schema: Schema,
  location: Location,
  ajv: Ajv2020,
  where: string,
  toJSONSchema?: ToJSONSchema,
  form = false,
): Check {
  if (isStandardSchema(schema)) {
    let json: JSONSchema | undefined
    let converter: ValidateFunction | null = null
    try {
      json = jsonSchemaOf(schema, 'input', where, toJSONSchema)
      if (location !== 'body' || form) converter = ajv.compile(json as object)
    } catch (error) {
      if (error instanceof EvalError) throw codegenRefused(location, where, error)
      // A schema that cannot say its JSON Schema still validates; its parameters just stay strings.
    }
    return {
      location,
      ajv: converter,
      standard: schema,
      object: location === 'body' && json?.type === 'object',
      form,
    }
  }
  try {
    return {
      location,
      ajv: ajv.compile(jsonSchemaOf(schema, 'input', where) as JSONSchema as object),
      standard: null,
      object: false,
      form,
    }
  } catch (error) {
    if (error instanceof OpenAPIError) throw error
    if (error instanceof EvalError) throw codegenRefused(location, where, error)
    throw new OpenAPIError(
      'BRISK_OPENAPI_ERR_SCHEMA',
      `The ${location} schema of ${where} does not compile: ${(error as Error).message}`,
      { cause: error },
    )
  }
}

/**
 * Ajv compiles a schema into a function with `new Function`, which Cloudflare Workers allow only while the
 * module loads (an `EvalError` later): the start-up error says where to start the app instead.
 */
function codegenRefused(location: Location, where: string, error: EvalError): OpenAPIError {
  return new OpenAPIError(
    'BRISK_OPENAPI_ERR_SCHEMA',
    `The ${location} schema of ${where} cannot be compiled now: ${error.message}. Ajv compiles schemas with ` +
      'new Function, which Cloudflare Workers allow only while the module loads: start the app there, with ' +
      '`await app.ready()` at the top level of the Worker module',
    { cause: error },
  )
}

/**
 * Runs a check: synchronously for JSON Schema and for Standard Schemas that answer at once, else a promise.
 *
 * @example
 * const outcome = runCheck(check, await req.json())
 */
export function runCheck(check: Check, data: unknown): Outcome | Promise<Outcome> {
  if (check.standard === null) {
    const validate = check.ajv!
    return validate(data)
      ? { value: data, errors: null }
      : { value: undefined, errors: ajvErrors(validate, check.location) }
  }
  if (check.object && (data === null || typeof data !== 'object' || Array.isArray(data))) {
    return { value: undefined, errors: [fieldError(check.location, '', 'must be object')] }
  }
  if (check.ajv !== null) check.ajv(data) // converts strings in place; the validator below reports the errors
  const result = check.standard['~standard'].validate(data)
  return result instanceof Promise
    ? result.then((r) => standardOutcome(r, check.location))
    : standardOutcome(result, check.location)
}

function standardOutcome(result: StandardSchemaV1.Result<unknown>, location: Location): Outcome {
  if (result.issues === undefined) return { value: result.value, errors: null }
  const errors: FieldError[] = []
  const seen = new Set<string>()
  for (const issue of result.issues) {
    let pointer = ''
    for (const part of issue.path ?? []) {
      const key = typeof part === 'object' && part !== null ? part.key : part
      pointer += `/${escapePointer(String(key))}`
    }
    if (seen.has(pointer)) continue
    seen.add(pointer)
    errors.push(fieldError(location, pointer, issue.message))
    if (errors.length === MAX_ERRORS) break
  }
  return { value: undefined, errors }
}

/** The bad fields an Ajv function found, the first broken rule of each. @example if (!validate(data)) throw new ValidationFailed(ajvErrors(validate, 'body')) */
export function ajvErrors(validate: ValidateFunction, location: Location): FieldError[] {
  const errors: FieldError[] = []
  const seen = new Set<string>()
  for (const error of validate.errors ?? []) {
    const pointer = errorPointer(error)
    if (seen.has(pointer)) continue // the first broken rule of each field
    seen.add(pointer)
    errors.push(fieldError(location, pointer, error.message ?? `fails ${error.keyword}`))
    if (errors.length === MAX_ERRORS) break
  }
  return errors
}

function fieldError(location: Location, pointer: string, detail: string): FieldError {
  if (location === 'body') return { pointer: `#${pointer}`, detail }
  // A parameter is named by its own name, the pointer's first token (`/page` → page).
  const token = pointer.split('/')[1] ?? ''
  const parameter = token.replace(/~1/g, '/').replace(/~0/g, '~')
  return { parameter, in: location, detail }
}
