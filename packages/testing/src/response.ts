/**
 * The response a test gets: status, headers and body, read synchronously (the body is already in), plus the
 * request as the server saw it, like the `(request, response)` pair of Sanic's test client.
 */
import { AssertionError } from 'node:assert'
import type { Brisk, BriskRequest, RouteInfo } from '@brisk/core'
import { TEST_ID_HEADER } from './app-state'
import { parseSetCookie, type SetCookie } from './cookies/set-cookie'
import { TestClientError } from './errors'
import type { WireResponse } from './transport'

/** The request as the app saw it, captured by the client's hooks. */
export interface SeenRequest<C = any> {
  /** The upper-case method. */
  readonly method: string
  /** Path and query as sent. */
  readonly url: string
  /** The path without the query. */
  readonly path: string
  /** The parsed query string. */
  readonly query: Record<string, string | string[]>
  /** Path parameters, converted to their declared types. */
  readonly params: Record<string, any>
  /** `req.ctx` as the middleware and handler left it. */
  readonly ctx: C
  /** The route that matched (name, method, pattern); `null` when none did (404, 405). */
  readonly route: RouteInfo | null
  /** The matched route's name, if it has one. */
  readonly routeName: string | undefined
  /** Request headers with lower-case names, without the client's correlation header. */
  readonly headers: Record<string, string | string[] | undefined>
  /** Cookies the server read. */
  readonly cookies: Record<string, string>
  /** The `BriskRequest` itself, for anything else. */
  readonly raw: BriskRequest<any, any>
}

/** Why `res.request` may be unknown. */
export type MissingReason = 'started' | 'unseen'

const decoder = new TextDecoder()
const BODY_SHOWN = 1000

/**
 * A response from the test client.
 *
 * @example
 * const res = await client.get('/books/7')
 * res.status                  // 200
 * res.headers.get('etag')     // '"abc"'
 * res.json().title            // 'Dune'
 * res.request.params.id       // 7: what the handler saw
 * res.request.routeName       // 'books.show'
 */
export class TestResponse {
  /** The HTTP status. */
  readonly status: number
  /** Response headers; `headers.getSetCookie()` lists each `Set-Cookie`. */
  readonly headers: Headers
  /** The method that was sent. */
  readonly method: string
  /** The path and query that were sent. */
  readonly url: string
  readonly #body: Uint8Array
  readonly #seen: SeenRequest | null
  readonly #missing: MissingReason | null
  readonly #app: Brisk<any>
  #text: string | undefined = undefined
  #cookies: Record<string, SetCookie> | undefined = undefined

  /** @internal Made by the client. */
  constructor(
    app: Brisk<any>,
    method: string,
    url: string,
    wire: WireResponse,
    seen: BriskRequest<any, any> | null,
    missing: MissingReason | null,
  ) {
    this.#app = app
    this.method = method
    this.url = url
    this.status = wire.status
    this.headers = wire.headers
    this.#body = wire.body
    this.#seen = seen === null ? null : snapshot(seen)
    this.#missing = seen === null ? (missing ?? 'unseen') : null
  }

  /** True for a 2xx status. @example expect(res.ok).toBe(true) */
  get ok(): boolean {
    return this.status >= 200 && this.status < 300
  }

  /** The body as UTF-8 text. @example expect(res.text()).toBe('pong') */
  text(): string {
    this.#text ??= decoder.decode(this.#body)
    return this.#text
  }

  /**
   * The body parsed as JSON; a body that is not JSON throws an error that shows it.
   *
   * @example
   * const { id } = res.json<{ id: number }>()
   */
  json<T = any>(): T {
    const text = this.text()
    try {
      return JSON.parse(text) as T
    } catch (error) {
      throw new TestClientError(
        'BRISK_TEST_ERR_NOT_JSON',
        `res.json(): the body of ${this.method} ${this.url} (status ${this.status}, ${this.headers.get('content-type') ?? 'no content type'}) is not JSON: ${clip(text) || '(empty)'}`,
        { cause: error },
      )
    }
  }

  /** The body as bytes. @example expect(res.bytes()).toEqual(new Uint8Array([1, 2, 3])) */
  bytes(): Uint8Array {
    return this.#body
  }

  /**
   * The cookies this response sets, by name (a deletion shows with `maxAge: 0` or a past `expires`).
   *
   * @example
   * expect(res.cookies.sid?.httpOnly).toBe(true)
   */
  get cookies(): Record<string, SetCookie> {
    if (this.#cookies === undefined) {
      const out: Record<string, SetCookie> = {}
      for (const line of this.headers.getSetCookie()) {
        const cookie = parseSetCookie(line)
        if (cookie !== null) out[cookie.name] = cookie
      }
      this.#cookies = out
    }
    return this.#cookies
  }

  /**
   * The request as the server saw it: params, ctx, route, query. Throws a `TestClientError`
   * (`BRISK_TEST_ERR_NO_REQUEST`) that says why when it is not known.
   *
   * @example
   * expect(res.request.params).toEqual({ id: 7 })
   * expect(res.request.ctx.user).toBe('ada')
   */
  get request(): SeenRequest {
    if (this.#seen !== null) return this.#seen
    const why =
      this.#missing === 'started'
        ? 'the app had started before the first client was created, so the client could not add its hooks; ' +
          'create the client (testClient(app)) before the app serves its first request'
        : 'no request reached the app (the server answered by itself, e.g. 431 or 400 for a malformed request)'
    throw new TestClientError(
      'BRISK_TEST_ERR_NO_REQUEST',
      `res.request for ${this.method} ${this.url} is not known: ${why}`,
    )
  }

  /**
   * Throws an `AssertionError` unless the status is `expected`; the message shows the body and, when no
   * route matched, the app's routes. Returns the response, for chaining.
   *
   * @example
   * const book = (await client.get('/books/1')).assertStatus(200).json()
   */
  assertStatus(expected: number): this {
    if (this.status !== expected) {
      throw new AssertionError({
        message: `expected ${this.method} ${this.url} to answer ${expected}, got ${this.status}\n${this.summary()}`,
        actual: this.status,
        expected,
        operator: 'strictEqual',
      })
    }
    return this
  }

  /**
   * Throws an `AssertionError` when no route matched (listing the app's routes), or when `name` is given and
   * another route answered. Returns the response, for chaining.
   *
   * @example
   * res.assertRoute('books.show')
   */
  assertRoute(name?: string): this {
    const route = this.#seen?.route
    if (
      route === null ||
      (route === undefined && this.#seen === null && (this.status === 404 || this.status === 405))
    ) {
      throw new AssertionError({
        message: `expected ${this.method} ${this.url} to match ${name === undefined ? 'a route' : `route "${name}"`}, got ${this.status}\n${this.summary()}`,
        actual: null,
        expected: name ?? 'a route',
      })
    }
    if (name !== undefined && this.request.routeName !== name) {
      throw new AssertionError({
        message: `expected ${this.method} ${this.url} to match route "${name}", but route ${JSON.stringify(this.request.routeName ?? null)} (${route?.method} ${route?.path}) answered`,
        actual: this.request.routeName ?? null,
        expected: name,
        operator: 'strictEqual',
      })
    }
    return this
  }

  /**
   * A few lines for failure messages: status, content type and body, and, when no route matched, which
   * routes the app has.
   *
   * @example
   * console.log(res.summary())
   * // GET /bookz → 404 (application/problem+json)
   * // no route matched GET /bookz; routes: GET /books (books.list), POST /books (books.create)
   * // body: {"title":"Not Found",…}
   */
  summary(): string {
    const lines = [
      `${this.method} ${this.url} → ${this.status} (${this.headers.get('content-type') ?? 'no content type'})`,
    ]
    const unmatched =
      this.#seen !== null ? this.#seen.route === null : this.status === 404 || this.status === 405
    if (unmatched) {
      const allow = this.status === 405 ? this.headers.get('allow') : null
      const path = this.#seen?.path ?? this.url.split('?')[0]
      lines.push(
        `no route matched ${this.method} ${path}${allow ? ` (the path answers ${allow})` : ''}; routes:${routeTable(this.#app)}`,
      )
    }
    lines.push(`body: ${showBody(this.#body, this.headers.get('content-type'))}`)
    return lines.join('\n')
  }
}

/**
 * The app's routes as `METHOD /path (name)`, without the HEAD and OPTIONS routes Brisk adds itself: on the
 * same line when they are few, else one per line.
 *
 * @example
 * routeTable(app) // ' GET /books (books.list), POST /books (books.create)'
 */
export function routeTable(app: Brisk<any>): string {
  const routes = app.routes().filter((r) => !r.automatic)
  if (routes.length === 0) return ' (none)'
  const lines = routes.map((r) => `${r.method} ${r.path}${r.name === undefined ? '' : ` (${r.name})`}`)
  const inline = lines.join(', ')
  return inline.length <= 100 ? ` ${inline}` : lines.map((line) => `\n  ${line}`).join('')
}

/**
 * The body for a message: text up to a length, or a byte count for binary types.
 *
 * @example
 * showBody(new Uint8Array(3), 'image/png') // '(3 bytes of image/png)'
 */
export function showBody(body: Uint8Array, type: string | null): string {
  if (body.byteLength === 0) return '(empty)'
  if (
    type !== null &&
    !/^(text\/|application\/([\w.+-]*\+)?(json|xml|x-www-form-urlencoded)|application\/javascript)/i.test(
      type,
    )
  ) {
    return `(${body.byteLength} bytes of ${type})`
  }
  return clip(decoder.decode(body))
}

function clip(text: string): string {
  return text.length > BODY_SHOWN ? `${text.slice(0, BODY_SHOWN)}… (${text.length} characters)` : text
}

function snapshot(req: BriskRequest<any, any>): SeenRequest {
  const headers: Record<string, string | string[] | undefined> = {}
  for (const [name, value] of Object.entries(req.headers)) if (name !== TEST_ID_HEADER) headers[name] = value
  const route = req.route
  return {
    method: req.method,
    url: req.url,
    path: req.path,
    query: { ...req.query },
    params: { ...(req.params as Record<string, unknown>) },
    ctx: req.ctx,
    route,
    routeName: route?.name,
    headers,
    cookies: { ...req.cookies },
    raw: req,
  }
}
