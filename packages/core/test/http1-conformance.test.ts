/**
 * A differential test of Brisk's own HTTP/1.1 server against node:http, over real sockets: one app, served by
 * each, gets the same raw bytes (well-formed requests, edge cases and every request-smuggling vector we know
 * of), and the two must answer alike. Where they legitimately differ (both refuse, with different codes; or
 * Brisk refuses what node lets through), the case says which and why. Beside the answers, each server records
 * what its handlers were given (method, request-target and body bytes, in order), and the two records must
 * match too: a server that answers alike but hands the app another target or other body bytes is caught. Then
 * a few Brisk-only checks of pipelining, unread bodies, HEAD and `Connection: close`.
 */
import { createHash } from 'node:crypto'
import { connect } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Brisk, type BriskRequest } from '../src/index'
import { silent } from './_helpers'

const SERVERS = ['brisk', 'node'] as const
type ServerKind = (typeof SERVERS)[number]

/**
 * Once the responses a case expects have arrived, the exchange is over after this much quiet (time for a
 * response that should not come, such as one to a smuggled request).
 */
const QUIET = 300
/** The longest one exchange may take, whatever happens (generous: CI runs several test files at once). */
const TOTAL = 10_000

/** One response read off the wire. */
interface Response {
  status: number
  headers: Record<string, string>
  body: string
}

/** What a server did with one case. */
interface Outcome {
  /** Every complete response, in order, 1xx interim responses included. */
  responses: Response[]
  /** The status codes of `responses`. */
  statuses: number[]
  /** Whether the server closed the connection (within the time the case waited). */
  closed: boolean
  /** Bytes received that are not a complete response. */
  rest: string
}

/**
 * Splits what a server sent into responses, framed as a client must: no body for 1xx, 204, 304 or a response
 * to HEAD (`heads[i]`), else chunked, else Content-Length, else everything until the connection closed.
 */
function parseResponses(
  text: string,
  closed: boolean,
  heads: readonly boolean[] = [],
): Omit<Outcome, 'closed'> {
  const responses: Response[] = []
  let pos = 0
  let finals = 0
  for (;;) {
    const split = text.indexOf('\r\n\r\n', pos)
    if (split === -1) break
    const [statusLine = '', ...lines] = text.slice(pos, split).split('\r\n')
    const match = /^HTTP\/1\.[01] (\d{3})(?: |$)/.exec(statusLine)
    if (match === null) break
    const status = Number(match[1])
    const headers: Record<string, string> = {}
    for (const line of lines) {
      const colon = line.indexOf(':')
      const name = line.slice(0, colon).toLowerCase()
      const value = line.slice(colon + 1).trim()
      headers[name] = headers[name] === undefined ? value : `${headers[name]}, ${value}`
    }
    let at = split + 4
    let body = ''
    const bodiless = status < 200 || status === 204 || status === 304 || heads[finals] === true
    if (bodiless) {
      // nothing to read
    } else if (headers['transfer-encoding']?.toLowerCase() === 'chunked') {
      let complete = false
      for (;;) {
        const lineEnd = text.indexOf('\r\n', at)
        if (lineEnd === -1) break
        const size = Number.parseInt(text.slice(at, lineEnd), 16)
        if (Number.isNaN(size))
          throw new Error(`bad chunk size in response: ${JSON.stringify(text.slice(at))}`)
        if (size === 0) {
          const end = text.indexOf('\r\n\r\n', lineEnd)
          if (end === -1) break
          at = end + 4
          complete = true
          break
        }
        if (text.length < lineEnd + 2 + size + 2) break
        body += text.slice(lineEnd + 2, lineEnd + 2 + size)
        at = lineEnd + 2 + size + 2
      }
      if (!complete) break
    } else if (headers['content-length'] !== undefined) {
      const length = Number(headers['content-length'])
      if (text.length < at + length) break
      body = text.slice(at, at + length)
      at += length
    } else {
      if (!closed) break // read until close: not over yet
      body = text.slice(at)
      at = text.length
    }
    responses.push({ status, headers, body })
    if (status >= 200) finals++
    pos = at
  }
  return { responses, statuses: responses.map((r) => r.status), rest: text.slice(pos) }
}

/** A write, a pause in milliseconds, or a wait until the bytes received so far include `until`. */
type Step = string | number | { until: string }

/** What a conversation waits for before it ends. */
interface Awaited {
  /** Final (non-1xx) responses that must arrive before quiet can end it. @default 1 */
  finals?: number
  /** Wait for the server to close the connection rather than for quiet. @default false */
  close?: boolean
}

/**
 * Opens a connection to `port`, performs `steps`, and collects what comes back until the server closes the
 * connection, or (unless `until.close`) `until.finals` final responses have arrived and the socket has then
 * stayed quiet for {@link QUIET} ms; never longer than {@link TOTAL}. Waiting for what is expected, rather than
 * for a fixed quiet time alone, keeps the result the same on a loaded machine. `localAddress` is the loopback
 * address the connection comes from, which tells the handlers which case a request belongs to.
 */
function converse(
  port: number,
  steps: readonly Step[],
  heads: readonly boolean[] = [],
  until: Awaited = {},
  localAddress?: string,
): Promise<Outcome> {
  const finals = until.finals ?? 1
  return new Promise((resolve) => {
    const socket = connect({ port, host: '127.0.0.1', localAddress })
    let text = ''
    let closed = false
    let writing = true
    let settled = false
    let quiet: ReturnType<typeof setTimeout> | undefined
    let arrived: (() => void) | null = null
    const finish = (): void => {
      if (settled) return
      settled = true
      clearTimeout(quiet)
      clearTimeout(total)
      arrived?.()
      socket.destroy()
      resolve({ ...parseResponses(text, closed, heads), closed })
    }
    const total = setTimeout(finish, TOTAL)
    const touch = (): void => {
      clearTimeout(quiet)
      if (writing || until.close) return
      const got = parseResponses(text, false, heads).statuses.filter((status) => status >= 200).length
      if (got >= finals) quiet = setTimeout(finish, QUIET)
    }
    socket.on('data', (data: Buffer) => {
      text += data.toString('latin1')
      arrived?.()
      touch()
    })
    socket.on('error', () => {}) // a reset after a refusal is fine; 'close' follows
    socket.on('close', () => {
      closed = true
      finish()
    })
    socket.once('connect', async () => {
      for (const step of steps) {
        if (typeof step === 'number') await new Promise((r) => setTimeout(r, step))
        else if (typeof step === 'object') {
          while (!text.includes(step.until) && !settled && !closed) {
            await new Promise<void>((r) => {
              arrived = r
            })
            arrived = null
          }
        } else if (!socket.destroyed) socket.write(step, 'latin1')
      }
      writing = false
      touch()
    })
  })
}

const H = 'Host: x\r\n'
/** A request that a smuggling case hides in the body of another; it must never be answered by Brisk. */
const SMUGGLED = `GET /smuggled HTTP/1.1\r\n${H}\r\n`
const GET = `GET / HTTP/1.1\r\n${H}\r\n`

interface Case {
  name: string
  send: string | Step[]
  /** The status of Brisk's first final (non-1xx) response; `null` for none. */
  status: number | null
  /**
   * node's, where it legitimately differs (the case says why). Both 4xx/5xx: both refuse, with different
   * codes. A 2xx for node: Brisk is stricter on purpose.
   */
  node?: number | null
  /** Whether Brisk closes the connection; by default, when it refuses (4xx/5xx). */
  closed?: boolean
  /** Whether node closes the connection, where it differs from Brisk. */
  nodeClosed?: boolean
  /** Every status Brisk sends (1xx included), where more than the first matters; node's too unless `nodeAll`. */
  all?: number[]
  nodeAll?: number[]
  /** The bytes hide a second request (SMUGGLED) that must not be answered. */
  smuggle?: boolean
  /** The first request is a HEAD: its response has no body. */
  head?: boolean
  /**
   * What node's handlers were given (see {@link received}), where it legitimately differs from Brisk's (the
   * case says why); Brisk's is then `received`. Without it, both servers must hand their handlers the same.
   */
  nodeReceived?: string[]
  /** What Brisk's handlers were given, where `nodeReceived` says node's differs. @default [] */
  received?: string[]
}

/**
 * One request as a handler got it: method, request-target, and the body the handler read as
 * `<length>:<sha-256 prefix>` (`-` when it read none; `error <status>` when reading it failed).
 *
 * @example
 * received('POST', '/echo', 'hello') // 'POST /echo 5:2cf24dba5fb0a30e'
 */
function received(method: string, target: string, body?: string): string {
  return `${method} ${target} ${body === undefined ? '-' : digest(Buffer.from(body, 'latin1'))}`
}

function digest(bytes: Uint8Array): string {
  return `${bytes.byteLength}:${createHash('sha256').update(bytes).digest('hex').slice(0, 16)}`
}

const echo = (lines: string, body = ''): string => `POST /echo HTTP/1.1\r\n${H}${lines}\r\n${body}`
const te = (coding: string, body = '5\r\nhello\r\n0\r\n\r\n'): string =>
  echo(`Transfer-Encoding: ${coding}\r\n`, body)
const fields = (n: number, size = 1): string =>
  Array.from({ length: n }, (_, i) => `X-F${i}: ${'v'.repeat(size)}\r\n`).join('')
/** A chunked POST whose body comes only once the server has sent 100 Continue: the handler is reading. */
const afterContinue = (body: string): Step[] => [
  echo('Transfer-Encoding: chunked\r\nExpect: 100-continue\r\n'),
  { until: '100 Continue\r\n\r\n' },
  body,
]

/**
 * What node's handler gets for a request whose framing is bad from its first body byte (a transfer coding
 * other than chunked, bad chunk framing in the same write as the head): llhttp hands node the head, the
 * handler runs, and then its body read fails with a 400. Brisk refuses the whole request before any handler
 * runs, since it already knows the body cannot be read.
 */
const BODY_REFUSED = 'POST /echo error 400'

const CASES: Case[] = [
  // Well-formed requests: both answer alike.
  { name: 'a plain GET', send: GET, status: 200 },
  { name: 'HEAD /', send: `HEAD / HTTP/1.1\r\n${H}\r\n`, status: 200, head: true },
  { name: 'a POST with Content-Length', send: echo('Content-Length: 5\r\n', 'hello'), status: 200 },
  { name: 'a chunked POST', send: te('chunked'), status: 200 },
  {
    name: 'a chunked POST with extensions and trailers',
    send: te('chunked', '5;a=b\r\nhello\r\n0;last\r\nX-Trailer: 1\r\n\r\n'),
    status: 200,
  },
  {
    name: 'the chunked body after the 100 Continue',
    send: afterContinue('5\r\nhello\r\n0\r\n\r\n'),
    status: 200,
    all: [100, 200],
  },
  { name: 'Transfer-Encoding: "chunked " (trailing space)', send: te('chunked '), status: 200 },
  { name: 'Transfer-Encoding: "   chunked" (leading spaces)', send: te('   chunked'), status: 200 },
  { name: 'Transfer-Encoding: Chunked (case)', send: te('Chunked'), status: 200 },
  {
    name: 'Transfer-Encoding: "chunked\\t" (trailing tab)',
    send: te('chunked\t'),
    status: 200,
    // A tab is optional whitespace around a field value (RFC 9110 §5.5), which Brisk trims as it trims a space;
    // llhttp refuses it. Brisk reads the same framing a space would give, so no byte is read two ways.
    node: 400,
    received: [received('POST', '/echo', 'hello')],
    nodeReceived: [BODY_REFUSED], // node's handler runs, then the body it reads is refused
  },
  { name: 'HTTP/1.0 closes by default', send: 'GET / HTTP/1.0\r\n\r\n', status: 200, closed: true },
  { name: 'HTTP/1.0 with keep-alive', send: 'GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n', status: 200 },
  {
    name: 'Connection: close',
    send: `GET / HTTP/1.1\r\n${H}Connection: close\r\n\r\n`,
    status: 200,
    closed: true,
  },
  { name: 'a leading CRLF before the request line', send: `\r\n${GET}`, status: 200 },
  { name: 'two pipelined GETs in one write', send: GET + GET, status: 200, all: [200, 200] },
  {
    name: 'a POST with a body, then a pipelined GET, in one write',
    send: echo('Content-Length: 5\r\n', 'hello') + GET,
    status: 200,
    all: [200, 200],
  },
  {
    name: 'a body the handler does not read, then a pipelined GET, in one write',
    send: `GET / HTTP/1.1\r\n${H}Content-Length: 5\r\n\r\nhello${GET}`,
    status: 200,
    all: [200, 200],
  },
  {
    name: 'Expect: 100-continue, body sent after the 100',
    send: [echo('Expect: 100-continue\r\nContent-Length: 5\r\n'), { until: '100 Continue\r\n\r\n' }, 'hello'],
    status: 200,
    all: [100, 200],
  },
  {
    name: 'Expect: 100-continue, body sent at once',
    send: echo('Expect: 100-continue\r\nContent-Length: 5\r\n', 'hello'),
    status: 200,
    // node sends 100 Continue as soon as it reads the head; Brisk, when the handler reads a body that has not
    // all arrived. A server may omit the 100 once it has the content (RFC 9110 §10.1.1).
    all: [200],
    nodeAll: [100, 200],
  },
  {
    name: 'a Content-Length over the body limit',
    send: echo('Content-Length: 99999999\r\n', 'hello'),
    status: 413,
  },
  {
    name: 'a URL just under the 16 KiB head limit',
    send: `GET /?q=${'a'.repeat(16_000)} HTTP/1.1\r\n${H}\r\n`,
    status: 200,
  },
  { name: '150 header fields', send: `GET / HTTP/1.1\r\n${H}${fields(150)}\r\n`, status: 200 },
  {
    name: 'a header value with obs-text',
    send: `GET / HTTP/1.1\r\n${H}X-Name: caf\xe9\r\n\r\n`,
    status: 200,
  },
  { name: 'an empty Host', send: 'GET / HTTP/1.1\r\nHost:\r\n\r\n', status: 200 },
  { name: 'HTTP/1.0 without Host', send: 'GET / HTTP/1.0\r\n\r\n', status: 200, closed: true },
  // Both servers hand the same target to the app, which serves an absolute-form target (RFC 9112 §3.2.2) from
  // its path (`/` here) and has no route for `*`.
  { name: 'an absolute-form target', send: `GET http://x/ HTTP/1.1\r\n${H}\r\n`, status: 200, closed: false },
  { name: 'OPTIONS *', send: `OPTIONS * HTTP/1.1\r\n${H}\r\n`, status: 404, closed: false },
  {
    name: 'a body that looks like a request',
    send: echo(`Content-Length: ${SMUGGLED.length}\r\n`, SMUGGLED),
    status: 200,
    smuggle: true,
  },

  // Malformed requests: both refuse.
  { name: 'garbage', send: 'GARBAGE\r\n\r\n', status: 400 },
  {
    name: 'an HTTP/0.9 request line (GET /)',
    send: 'GET /\r\n\r\n',
    status: 400,
    // llhttp reads an HTTP/0.9 request and node answers it (with an HTTP/1.1 response). Brisk serves 1.0 and 1.1
    // only; it refuses, as RFC 9112 §2.3 allows. Stricter on purpose.
    node: 200,
    nodeClosed: true,
    nodeReceived: [received('GET', '/')],
  },
  {
    name: 'HTTP/2.0 on an HTTP/1 connection',
    send: `GET / HTTP/2.0\r\n${H}\r\n`,
    status: 505,
    // llhttp takes the version 2.0 and node answers it (with HTTP/1.1, closing). Brisk answers 505 HTTP Version
    // Not Supported (RFC 9110 §15.6.6). Stricter on purpose.
    node: 200,
    nodeClosed: true,
    nodeReceived: [received('GET', '/')],
  },
  // node: a parse error (400); Brisk: a well-formed version it does not serve (505). Both refuse.
  { name: 'HTTP/1.2', send: `GET / HTTP/1.2\r\n${H}\r\n`, status: 505, node: 400 },
  { name: 'a garbage version', send: `GET / HTTP/x.y\r\n${H}\r\n`, status: 400 },
  {
    name: 'an unknown method',
    send: `FROB / HTTP/1.1\r\n${H}\r\n`,
    status: 405,
    // Any token is a method (RFC 9110 §9.1): Brisk lets the app answer (/ has GET only: 405). llhttp knows a
    // fixed list of methods and refuses the rest with 400. Both refuse.
    node: 400,
    closed: false,
    received: [received('FROB', '/')],
    nodeReceived: [],
  },
  { name: 'missing Host on HTTP/1.1', send: 'GET / HTTP/1.1\r\n\r\n', status: 400 },
  {
    name: 'two Host fields',
    send: `GET / HTTP/1.1\r\n${H}Host: y\r\n\r\n`,
    status: 400,
    // RFC 9112 §3.2: a server MUST answer 400 to more than one Host; node keeps the first. Brisk is right.
    node: 200,
    nodeClosed: false,
    nodeReceived: [received('GET', '/')],
  },
  { name: 'a space before the colon', send: `GET / HTTP/1.1\r\n${H}X-A : 1\r\n\r\n`, status: 400 },
  { name: 'an empty field name', send: `GET / HTTP/1.1\r\n${H}: 1\r\n\r\n`, status: 400 },
  { name: 'a delimiter in a field name', send: `GET / HTTP/1.1\r\n${H}X(A): 1\r\n\r\n`, status: 400 },
  { name: 'obs-fold', send: `GET / HTTP/1.1\r\n${H}X-A: 1\r\n 2\r\n\r\n`, status: 400 },
  { name: 'NUL in a header value', send: `GET / HTTP/1.1\r\n${H}X-A: a\x00b\r\n\r\n`, status: 400 },
  { name: 'a bare CR in a header value', send: `GET / HTTP/1.1\r\n${H}X-A: a\rb\r\n\r\n`, status: 400 },
  { name: 'NUL in the target', send: `GET /a\x00b HTTP/1.1\r\n${H}\r\n`, status: 400 },
  { name: 'a bare LF inside a CRLF head', send: `GET / HTTP/1.1\r\n${H}X-A: 1\nX-B: 2\r\n\r\n`, status: 400 },
  { name: 'bare LF line endings only', send: 'GET / HTTP/1.1\nHost: x\n\n', status: 400 },
  { name: 'Content-Length: +5', send: echo('Content-Length: +5\r\n', 'hello'), status: 400 },
  { name: 'Content-Length: -1', send: echo('Content-Length: -1\r\n', 'hello'), status: 400 },
  { name: 'Content-Length: 0x10', send: echo('Content-Length: 0x10\r\n', 'hello'), status: 400 },
  { name: 'Content-Length: 5 5', send: echo('Content-Length: 5 5\r\n', 'hello'), status: 400 },
  {
    name: 'a URL over the 16 KiB head limit',
    send: `GET /?q=${'a'.repeat(17_000)} HTTP/1.1\r\n${H}\r\n`,
    status: 431,
  },
  {
    name: 'headers over the 16 KiB head limit',
    send: `GET / HTTP/1.1\r\n${H}${fields(40, 500)}\r\n`,
    status: 431,
  },
  {
    name: '250 header fields (under the byte limit)',
    send: `GET / HTTP/1.1\r\n${H}${fields(250)}\r\n`,
    status: 431,
    // Brisk takes at most 200 fields (no browser sends more than about 40); node takes 2000. Stricter on purpose.
    node: 200,
    nodeClosed: false,
    nodeReceived: [received('GET', '/')],
  },
  {
    name: 'Expect other than 100-continue',
    send: `GET / HTTP/1.1\r\n${H}Expect: 200-ok\r\n\r\n`,
    status: 417,
    nodeClosed: false, // node keeps the connection after its 417; Brisk closes after every refusal
  },

  // Bytes a lax parser reads as something they are not.
  // RFC 9112 §3.2: a request-target is ASCII; a byte past 0x7F may only travel percent-encoded. Both refuse.
  { name: 'obs-text (0xE9) in the target', send: `GET /caf\xe9 HTTP/1.1\r\n${H}\r\n`, status: 400 },
  { name: '0x80 in the target', send: `GET /\x80 HTTP/1.1\r\n${H}\r\n`, status: 400 },
  { name: '0xFF in the query', send: `GET /?q=\xff HTTP/1.1\r\n${H}\r\n`, status: 400 },
  // A Connection option is a token, trimmed of SP and HTAB only (RFC 9110 §5.6.3): "close" followed by a
  // no-break space (0xA0) is another option, so the connection stays open, as with node.
  {
    name: 'Connection: close + NBSP is not close',
    send: `GET / HTTP/1.1\r\n${H}Connection: close\xa0\r\n\r\n${GET}`,
    status: 200,
    all: [200, 200],
  },
  {
    name: 'Connection: keep-alive + NBSP on HTTP/1.0 is not keep-alive',
    send: 'GET / HTTP/1.0\r\nConnection: keep-alive\xa0\r\n\r\n',
    status: 200,
    closed: true,
  },
  {
    name: 'Connection: NBSP + keep-alive on HTTP/1.0 is not keep-alive',
    send: 'GET / HTTP/1.0\r\nConnection: \xa0keep-alive\r\n\r\n',
    status: 200,
    closed: true,
  },
  {
    name: 'an empty Upgrade with Connection: upgrade is an ordinary request, body and all',
    send: echo('Connection: upgrade\r\nUpgrade:\r\nContent-Length: 5\r\n', 'hello'),
    status: 200,
  },
  {
    name: 'CONNECT, then a request on the same bytes',
    send: `CONNECT x:443 HTTP/1.1\r\nHost: x:443\r\n\r\n${SMUGGLED}`,
    status: 501,
    // Brisk is no proxy: it refuses CONNECT (RFC 9110 §9.3.6) and closes, so what follows is never read as a
    // request. node hands CONNECT to a 'connect' listener and, with none, destroys the socket unanswered.
    node: null,
    nodeClosed: true,
    smuggle: true,
  },

  // Smuggling vectors: both refuse, and Brisk never answers the hidden request.
  {
    name: 'CL.TE: Content-Length and Transfer-Encoding',
    send: echo(
      `Content-Length: ${5 + SMUGGLED.length}\r\nTransfer-Encoding: chunked\r\n`,
      `0\r\n\r\n${SMUGGLED}`,
    ),
    status: 400,
    smuggle: true,
  },
  {
    name: 'TE.CL: Transfer-Encoding then Content-Length',
    send: echo(
      'Transfer-Encoding: chunked\r\nContent-Length: 4\r\n',
      `${SMUGGLED.length.toString(16)}\r\n${SMUGGLED}\r\n0\r\n\r\n`,
    ),
    status: 400,
    smuggle: true,
  },
  {
    name: 'two identical Content-Length',
    send: echo('Content-Length: 5\r\nContent-Length: 5\r\n', `hello${SMUGGLED}`),
    status: 400,
    smuggle: true,
  },
  {
    name: 'two different Content-Length',
    send: echo(`Content-Length: 5\r\nContent-Length: ${5 + SMUGGLED.length}\r\n`, `hello${SMUGGLED}`),
    status: 400,
    smuggle: true,
  },
  {
    name: 'Content-Length: 5, 5',
    send: echo('Content-Length: 5, 5\r\n', `hello${SMUGGLED}`),
    status: 400,
    smuggle: true,
  },
  {
    name: 'an obs-folded Transfer-Encoding beside Content-Length',
    send: echo(
      `Content-Length: ${5 + SMUGGLED.length}\r\nTransfer-Encoding:\r\n chunked\r\n`,
      `0\r\n\r\n${SMUGGLED}`,
    ),
    status: 400,
    smuggle: true,
  },
  {
    name: 'a space before the colon of Transfer-Encoding',
    send: echo(
      `Content-Length: ${5 + SMUGGLED.length}\r\nTransfer-Encoding : chunked\r\n`,
      `0\r\n\r\n${SMUGGLED}`,
    ),
    status: 400,
    smuggle: true,
  },
  {
    name: 'Transfer-Encoding hidden behind a bare LF',
    send: echo(
      `X-A: 1\nTransfer-Encoding: chunked\r\nContent-Length: ${5 + SMUGGLED.length}\r\n`,
      `0\r\n\r\n${SMUGGLED}`,
    ),
    status: 400,
    smuggle: true,
  },
  // llhttp refuses a request whose last transfer coding is not chunked with 400; Brisk, which reads only
  // chunked, answers 501 Not Implemented (RFC 9112 §6.1). Both refuse.
  {
    name: 'Transfer-Encoding: xchunked',
    send: te('xchunked', `0\r\n\r\n${SMUGGLED}`),
    status: 501,
    node: 400,
    smuggle: true,
    nodeReceived: [BODY_REFUSED],
  },
  {
    name: 'Transfer-Encoding: chunked, gzip',
    send: te('chunked, gzip', `0\r\n\r\n${SMUGGLED}`),
    status: 501,
    node: 400,
    smuggle: true,
  },
  {
    name: 'Transfer-Encoding: identity',
    send: te('identity', `0\r\n\r\n${SMUGGLED}`),
    status: 501,
    node: 400,
    smuggle: true,
    nodeReceived: [BODY_REFUSED],
  },
  {
    name: 'Transfer-Encoding: gzip',
    send: te('gzip', `0\r\n\r\n${SMUGGLED}`),
    status: 501,
    node: 400,
    smuggle: true,
    nodeReceived: [BODY_REFUSED],
  },
  {
    name: 'Transfer-Encoding: gzip, chunked',
    send: te('gzip, chunked', `0\r\n\r\n${SMUGGLED}`),
    status: 501,
    // node reads the chunked framing, hands the app a body still gzip-coded, and then answers the next request
    // too; Brisk decodes only chunked and refuses the rest (RFC 9112 §6.1: 501 for a coding it does not
    // understand). Stricter on purpose.
    node: 200,
    nodeClosed: false,
    smuggle: true,
    nodeReceived: [received('POST', '/echo', ''), received('GET', '/smuggled')],
  },
  {
    name: 'two Transfer-Encoding: chunked fields',
    send: echo('Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n', `0\r\n\r\n${SMUGGLED}`),
    status: 501,
    // Read as one list, "chunked, chunked" applies chunked twice, which RFC 9112 §6.1 forbids. Both refuse.
    node: 400,
    smuggle: true,
  },
  {
    name: 'Transfer-Encoding on HTTP/1.0',
    send: `POST /echo HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n${SMUGGLED}`,
    status: 400,
    smuggle: true,
    // llhttp reads an HTTP/1.0 POST without a body (the handler answers it, 200) and then fails on the bytes
    // that follow, which get no answer of their own: the connection closes. Brisk refuses the request (RFC 9112
    // §6.1: Transfer-Encoding on HTTP/1.0 is a framing fault). Stricter on purpose; neither answers SMUGGLED.
    node: 200,
    nodeClosed: true,
    nodeReceived: [received('POST', '/echo', '')],
  },
  // Bad chunked framing, in the same write as the head and (the handler already reading) after it.
  {
    name: 'a chunk size that is not hex',
    send: te('chunked', `zz\r\nhello\r\n0\r\n\r\n${SMUGGLED}`),
    status: 400,
    smuggle: true,
    nodeReceived: [BODY_REFUSED],
  },
  {
    name: 'a chunk size that is not hex, after the 100 Continue',
    send: afterContinue(`zz\r\nhello\r\n0\r\n\r\n${SMUGGLED}`),
    status: 400,
    all: [100, 400],
    smuggle: true,
  },
  {
    name: 'a 0x chunk size',
    send: te('chunked', `0x5\r\nhello\r\n0\r\n\r\n${SMUGGLED}`),
    status: 400,
    smuggle: true,
    nodeReceived: [BODY_REFUSED],
  },
  {
    name: 'a chunk size that overflows',
    send: te('chunked', `fffffffffffffffff0\r\nhello\r\n0\r\n\r\n${SMUGGLED}`),
    status: 400,
    smuggle: true,
    nodeReceived: [BODY_REFUSED],
  },
  {
    name: 'a chunk size that overflows, after the 100 Continue',
    send: afterContinue(`fffffffffffffffff0\r\nhello\r\n0\r\n\r\n${SMUGGLED}`),
    status: 400,
    all: [100, 400],
    smuggle: true,
  },
  {
    name: 'chunk data longer than its size',
    send: te('chunked', `2\r\nhello\r\n0\r\n\r\n${SMUGGLED}`),
    status: 400,
    smuggle: true,
    nodeReceived: [BODY_REFUSED],
  },
  {
    name: 'chunk data longer than its size, after the 100 Continue',
    send: afterContinue(`2\r\nhello\r\n0\r\n\r\n${SMUGGLED}`),
    status: 400,
    all: [100, 400],
    smuggle: true,
  },
  {
    name: 'a bare LF after a chunk size',
    send: te('chunked', `5\nhello\r\n0\r\n\r\n${SMUGGLED}`),
    status: 400,
    smuggle: true,
    nodeReceived: [BODY_REFUSED],
  },
  {
    name: 'a control character in a chunk extension',
    send: te('chunked', `5;a=\x01\r\nhello\r\n0\r\n\r\n${SMUGGLED}`),
    status: 400,
    smuggle: true,
    nodeReceived: [BODY_REFUSED],
  },
]

/**
 * Every server's handle to the app, the smuggled requests each one answered, and what its handlers were given,
 * by the address the connection came from (see {@link sourceOf}).
 */
const servers = {} as Record<
  ServerKind,
  { app: Brisk; port: number; smuggled: string[]; got: Map<string | undefined, string[]> }
>
const outcomes = new Map<string, Record<ServerKind, Outcome & { received: string[] }>>()
/** Whether each case connects from its own loopback address (see {@link sourceOf}). */
let aliased = false

function steps(send: string | Step[]): Step[] {
  return typeof send === 'string' ? [send] : send
}

/**
 * The loopback address case `i` connects from, so handlers know which case a request belongs to; Linux routes
 * all of 127.0.0.0/8 to the loopback interface. Where only 127.0.0.1 exists (macOS), `undefined`: the cases
 * then run one at a time.
 */
function sourceOf(i: number, aliases: boolean): string | undefined {
  return aliases ? `127.0.${2 + Math.floor(i / 250)}.${1 + (i % 250)}` : undefined
}

/** Whether a connection can come from a loopback address other than 127.0.0.1. */
async function loopbackAliases(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ port, host: '127.0.0.1', localAddress: '127.0.2.1' })
    socket.once('connect', () => {
      socket.destroy()
      resolve(true)
    })
    socket.once('error', () => resolve(false))
  })
}

beforeAll(async () => {
  for (const server of SERVERS) {
    const smuggled: string[] = []
    const got = new Map<string | undefined, string[]>()
    const bodies = new WeakMap<object, { index: number; list: string[] }>()
    // A short shutdownTimeout: a connection left hanging by a failing case must not hold afterAll.
    const app = new Brisk({ logger: silent, server, keepAliveTimeout: 60_000, shutdownTimeout: 300 })
    // Every request that reaches the app, 404s and 405s included, in the order the handlers see them.
    app.onRequest((req) => {
      const key = aliased ? req.ip : undefined
      let list = got.get(key)
      if (list === undefined) got.set(key, (list = []))
      bodies.set(req, { index: list.length, list })
      list.push(received(req.method, req.url))
    })
    const readInto = async (req: BriskRequest): Promise<Uint8Array> => {
      const entry = bodies.get(req)!
      try {
        const bytes = await req.bytes()
        entry.list[entry.index] = `${req.method} ${req.url} ${digest(bytes)}`
        return bytes
      } catch (error) {
        entry.list[entry.index] = `${req.method} ${req.url} error ${(error as { status?: number }).status}`
        throw error
      }
    }
    app.get('/', () => 'hello')
    app.post('/echo', async (req) => ({ length: (await readInto(req)).byteLength }))
    app.post('/ignore', () => 'ignored')
    app.get('/order/:n', (req) => `order ${req.params.n}`)
    app.get('/slow', async () => {
      await new Promise((resolve) => setTimeout(resolve, 50))
      return 'slow'
    })
    app.get('/smuggled', (req) => {
      smuggled.push(req.url)
      return 'SMUGGLED'
    })
    const { port } = await app.listen({ port: 0, signals: false })
    servers[server] = { app, port, smuggled, got }
  }
  aliased = await loopbackAliases(servers.brisk.port)
  const run = async (c: Case, i: number): Promise<void> => {
    const heads = c.head ? [true] : []
    const from = sourceOf(i, aliased)
    const [brisk, node] = await Promise.all(
      SERVERS.map((server) => converse(servers[server].port, steps(c.send), heads, awaited(c, server), from)),
    )
    const of = (server: ServerKind): string[] => {
      const list = servers[server].got.get(from) ?? []
      servers[server].got.delete(from)
      return list
    }
    outcomes.set(c.name, {
      brisk: { ...brisk!, received: of('brisk') },
      node: { ...node!, received: of('node') },
    })
  }
  if (aliased) await Promise.all(CASES.map(run))
  else for (const [i, c] of CASES.entries()) await run(c, i)
  if (process.env.HTTP1_CONFORMANCE_DEBUG) {
    for (const c of CASES) {
      const o = outcomes.get(c.name)!
      console.log(
        `${c.name.padEnd(60)} brisk ${JSON.stringify(o.brisk.statuses)} ${o.brisk.closed ? 'closed' : 'open'}${o.brisk.rest ? ` rest=${JSON.stringify(o.brisk.rest.slice(0, 60))}` : ''} ${JSON.stringify(o.brisk.received)}  node ${JSON.stringify(o.node.statuses)} ${o.node.closed ? 'closed' : 'open'}${o.node.rest ? ` rest=${JSON.stringify(o.node.rest.slice(0, 60))}` : ''} ${JSON.stringify(o.node.received)}`,
      )
    }
  }
}, 60_000)

afterAll(async () => {
  await Promise.all(SERVERS.map((server) => servers[server]?.app.close()))
})

/** What `server` is expected to do with case `c`: its first final status, every status, and whether it closes. */
function expected(
  c: Case,
  server: ServerKind,
): { status: number | null; all: number[] | undefined; closed: boolean } {
  const briskRefused = c.status !== null && c.status >= 400
  const briskClosed = c.closed ?? briskRefused
  if (server === 'brisk') return { status: c.status, all: c.all, closed: briskClosed }
  const status = c.node === undefined ? c.status : c.node
  const closed = c.nodeClosed ?? (c.node === undefined ? briskClosed : status !== null && status >= 400)
  return { status, all: c.nodeAll ?? c.all, closed }
}

/** What a conversation for `c` on `server` waits for. */
function awaited(c: Case, server: ServerKind): Awaited {
  const { status, all, closed } = expected(c, server)
  const finals = status === null ? 0 : (all?.filter((s) => s >= 200).length ?? 1)
  return { finals, close: closed }
}

/** The status of the first final (non-1xx) response, or null. */
function firstFinal(outcome: Outcome): number | null {
  return outcome.statuses.find((status) => status >= 200) ?? null
}

describe('Brisk and node:http answer the same raw requests alike', () => {
  it.each(CASES)('$name', (c) => {
    const { brisk, node } = outcomes.get(c.name)!
    const forBrisk = expected(c, 'brisk')
    const forNode = expected(c, 'node')
    expect(firstFinal(brisk), "Brisk's status").toBe(forBrisk.status)
    expect(firstFinal(node), "node's status").toBe(forNode.status)
    if (forBrisk.all !== undefined) expect(brisk.statuses, "Brisk's statuses").toEqual(forBrisk.all)
    if (forNode.all !== undefined) expect(node.statuses, "node's statuses").toEqual(forNode.all)
    const briskRefused = c.status !== null && c.status >= 400
    const briskClosed = forBrisk.closed
    expect(brisk.closed, 'Brisk closed the connection').toBe(briskClosed)
    expect(node.closed, 'node closed the connection').toBe(forNode.closed)
    expect(brisk.rest, 'Brisk sent whole responses only').toBe('')
    if (briskRefused && briskClosed) {
      const response = brisk.responses.find((r) => r.status >= 200)!
      expect(response.headers.connection).toBe('close')
      expect(response.headers['content-type']).toBe('application/problem+json')
      expect(JSON.parse(response.body)).toMatchObject({ status: c.status })
    }
    if (c.smuggle) {
      expect(
        brisk.statuses.filter((s) => s >= 200),
        'Brisk answered one request only',
      ).toHaveLength(1)
      expect(brisk.responses.some((r) => r.body === 'SMUGGLED')).toBe(false)
    }
    if (c.nodeReceived === undefined) {
      expect(brisk.received, "Brisk's handlers were given what node's were").toEqual(node.received)
    } else {
      expect(brisk.received, "what Brisk's handlers were given").toEqual(c.received ?? [])
      expect(node.received, "what node's handlers were given").toEqual(c.nodeReceived)
    }
  })

  it('never let a smuggled request reach a Brisk handler', () => {
    expect(servers.brisk.smuggled).toEqual([])
  })
})

describe("Brisk's server", { timeout: 15_000 }, () => {
  const port = (): number => servers.brisk.port

  it('answers pipelined requests in order, a slow one first included', async () => {
    const outcome = await converse(
      port(),
      [
        `GET /slow HTTP/1.1\r\n${H}\r\nGET /order/2 HTTP/1.1\r\n${H}\r\n${echo('Content-Length: 3\r\n', 'abc')}GET /order/4 HTTP/1.1\r\n${H}\r\n`,
      ],
      [],
      { finals: 4 },
    )
    expect(outcome.statuses).toEqual([200, 200, 200, 200])
    expect(outcome.responses.map((r) => r.body)).toEqual(['slow', 'order 2', '{"length":3}', 'order 4'])
    expect(outcome.responses.map((r) => r.headers.connection)).toEqual(Array(4).fill('keep-alive'))
    expect(outcome.closed).toBe(false)
    expect(outcome.rest).toBe('')
  })

  it('says connection: close when the handler does not read a body that has not all arrived, and closes', async () => {
    const rest = `${SMUGGLED}${'x'.repeat(100 - 3 - SMUGGLED.length)}`
    const outcome = await converse(
      port(),
      [
        `POST /ignore HTTP/1.1\r\n${H}Content-Length: 100\r\n\r\nabc`,
        { until: 'ignored' },
        rest, // the rest of the body, which must not be read as a request
      ],
      [],
      { close: true },
    )
    expect(outcome.statuses).toEqual([200])
    expect(outcome.responses[0]!.body).toBe('ignored')
    expect(outcome.responses[0]!.headers.connection).toBe('close')
    expect(outcome.closed).toBe(true)
  })

  it('says connection: close for an unread chunked body that has not all arrived', async () => {
    const outcome = await converse(
      port(),
      [`POST /ignore HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\n\r\n5\r\nhel`],
      [],
      { close: true },
    )
    expect(outcome.statuses).toEqual([200])
    expect(outcome.responses[0]!.headers.connection).toBe('close')
    expect(outcome.closed).toBe(true)
  })

  it('keeps the connection when an unread body has arrived whole: its framing is known', async () => {
    const outcome = await converse(
      port(),
      [
        `POST /ignore HTTP/1.1\r\n${H}Content-Length: ${SMUGGLED.length}\r\n\r\n${SMUGGLED}GET /order/2 HTTP/1.1\r\n${H}\r\n`,
      ],
      [],
      { finals: 2 },
    )
    expect(outcome.responses.map((r) => r.body)).toEqual(['ignored', 'order 2'])
    expect(outcome.responses[0]!.headers.connection).toBe('keep-alive')
  })

  it('answers HEAD with the headers of GET, content-length included, and no body', async () => {
    const outcome = await converse(port(), [`HEAD / HTTP/1.1\r\n${H}\r\n${GET}`], [true, false], {
      finals: 2,
    })
    expect(outcome.statuses).toEqual([200, 200])
    const [head, get] = outcome.responses
    expect(head!.body).toBe('')
    expect(get!.body).toBe('hello')
    expect(head!.headers['content-length']).toBe('5')
    expect(head!.headers['content-length']).toBe(get!.headers['content-length'])
    expect(head!.headers['content-type']).toBe(get!.headers['content-type'])
    expect(outcome.rest).toBe('') // a body after the HEAD response would have broken the GET response
  })

  it('closes after the response to Connection: close, answering nothing it sent after', async () => {
    const outcome = await converse(port(), [`GET / HTTP/1.1\r\n${H}Connection: close\r\n\r\n${GET}`], [], {
      close: true,
    })
    expect(outcome.statuses).toEqual([200])
    expect(outcome.responses[0]!.headers.connection).toBe('close')
    expect(outcome.closed).toBe(true)
    expect(outcome.rest).toBe('')
  })

  it('keeps an HTTP/1.0 keep-alive connection, and closes after a plain HTTP/1.0 request on it', async () => {
    const outcome = await converse(
      port(),
      [
        'GET /order/1 HTTP/1.0\r\nConnection: keep-alive\r\n\r\n',
        { until: 'order 1' },
        'GET /order/2 HTTP/1.0\r\n\r\n',
      ],
      [],
      { close: true },
    )
    expect(outcome.responses.map((r) => r.body)).toEqual(['order 1', 'order 2'])
    expect(outcome.responses.map((r) => r.headers.connection)).toEqual(['keep-alive', 'close'])
    expect(outcome.closed).toBe(true)
  })
})
