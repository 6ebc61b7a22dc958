/**
 * The Web-standard entry behind `app.fetch`: a `Request` in, a `Response` out, on any runtime.
 */

import type { Brisk } from '../app/app'
import { PayloadTooLarge } from '../http/errors'
import type { BriskRequest } from '../http/request'
import { type BriskResponse, contentTypes } from '../http/response'
import { responseFor } from '../plan/chain'
import type { Fallback } from '../plan/route-plan'
import { type BodyLimits, concatChunks, type Entry } from './adapter'

async function readBody(request: Request, { bodyLimit: limit }: BodyLimits): Promise<Uint8Array> {
  const length = request.headers.get('content-length')
  if (length !== null && Number(length) > limit) throw new PayloadTooLarge(limit)
  // With a declared length under the limit, the runtime's own reader is far cheaper than a chunk loop here
  // (a reader loop over undici's stream costs several times more per request); the length is checked again.
  // `request.body` is not touched first: on some servers (@hono/node-server) that alone builds a Web stream.
  if (length !== null) {
    const bytes = new Uint8Array(await request.arrayBuffer())
    if (bytes.byteLength > limit) throw new PayloadTooLarge(limit)
    return bytes
  }
  if (request.body === null) return new Uint8Array(0)
  const chunks: Uint8Array[] = []
  let total = 0
  for await (const chunk of iterate(request.body)) {
    total += chunk.byteLength
    if (total > limit) throw new PayloadTooLarge(limit)
    chunks.push(chunk)
  }
  return concatChunks(chunks, total)
}

const encoder = new TextEncoder()
const decoder = new TextDecoder()

/**
 * The body as text, with `readBody`'s limits: with a declared length the runtime reads and decodes it
 * (`Request.text()`, about 0.4 µs less per small body than bytes and a `TextDecoder` on Bun and Deno). A plain
 * promise chain, not an async function: each async layer is one more promise and turn per request.
 */
function readText(request: Request, limits: BodyLimits): Promise<string> {
  const limit = limits.bodyLimit
  const length = request.headers.get('content-length')
  if (length === null) return readBody(request, limits).then(decodeBytes) // chunked: counted as it comes
  if (Number(length) > limit) return Promise.reject(new PayloadTooLarge(limit))
  return request.text().then((text) => {
    // A UTF-8 byte is at most one UTF-16 unit and a unit at most three bytes: count them only in between.
    if (text.length > limit || (text.length * 3 > limit && encoder.encode(text).byteLength > limit))
      throw new PayloadTooLarge(limit)
    return text
  })
}

function decodeBytes(bytes: Uint8Array): string {
  return decoder.decode(bytes)
}

async function* bodyStream(request: Request, { bodyLimit: limit }: BodyLimits): AsyncIterable<Uint8Array> {
  if (request.body === null) return
  let total = 0
  for await (const chunk of iterate(request.body)) {
    total += chunk.byteLength
    if (total > limit) throw new PayloadTooLarge(limit)
    yield chunk
  }
}

async function* iterate(stream: ReadableStream<Uint8Array>): AsyncIterable<Uint8Array> {
  const reader = stream.getReader()
  try {
    for (;;) {
      const { done, value } = await reader.read()
      if (done) return
      yield value
    }
  } finally {
    await reader.cancel().catch(() => {})
  }
}

const NO_BODY = new Set([101, 204, 205, 304])

/**
 * A {@link BriskResponse} as a Web `Response` (no body for HEAD, 204, 304).
 *
 * @example
 * const response = toWebResponse(json({ ok: true }), 'GET')
 */
function toWebResponse(r: BriskResponse, method: string): Response {
  const body = method === 'HEAD' || NO_BODY.has(r.status) ? null : r.body
  const type = loneType(r.headers)
  if (type === undefined)
    return new Response(body as BodyInit | null, { status: r.status, headers: headersInit(r.headers) })
  // A 200 string with only the default text type is what `new Response(string)` makes by itself, and Deno
  // and Bun answer such a Response without reading any headers from JavaScript.
  if (type === TEXT_TYPE && r.status === 200 && typeof body === 'string') return new Response(body)
  return new Response(body as BodyInit | null, { status: r.status, headers: typeOnlyInit(type) })
}

const TEXT_TYPE = contentTypes.text

/** The content type when it is the only header (most text and JSON answers), else undefined. */
function loneType(headers: Record<string, string | string[]>): string | undefined {
  let type: string | string[] | undefined
  for (const name in headers) {
    if (name !== 'content-type' || type !== undefined) return undefined
    type = headers[name]
  }
  return typeof type === 'string' ? type : undefined
}

/** `{ 'content-type': type }` made once per type (a few in an app), for responses with no other header. */
const typeOnly = new Map<string, Record<string, string>>()
const TYPE_ONLY_MAX = 64

/**
 * The init of a response whose only header is its content type: a record made once for that type. A plain
 * one-key record of `application/json` or `text/plain` is what Deno's `Response` takes by its fast path (a
 * `Headers` object is not), and it is copied, never kept, so sharing it is safe.
 */
function typeOnlyInit(type: string): Record<string, string> {
  let made = typeOnly.get(type)
  if (made === undefined) {
    made = { 'content-type': type }
    if (typeOnly.size < TYPE_ONLY_MAX) typeOnly.set(type, made)
  }
  return made
}

/**
 * The headers as a `HeadersInit`: the record itself when every value is a string (servers such as
 * `@hono/node-server` write a plain record without building a `Headers`), else name/value pairs, so that each
 * `set-cookie` stays a field of its own.
 */
function headersInit(headers: Record<string, string | string[]>): HeadersInit {
  for (const name in headers) {
    if (typeof headers[name] !== 'string') {
      const pairs: [string, string][] = []
      for (const key in headers) {
        const value = headers[key]!
        if (typeof value === 'string') pairs.push([key, value])
        else for (const item of value) pairs.push([key, item])
      }
      return pairs
    }
  }
  return headers as Record<string, string>
}

function respond(
  request: Request,
  req: BriskRequest<any, any>,
  result: unknown,
  fallback: Fallback,
): Response {
  if (result instanceof Response && request.method !== 'HEAD') return result
  return toWebResponse(responseFor(result, req, fallback), req.method)
}

/** `Headers.forEach` callback: `this` is the record being filled (one function for every request, no closure). */
function copyHeader(this: Record<string, string>, value: string, name: string): void {
  this[name] = value
}

/** The authority of an absolute URL: what the `Host` header of a request for it would be. */
function authorityOf(url: string): string {
  const from = url.indexOf('//') + 2
  const end = url.indexOf('/', from)
  return url.slice(from, end === -1 ? undefined : end)
}

/**
 * `req.headers` of a Web `Request`, built on its first read: lower-case names, repeated fields combined as the
 * `Headers` object combines them, and `host` from the URL when the request carries none. forEach, not for…of:
 * the same names and values without an iterator and a [name, value] array per header (Deno's iterator costs
 * about 0.6 µs more per request; within a few ns on Node and Bun).
 */
function headersOf(request: Request): Record<string, string> {
  const headers: Record<string, string> = {}
  request.headers.forEach(copyHeader, headers)
  if (headers.host === undefined) headers.host = authorityOf(request.url)
  return headers
}

/** One header as `headersOf` would give it, without building the record (or the whole `Headers` list). */
function headerOf(request: Request, name: string): string | undefined {
  const value = request.headers.get(name)
  if (value !== null) return value
  return name === 'host' ? authorityOf(request.url) : undefined
}

const webEntry: Entry<Request, Response> = {
  readBody,
  readText,
  bodyStream,
  remoteAddress: () => undefined,
  protocol: (request) => (request.url.startsWith('https:') ? 'https' : 'http'),
  headers: headersOf,
  header: headerOf,
  respond,
}

/**
 * Runs a Web `Request` through a started app. The headers are not copied here: on `Bun.serve` and `Deno.serve`
 * even touching `request.headers` makes the runtime build a `Headers` object, so `req.headers` is built only
 * when something reads it.
 *
 * @example
 * const response = await fetchRequest(app, new Request('http://localhost/'))
 */
export function fetchRequest(app: Brisk<any>, request: Request): Response | Promise<Response> {
  const url = request.url
  // The request target is what follows the authority: skip "scheme://host".
  const start = url.indexOf('/', url.indexOf('//') + 2)
  const target = start === -1 ? '/' : url.slice(start)
  return app.handle(webEntry, request, request.method, target, null)
}
