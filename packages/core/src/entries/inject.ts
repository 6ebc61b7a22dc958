/**
 * `app.inject`: a whole request through the app with no socket, for tests. The body goes in as a string,
 * bytes or a value to send as JSON; the response comes back fully read.
 */

import type { Brisk } from '../app/app'
import { PayloadTooLarge } from '../http/errors'
import type { BriskRequest } from '../http/request'
import type { BriskResponse } from '../http/response'
import { responseFor } from '../plan/chain'
import type { Fallback } from '../plan/route-plan'
import { concatChunks, type Entry } from './adapter'

/** What `app.inject` sends. */
export interface InjectOptions {
  /** @default 'GET' */
  method?: string
  /** Path and query, e.g. `/books?page=2`. */
  url: string
  /** Request headers; names are lower-cased. */
  headers?: Record<string, string | string[]>
  /** A string or bytes are sent as they are; any other value as JSON (with `content-type: application/json`). */
  body?: string | Uint8Array | object
  /** The peer address that `req.ip` sees. @default '127.0.0.1' */
  remoteAddress?: string
}

/** What `app.inject` returns. */
export interface InjectResponse {
  readonly status: number
  /** Response headers with lower-case names; `set-cookie` is always an array. */
  readonly headers: Record<string, string | string[]>
  /** The body as text. */
  readonly body: string
  /** The body as bytes. */
  readonly rawBody: Uint8Array
  /** The body parsed as JSON. */
  json<T = unknown>(): T
}

interface Raw {
  readonly body: Uint8Array | null
  readonly remoteAddress: string
}

const encoder = new TextEncoder()
const decoder = new TextDecoder()

const injectEntry: Entry<Raw, BriskResponse> = {
  async readBody(raw, { bodyLimit: limit }) {
    const body = raw.body ?? new Uint8Array(0)
    if (body.byteLength > limit) throw new PayloadTooLarge(limit)
    return body
  },
  async *bodyStream(raw, { bodyLimit: limit }) {
    if (raw.body === null) return
    if (raw.body.byteLength > limit) throw new PayloadTooLarge(limit)
    yield raw.body
  },
  remoteAddress: (raw) => raw.remoteAddress,
  protocol: () => 'http',
  respond(_raw: Raw, req: BriskRequest<any, any>, result: unknown, fallback: Fallback): BriskResponse {
    return responseFor(result, req, fallback)
  },
}

/**
 * Runs an injected request through a started app.
 *
 * @example
 * const res = await injectRequest(app, { url: '/health' })
 */
export async function injectRequest(app: Brisk<any>, options: InjectOptions): Promise<InjectResponse> {
  if (
    options === null ||
    typeof options !== 'object' ||
    typeof options.url !== 'string' ||
    !options.url.startsWith('/')
  ) {
    throw new TypeError('inject(): `url` must be a path starting with "/"')
  }
  const headers: Record<string, string | string[]> = {}
  for (const [name, value] of Object.entries(options.headers ?? {})) {
    const key = name.toLowerCase()
    // A repeated header arrives joined, as node:http and fetch hand it over (cookies with `; `).
    headers[key] =
      Array.isArray(value) && key !== 'set-cookie' ? value.join(key === 'cookie' ? '; ' : ', ') : value
  }
  headers.host ??= 'localhost'
  let body: Uint8Array | null = null
  const given = options.body
  if (typeof given === 'string') body = encoder.encode(given)
  else if (given instanceof Uint8Array) body = given
  else if (given !== undefined) {
    body = encoder.encode(JSON.stringify(given))
    headers['content-type'] ??= 'application/json'
  }
  if (body !== null) headers['content-length'] ??= String(body.byteLength)
  const method = (options.method ?? 'GET').toUpperCase()
  const raw: Raw = { body, remoteAddress: options.remoteAddress ?? '127.0.0.1' }
  const res = await app.handle(injectEntry, raw, method, options.url, headers)
  const rawBody =
    method === 'HEAD' || res.status === 204 || res.status === 304
      ? new Uint8Array(0)
      : await readAll(res.body)
  const text = decoder.decode(rawBody)
  const out: Record<string, string | string[]> = {}
  for (const name in res.headers) out[name] = res.headers[name]!
  if (typeof out['set-cookie'] === 'string') out['set-cookie'] = [out['set-cookie']]
  return {
    status: res.status,
    headers: out,
    body: text,
    rawBody,
    json: <T>() => JSON.parse(text) as T,
  }
}

async function readAll(body: BriskResponse['body']): Promise<Uint8Array> {
  if (body === null) return new Uint8Array(0)
  if (typeof body === 'string') return encoder.encode(body)
  if (body instanceof Uint8Array) return body
  const chunks: Uint8Array[] = []
  let total = 0
  const reader = body.getReader()
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    chunks.push(value)
    total += value.byteLength
  }
  return concatChunks(chunks, total)
}
