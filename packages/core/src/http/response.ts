/**
 * The lightweight response type and the helpers that build it.
 *
 * Every field is declared in the constructor so each response has the same object shape; headers are a plain
 * object with lower-case names because that is what `node:http`'s `writeHead` takes without copying.
 */
import { type CookieOptions, serializeCookie } from './cookies'

/** A response body Brisk can send. */
export type ResponseBody = string | Uint8Array | ReadableStream<Uint8Array> | null

/** Status and headers for the helpers. */
export interface ResponseInit {
  /** @default 200 (204 for `empty`, 302 for `redirect`) */
  status?: number
  headers?: Record<string, string | string[]>
}

/**
 * A response: status, headers, cookies and a body.
 *
 * @example
 * const res = new BriskResponse('hi', 200, { 'content-type': 'text/plain;charset=UTF-8' })
 * res.setCookie('theme', 'dark', { maxAge: 3600 })
 */
export class BriskResponse {
  status: number
  headers: Record<string, string | string[]>
  body: ResponseBody

  constructor(body: ResponseBody = null, status = 200, headers: Record<string, string | string[]> = {}) {
    this.status = status
    this.headers = headers
    this.body = body
  }

  /** Sets a header (the name is lower-cased); returns the response for chaining. @example res.header('cache-control', 'no-store') */
  header(name: string, value: string | string[]): this {
    this.headers[name.toLowerCase()] = value
    return this
  }

  /** Appends a `Set-Cookie` header; defaults are `Path=/`, `HttpOnly`, `SameSite=Lax`. @example res.setCookie('sid', id, { secure: true }) */
  setCookie(name: string, value: string, options: CookieOptions = {}): this {
    const line = serializeCookie(name, value, { path: '/', httpOnly: true, sameSite: 'Lax', ...options })
    const current = this.headers['set-cookie']
    if (current === undefined) this.headers['set-cookie'] = [line]
    else if (Array.isArray(current)) current.push(line)
    else this.headers['set-cookie'] = [current, line]
    return this
  }

  /** Tells the client to drop a cookie (same `path` and `domain` as when it was set). @example res.deleteCookie('sid') */
  deleteCookie(
    name: string,
    options: Pick<CookieOptions, 'path' | 'domain' | 'secure' | 'sameSite' | 'partitioned'> = {},
  ): this {
    return this.setCookie(name, '', { ...options, maxAge: 0, expires: new Date(0) })
  }
}

// JSON and text as the Fetch standard labels them (Response.json(), a string body): JSON has no charset
// parameter (RFC 8259 §11), and Deno and Bun send a Response with exactly these types by a faster path.
const JSON_TYPE = 'application/json'
const TEXT_TYPE = 'text/plain;charset=UTF-8'
const HTML_TYPE = 'text/html; charset=utf-8'

function init(
  status: ResponseInit | number | undefined,
  fallback: number,
): [number, Record<string, string | string[]>] {
  if (status === undefined) return [fallback, {}]
  if (typeof status === 'number') return [status, {}]
  // Lower-cased, so a caller's `Content-Type` replaces the helper's default instead of doubling it.
  const headers: Record<string, string | string[]> = {}
  for (const name in status.headers) headers[name.toLowerCase()] = status.headers[name]!
  return [status.status ?? fallback, headers]
}

/**
 * A JSON response (`application/json`, as `Response.json()` labels it).
 *
 * @example
 * return json({ id: 1 }, 201)
 */
export function json(data: unknown, status?: ResponseInit | number): BriskResponse {
  const [code, headers] = init(status, 200)
  headers['content-type'] ??= JSON_TYPE
  return new BriskResponse(JSON.stringify(data) ?? 'null', code, headers)
}

/**
 * A plain-text response (`text/plain;charset=UTF-8`, as the Fetch standard labels a string body).
 *
 * @example
 * return text('pong')
 */
export function text(body: string, status?: ResponseInit | number): BriskResponse {
  const [code, headers] = init(status, 200)
  headers['content-type'] ??= TEXT_TYPE
  return new BriskResponse(body, code, headers)
}

/**
 * An HTML response (`text/html; charset=utf-8`). The string is sent as it is: escape what you interpolate.
 *
 * @example
 * return html('<h1>Hello</h1>')
 */
export function html(body: string, status?: ResponseInit | number): BriskResponse {
  const [code, headers] = init(status, 200)
  headers['content-type'] ??= HTML_TYPE
  return new BriskResponse(body, code, headers)
}

/**
 * A redirect (302 by default). Only the characters a URL may hold are allowed in `location`.
 *
 * @example
 * return redirect(app.urlFor('books.show', { id: 7 }), 303)
 */
export function redirect(location: string, status: ResponseInit | number = 302): BriskResponse {
  // A CR or LF here would split the header: refuse instead of encoding it silently.
  if (/[\r\n]/.test(location)) throw new TypeError('redirect(): the location must not contain CR or LF')
  const [code, headers] = init(status, 302)
  if (code < 300 || code > 399) throw new RangeError(`redirect(): status must be 3xx, got ${code}`)
  headers.location = encodeLocation(location)
  return new BriskResponse(null, code, headers)
}

/**
 * A response without a body (204 by default).
 *
 * @example
 * return empty()
 */
export function empty(status?: ResponseInit | number): BriskResponse {
  const [code, headers] = init(status, 204)
  return new BriskResponse(null, code, headers)
}

// Encodes what a URL may not hold (spaces, non-ASCII) but keeps valid `%XX` escapes, so an already encoded
// location is not encoded twice (`?q=a%26b` must not become `?q=a%2526b`); `[`/`]` stay for IPv6 hosts.
function encodeLocation(value: string): string {
  return value.replace(/%[0-9A-Fa-f]{2}|[^%]+|%/g, (part) =>
    part.length === 3 && part.charCodeAt(0) === 0x25
      ? part
      : encodeURI(part).replace(/%5B/g, '[').replace(/%5D/g, ']'),
  )
}

/**
 * Turns whatever a handler returned into a {@link BriskResponse} (or keeps a Web `Response`).
 * `undefined` is 204, a string is text, bytes are `application/octet-stream`, anything else is JSON.
 *
 * @example
 * toResponse({ ok: true }).headers['content-type'] // 'application/json'
 */
export function toResponse(result: unknown): BriskResponse | Response {
  if (result instanceof BriskResponse) return result
  if (result === undefined) return new BriskResponse(null, 204, {})
  if (typeof result === 'string') return new BriskResponse(result, 200, { 'content-type': TEXT_TYPE })
  if (result instanceof Response) return result
  if (result instanceof Uint8Array) {
    return new BriskResponse(result, 200, { 'content-type': 'application/octet-stream' })
  }
  return new BriskResponse(JSON.stringify(result), 200, { 'content-type': JSON_TYPE })
}

/**
 * Copies a Web `Response` into a {@link BriskResponse} so response middleware can change it.
 *
 * @example
 * const res = fromWebResponse(new Response('hi', { status: 201 }))
 */
export function fromWebResponse(response: Response): BriskResponse {
  const headers: Record<string, string | string[]> = {}
  response.headers.forEach((value, name) => {
    if (name !== 'set-cookie') headers[name] = value
  })
  const cookies = response.headers.getSetCookie()
  if (cookies.length > 0) headers['set-cookie'] = cookies
  return new BriskResponse(response.body, response.status, headers)
}

export const contentTypes = { json: JSON_TYPE, text: TEXT_TYPE, html: HTML_TYPE } as const
