/**
 * Brisk route patterns in OpenAPI's form: `/books/:id<int>` is the path `/books/{id}` with an `integer`
 * path parameter. Each typed kind becomes the schema of what the router lets through.
 */
import type { OpenAPIV3_1 } from 'openapi-types'

/** A path in OpenAPI's form and the schemas of its parameters, in order. */
export interface OpenAPIPath {
  readonly path: string
  readonly params: readonly {
    readonly name: string
    readonly schema: OpenAPIV3_1.SchemaObject
    readonly description?: string
  }[]
}

// The same tests as core's router (packages/core/src/router/params.ts): a value that fails one is no match.
const KIND_SCHEMAS: Record<string, OpenAPIV3_1.SchemaObject> = {
  int: { type: 'integer' },
  float: { type: 'number' },
  uuid: { type: 'string', format: 'uuid' },
  slug: { type: 'string', pattern: '^[a-z0-9]+(?:-[a-z0-9]+)*$' },
  alpha: { type: 'string', pattern: '^[A-Za-z]+$' },
  string: { type: 'string', minLength: 1 },
  path: { type: 'string', minLength: 1 },
}

/**
 * Converts a Brisk path pattern (as `app.routes()` has it, prefixes and version included).
 *
 * @example
 * openAPIPath('/books/:id<int>') // { path: '/books/{id}', params: [{ name: 'id', schema: { type: 'integer' } }] }
 */
export function openAPIPath(pattern: string): OpenAPIPath {
  const params: { name: string; schema: OpenAPIV3_1.SchemaObject; description?: string }[] = []
  const segments = pattern.split('/').map((segment) => {
    if (!segment.startsWith(':')) return segment
    const open = segment.indexOf('<')
    const name = open === -1 ? segment.slice(1) : segment.slice(1, open)
    const kind = open === -1 ? 'string' : segment.slice(open + 1, -1)
    if (kind.startsWith('re:')) {
      params.push({ name, schema: { type: 'string', pattern: `^(?:${kind.slice(3)})$` } })
    } else if (kind === 'path') {
      // OpenAPI has no parameter that spans segments; say so for readers (and clients that encode slashes).
      params.push({
        name,
        schema: { ...KIND_SCHEMAS.path },
        description: 'The rest of the path, slashes included.',
      })
    } else {
      params.push({ name, schema: { ...(KIND_SCHEMAS[kind] ?? KIND_SCHEMAS.string) } })
    }
    return `{${name}}`
  })
  return { path: segments.join('/') || '/', params }
}
