/**
 * The HTTP/1.1 request parser of Brisk's own server: the request head (RFC 9112 §3 and §5) and chunked bodies
 * (§7.1).
 *
 * It is strict on purpose. Every ambiguity that lets two parsers read one byte stream as different requests
 * (request smuggling) is refused with a 400 rather than guessed at: a bare CR or LF, folded header lines,
 * whitespace before a colon, duplicate `Content-Length` or `Host`, `Content-Length` beside
 * `Transfer-Encoding`, a transfer coding other than `chunked`, malformed chunk sizes. The differential test in
 * `test/http1-conformance.test.ts` holds it beside node's llhttp, request by request, and names every case
 * where the two differ (mostly where this parser refuses what llhttp lets through).
 */

import { TOKEN } from '../http/token'

/** Why a request could not be read; the server answers with `status` and closes the connection. */
export class HeadError extends Error {
  constructor(
    readonly status: 400 | 408 | 413 | 417 | 431 | 501 | 505,
    message: string,
  ) {
    super(message)
    this.name = 'HeadError'
  }
}

/** The body framing a request head announces. */
export enum Framing {
  None = 0,
  Length = 1,
  Chunked = 2,
}

/** A parsed request head. */
export interface RequestHead {
  readonly method: string
  readonly url: string
  /** 1 for HTTP/1.1, 0 for HTTP/1.0. */
  readonly minor: 0 | 1
  /** Lower-case names; repeated fields joined with `, ` (`; ` for `cookie`), `set-cookie` as an array. */
  readonly headers: Record<string, string | string[]>
  readonly framing: Framing
  /** The `Content-Length`, when `framing` is `Length`. */
  readonly length: number
  /** Whether the connection may carry another request after this one. */
  readonly keepAlive: boolean
  /** `Connection: upgrade` with an `Upgrade` field: the socket leaves HTTP after this head. */
  readonly upgrade: boolean
  /** `Expect: 100-continue` on HTTP/1.1. */
  readonly expectContinue: boolean
}

// A request-target: visible ASCII, nothing else (RFC 9112 §3.2 and RFC 3986: no spaces, no controls, and bytes
// past 0x7F only percent-encoded, as node's llhttp also insists).
const TARGET = /^[\x21-\x7e]+$/
// An `Upgrade` list: protocols, each a token with an optional `/version` (RFC 9110 §7.8).
const PROTOCOL = `${TOKEN.source.slice(1, -1)}(?:/${TOKEN.source.slice(1, -1)})?`
const PROTOCOLS = new RegExp(`^${PROTOCOL}(?:[ \t]*,[ \t]*${PROTOCOL})*$`)
// Any control character but HTAB (CR and LF are checked separately, as line ends).
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
const CONTROL = /[\x00-\x08\x0a-\x1f\x7f]/
// Fields where a second value would make the request mean two things: the first one wins, as in node.
const SINGLE = new Set([
  'age',
  'authorization',
  'content-type',
  'etag',
  'expires',
  'from',
  'if-modified-since',
  'if-unmodified-since',
  'last-modified',
  'location',
  'max-forwards',
  'proxy-authorization',
  'referer',
  'retry-after',
  'server',
  'user-agent',
])

/** The most header fields a request may carry (node allows 2000; no browser sends more than about 40). */
export const MAX_HEADER_FIELDS = 200

/**
 * Field names as browsers and HTTP clients spell them, each with its lower-case form. A name found here is a
 * token already, so the token check and `toLowerCase()` are skipped for it. A fixed table: what clients send
 * never adds to it.
 */
const KNOWN_NAMES = new Map<string, string>()
for (const name of [
  'Accept',
  'Accept-Encoding',
  'Accept-Language',
  'Access-Control-Request-Headers',
  'Access-Control-Request-Method',
  'Authorization',
  'Cache-Control',
  'Connection',
  'Content-Length',
  'Content-Type',
  'Cookie',
  'DNT',
  'Expect',
  'Forwarded',
  'Host',
  'If-Modified-Since',
  'If-None-Match',
  'Origin',
  'Pragma',
  'Priority',
  'Range',
  'Referer',
  'Sec-Fetch-Dest',
  'Sec-Fetch-Mode',
  'Sec-Fetch-Site',
  'Sec-Fetch-User',
  'Sec-WebSocket-Extensions',
  'Sec-WebSocket-Key',
  'Sec-WebSocket-Protocol',
  'Sec-WebSocket-Version',
  'TE',
  'Transfer-Encoding',
  'Upgrade',
  'Upgrade-Insecure-Requests',
  'User-Agent',
  'X-Forwarded-For',
  'X-Forwarded-Host',
  'X-Forwarded-Proto',
  'X-Real-IP',
  'X-Request-Id',
  'X-Requested-With',
]) {
  KNOWN_NAMES.set(name, name.toLowerCase())
  KNOWN_NAMES.set(name.toLowerCase(), name.toLowerCase())
}

/**
 * Parses a request head: the request line and the header fields, without the blank line that ends them: the
 * first `length` characters of `text` (the bytes as latin1), which may go on past them (with the body).
 * Throws a {@link HeadError} for anything RFC 9112 does not allow or that could be read two ways.
 *
 * @example
 * parseHead('GET /books?page=2 HTTP/1.1\r\nHost: example.com').url // '/books?page=2'
 */
export function parseHead(text: string, length: number = text.length): RequestHead {
  let lineEnd = text.indexOf('\r\n')
  if (lineEnd > length) lineEnd = -1
  const requestLine = lineEnd === -1 ? text.slice(0, length) : text.slice(0, lineEnd)
  const s1 = requestLine.indexOf(' ')
  const s2 = s1 === -1 ? -1 : requestLine.indexOf(' ', s1 + 1)
  if (s2 === -1 || requestLine.indexOf(' ', s2 + 1) !== -1) {
    throw new HeadError(400, 'The request line must be a method, a target and a version')
  }
  const method = requestLine.slice(0, s1)
  const url = requestLine.slice(s1 + 1, s2)
  const version = requestLine.slice(s2 + 1)
  if (!TOKEN.test(method)) throw new HeadError(400, 'The method is not a token')
  if (!TARGET.test(url)) throw new HeadError(400, 'The request target has a character it may not have')
  let minor: 0 | 1
  if (version === 'HTTP/1.1') minor = 1
  else if (version === 'HTTP/1.0') minor = 0
  else if (/^HTTP\/\d\.\d$/.test(version)) throw new HeadError(505, 'Only HTTP/1.0 and HTTP/1.1 are served')
  else throw new HeadError(400, 'The request line does not end with an HTTP version')

  const headers: Record<string, string | string[]> = {}
  let count = 0
  let start = lineEnd === -1 ? length : lineEnd + 2
  while (start < length) {
    let end = text.indexOf('\r\n', start)
    if (end === -1 || end > length) end = length
    if (++count > MAX_HEADER_FIELDS) throw new HeadError(431, 'Too many header fields')
    addField(headers, text, start, end)
    start = end + 2
  }
  return frame(method, url, minor, headers)
}

function addField(
  headers: Record<string, string | string[]>,
  text: string,
  start: number,
  end: number,
): void {
  const colon = text.indexOf(':', start)
  // A line that starts with whitespace continues the previous one (obs-fold, RFC 9112 §5.2): refused.
  if (colon <= start || colon >= end) throw new HeadError(400, 'A header line has no field name')
  const name = text.slice(start, colon)
  let key = KNOWN_NAMES.get(name)
  if (key === undefined) {
    if (!TOKEN.test(name)) throw new HeadError(400, 'A header field name is not a token')
    key = name.toLowerCase()
  }
  const value = trimOWS(text, colon + 1, end)
  if (CONTROL.test(value)) throw new HeadError(400, 'A header field value has a control character')
  const prior = headers[key]
  // `constructor` is found on the prototype of a plain object: it is a first field all the same.
  if (prior === undefined || !Object.hasOwn(headers, key)) {
    if (key === 'set-cookie') headers[key] = [value]
    // `__proto__` would reach the object's prototype instead of a property; no real field has that name.
    else if (key !== '__proto__') headers[key] = value
    return
  }
  if (key === 'content-length' || key === 'host') {
    throw new HeadError(400, `The ${key} field appears more than once`)
  }
  if (Array.isArray(prior)) prior.push(value)
  else if (key === 'cookie') headers[key] = `${prior}; ${value}`
  else if (!SINGLE.has(key)) headers[key] = `${prior}, ${value}`
}

function frame(
  method: string,
  url: string,
  minor: 0 | 1,
  headers: Record<string, string | string[]>,
): RequestHead {
  if (minor === 1 && headers.host === undefined) throw new HeadError(400, 'HTTP/1.1 requires a Host field')
  const te = headers['transfer-encoding'] as string | undefined
  const cl = headers['content-length'] as string | undefined
  let framing = Framing.None
  let length = 0
  if (te !== undefined) {
    if (cl !== undefined) throw new HeadError(400, 'Content-Length and Transfer-Encoding together')
    if (minor === 0) throw new HeadError(400, 'Transfer-Encoding on HTTP/1.0')
    if (te.toLowerCase() !== 'chunked') throw new HeadError(501, 'Only the chunked transfer coding is read')
    framing = Framing.Chunked
  } else if (cl !== undefined) {
    if (!/^\d{1,15}$/.test(cl)) throw new HeadError(400, 'Content-Length is not a decimal number')
    length = Number(cl)
    if (length > 0) framing = Framing.Length
  }
  const connection = headers.connection
  let close = false
  let keep = false
  let upgradeToken = false
  if (connection !== undefined) {
    for (const option of (connection as string).toLowerCase().split(',')) {
      const o = trimOWS(option)
      if (o === 'close') close = true
      else if (o === 'keep-alive') keep = true
      else if (o === 'upgrade') upgradeToken = true
    }
  }
  let expectContinue = false
  const expect = headers.expect
  if (expect !== undefined) {
    if ((expect as string).toLowerCase() !== '100-continue') {
      throw new HeadError(417, 'The only expectation served is 100-continue')
    }
    expectContinue = minor === 1
  }
  return {
    method,
    url,
    minor,
    headers,
    framing,
    length,
    keepAlive: !close && (minor === 1 || keep),
    // An empty or malformed `Upgrade` asks for nothing: the request is served as HTTP, body and all.
    upgrade: upgradeToken && typeof headers.upgrade === 'string' && PROTOCOLS.test(headers.upgrade),
    expectContinue,
  }
}

/** `text` from `from`, without optional whitespace (RFC 9110 §5.6.3: SP and HTAB only; `trim()` takes NBSP too). */
function trimOWS(text: string, from = 0, to = text.length): string {
  let c: number
  while (from < to && ((c = text.charCodeAt(from)) === 32 || c === 9)) from++
  while (to > from && ((c = text.charCodeAt(to - 1)) === 32 || c === 9)) to--
  return text.slice(from, to)
}

enum Chunk {
  Size = 0,
  Data = 1,
  DataEnd = 2,
  Trailers = 3,
  Done = 4,
}

/** The longest chunk-size line taken, extensions included (node allows about as much). */
const MAX_SIZE_LINE = 1024
/** The most bytes of trailer fields taken; they are read and dropped. */
const MAX_TRAILERS = 16 * 1024

/**
 * Decodes a chunked body as its bytes arrive. Chunk extensions and trailer fields are checked and dropped.
 *
 * @example
 * const d = new ChunkedDecoder()
 * const parts: Uint8Array[] = []
 * d.push(Buffer.from('5\r\nhello\r\n0\r\n\r\n'), 0, (part) => parts.push(part)) // 15, and d.done
 */
export class ChunkedDecoder {
  #state = Chunk.Size
  #remaining = 0
  #line = ''

  /** Whether the last chunk and the trailers have been read. */
  get done(): boolean {
    return this.#state === Chunk.Done
  }

  /**
   * Reads from `buf` at `offset`, hands each piece of data to `onData`, and returns the offset where the body
   * ended (bytes after it belong to the next request) or `buf.length` when it has not ended yet.
   */
  push(buf: Buffer, offset: number, onData: (data: Buffer) => void): number {
    let i = offset
    while (i < buf.length && this.#state !== Chunk.Done) {
      switch (this.#state) {
        case Chunk.Data: {
          const take = Math.min(this.#remaining, buf.length - i)
          onData(buf.subarray(i, i + take))
          i += take
          this.#remaining -= take
          if (this.#remaining === 0) this.#state = Chunk.DataEnd
          break
        }
        case Chunk.Size:
        case Chunk.DataEnd:
        case Chunk.Trailers: {
          const nl = buf.indexOf(10, i)
          const end = nl === -1 ? buf.length : nl + 1
          this.#line += buf.toString('latin1', i, end)
          i = end
          const limit = this.#state === Chunk.Trailers ? MAX_TRAILERS : MAX_SIZE_LINE
          if (this.#line.length > limit) throw new HeadError(400, 'A chunk line is too long')
          if (nl !== -1) this.#lineDone()
          break
        }
      }
    }
    return i
  }

  #lineDone(): void {
    const raw = this.#line
    if (raw.length < 2 || raw.charCodeAt(raw.length - 2) !== 13) {
      throw new HeadError(400, 'A chunk line does not end with CRLF')
    }
    const line = raw.slice(0, -2)
    if (this.#state === Chunk.DataEnd) {
      if (line !== '') throw new HeadError(400, 'Chunk data is longer than its size')
      this.#line = ''
      this.#state = Chunk.Size
      return
    }
    if (this.#state === Chunk.Trailers) {
      // Trailer fields accumulate in #line until the blank line; each must be a well-formed field.
      if (line.endsWith('\r\n') || line === '') {
        for (const field of line.split('\r\n')) {
          if (field !== '') addField({}, field, 0, field.length)
        }
        this.#state = Chunk.Done
        this.#line = ''
      }
      return
    }
    const semi = line.indexOf(';')
    const size = semi === -1 ? line : line.slice(0, semi)
    if (!/^[0-9a-fA-F]{1,12}$/.test(size)) throw new HeadError(400, 'A chunk size is not hexadecimal')
    if (semi !== -1 && CONTROL.test(line.slice(semi))) {
      throw new HeadError(400, 'A chunk extension has a control character')
    }
    this.#remaining = Number.parseInt(size, 16)
    this.#line = ''
    this.#state = this.#remaining === 0 ? Chunk.Trailers : Chunk.Data
  }
}
