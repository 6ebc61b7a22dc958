/**
 * What differs between the three entries (node server, `app.fetch`, `app.inject`): where the body and the
 * peer address come from, and how a result is sent. One entry object is shared by every request, so a
 * request only keeps a reference to its raw source and no closure is made per request.
 */
import type { BriskRequest } from '../http/request'
import type { Fallback } from '../plan/route-plan'

/** What a route allows a request's body. */
export interface BodyLimits {
  /** The most bytes; past it, `PayloadTooLarge`. */
  readonly bodyLimit: number
  /** Milliseconds the whole request may take to arrive (Brisk's own server applies it; 0: no limit). */
  readonly requestTimeout: number
}

/** Reads what the request carries. */
export interface RequestAdapter<Raw = unknown> {
  /** Reads the whole body, rejecting with `PayloadTooLarge` past `limits.bodyLimit` bytes. */
  readBody(raw: Raw, limits: BodyLimits): Promise<Uint8Array>
  /**
   * The whole body now, synchronously, when it has all arrived and none of it was read; `null` when it is still
   * arriving (then `readBody`). Throws `PayloadTooLarge` past `limits.bodyLimit`. Brisk's own server has it.
   */
  wholeBody?(raw: Raw, limits: BodyLimits): Uint8Array | null
  /** The body as chunks, for handlers that stream it; also stops at `limits.bodyLimit`. */
  bodyStream(raw: Raw, limits: BodyLimits): AsyncIterable<Uint8Array>
  /** The address of the peer that opened the connection, if known. */
  remoteAddress(raw: Raw): string | undefined
  /** `https` when the connection itself is TLS, else `http`. */
  protocol(raw: Raw): 'http' | 'https'
  /**
   * The request headers as a record with lower-case names, for an entry that hands `app.handle()` no record
   * (`null`): the request builds it on the first read of `req.headers`, so a handler that reads no header
   * never pays for the copy (on Bun and Deno, about 0.8 µs per request).
   */
  headers?(raw: Raw): Record<string, string | string[] | undefined>
  /**
   * One header's value as `req.headers` would hold it (the first, if it were an array), for the headers the
   * core itself reads, without building the record; needed with `headers`. `host` falls back as `headers` does.
   */
  header?(raw: Raw, name: string): string | undefined
  /**
   * The whole body as UTF-8 text, with the limits of `readBody`, where the runtime decodes it more cheaply
   * than `readBody` and a `TextDecoder` would (`Request.text()`).
   */
  readText?(raw: Raw, limits: BodyLimits): Promise<string>
}

/** An entry: an adapter that also knows how to send a result. */
export interface Entry<Raw, R> extends RequestAdapter<Raw> {
  /**
   * Sends (or returns) `result`, whatever a handler or middleware produced. Serialisation errors go to
   * `fallback`, so a handler returning something JSON cannot hold (a BigInt, a cycle) gets a 500, not a crash.
   */
  respond(raw: Raw, req: BriskRequest<any, any>, result: unknown, fallback: Fallback): R
}

/** Concatenates chunks without an extra copy when there is only one. */
export function concatChunks(chunks: Uint8Array[], total: number): Uint8Array {
  if (chunks.length === 1) return chunks[0]!
  const out = new Uint8Array(total)
  let offset = 0
  for (const chunk of chunks) {
    out.set(chunk, offset)
    offset += chunk.byteLength
  }
  return out
}
