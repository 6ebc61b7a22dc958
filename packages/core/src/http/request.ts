/**
 * The request a handler sees. Everything that costs something (query, cookies, body, id, ctx) is parsed on
 * first read and cached, so a handler pays only for what it uses.
 */

import type { RouteInfo } from '../app/route-info'
import type { BodyLimits, RequestAdapter } from '../entries/adapter'
import type { Logger } from '../log/logger'
import { openNode } from '../node-door'
import { isJSONContentType, mediaType, parseJSONText, parseQuery } from './body-parse'
import { clientIp, type TrustProxy } from './client-ip'
import { parseCookies } from './cookies'
import { HTTPError, PayloadTooLarge, UnsupportedMediaType } from './errors'
import { type ParsedForm, type ResolvedMultipartLimits, type UploadedFile, uploadLimitOf } from './multipart'
import { parseWebForm } from './multipart-web'
import { preferredType } from './negotiate'

/** What a request needs from its app; kept narrow so the request does not depend on the app class. */
export interface RequestHost {
  readonly trustProxy: TrustProxy
  readonly dev: boolean
  readonly log: Logger
  urlFor(name: string, params?: Record<string, unknown>, query?: Record<string, unknown>): string
  newCtx(): object
}

/** The per-route facts a request reads: its body limits and what it is. */
export interface RequestRoute extends BodyLimits {
  readonly info: RouteInfo | null
  readonly multipart: ResolvedMultipartLimits
}

const decoder = new TextDecoder()
const encoder = new TextEncoder()
const REQUEST_ID = /^[\x21-\x7e]{1,200}$/

/**
 * An incoming request. `P` is the type of `params`, `C` the type of `ctx`.
 *
 * @example
 * app.post('/books/:id<int>', async (req) => {
 *   const patch = await req.json<{ title: string }>()
 *   return { id: req.params.id, title: patch.title, page: req.query.page }
 * })
 */
export class BriskRequest<P = Record<string, unknown>, C extends object = {}> {
  /** The upper-case method, e.g. `GET`. */
  readonly method: string
  /** The request target as sent: path and query string. */
  readonly url: string
  /** The path without the query string, not percent-decoded. */
  readonly path: string
  /** Path parameters, converted to their declared types (`:id<int>` is a number). */
  params: P
  /** The app that is serving this request. */
  readonly app: RequestHost

  readonly #raw: unknown
  readonly #adapter: RequestAdapter
  readonly #route: RequestRoute
  #headers: Record<string, string | string[] | undefined> | null
  #query: Record<string, string | string[]> | undefined = undefined
  #cookies: Record<string, string> | undefined = undefined
  #ctx: C | undefined = undefined
  #id: string | undefined = undefined
  #bytes: Promise<Uint8Array> | undefined = undefined
  #text: Promise<string> | undefined = undefined
  #json: Promise<unknown> | undefined = undefined
  #form: Promise<ParsedForm> | undefined = undefined
  #temporary: string[] | null = null

  constructor(
    app: RequestHost,
    adapter: RequestAdapter<any>,
    raw: unknown,
    method: string,
    url: string,
    path: string,
    headers: Record<string, string | string[] | undefined> | null,
    params: P,
    route: RequestRoute,
  ) {
    this.app = app
    this.#adapter = adapter
    this.#raw = raw
    this.method = method
    this.url = url
    this.path = path
    this.#headers = headers
    this.params = params
    this.#route = route
  }

  /**
   * Request headers with lower-case names. Entries that have them as a record already (node's) hand it over;
   * `app.fetch` builds it from the `Request` on first read, so a request whose handler reads none skips the copy.
   *
   * @example
   * const agent = req.headers['user-agent']
   */
  get headers(): Record<string, string | string[] | undefined> {
    return (this.#headers ??= this.#adapter.headers!(this.#raw))
  }

  /** One header as the core reads it (the first value), straight from the entry while no record is built. */
  #header(name: string): string | undefined {
    const headers = this.#headers
    return headers !== null ? headerValue(headers[name]) : this.#adapter.header!(this.#raw, name)
  }

  /** The route that matched, with its name, pattern and options; `null` when none did (404, 405). @example req.route?.name */
  get route(): RouteInfo | null {
    return this.#route.info
  }

  /** The query string, parsed on first read; repeated keys become arrays. @example req.query.tag // 'a' or ['a', 'b'] */
  get query(): Record<string, string | string[]> {
    if (this.#query === undefined) {
      const mark = this.url.indexOf('?')
      this.#query = mark === -1 ? Object.create(null) : parseQuery(this.url.slice(mark + 1))
    }
    return this.#query!
  }

  /** Cookies sent with the request, parsed on first read. @example req.cookies.theme */
  get cookies(): Record<string, string> {
    return (this.#cookies ??= parseCookies(this.#header('cookie')))
  }

  /** Per-request context that plugins and middleware fill; typed where they are registered. @example req.ctx.session */
  get ctx(): C {
    return (this.#ctx ??= this.app.newCtx() as C)
  }

  /** The request id: a valid `x-request-id` header, else a random UUID made on first read. @example log.info({ id: req.id }) */
  get id(): string {
    if (this.#id === undefined) {
      const given = this.#header('x-request-id')
      this.#id = given !== undefined && REQUEST_ID.test(given) ? given : crypto.randomUUID()
    }
    return this.#id
  }

  /** The client's address; proxy headers count only with the app's `trustProxy` option. @example req.ip // '203.0.113.7' */
  get ip(): string | undefined {
    return clientIp(this.#adapter.remoteAddress(this.#raw), this.headers, this.app.trustProxy)
  }

  /** `https` or `http`; `X-Forwarded-Proto` counts only with `trustProxy`. @example if (req.protocol === 'https') … */
  get protocol(): 'http' | 'https' {
    if (this.app.trustProxy !== false) {
      const forwarded = this.#header('x-forwarded-proto')
      if (forwarded !== undefined)
        return forwarded.split(',')[0]!.trim().toLowerCase() === 'https' ? 'https' : 'http'
    }
    return this.#adapter.protocol(this.#raw)
  }

  /** The `Host` header without the port. @example req.hostname // 'shop.example.com' */
  get hostname(): string {
    const host = this.#header('host') ?? ''
    return host.startsWith('[') ? host.slice(0, host.indexOf(']') + 1) : host.split(':')[0]!
  }

  /** The content type this request prefers among `types` (by `Accept`), or undefined. @example req.accepts(['text/html', 'application/json']) */
  accepts(types: readonly string[]): string | undefined {
    return preferredType(this.#header('accept'), types)
  }

  /** The raw body, read once (413 past the route's body limit). @example const raw = await req.bytes() */
  bytes(): Promise<Uint8Array> {
    // After a text read the body is gone; its text encodes back to the same bytes (when they were UTF-8).
    return (this.#bytes ??=
      this.#text !== undefined
        ? this.#text.then((text) => encoder.encode(text))
        : this.#adapter.readBody(this.#raw, this.#route))
  }

  /** The body as UTF-8 text, read once. @example const csv = await req.text() */
  text(): Promise<string> {
    return (this.#text ??= this.#readText())
  }

  #readText(): Promise<string> {
    const adapter = this.#adapter
    // app.fetch lets the runtime decode (Request.text()): cheaper than bytes and a TextDecoder here.
    if (this.#bytes === undefined && adapter.readText !== undefined)
      return adapter.readText(this.#raw, this.#route)
    return this.bytes().then(decode)
  }

  /**
   * The body parsed as JSON, once. Needs a JSON content type (415 otherwise, which also keeps cross-site
   * `text/plain` form posts out); 400 for malformed JSON or `__proto__` / `constructor.prototype` keys.
   *
   * @example
   * const { title } = await req.json<{ title: string }>()
   */
  json<T = unknown>(): Promise<T> {
    // The promise is kept, not the value, so concurrent calls share one parse (and one error).
    return (this.#json ??= this.#readJSON()) as Promise<T>
  }

  // Not async: one promise for the text and one for its parse (each async layer costs a promise and a turn).
  #readJSON(): Promise<unknown> {
    const contentType = this.#header('content-type')
    if (!isJSONContentType(contentType)) {
      const type = mediaType(contentType)
      return Promise.reject(
        new UnsupportedMediaType(
          `Expected a JSON body (application/json), got ${type || 'no content type'}`,
          {
            code: 'BRISK_ERR_JSON_CONTENT_TYPE',
          },
        ),
      )
    }
    return this.text().then(parseJSONText)
  }

  /**
   * The fields of a form body (`application/x-www-form-urlencoded` or `multipart/form-data`), parsed once;
   * repeated fields become arrays. 415 for other content types; 413 past the route's multipart limits (a
   * multipart body is held to `multipart.uploadLimit`, not `bodyLimit`).
   *
   * @example
   * const { email } = await req.form()
   */
  async form(): Promise<Record<string, string | string[]>> {
    return (await this.#parseForm()).fields
  }

  /**
   * The files of a `multipart/form-data` body, by field name (`{}` for urlencoded forms). Small files are in
   * memory, larger ones in temporary files that are removed after the response is sent.
   *
   * @example
   * const [avatar] = (await req.files()).avatar ?? []
   * if (avatar) await saveAvatar(await avatar.bytes())
   */
  async files(): Promise<Record<string, UploadedFile[]>> {
    return (await this.#parseForm()).files
  }

  /** @internal Removes what parsing left on disk; the app calls it once the response is handed over. */
  cleanup(): void {
    const paths = this.#temporary
    if (paths === null) return
    this.#temporary = null
    void openNode('uploads')
      .then(({ removeFiles }) => removeFiles(paths))
      .catch(() => {})
  }

  #parseForm(): Promise<ParsedForm> {
    return (this.#form ??= this.#readForm())
  }

  async #readForm(): Promise<ParsedForm> {
    const raw = this.#header('content-type')
    const type = mediaType(raw)
    if (type === 'application/x-www-form-urlencoded')
      return { fields: parseQuery(await this.text()), files: Object.create(null) }
    if (type === 'multipart/form-data') {
      // Where the node half cannot load (workerd), the runtime's own parser reads it, files in memory.
      const node = await openNode('uploads').catch(() => null)
      const track = (path: string): void => {
        ;(this.#temporary ??= []).push(path)
      }
      const route = this.#route
      // An upload is held to its own limit, not to bodyLimit, so the largest file fileSize allows can arrive.
      const limit = uploadLimitOf(route.multipart, route.bodyLimit)
      const body = this.#adapter.bodyStream(this.#raw, {
        bodyLimit: limit,
        requestTimeout: route.requestTimeout,
      })
      try {
        return node === null
          ? await parseWebForm(raw!, body, route.multipart)
          : await node.parseMultipart(raw!, body, route.multipart, track)
      } catch (error) {
        if (!(error instanceof PayloadTooLarge)) throw error
        throw new HTTPError(413, `The multipart body is over the upload limit of ${limit} bytes`, {
          code: 'BRISK_ERR_MULTIPART_LIMIT',
          headers: { connection: 'close' },
          cause: error,
        })
      }
    }
    throw new UnsupportedMediaType(
      `Expected a form body (application/x-www-form-urlencoded or multipart/form-data), got ${type || 'no content type'}`,
      { code: 'BRISK_ERR_FORM_CONTENT_TYPE' },
    )
  }

  /**
   * The body as it arrives, chunk by chunk, for large uploads. Do not mix with `bytes()`/`json()`.
   *
   * @example
   * for await (const chunk of req.stream()) hash.update(chunk)
   */
  stream(): AsyncIterable<Uint8Array> {
    return this.#adapter.bodyStream(this.#raw, this.#route)
  }
}

function decode(bytes: Uint8Array): string {
  return decoder.decode(bytes)
}

/** The first value of a header that may have been sent more than once. */
export function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value
}
