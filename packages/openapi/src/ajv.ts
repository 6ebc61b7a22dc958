/**
 * The Ajv instances schemas are compiled with, once, at start-up: OpenAPI 3.1's dialect is JSON Schema
 * 2020-12, so Ajv2020. Bodies are checked as they are; query, path and header values arrive as strings and
 * are converted to their declared types first.
 */
import { Ajv2020, type Options as AjvOptions, type ErrorObject } from 'ajv/dist/2020.js'
import addFormats from 'ajv-formats'

/** The two compilers of one plugin registration. */
export interface Compilers {
  /** For JSON bodies and responses: no coercion (`"2001"` is not an integer). */
  readonly exact: Ajv2020
  /** For query, path and header values: strings become the declared number, boolean or array. */
  readonly coercing: Ajv2020
}

// Keywords OpenAPI adds to JSON Schema; known to Ajv so that strict mode refuses only real typos.
const OPENAPI_KEYWORDS = ['example', 'xml', 'externalDocs', 'discriminator']

function make(coerce: boolean, extra: AjvOptions | undefined): Ajv2020 {
  const ajv = new Ajv2020({
    // Every error, so each bad field is named (one item per field is kept, the first).
    allErrors: true,
    useDefaults: true,
    coerceTypes: coerce ? 'array' : false,
    strictSchema: true,
    strictTypes: false,
    strictTuples: false,
    strictRequired: false,
    allowUnionTypes: true,
    ...extra,
  })
  ;(addFormats as unknown as (ajv: Ajv2020) => void)(ajv)
  ajv.addVocabulary(OPENAPI_KEYWORDS)
  return ajv
}

/**
 * The compilers for one registration of the plugin; `ajv` options are merged over Brisk's.
 *
 * @example
 * const { exact } = createCompilers(); const check = exact.compile({ type: 'integer' })
 */
export function createCompilers(ajv?: AjvOptions): Compilers {
  return { exact: make(false, ajv), coercing: make(true, ajv) }
}

/**
 * The JSON pointer of an Ajv error, down to the property a `required` or `additionalProperties` names.
 *
 * @example
 * errorPointer({ instancePath: '', keyword: 'required', params: { missingProperty: 'title' } } as ErrorObject) // '/title'
 */
export function errorPointer(error: ErrorObject): string {
  const params = error.params as { missingProperty?: string; additionalProperty?: string }
  const leaf =
    params.missingProperty ??
    (error.keyword === 'additionalProperties' ? params.additionalProperty : undefined)
  return leaf === undefined ? error.instancePath : `${error.instancePath}/${escapePointer(leaf)}`
}

/** Escapes one JSON pointer token (RFC 6901: `~` is `~0`, `/` is `~1`). @example escapePointer('a/b') // 'a~1b' */
export function escapePointer(token: string): string {
  return token.replace(/~/g, '~0').replace(/\//g, '~1')
}
