/**
 * Turns what a test writes (`client.post('/books', { json, query, cookies })`) into the request that goes on
 * the wire, the same bytes and headers in both modes.
 */
import type { CookieJar } from './cookies/cookie-jar'
import { TestClientError } from './errors'
import type { WireRequest } from './transport'

/** A header value; `undefined` removes a header the client would otherwise send (a default one). */
export type HeaderValue = string | number | readonly string[] | undefined

/** A query or form value; arrays repeat the key, `null` and `undefined` leave it out. */
export type FieldValue = string | number | boolean | null | undefined | readonly (string | number | boolean)[]

/** Options of one request (`client.get(url, options)` and the other verbs). */
export interface RequestOptions {
  /** Request headers (any case); they override the client's default headers. */
  headers?: Record<string, HeaderValue>
  /** Added to the URL's query string. */
  query?: Record<string, FieldValue> | URLSearchParams
  /** A value sent as JSON, with `content-type: application/json` unless you give one. */
  json?: unknown
  /** Fields sent as `application/x-www-form-urlencoded`. */
  form?: Record<string, FieldValue> | URLSearchParams
  /** A raw body: a string is sent as UTF-8. Give the content type in `headers`. */
  body?: string | Uint8Array | ArrayBuffer
  /** Cookies for this request only, on top of the jar's (a name given here wins over the jar's). */
  cookies?: Record<string, string>
}

/** What the client needs to build a request. */
export interface BuildContext {
  /** The origin the client pretends to talk to (scheme, host, port). */
  readonly origin: URL
  /** Default headers (lower-case names), from the client options and `withHeaders`. */
  readonly headers: Readonly<Record<string, string | string[]>>
  readonly jar: CookieJar
}

/** A built request, and the absolute URL the cookie jar files its cookies under. */
export interface BuiltRequest {
  readonly wire: WireRequest
  readonly cookieUrl: string
}

const encoder = new TextEncoder()
const OPTION_KEYS = new Set(['headers', 'query', 'json', 'form', 'body', 'cookies'])

/**
 * Builds the wire request for `method url` with `options`.
 *
 * @example
 * const { wire } = buildRequest('POST', '/books', { json: { title: 'Dune' } }, context)
 */
export function buildRequest(
  method: string,
  url: string,
  options: RequestOptions,
  context: BuildContext,
): BuiltRequest {
  const api = `client.${method === 'DELETE' ? 'delete' : method.toLowerCase()}(${typeof url === 'string' ? JSON.stringify(url) : String(url)})`
  const target = checkUrl(api, url)
  if (options === null || typeof options !== 'object') {
    throw new TestClientError(
      'BRISK_TEST_ERR_OPTIONS',
      `${api}: options must be an object, got ${describe(options)}`,
    )
  }
  for (const key of Object.keys(options)) {
    if (!OPTION_KEYS.has(key)) {
      throw new TestClientError(
        'BRISK_TEST_ERR_OPTIONS',
        `${api}: unknown option "${key}"; the options are ${[...OPTION_KEYS].join(', ')}`,
      )
    }
  }

  const headers = mergeHeaders(api, context.headers, options.headers ?? {})

  const path =
    options.query === undefined ? target : appendQuery(target, encodeFields(api, 'query', options.query))
  const body = encodeBody(api, options, headers)
  if (body !== undefined) headers['content-length'] = String(body.byteLength)
  // What fetch and browsers do: a body-carrying method without a body says so, rather than node's chunked encoding.
  else if (method === 'POST' || method === 'PUT' || method === 'PATCH') headers['content-length'] = '0'

  const host = typeof headers.host === 'string' ? headers.host : context.origin.host
  headers.host = host
  let cookieUrl: string
  try {
    cookieUrl = new URL(path, `${context.origin.protocol}//${host}`).href
  } catch {
    cookieUrl = new URL(path, context.origin).href // a Host header that is not a host: file cookies under the origin
  }
  if (headers.cookie === undefined) {
    const cookie = cookieHeader(context.jar.header(cookieUrl), options.cookies, api)
    if (cookie !== '') headers.cookie = cookie
  }
  return { wire: { method, url: path, headers, body }, cookieUrl }
}

/**
 * `base` with `extra` on top: names lower-cased, numbers as strings, `undefined` removing a header.
 *
 * @example
 * mergeHeaders('withHeaders()', { accept: 'text/html' }, { Accept: undefined, 'X-Id': 7 }) // { 'x-id': '7' }
 */
export function mergeHeaders(
  api: string,
  base: Readonly<Record<string, string | string[]>>,
  extra: Record<string, HeaderValue>,
): Record<string, string | string[]> {
  if (extra === null || typeof extra !== 'object') {
    throw new TestClientError('BRISK_TEST_ERR_OPTIONS', `${api}: headers must be an object of name → value`)
  }
  const out: Record<string, string | string[]> = { ...base }
  for (const [name, value] of Object.entries(extra)) {
    const key = name.toLowerCase()
    if (value === undefined) delete out[key]
    else
      out[key] =
        typeof value === 'number' ? String(value) : Array.isArray(value) ? [...value] : (value as string)
  }
  return out
}

/**
 * Checks a request URL and drops its fragment, which never goes on the wire.
 *
 * @example
 * checkUrl('client.get("/a#b")', '/a#b') // '/a'
 */
export function checkUrl(api: string, url: unknown): string {
  if (typeof url !== 'string') {
    throw new TestClientError(
      'BRISK_TEST_ERR_URL',
      `${api}: the URL must be a string like "/books", got ${describe(url)}`,
    )
  }
  if (!url.startsWith('/')) {
    let hint = `/${url}`
    try {
      const absolute = new URL(url)
      hint = absolute.pathname + absolute.search
    } catch {}
    throw new TestClientError(
      'BRISK_TEST_ERR_URL',
      `${api}: the URL must be a path starting with "/", like ${JSON.stringify(hint)}, got ${JSON.stringify(url)}` +
        " (the scheme and host come from the client's `origin` option)",
    )
  }
  const bad = url.search(/[^\x21-\x7e]/)
  if (bad !== -1) {
    throw new TestClientError(
      'BRISK_TEST_ERR_URL',
      `${api}: ${JSON.stringify(url)} has a space, control or non-ASCII character at index ${bad}; ` +
        `percent-encode it, e.g. ${JSON.stringify(encodeURI(url))}`,
    )
  }
  const hash = url.indexOf('#')
  return hash === -1 ? url : url.slice(0, hash)
}

function appendQuery(url: string, query: string): string {
  if (query === '') return url
  if (!url.includes('?')) return `${url}?${query}`
  return url.endsWith('?') || url.endsWith('&') ? url + query : `${url}&${query}`
}

function encodeFields(
  api: string,
  option: string,
  fields: Record<string, FieldValue> | URLSearchParams,
): string {
  if (fields instanceof URLSearchParams) return fields.toString()
  if (fields === null || typeof fields !== 'object') {
    throw new TestClientError(
      'BRISK_TEST_ERR_OPTIONS',
      `${api}: \`${option}\` must be an object or URLSearchParams, got ${describe(fields)}`,
    )
  }
  const params = new URLSearchParams()
  for (const [key, value] of Object.entries(fields)) {
    if (value === undefined || value === null) continue
    for (const item of Array.isArray(value) ? value : [value]) {
      if (typeof item === 'object' && item !== null) {
        throw new TestClientError(
          'BRISK_TEST_ERR_OPTIONS',
          `${api}: \`${option}.${key}\` must be a string, number, boolean or an array of them; use \`json\` for nested data`,
        )
      }
      params.append(key, String(item))
    }
  }
  return params.toString()
}

function encodeBody(
  api: string,
  options: RequestOptions,
  headers: Record<string, string | string[]>,
): Uint8Array | undefined {
  const given = (['json', 'form', 'body'] as const).filter((key) => options[key] !== undefined)
  if (given.length > 1) {
    throw new TestClientError(
      'BRISK_TEST_ERR_OPTIONS',
      `${api}: give one of \`json\`, \`form\` and \`body\`, not ${given.join(' and ')}`,
    )
  }
  if (options.json !== undefined) {
    let text: string | undefined
    try {
      text = JSON.stringify(options.json)
    } catch (error) {
      throw new TestClientError(
        'BRISK_TEST_ERR_OPTIONS',
        `${api}: \`json\` cannot be serialised: ${(error as Error).message}`,
        {
          cause: error,
        },
      )
    }
    if (text === undefined) {
      throw new TestClientError(
        'BRISK_TEST_ERR_OPTIONS',
        `${api}: \`json\` must be a JSON value, got ${describe(options.json)}`,
      )
    }
    headers['content-type'] ??= 'application/json'
    return encoder.encode(text)
  }
  if (options.form !== undefined) {
    headers['content-type'] ??= 'application/x-www-form-urlencoded'
    return encoder.encode(encodeFields(api, 'form', options.form))
  }
  const body = options.body
  if (body === undefined) return undefined
  if (typeof body === 'string') return encoder.encode(body)
  if (body instanceof Uint8Array) return body
  if (body instanceof ArrayBuffer) return new Uint8Array(body)
  throw new TestClientError(
    'BRISK_TEST_ERR_OPTIONS',
    `${api}: \`body\` must be a string, a Uint8Array or an ArrayBuffer, got ${describe(body)}; use \`json\` for objects`,
  )
}

function cookieHeader(fromJar: string, extra: Record<string, string> | undefined, api: string): string {
  if (extra === undefined) return fromJar
  if (extra === null || typeof extra !== 'object') {
    throw new TestClientError(
      'BRISK_TEST_ERR_OPTIONS',
      `${api}: \`cookies\` must be an object of name → value, got ${describe(extra)}`,
    )
  }
  const names = new Set(Object.keys(extra))
  const kept =
    fromJar === '' ? [] : fromJar.split('; ').filter((pair) => !names.has(pair.slice(0, pair.indexOf('='))))
  // Encoded the way @brisk/core encodes cookie values, so the server reads back exactly what was given.
  for (const [name, value] of Object.entries(extra)) kept.push(`${name}=${encodeURIComponent(String(value))}`)
  return kept.join('; ')
}

function describe(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'an array'
  if (typeof value === 'object') {
    const name = value.constructor?.name
    return name === undefined || name === 'Object' ? 'an object' : `a ${name}`
  }
  if (typeof value === 'function') return 'a function'
  return `${typeof value} ${JSON.stringify(value) ?? String(value)}`
}
