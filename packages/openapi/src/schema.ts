/**
 * Schemas as users give them: a JSON Schema object (TypeBox schemas are JSON Schema) or any Standard Schema
 * validator (zod 4, valibot, arktype). Their static types, and their JSON Schema for the document.
 */
import type { StandardJSONSchemaV1, StandardSchemaV1 } from '@standard-schema/spec'
import { OpenAPIError } from './errors'

/** A JSON Schema (2020-12, the dialect of OpenAPI 3.1) as an object; TypeBox schemas are these. */
export type JSONSchema = { readonly [keyword: string]: unknown }

/**
 * A schema for a body, query, parameters, headers or a response: JSON Schema or a Standard Schema validator.
 *
 * @example
 * const book: Schema = z.object({ title: z.string() })
 */
export type Schema = JSONSchema | StandardSchemaV1

/**
 * The type a schema describes: a Standard Schema's output, a TypeBox schema's `static`, else `unknown`
 * (brand a plain JSON Schema with {@link typed}).
 *
 * @example
 * type Book = Infer<typeof BookSchema>
 */
export type Infer<S> =
  S extends StandardSchemaV1<any, infer O> ? O : S extends { readonly static: infer T } ? T : unknown

/**
 * Brands a plain JSON Schema with the type it describes, for `req` typing without TypeBox or zod. The
 * schema is returned as it is.
 *
 * @example
 * const Book = typed<{ title: string }>({ type: 'object', properties: { title: { type: 'string' } }, required: ['title'] })
 */
export function typed<T>(schema: JSONSchema): JSONSchema & { readonly static: T } {
  return schema as JSONSchema & { readonly static: T }
}

/** Whether a schema is a Standard Schema validator (it has `~standard.validate`). @example isStandardSchema(z.string()) // true */
export function isStandardSchema(schema: unknown): schema is StandardSchemaV1 {
  const standard = (schema as { '~standard'?: { validate?: unknown } } | null)?.['~standard']
  return typeof standard?.validate === 'function'
}

/** Turns a Standard Schema into JSON Schema when its library does not say how itself. */
export type ToJSONSchema = (schema: StandardSchemaV1, io: 'input' | 'output') => JSONSchema

/**
 * The JSON Schema of a schema: a JSON Schema as it is (its own keys only: TypeBox's symbols stay behind), a
 * Standard Schema through its Standard JSON Schema converter (`~standard.jsonSchema`, which zod 4 and arktype
 * have and valibot gets from `toStandardJsonSchema`), else through `fallback`.
 *
 * @example
 * jsonSchemaOf(z.object({ title: z.string() }), 'input', 'POST /books body')
 * // { type: 'object', properties: { title: { type: 'string' } }, required: ['title'], additionalProperties: false }
 */
export function jsonSchemaOf(
  schema: Schema,
  io: 'input' | 'output',
  where: string,
  fallback?: ToJSONSchema,
): JSONSchema {
  if (!isStandardSchema(schema)) {
    if (schema === null || typeof schema !== 'object' || Array.isArray(schema)) {
      throw new OpenAPIError(
        'BRISK_OPENAPI_ERR_SCHEMA',
        `The schema of ${where} is neither a JSON Schema object nor a Standard Schema validator`,
      )
    }
    return schema
  }
  const converter = (schema as unknown as Partial<StandardJSONSchemaV1>)['~standard']?.jsonSchema
  let out: unknown
  try {
    if (converter !== undefined) out = converter[io]({ target: 'draft-2020-12' })
    else if (fallback !== undefined) out = fallback(schema, io)
  } catch (error) {
    throw new OpenAPIError(
      'BRISK_OPENAPI_ERR_SCHEMA',
      `The ${schema['~standard'].vendor} schema of ${where} cannot be turned into JSON Schema: ${(error as Error).message}`,
      { cause: error },
    )
  }
  if (out === undefined) {
    throw new OpenAPIError(
      'BRISK_OPENAPI_ERR_SCHEMA',
      `The ${schema['~standard'].vendor} schema of ${where} cannot say its JSON Schema: wrap it (valibot: toStandardJsonSchema from @valibot/to-json-schema) or give the plugin a toJSONSchema option`,
    )
  }
  const { $schema: _dialect, ...rest } = out as Record<string, unknown>
  return rest
}
