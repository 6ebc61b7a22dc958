/**
 * Putting a schema into the document. A JSON Schema's `$defs` refer to themselves with `#/$defs/…`, which
 * inside the document would point at its root: they move to `components.schemas` and their references follow.
 */
import type { OpenAPIV3_1 } from 'openapi-types'
import type { JSONSchema } from './schema'

/**
 * Returns the schema to place in an operation, moving its `$defs` into `schemas` (renamed on a clash with a
 * different schema of the same name).
 *
 * @example
 * embedSchema({ $defs: { Node: {…} }, $ref: '#/$defs/Node' }, components) // { $ref: '#/components/schemas/Node' }
 */
export function embedSchema(
  schema: JSONSchema,
  schemas: Record<string, OpenAPIV3_1.SchemaObject>,
): OpenAPIV3_1.SchemaObject {
  const defs = schema.$defs as Record<string, JSONSchema> | undefined
  if (defs === undefined || defs === null || typeof defs !== 'object') return plain(schema)
  const names = new Map<string, string>()
  for (const name of Object.keys(defs)) {
    const text = JSON.stringify(defs[name])
    let target = name
    for (let n = 2; schemas[target] !== undefined && JSON.stringify(schemas[target]) !== text; n++)
      target = `${name}${n}`
    names.set(name, target)
  }
  for (const [name, target] of names) schemas[target] = rewrite(defs[name], names) as OpenAPIV3_1.SchemaObject
  const { $defs: _moved, ...rest } = schema
  return rewrite(rest, names) as OpenAPIV3_1.SchemaObject
}

/** A copy with only the schema's own string keys (TypeBox's symbol keys stay behind). */
function plain(schema: JSONSchema): OpenAPIV3_1.SchemaObject {
  return JSON.parse(JSON.stringify(schema)) as OpenAPIV3_1.SchemaObject
}

function rewrite(value: unknown, names: ReadonlyMap<string, string>): unknown {
  if (Array.isArray(value)) return value.map((item) => rewrite(item, names))
  if (value === null || typeof value !== 'object') return value
  const out: Record<string, unknown> = {}
  for (const [key, item] of Object.entries(value)) {
    if (key === '$ref' && typeof item === 'string' && item.startsWith('#/$defs/')) {
      const [name = '', ...rest] = item.slice('#/$defs/'.length).split('/')
      out[key] = ['#/components/schemas', names.get(name) ?? name, ...rest].join('/')
    } else {
      out[key] = rewrite(item, names)
    }
  }
  return out
}
