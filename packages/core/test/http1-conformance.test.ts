/**
 * A differential test of Brisk's own HTTP/1.1 server against node:http, over real sockets: one app, served by
 * each, gets the same raw bytes (well-formed requests, edge cases and every request-smuggling vector we know
 * of), and the two must answer alike. Where they legitimately differ (both refuse, with different codes; or
 * Brisk refuses what node lets through), the case says which and why. Then a few Brisk-only checks of
 * pipelining, unread bodies, HEAD and `Connection: close`.
 */
import { connect } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Brisk } from '../src/index'
import { silent } from './_helpers'

const SERVERS = ['brisk', 'node'] as const
type ServerKind = (typeof SERVERS)[number]

/** After the last write, the exchange is over once the socket has been quiet this long (or has closed). */
const QUIET = 250
/** The longest one exchange may take, whatever happens. */
const TOTAL = 3000

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
function parseResponses(text: string, closed: boolean, heads: readonly boolean[] = []): Omit<Outcome, 'closed'> {
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
        if (Number.isNaN(size)) throw new Error(`bad chunk size in response: ${JSON.stringify(text.slice(at))}`)
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

/** A write, or a pause in milliseconds. */
type Step = string | number

/**
 * Opens a connection to `port`, performs `steps`, and collects what comes back until the server closes the
 * connection or stays quiet for {@link QUIET} ms after the last write, and never longer than {@link TOTAL}.
 */
function converse(port: number, steps: readonly Step[], heads: readonly boolean[] = []): Promise<Outcome> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1')
    let text = ''
    let closed = false
    let writing = true
    let settled = false
    let quiet: ReturnType<typeof setTimeout> | undefined
    const finish = (): void => {
      if (settled) return
      settled = true
      clearTimeout(quiet)
      clearTimeout(total)
      socket.destroy()
      resolve({ ...parseResponses(text, closed, heads), closed })
    }
    const total = setTimeout(finish, TOTAL)
    const touch = (): void => {
      clearTimeout(quiet)
      if (!writing) quiet = setTimeout(finish, QUIET)
    }
    socket.on('data', (data: Buffer) => {
      text += data.toString('latin1')
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
        else if (!socket.destroyed) socket.write(step, 'latin1')
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
   * node's, when it legitimately differs (and why, in a comment at the case). Both 4xx/5xx: both refuse.
   * A 2xx for node: Brisk is stricter on purpose.
   */
  node?: number
  /** Whether Brisk closes the connection; defaults to true for a 4xx/5xx, false otherwise. */
  closed?: boolean
  /** The bytes hide a second request (SMUGGLED) that must not be answered. */
  smuggle?: boolean
  /** The first request is a HEAD. */
  head?: boolean
  /** All the statuses Brisk sends (interim 1xx included), when more than the first matters. */
  all?: number[]
}

const echo = (fields: string, body = ''): string => `POST /echo HTTP/1.1\r\n${H}${fields}\r\n${body}`
const te = (coding: string, body = '5\r\nhello\r\n0\r\n\r\n'): string =>
  echo(`Transfer-Encoding: ${coding}\r\n`, body)

const CASES: Case[] = [
  // Well-formed requests: both answer the same.
  { name: 'a plain GET', send: GET, status: 200 },
  { name: 'HEAD /', send: `HEAD / HTTP/1.1\r\n${H}\r\n`, status: 200, head: true },
  { name: 'a POST with Content-Length', send: echo('Content-Length: 5\r\n', 'hello'), status: 200 },
  { name: 'a chunked POST', send: te('chunked'), status: 200 },
  {
    name: 'a chunked POST with extensions and trailers',
    send: te('chunked', '5;a=b\r\nhello\r\n0;last\r\nX-Trailer: 1\r\n\r\n'),
    status: 200,
  },
  { name: 'Transfer-Encoding: chunked with trailing space', send: te('chunked '), status: 200 },
  { name: 'Transfer-Encoding: chunked with leading space', send: te('   chunked'), status: 200 },
  { name: 'Transfer-Encoding: Chunked (case)', send: te('Chunked'), status: 200 },
  { name: 'Transfer-Encoding: chunked with a trailing tab', send: te('chunked\t'), status: 200 },
  { name: 'the chunked body arriving after the head', send: [te('chunked', ''), 50, '5\r\nhello\r\n0\r\n\r\n'], status: 200 },
  { name: 'HTTP/1.0 closes by default', send: 'GET / HTTP/1.0\r\n\r\n', status: 200, closed: true },
  { name: 'HTTP/1.0 with keep-alive', send: 'GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n', status: 200 },
  { name: 'Connection: close', send: `GET / HTTP/1.1\r\n${H}Connection: close\r\n\r\n`, status: 200, closed: true },
  { name: 'leading CRLF before the request line', send: `\r\n${GET}`, status: 200 },
  { name: 'two pipelined GETs in one write', send: GET + GET, status: 200, all: [200, 200] },
  {
    name: 'a POST with a body, then a pipelined GET, in one write',
    send: echo('Content-Length: 5\r\n', 'hello') + GET,
    status: 200,
    all: [200, 200],
  },
  {
    name: 'Expect: 100-continue, body sent after the 100',
    send: [echo('Expect: 100-continue\r\nContent-Length: 5\r\n'), 100, 'hello'],
    status: 200,
    all: [100, 200],
  },
  { name: 'a URL just under the 16 KiB head limit', send: `GET /?q=${'a'.repeat(16_000)} HTTP/1.1\r\n${H}\r\n`, status: 200 },
  {
    name: '150 header fields',
    send: `GET / HTTP/1.1\r\n${H}${Array.from({ length: 150 }, (_, i) => `X-F${i}: ${i}\r\n`).join('')}\r\n`,
    status: 200,
  },
  { name: 'a header value with obs-text', send: `GET / HTTP/1.1\r\n${H}X-Name: caf\xe9\r\n\r\n`, status: 200 },
  { name: 'an empty Host', send: 'GET / HTTP/1.1\r\nHost:\r\n\r\n', status: 200 },
  { name: 'HTTP/1.0 without Host', send: 'GET / HTTP/1.0\r\n\r\n', status: 200, closed: true },
  { name: 'an absolute-form target', send: `GET http://x/ HTTP/1.1\r\n${H}\r\n`, status: 200 },
  { name: 'OPTIONS *', send: `OPTIONS * HTTP/1.1\r\n${H}\r\n`, status: 404 },

  // Malformed requests: both refuse.
  { name: 'garbage', send: 'GARBAGE\r\n\r\n', status: 400 },
  { name: 'HTTP/0.9-style GET /', send: 'GET /\r\n\r\n', status: 400 },
  { name: 'a garbage version', send: `GET / HTTP/x.y\r\n${H}\r\n`, status: 400 },
  { name: 'missing Host on HTTP/1.1', send: 'GET / HTTP/1.1\r\n\r\n', status: 400 },
  { name: 'space before the colon', send: `GET / HTTP/1.1\r\n${H}X-A : 1\r\n\r\n`, status: 400 },
  { name: 'an empty field name', send: `GET / HTTP/1.1\r\n${H}: 1\r\n\r\n`, status: 400 },
  { name: 'a delimiter in a field name', send: `GET / HTTP/1.1\r\n${H}X(A): 1\r\n\r\n`, status: 400 },
  { name: 'obs-fold', send: `GET / HTTP/1.1\r\n${H}X-A: 1\r\n 2\r\n\r\n`, status: 400 },
  { name: 'NUL in a header value', send: `GET / HTTP/1.1\r\n${H}X-A: a\x00b\r\n\r\n`, status: 400 },
  { name: 'a bare CR in a header value', send: `GET / HTTP/1.1\r\n${H}X-A: a\rb\r\n\r\n`, status: 400 },
  { name: 'NUL in the target', send: `GET /a\x00b HTTP/1.1\r\n${H}\r\n`, status: 400 },
  { name: 'a bare LF inside a CRLF head', send: `GET / HTTP/1.1\r\n${H}X-A: 1\nX-B: 2\r\n\r\n`, status: 400 },
  { name: 'bare LF line endings', send: 'GET / HTTP/1.1\nHost: x\n\n', status: 400 },
  { name: 'Content-Length: +5', send: echo('Content-Length: +5\r\n', 'hello'), status: 400 },
  { name: 'Content-Length: -1', send: echo('Content-Length: -1\r\n', 'hello'), status: 400 },
  { name: 'Content-Length: 0x10', send: echo('Content-Length: 0x10\r\n', 'hello'), status: 400 },
  { name: 'Content-Length: 5 5', send: echo('Content-Length: 5 5\r\n', 'hello'), status: 400 },
  { name: 'a URL over the 16 KiB head limit', send: `GET /?q=${'a'.repeat(17_000)} HTTP/1.1\r\n${H}\r\n`, status: 431 },
  {
    name: 'headers over the 16 KiB head limit',
    send: `GET / HTTP/1.1\r\n${H}${Array.from({ length: 40 }, (_, i) => `X-H${i}: ${'b'.repeat(500)}\r\n`).join('')}\r\n`,
    status: 431,
  },
  { name: 'Expect other than 100-continue', send: `GET / HTTP/1.1\r\n${H}Expect: 200-ok\r\n\r\n`, status: 417 },

  // Smuggling vectors: both refuse, and Brisk never answers the hidden request.
  {
    name: 'CL.TE: Content-Length and Transfer-Encoding',
    send: echo(`Content-Length: ${5 + SMUGGLED.length}\r\nTransfer-Encoding: chunked\r\n`, `0\r\n\r\n${SMUGGLED}`),
    status: 400,
    smuggle: true,
  },
  {
    name: 'TE.CL: Transfer-Encoding then Content-Length',
    send: echo('Transfer-Encoding: chunked\r\nContent-Length: 4\r\n', `${SMUGGLED.length.toString(16)}\r\n${SMUGGLED}\r\n0\r\n\r\n`),
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
    name: 'obs-folded Transfer-Encoding beside Content-Length',
    send: echo(`Content-Length: ${5 + SMUGGLED.length}\r\nTransfer-Encoding:\r\n chunked\r\n`, `0\r\n\r\n${SMUGGLED}`),
    status: 400,
    smuggle: true,
  },
  {
    name: 'space before the colon of Transfer-Encoding',
    send: echo(`Content-Length: ${5 + SMUGGLED.length}\r\nTransfer-Encoding : chunked\r\n`, `0\r\n\r\n${SMUGGLED}`),
    status: 400,
    smuggle: true,
  },
  {
    name: 'Transfer-Encoding hidden behind a bare LF',
    send: echo(`X-A: 1\nTransfer-Encoding: chunked\r\nContent-Length: ${5 + SMUGGLED.length}\r\n`, `0\r\n\r\n${SMUGGLED}`),
    status: 400,
    smuggle: true,
  },
  {
    name: 'Transfer-Encoding: xchunked',
    send: te('xchunked', `0\r\n\r\n${SMUGGLED}`),
    status: 501,
    node: 400, // node refuses a request whose last coding is not chunked with 400; Brisk says 501 Not Implemented
    smuggle: true,
  },
  {
    name: 'Transfer-Encoding: chunked, gzip',
    send: te('chunked, gzip', `0\r\n\r\n${SMUGGLED}`),
    status: 501,
    node: 400, // as above: chunked is not the last coding
    smuggle: true,
  },
  {
    name: 'Transfer-Encoding: identity',
    send: te('identity', `0\r\n\r\n${SMUGGLED}`),
    status: 501,
    node: 400, // as above
    smuggle: true,
  },
  {
    name: 'Transfer-Encoding: gzip',
    send: te('gzip', `0\r\n\r\n${SMUGGLED}`),
    status: 501,
    node: 400, // as above
    smuggle: true,
  },
  {
    name: 'Transfer-Encoding on HTTP/1.0',
    send: `POST /echo HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n${SMUGGLED}`,
    status: 400,
    smuggle: true,
  },
  {
    name: 'a chunk size that is not hex',
    send: te('chunked', `zz\r\nhello\r\n0\r\n\r\n${SMUGGLED}`),
    status: 400,
    smuggle: true,
  },
  {
    name: 'a chunk size that is not hex, after the head',
    send: [te('chunked', ''), 50, `zz\r\nhello\r\n0\r\n\r\n${SMUGGLED}`],
    status: 400,
    smuggle: true,
  },
  {
    name: 'a 0x chunk size',
    send: te('chunked', `0x5\r\nhello\r\n0\r\n\r\n${SMUGGLED}`),
    status: 400,
    smuggle: true,
  },
  {
    name: 'a chunk size that overflows',
    send: te('chunked', `fffffffffffffffff0\r\nhello\r\n0\r\n\r\n${SMUGGLED}`),
    status: 400,
    smuggle: true,
  },
  {
    name: 'chunk data longer than its size',
    send: te('chunked', `2\r\nhello\r\n0\r\n\r\n${SMUGGLED}`),
    status: 400,
    smuggle: true,
  },
  {
    name: 'a bare LF after a chunk size',
    send: te('chunked', `5\nhello\r\n0\r\n\r\n${SMUGGLED}`),
    status: 400,
    smuggle: true,
  },
  {
    name: 'a control character in a chunk extension',
    send: te('chunked', `5;a=\x01\r\nhello\r\n0\r\n\r\n${SMUGGLED}`),
    status: 400,
    smuggle: true,
  },
]

/** Every server's handle to the app, and the smuggled requests each one answered. */
const servers = {} as Record<ServerKind, { app: Brisk; port: number; smuggled: string[] }>
const outcomes = new Map<string, Record<ServerKind, Outcome>>()

function steps(send: string | Step[]): Step[] {
  return typeof send === 'string' ? [send] : send
}

beforeAll(async () => {
  for (const server of SERVERS) {
    const smuggled: string[] = []
    const app = new Brisk({ logger: silent, server, keepAliveTimeout: 60_000 })
    app.get('/', () => 'hello')
    app.post('/echo', async (req) => ({ length: (await req.bytes()).byteLength }))
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
    const { port } = await app.listen({ port: 0 })
    servers[server] = { app, port, smuggled }
  }
  await Promise.all(
    CASES.map(async (c) => {
      const heads = c.head ? [true] : []
      const [brisk, node] = await Promise.all(
        SERVERS.map((server) => converse(servers[server].port, steps(c.send), heads)),
      )
      outcomes.set(c.name, { brisk: brisk!, node: node! })
    }),
  )
  if (process.env.HTTP1_CONFORMANCE_DEBUG) {
    for (const c of CASES) {
      const o = outcomes.get(c.name)!
      console.log(
        `${c.name.padEnd(60)} brisk ${JSON.stringify(o.brisk.statuses)} ${o.brisk.closed ? 'closed' : 'open'}${o.brisk.rest ? ` rest=${JSON.stringify(o.brisk.rest.slice(0, 60))}` : ''}  node ${JSON.stringify(o.node.statuses)} ${o.node.closed ? 'closed' : 'open'}${o.node.rest ? ` rest=${JSON.stringify(o.node.rest.slice(0, 60))}` : ''}`,
      )
    }
  }
}, 15_000)

afterAll(async () => {
  await Promise.all(SERVERS.map((server) => servers[server]?.app.close()))
})

/** The status of the first final (non-1xx) response, or null. */
function firstFinal(outcome: Outcome): number | null {
  return outcome.statuses.find((status) => status >= 200) ?? null
}

describe('Brisk and node:http answer the same raw requests alike', () => {
  it.each(CASES)('$name', (c) => {
    const { brisk, node } = outcomes.get(c.name)!
    expect(firstFinal(brisk), 'Brisk').toBe(c.status)
    expect(firstFinal(node), 'node').toBe(c.node ?? c.status)
    if (c.all !== undefined) {
      expect(brisk.statuses, 'Brisk').toEqual(c.all)
      expect(node.statuses, 'node').toEqual(c.all)
    }
    const refused = c.status !== null && c.status >= 400
    expect(brisk.closed, 'Brisk closed the connection').toBe(c.closed ?? refused)
    if (c.node === undefined) expect(node.closed, 'node closed the connection').toBe(c.closed ?? refused)
    expect(brisk.rest, 'Brisk sent only whole responses').toBe('')
    if (refused) {
      const [response] = brisk.responses.filter((r) => r.status >= 200)
      expect(response!.headers.connection).toBe('close')
      expect(response!.headers['content-type']).toBe('application/problem+json')
    }
    if (c.smuggle) {
      expect(brisk.statuses.filter((s) => s >= 200), 'Brisk answered one request only').toHaveLength(1)
      expect(brisk.responses.some((r) => r.body === 'SMUGGLED')).toBe(false)
    }
  })

  it('never let a smuggled request reach a Brisk handler', () => {
    expect(servers.brisk.smuggled).toEqual([])
  })
})
