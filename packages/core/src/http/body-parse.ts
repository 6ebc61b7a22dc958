/**
 * Low-level helpers for reading request bodies and query strings: safe JSON, urlencoded pairs,
 * byte-size limits and media types.
 */
import { BadRequest } from './errors'

/**
 * Thrown by {@link parseJSON} when the body would poison prototypes if merged into an object.
 * It extends `SyntaxError` so handlers that answer malformed JSON with 400 treat it the same way.
 */
export class PoisonedJSONError extends SyntaxError {
  readonly code = 'BRISK_ERR_JSON_POISONED' as const
  override readonly name = 'PoisonedJSONError'
}

/**
 * `JSON.parse` that refuses prototype-poisoning payloads.
 *
 * Rejects, at any depth, an own `__proto__` key, or a `constructor` key whose value is an object
 * with an own `prototype` key: harmless to `JSON.parse` itself, but dangerous once such a value
 * reaches a naive deep merge or `Object.assign`. The value is only walked when the raw text
 * mentions `__proto__`, `constructor` or a `\u` escape (which could spell either key), so clean
 * bodies cost one `includes` per marker. Malformed JSON throws the native `SyntaxError`.
 *
 * @throws {PoisonedJSONError} code `'BRISK_ERR_JSON_POISONED'`
 * @example
 * parseJSON('{"a":1}') // { a: 1 }
 * parseJSON('{"__proto__":{"admin":true}}') // throws PoisonedJSONError
 */
export function parseJSON(text: string): unknown {
  const value: unknown = JSON.parse(text)
  if (
    value !== null &&
    typeof value === 'object' &&
    (text.includes('__proto__') || text.includes('constructor') || text.includes('\\u'))
  ) {
    assertNotPoisoned(value)
  }
  return value
}

const utf8 = new TextDecoder()

/**
 * A JSON request body: its bytes decoded as UTF-8 (a BOM dropped) and parsed with {@link parseJSONText}.
 *
 * @throws {BadRequest} code `'BRISK_ERR_JSON_EMPTY'`, `'BRISK_ERR_JSON_MALFORMED'` or `'BRISK_ERR_JSON_POISONED'`
 * @example
 * parseJSONBody(new TextEncoder().encode('{"title":"Dune"}')) // { title: 'Dune' }
 */
export function parseJSONBody(bytes: Uint8Array): unknown {
  return parseJSONText(utf8.decode(bytes))
}

/**
 * A JSON request body's text, parsed with {@link parseJSON}; every way it can fail is a 400 with its own code.
 *
 * @throws {BadRequest} code `'BRISK_ERR_JSON_EMPTY'`, `'BRISK_ERR_JSON_MALFORMED'` or `'BRISK_ERR_JSON_POISONED'`
 * @example
 * parseJSONText('{"title":"Dune"}') // { title: 'Dune' }
 * parseJSONText('') // throws BadRequest, code 'BRISK_ERR_JSON_EMPTY'
 */
export function parseJSONText(text: string): unknown {
  if (text.length === 0) throw new BadRequest('The JSON body is empty', { code: 'BRISK_ERR_JSON_EMPTY' })
  try {
    return parseJSON(text)
  } catch (error) {
    const poisoned = (error as { code?: string }).code === 'BRISK_ERR_JSON_POISONED'
    throw new BadRequest(
      poisoned
        ? 'The JSON body has a forbidden key (__proto__ or constructor.prototype)'
        : 'The body is not valid JSON',
      {
        code: poisoned ? 'BRISK_ERR_JSON_POISONED' : 'BRISK_ERR_JSON_MALFORMED',
        cause: error,
      },
    )
  }
}

const hasOwn = Object.hasOwn

// Iterative, so a deeply nested body that JSON.parse accepted cannot overflow the call stack here.
function assertNotPoisoned(root: object): void {
  const stack: object[] = [root]
  while (stack.length > 0) {
    const node = stack.pop()!
    if (Array.isArray(node)) {
      for (let i = 0; i < node.length; i++) {
        const item: unknown = node[i]
        if (item !== null && typeof item === 'object') stack.push(item)
      }
      continue
    }
    if (hasOwn(node, '__proto__')) {
      throw new PoisonedJSONError('Refusing JSON with a "__proto__" key (prototype poisoning)')
    }
    const rec = node as Record<string, unknown>
    if (hasOwn(node, 'constructor')) {
      const ctor = rec.constructor
      if (ctor !== null && typeof ctor === 'object' && hasOwn(ctor, 'prototype')) {
        throw new PoisonedJSONError('Refusing JSON with a "constructor.prototype" key (prototype poisoning)')
      }
    }
    for (const key in rec) {
      if (!hasOwn(rec, key)) continue
      const child = rec[key]
      if (child !== null && typeof child === 'object') stack.push(child)
    }
  }
}

/**
 * Parse a query string or an `application/x-www-form-urlencoded` body.
 *
 * Follows the WHATWG urlencoded parser: pairs split on `&`, empty pairs skipped, a leading `?`
 * ignored, `+` means space, a key without `=` has value `''`. Repeated keys become arrays in
 * order. A percent escape that does not decode (e.g. `%zz` or broken UTF-8) leaves that key or
 * value undecoded rather than throwing. The result has a null prototype, so `__proto__` is data.
 *
 * @example
 * parseQuery('?a=1&b=x+y&a=2&flag') // { a: ['1', '2'], b: 'x y', flag: '' }
 */
export function parseQuery(search: string): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = Object.create(null)
  const len = search.length
  let pos = len > 0 && search.charCodeAt(0) === 0x3f /* ? */ ? 1 : 0
  while (pos < len) {
    let end = search.indexOf('&', pos)
    if (end === -1) end = len
    if (end > pos) {
      let eq = search.indexOf('=', pos)
      if (eq === -1 || eq > end) eq = end
      const key = decodeFormComponent(search.slice(pos, eq))
      const value = eq < end ? decodeFormComponent(search.slice(eq + 1, end)) : ''
      const prev = out[key]
      if (prev === undefined) out[key] = value
      else if (typeof prev === 'string') out[key] = [prev, value]
      else prev.push(value)
    }
    pos = end + 1
  }
  return out
}

function decodeFormComponent(s: string): string {
  if (s.indexOf('+') !== -1) s = s.replaceAll('+', ' ')
  if (s.indexOf('%') === -1) return s
  try {
    return decodeURIComponent(s)
  } catch {
    return s
  }
}

// Binary multiples throughout: a "1mb" body limit means 1 MiB, as in most Node frameworks.
const UNITS: Record<string, number> = Object.assign(Object.create(null), {
  '': 1,
  b: 1,
  kb: 1024,
  kib: 1024,
  mb: 1024 ** 2,
  mib: 1024 ** 2,
  gb: 1024 ** 3,
  gib: 1024 ** 3,
})

/**
 * Convert a human byte size to a number of bytes, rounded down.
 *
 * Accepts a non-negative finite number, or a string: a decimal number, optional whitespace and
 * an optional case-insensitive unit `b`, `kb`/`kib`, `mb`/`mib`, `gb`/`gib`, all 1024-based.
 *
 * @throws {TypeError} on negative, non-finite or unparsable sizes and unknown units
 * @example
 * parseBytes('1mb') // 1048576
 * parseBytes('1.5MiB') // 1572864
 * parseBytes(512) // 512
 */
export function parseBytes(size: number | string): number {
  if (typeof size === 'number') {
    if (!Number.isFinite(size) || size < 0) throw invalidSize(size)
    return Math.floor(size)
  }
  if (typeof size !== 'string') throw invalidSize(size)
  const s = size.trim()
  const len = s.length
  let i = 0
  let digits = 0
  while (i < len && isDigit(s.charCodeAt(i))) {
    i++
    digits++
  }
  if (i < len && s.charCodeAt(i) === 0x2e /* . */) {
    i++
    let fraction = 0
    while (i < len && isDigit(s.charCodeAt(i))) {
      i++
      fraction++
    }
    if (fraction === 0) throw invalidSize(size)
  }
  if (digits === 0) throw invalidSize(size)
  const num = Number(s.slice(0, i))
  while (i < len && (s.charCodeAt(i) === 0x20 || s.charCodeAt(i) === 0x09)) i++
  const multiplier = UNITS[s.slice(i).toLowerCase()]
  if (multiplier === undefined) throw invalidSize(size)
  return Math.floor(num * multiplier)
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39
}

function invalidSize(size: unknown): TypeError {
  return new TypeError(
    `Invalid byte size ${typeof size === 'string' ? JSON.stringify(size) : String(size)}: ` +
      "expected a non-negative number of bytes or a string like '512b', '64kb', '1.5mb', '1gb'",
  )
}

/**
 * The media type of a `Content-Type` header: `type/subtype`, lower-cased, without parameters.
 *
 * @example
 * mediaType('Application/JSON; charset=utf-8') // 'application/json'
 * mediaType(undefined) // ''
 */
export function mediaType(contentType: string | undefined): string {
  if (!contentType) return ''
  const semi = contentType.indexOf(';')
  return (semi === -1 ? contentType : contentType.slice(0, semi)).trim().toLowerCase()
}

/**
 * Whether a `Content-Type` header names JSON (see {@link isJSONType}); plain `application/json`, what most
 * clients send, is taken as it is, without a parse.
 *
 * @example
 * isJSONContentType('application/json') // true
 * isJSONContentType('Application/Problem+JSON; charset=utf-8') // true
 * isJSONContentType('text/plain') // false
 */
export function isJSONContentType(contentType: string | undefined): boolean {
  return contentType === 'application/json' || isJSONType(mediaType(contentType))
}

/**
 * Whether a media type (as returned by {@link mediaType}) is JSON: `application/json` or any
 * structured-syntax `+json` suffix type (RFC 6839 §3.1), e.g. `application/problem+json`.
 *
 * @example
 * isJSONType('application/vnd.api+json') // true
 * isJSONType('text/plain') // false
 */
export function isJSONType(mediaType: string): boolean {
  return mediaType === 'application/json' || (mediaType.endsWith('+json') && mediaType.indexOf('/') > 0)
}
