/**
 * What a route says about itself for the document and for validation: the `openapi` route option, what
 * `validated()` attaches to a handler, and what decorators record on a view method. All three have this shape.
 */
import type { OpenAPIV3_1 } from 'openapi-types'
import type { Schema } from './schema'

/** The schemas a request is checked against before the handler runs. */
export interface RequestSchemas {
  /** The JSON body (never coerced: `"2001"` is not an integer). */
  body?: Schema
  /** An object schema whose properties are the query parameters (strings converted to the declared types). */
  query?: Schema
  /** An object schema of the path parameters (merged over what the typed path already says). */
  params?: Schema
  /** An object schema of request headers, with lower-case names. */
  headers?: Schema
}

/** A documented answer described in full. */
export interface ResponseDescription {
  /** @default the status's reason phrase */
  description?: string
  /** The body's schema. */
  schema?: Schema
  /** @default 'application/json' */
  contentType?: string
  /** Response headers, as OpenAPI describes them. */
  headers?: Record<string, OpenAPIV3_1.HeaderObject>
}

/**
 * One documented answer: a schema alone (a JSON body), or a {@link ResponseDescription} (an object with no
 * keys but `description`, `schema`, `contentType` and `headers`).
 */
export type ResponseSpec = Schema | ResponseDescription

/** A security requirement written by hand: scheme name → scopes (OpenAPI's `security` item). */
export type SecurityRequirement = Record<string, string[]>

/**
 * A route's documentation and schemas, as the `openapi` route option takes them.
 *
 * @example
 * app.get('/books', { openapi: { summary: 'List books', tags: ['books'], query: Paging, responses: { 200: BookList } } }, list)
 */
export interface OperationSpec extends RequestSchemas {
  /** A one-line summary. */
  summary?: string
  /** A longer description (CommonMark). */
  description?: string
  /** Tags; blueprint routes get their blueprint's name when none is given. */
  tags?: string[]
  /** Marks the operation deprecated. */
  deprecated?: boolean
  /** @default the route's name (dots kept: `books.show`), else method and path */
  operationId?: string
  /** Answers by status (`200`, `'4XX'`, `'default'`). */
  responses?: Record<number | string, ResponseSpec>
  /** The body's media type. @default 'application/json' */
  bodyContentType?: string
  /** Extra parameters (cookies, say) as OpenAPI objects. */
  parameters?: OpenAPIV3_1.ParameterObject[]
  /** Security written by hand; the auth plugin's `route.meta.auth` is added to it. `[]` documents a public route. */
  security?: SecurityRequirement[]
  /** Leaves the route out of the document (its schemas are still enforced). */
  exclude?: boolean
  /** Merged over the generated operation last, for anything else OpenAPI has (`externalDocs`, `x-…`). */
  extra?: Partial<OpenAPIV3_1.OperationObject> & Record<`x-${string}`, unknown>
}

declare module '@brisk/core' {
  interface RouteOptions {
    /**
     * The route's OpenAPI operation and the schemas enforced before its handler (needs `use(openapi)`);
     * `false` leaves it out of the document.
     *
     * @example
     * app.post('/books', { openapi: { summary: 'Add a book', body: BookSchema, responses: { 201: BookSchema } } }, create)
     */
    openapi?: OperationSpec | false
  }
}

/**
 * Merges operation specs, later over earlier; tags and parameters add up, responses merge by status.
 *
 * @example
 * mergeSpecs({ summary: 'a', tags: ['x'] }, { tags: ['y'] }) // { summary: 'a', tags: ['x', 'y'] }
 */
export function mergeSpecs(...specs: readonly (OperationSpec | undefined)[]): OperationSpec {
  const out: OperationSpec = {}
  for (const spec of specs) {
    if (spec === undefined) continue
    const { tags, responses, parameters, security, extra, ...rest } = spec
    Object.assign(out, rest)
    if (tags !== undefined) out.tags = [...new Set([...(out.tags ?? []), ...tags])]
    if (responses !== undefined) out.responses = { ...out.responses, ...responses }
    if (parameters !== undefined) out.parameters = [...(out.parameters ?? []), ...parameters]
    if (security !== undefined) out.security = [...(out.security ?? []), ...security]
    if (extra !== undefined) out.extra = { ...out.extra, ...extra }
  }
  return out
}
