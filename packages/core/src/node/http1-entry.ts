/**
 * The entry of Brisk's own HTTP/1.1 server: reads bodies from an {@link Exchange} and writes each response
 * straight to its socket as one status line, one header block and the body, in a single write where it can.
 */
import { type BodyLimits, concatChunks, type Entry } from '../entries/adapter'
import { PayloadTooLarge } from '../http/errors'
import type { BriskRequest } from '../http/request'
import { BriskResponse, contentTypes, fromWebResponse } from '../http/response'
import type { Fallback } from '../plan/route-plan'
import type { Exchange } from './http1-exchange'
import { Framing } from './http1-parse'
import { currentDate, fieldLines, statusLine } from './response-head'

/** Decides whether the connection stays open after this response, and says so in the head. */
function connectionFields(exchange: Exchange, close: boolean): string {
  const keep = exchange.head.keepAlive && exchange.ended && !close && !exchange.connection.host.closing
  exchange.keepAlive = keep
  return keep ? exchange.connection.host.keepAliveFields : 'connection: close\r\n'
}

function bodiless(exchange: Exchange, status: number): boolean {
  return exchange.head.method === 'HEAD' || status === 204 || status === 304 || status < 200
}

// Header values may carry obs-text (bytes 0x80–0xFF, the only non-ASCII they may hold), which go out as
// latin1, never as UTF-8.
const NOT_ASCII = /[\x80-\xff]/

/**
 * Bodies larger than this leave a slice at a time, each once the one before it has left the socket's buffer:
 * the buffer then shrinks as the client reads, which is how a slow reader is told from one that reads nothing
 * (one large write shows no progress until all of it is out), and no more than a slice waits in memory.
 */
const SLICE = 32 * 1024

/**
 * Writes head and body (`size` bytes), in one write when both can go as one UTF-8 string, and finishes the
 * exchange; a body over {@link SLICE} goes out a slice at a time and finishes it when the last slice is out.
 */
function send(
  exchange: Exchange,
  head: string,
  body: string | Uint8Array | null,
  size: number,
  asciiHead: boolean,
): void {
  const socket = exchange.socket
  exchange.headSent = true
  if (!socket.destroyed) {
    // More pipelined requests wait: hold this answer so that it leaves with theirs, in one write.
    if (exchange.connection.buffer !== null) exchange.connection.batch()
    if (body === null) socket.write(head, 'latin1')
    else if (size > SLICE) {
      socket.write(head, 'latin1')
      void writeSlices(exchange, typeof body === 'string' ? Buffer.from(body) : body).then(() => {
        if (!socket.destroyed) exchange.finish()
      })
      return
    } else if (typeof body === 'string' && asciiHead) socket.write(head + body)
    else {
      socket.cork()
      socket.write(head, 'latin1')
      socket.write(body)
      socket.uncork()
    }
  }
  exchange.finish()
}

/** Writes `bytes` a {@link SLICE} at a time, each once the socket's buffer has drained; stops if it closes. */
async function writeSlices(exchange: Exchange, bytes: Uint8Array): Promise<void> {
  const socket = exchange.socket
  for (let at = 0; at < bytes.byteLength && !socket.destroyed; at += SLICE) {
    if (!socket.write(bytes.subarray(at, at + SLICE))) await drained(exchange)
  }
}

/** A 200 with only a content type: the path of most handler results. */
function writeSimple(exchange: Exchange, type: string, body: string | Uint8Array): void {
  if (exchange.finished) return
  const length = typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength
  const head = `HTTP/1.1 200 OK\r\ncontent-type: ${type}\r\ncontent-length: ${length}\r\n${currentDate()}${connectionFields(exchange, false)}\r\n`
  send(exchange, head, exchange.head.method === 'HEAD' ? null : body, length, true)
}

function writeBrisk(exchange: Exchange, res: BriskResponse): void {
  if (exchange.finished) {
    discard(res.body) // the 408 already went out
    return
  }
  const status = res.status
  const { lines, length, close } = fieldLines(res.headers)
  const start = statusLine(status)
  const body = res.body
  const noBody = bodiless(exchange, status)
  if (body === null || typeof body === 'string' || body instanceof Uint8Array) {
    const bytes = body === null ? 0 : typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength
    let size = length
    if (body !== null) size = String(bytes)
    else if (size === undefined && status >= 200 && status !== 204 && status !== 304) size = '0'
    const sized = size === undefined || status === 204 || status < 200 ? '' : `content-length: ${size}\r\n`
    const head = `${start}${lines}${sized}${connectionFields(exchange, close)}\r\n`
    send(exchange, head, noBody ? null : body, bytes, !NOT_ASCII.test(lines))
    return
  }
  if (noBody) {
    discard(body)
    const sized = length === undefined ? '' : `content-length: ${length}\r\n`
    send(exchange, `${start}${lines}${sized}${connectionFields(exchange, close)}\r\n`, null, 0, true)
    return
  }
  // A stream: its declared length if it has one, else chunked (HTTP/1.1) or until the connection closes (1.0).
  const chunked = length === undefined && exchange.head.minor === 1
  const framing =
    length !== undefined ? `content-length: ${length}\r\n` : chunked ? 'transfer-encoding: chunked\r\n' : ''
  const head = `${start}${lines}${framing}${connectionFields(exchange, close || (length === undefined && !chunked))}\r\n`
  exchange.headSent = true
  exchange.socket.write(head, 'latin1')
  void pipeStream(exchange, body, chunked, length === undefined ? -1 : Number(length))
}

/** Cancels a stream body that will not be sent, so its producer stops (its signal aborts). */
function discard(body: BriskResponse['body']): void {
  if (body instanceof ReadableStream) body.cancel().catch(() => {})
}

function drained(exchange: Exchange): Promise<void> {
  return new Promise((resolve) => {
    const socket = exchange.socket
    const done = (): void => {
      socket.off('drain', done)
      socket.off('close', done)
      resolve()
    }
    socket.on('drain', done)
    socket.on('close', done)
  })
}

async function pipeStream(
  exchange: Exchange,
  stream: ReadableStream<Uint8Array>,
  chunked: boolean,
  declared: number,
): Promise<void> {
  const socket = exchange.socket
  const reader = stream.getReader()
  // A client that leaves cancels the stream, so its producer's signal aborts even while it waits for events.
  exchange.onAbort = () => {
    reader.cancel().catch(() => {})
  }
  let sent = 0
  let complete = false
  try {
    while (!exchange.aborted && !socket.destroyed) {
      const { done, value } = await reader.read()
      if (done) {
        complete = true
        break
      }
      if (value.byteLength === 0) continue // an empty chunk would read as the end of a chunked body
      let ok: boolean
      if (declared >= 0 && sent + value.byteLength > declared) {
        // More than the declared content-length: the extra bytes would be read as the next response.
        socket.write(value.subarray(0, declared - sent))
        break
      } else if (value.byteLength > SLICE) {
        if (chunked) socket.write(`${value.byteLength.toString(16)}\r\n`, 'latin1')
        await writeSlices(exchange, value)
        ok = chunked ? socket.write('\r\n', 'latin1') : true
      } else if (chunked) {
        socket.cork()
        socket.write(`${value.byteLength.toString(16)}\r\n`, 'latin1')
        socket.write(value)
        ok = socket.write('\r\n', 'latin1')
        socket.uncork()
      } else {
        ok = socket.write(value)
      }
      sent += value.byteLength
      if (!ok) await drained(exchange)
    }
  } catch {
    complete = false // the stream failed after the head went out
  } finally {
    exchange.onAbort = null
  }
  if (!complete) reader.cancel().catch(() => {})
  reader.releaseLock()
  if (complete && !socket.destroyed && (declared < 0 || sent === declared)) {
    if (chunked) socket.write('0\r\n\r\n', 'latin1')
    exchange.finish()
  } else {
    // A stream that failed, ran short of or past its declared length, or lost its client: the only honest
    // signal left is to cut the connection, so the client cannot take the response for a complete one.
    // Complete answers to earlier pipelined requests, still held in a batch, leave first.
    exchange.connection.flush()
    socket.destroy()
  }
}

function writeJSON(
  exchange: Exchange,
  req: BriskRequest<any, any>,
  result: unknown,
  fallback: Fallback,
): void {
  let body: string
  try {
    body = JSON.stringify(result)
  } catch (error) {
    writeChecked(exchange, req, fallback(error, req), fallback) // a BigInt or a cycle: a 500, not a crash
    return
  }
  writeSimple(exchange, contentTypes.json, body)
}

/** Writes `res`; a header a handler set that cannot go on the wire (a CR, a bad name) becomes a 500. */
function writeChecked(
  exchange: Exchange,
  req: BriskRequest<any, any>,
  res: BriskResponse,
  fallback: Fallback,
): void {
  try {
    writeBrisk(exchange, res)
  } catch (error) {
    if (exchange.headSent) throw error
    discard(res.body)
    writeBrisk(exchange, fallback(error, req))
  }
}

function respond(exchange: Exchange, req: BriskRequest<any, any>, result: unknown, fallback: Fallback): void {
  if (typeof result === 'string') writeSimple(exchange, contentTypes.text, result)
  else if (result instanceof BriskResponse) writeChecked(exchange, req, result, fallback)
  else if (result === undefined) writeChecked(exchange, req, new BriskResponse(null, 204, {}), fallback)
  else if (result instanceof Response) writeChecked(exchange, req, fromWebResponse(result), fallback)
  else if (result instanceof Uint8Array) writeSimple(exchange, 'application/octet-stream', result)
  else writeJSON(exchange, req, result, fallback)
}

/** The route's limits apply from the handler's first read: its size, and how long the request may take. */
function begin(exchange: Exchange, { bodyLimit, requestTimeout }: BodyLimits): void {
  exchange.timeout = requestTimeout
  if (exchange.head.framing === Framing.Length && exchange.head.length > bodyLimit) {
    throw new PayloadTooLarge(bodyLimit)
  }
}

/**
 * The whole body, now, when it has all arrived and nothing of it has been read (a body in the same packet as
 * its head, the common case): no await, no chunk array, and no copy of a body that came in one piece. `null`
 * when it is still arriving; throws {@link PayloadTooLarge} past the route's limit.
 */
function wholeBody(exchange: Exchange, limits: BodyLimits): Uint8Array | null {
  begin(exchange, limits)
  return exchange.takeWhole(limits.bodyLimit)
}

function readBody(exchange: Exchange, limits: BodyLimits): Promise<Uint8Array> {
  let whole: Uint8Array | null
  try {
    whole = wholeBody(exchange, limits)
  } catch (error) {
    return Promise.reject(error)
  }
  return whole === null ? readPieces(exchange, limits.bodyLimit) : Promise.resolve(whole)
}

/** A body still arriving: its pieces as they come, up to `limit` bytes, then in one buffer. */
async function readPieces(exchange: Exchange, limit: number): Promise<Uint8Array> {
  const chunks: Uint8Array[] = []
  let total = 0
  for (let chunk = await exchange.read(); chunk !== null; chunk = await exchange.read()) {
    total += chunk.byteLength
    if (total > limit) throw new PayloadTooLarge(limit)
    chunks.push(chunk)
  }
  return concatChunks(chunks, total)
}

async function* bodyStream(exchange: Exchange, limits: BodyLimits): AsyncIterable<Uint8Array> {
  begin(exchange, limits)
  let total = 0
  for (let chunk = await exchange.read(); chunk !== null; chunk = await exchange.read()) {
    total += chunk.byteLength
    if (total > limits.bodyLimit) throw new PayloadTooLarge(limits.bodyLimit)
    yield chunk
  }
}

/** The HTTP/1.1 entry, shared by every request of every Brisk server. */
export const http1Entry: Entry<Exchange, void> = {
  readBody,
  bodyStream,
  remoteAddress: (exchange) => exchange.socket.remoteAddress,
  protocol: (exchange) => (exchange.connection.host.secure ? 'https' : 'http'),
  respond,
}
