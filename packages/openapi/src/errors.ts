/**
 * The errors of the OpenAPI plugin: configuration mistakes found when the app starts (`OpenAPIError`), and
 * the answers a client gets for a request (422) or a handler for a response (500) that breaks its schema.
 * The README lists every code and a test fails when the two drift apart.
 */
import { BriskError, HTTPError } from '@brisk/core'

/**
 * Every code a start-up {@link OpenAPIError} can carry.
 *
 * @example
 * const code: OpenAPIErrorCode = 'BRISK_OPENAPI_ERR_SCHEMA'
 */
export type OpenAPIErrorCode =
  | 'BRISK_OPENAPI_ERR_OPTIONS'
  | 'BRISK_OPENAPI_ERR_SCHEMA'
  | 'BRISK_OPENAPI_ERR_DECORATOR'

/**
 * A configuration the plugin refuses at start-up: bad plugin options, a schema Ajv cannot compile or that
 * cannot be turned into JSON Schema, a decorator used where it cannot work. The app's start-up (`ready()`,
 * `listen()`, the first `fetch`/`inject`) rejects with it.
 *
 * @example
 * try { await app.ready() } catch (error) { if (error instanceof OpenAPIError) console.error(error.code) }
 */
export class OpenAPIError extends BriskError {
  declare readonly code: OpenAPIErrorCode

  constructor(code: OpenAPIErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options)
    this.name = 'OpenAPIError'
  }
}

/**
 * One bad field of a request, in the form of RFC 9457's example: `pointer` is a JSON pointer into the body
 * (`#/title`, `#` for the body itself); query, path and header fields are named by `parameter` and `in`.
 */
export interface FieldError {
  /** What is wrong, e.g. `must be integer`. */
  readonly detail: string
  /** Where in the JSON body, as a URI fragment JSON pointer (`#/author/name`). */
  readonly pointer?: string
  /** The query, path or header parameter (`page`). */
  readonly parameter?: string
  /** Where the parameter is: `query`, `path` or `header`. */
  readonly in?: 'query' | 'path' | 'header'
}

/**
 * 422 for a request that breaks its declared schemas: `application/problem+json` with one `errors` item per
 * bad field (its first broken rule), code `BRISK_OPENAPI_ERR_VALIDATION`.
 *
 * @example
 * app.onError(ValidationFailed, (error) => json({ problems: error.errors }, 422))
 */
export class ValidationFailed extends HTTPError {
  /** The bad fields, one item each. */
  readonly errors: readonly FieldError[]

  constructor(errors: readonly FieldError[]) {
    const first = errors[0]
    const where = first?.pointer ?? (first?.parameter !== undefined ? `${first.in} ${first.parameter}` : '')
    super(422, `The request breaks its schema${where === '' ? '' : ` (${where}: ${first?.detail})`}`, {
      code: 'BRISK_OPENAPI_ERR_VALIDATION',
      extensions: { errors },
    })
    this.name = 'ValidationFailed'
    this.errors = errors
  }
}

/**
 * 500 for a handler whose answer breaks its declared response schema, only with `validateResponses` (meant
 * for development and tests). Its message names the fields; like any 5xx it is shown outside development
 * mode only as its title.
 *
 * @example
 * app.use(openapi, { validateResponses: app.config.dev })
 */
export class ResponseValidationFailed extends HTTPError {
  /** The bad fields of the answer. */
  readonly errors: readonly FieldError[]

  constructor(status: number, errors: readonly FieldError[]) {
    super(
      500,
      `The ${status} answer breaks its response schema: ${errors.map((e) => `${e.pointer} ${e.detail}`).join('; ')}`,
      {
        code: 'BRISK_OPENAPI_ERR_RESPONSE',
        extensions: { errors },
      },
    )
    this.name = 'ResponseValidationFailed'
    this.errors = errors
  }
}
