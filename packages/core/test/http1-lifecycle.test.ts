/**
 * How connections of Brisk's own server end: every answer after which the server closes is followed by a
 * lingering close that a client cannot stretch by sending bytes; route-level request timeouts; `CONNECT`
 * handed to code that tunnels; heads and bodies that arrive a byte at a time.
 */
import { createHash, randomBytes } from 'node:crypto'
import type { Socket } from 'node:net'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { Brisk, type BriskOptions } from '../src/index'
import { LINGER } from '../src/node/lingering-close'
import { silent } from './_helpers'
import { closeRawClients, Raw, sleep } from './_raw-client'

const apps: Brisk<any>[] = []

afterEach(async () => {
  await Promise.all(apps.splice(0).map((app) => app.close()))
})

// Not after each test: the cases that wait out a linger run concurrently, each with clients of its own.
afterAll(() => closeRawClients())

async function serve(setup: (app: Brisk) => void = () => {}, options: BriskOptions = {}): Promise<number> {
  const app = new Brisk({ logger: silent, server: 'brisk', shutdownTimeout: 500, ...options })
  app.get('/', () => 'home')
  app.post('/echo', async (req) => await req.text())
  setup(app)
  const { port } = await app.listen({ port: 0, signals: false })
  apps.push(app)
  return port
}

/**
 * Sends one byte every `every` ms until the socket closes; never sends a FIN. The client must be half-open
 * (`new Raw(port, { halfOpen: true })`), or node would answer the server's FIN with its own.
 */
function trickle(raw: Raw, every: number): void {
  const timer = setInterval(() => {
    if (raw.isClosed || raw.socket.destroyed) clearInterval(timer)
    else raw.socket.write('x')
  }, every)
  raw.closed.then(() => clearInterval(timer))
}

/** How long the server may take to close a finished connection: the linger, and some slack for a busy machine. */
const CLOSE_BOUND = LINGER + 2_500

const sha = (data: Uint8Array): string => createHash('sha256').update(data).digest('hex')

// These cases mostly wait for a linger to end: they run at once, on one app, each watching its own socket.
describe.concurrent('a connection the server has finished with', () => {
  let port = 0
  let shared: Brisk
  /** The server's side of each connection, by the client's port. */
  const accepted = new Map<number, Socket>()
  beforeAll(async () => {
    shared = new Brisk({
      logger: silent,
      server: 'brisk',
      shutdownTimeout: 500,
      bodyLimit: 10,
      maxHeaderSize: 4096,
      headersTimeout: 300,
      requestTimeout: 300,
    })
    shared.get('/', () => 'home')
    shared.post('/echo', async (req) => await req.text())
    port = (await shared.listen({ port: 0, signals: false })).port
    shared.server!.raw.on('connection', (socket: Socket) => accepted.set(socket.remotePort!, socket))
  })
  afterAll(() => shared.close())

  /** The client's own port, by client (a closed socket no longer tells it). */
  const ports = new Map<Raw, number>()

  /** A half-open client, already connected. */
  async function client(): Promise<Raw> {
    const raw = new Raw(port, { halfOpen: true })
    await raw.ready()
    ports.set(raw, raw.socket.localPort!)
    return raw
  }

  /** Whether the server destroyed its side of `raw`'s connection within `ms`. */
  async function serverClosed(raw: Raw, ms: number): Promise<boolean> {
    const deadline = Date.now() + ms
    for (;;) {
      const socket = accepted.get(ports.get(raw)!)
      if (socket?.destroyed) return true
      if (Date.now() > deadline) return false
      await sleep(50)
    }
  }

  // Each request ends in an answer after which the connection must close.
  const cases: [string, string, number][] = [
    ['a Connection: close request', 'GET / HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n', 200],
    ['an HTTP/1.0 request', 'GET / HTTP/1.0\r\n\r\n', 200],
    ['a malformed request line (400)', 'GET  / HTTP/1.1\r\nhost: x\r\n\r\n', 400],
    ['a body over the limit (413)', 'POST /echo HTTP/1.1\r\nhost: x\r\ncontent-length: 100\r\n\r\n', 413],
    ['an unknown expectation (417)', 'GET / HTTP/1.1\r\nhost: x\r\nexpect: 200-ok\r\n\r\n', 417],
    [
      'a head over maxHeaderSize (431)',
      `GET / HTTP/1.1\r\nhost: x\r\nx-big: ${'a'.repeat(5000)}\r\n\r\n`,
      431,
    ],
    [
      'a transfer coding it does not read (501)',
      'POST /echo HTTP/1.1\r\nhost: x\r\ntransfer-encoding: gzip\r\n\r\n',
      501,
    ],
    ['an HTTP version it does not serve (505)', 'GET / HTTP/2.0\r\nhost: x\r\n\r\n', 505],
  ]

  it.each(cases)(
    'is closed after %s, however the client keeps sending',
    async (_what, request, status) => {
      const raw = await client()
      raw.write(request)
      const res = await raw.response()
      expect(res.status).toBe(status)
      expect(res.headers.connection).toBe('close')
      trickle(raw, 150)
      expect(await raw.closedWithin(CLOSE_BOUND)).toBe(true)
      expect(await serverClosed(raw, 500)).toBe(true) // the server's side is gone too
    },
    CLOSE_BOUND + 5_000,
  )

  it('is closed after the slowloris 408, however the client keeps sending', async () => {
    const raw = await client()
    raw.write('GET / HTTP/1.1\r\nhost: x\r\n')
    trickle(raw, 100) // header bytes that never end the head
    const res = await raw.response()
    expect(res.status).toBe(408)
    expect(await raw.closedWithin(CLOSE_BOUND)).toBe(true)
  })

  it('is closed after a request whose body does not arrive within requestTimeout (408)', async () => {
    const raw = await client()
    raw.write('POST /echo HTTP/1.1\r\nhost: x\r\ncontent-length: 5\r\n\r\n')
    trickle(raw, 100)
    expect((await raw.response()).status).toBe(408)
    expect(await raw.closedWithin(CLOSE_BOUND)).toBe(true)
  })

  it('is closed at once when the client also closes its side after the answer', async () => {
    const raw = await client()
    raw.write('GET / HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n')
    expect((await raw.response()).body.toString()).toBe('home')
    raw.socket.end()
    expect(await raw.closedWithin(LINGER - 500)).toBe(true)
  })

  it('answers a client that is still sending a refused body, so it can read the 413 before the close', async () => {
    const raw = await client()
    raw.write('POST /echo HTTP/1.1\r\nhost: x\r\ncontent-length: 5000000\r\n\r\n')
    // The client goes on sending the body it announced; the server reads and drops it while it lingers.
    for (let i = 0; i < 20; i++) raw.socket.write(Buffer.alloc(64 * 1024, 'b'))
    trickle(raw, 150)
    const res = await raw.response()
    expect(res.status).toBe(413)
    expect(JSON.parse(res.body.toString())).toMatchObject({ status: 413 })
    expect(await raw.closedWithin(CLOSE_BOUND)).toBe(true)
  })
})

describe('route option requestTimeout', () => {
  /** A POST whose 10 body bytes arrive one every 100 ms: about a second in all. */
  async function slowPost(port: number, path: string): Promise<{ status: number; body: string }> {
    const raw = new Raw(port)
    await raw.ready()
    raw.write(`POST ${path} HTTP/1.1\r\nhost: x\r\ncontent-length: 10\r\n\r\n`)
    for (let i = 0; i < 10 && !raw.isClosed; i++) {
      await sleep(100)
      if (!raw.isClosed) raw.write(String(i))
    }
    const res = await raw.response({ ms: 6_000 })
    return { status: res.status, body: res.body.toString() }
  }

  it('lets an upload route take longer than the app-wide requestTimeout, and keeps it for the others', async () => {
    const port = await serve(
      (app) => {
        app.post('/upload', { requestTimeout: 5_000 }, async (req) => await req.text())
      },
      { requestTimeout: 400 },
    )
    const [upload, other] = await Promise.all([slowPost(port, '/upload'), slowPost(port, '/echo')])
    expect(upload).toEqual({ status: 200, body: '0123456789' })
    expect(other.status).toBe(408)
  })

  it('can lower the limit for one route', async () => {
    const port = await serve((app) => {
      app.post('/quick', { requestTimeout: 300 }, async (req) => await req.text())
    })
    expect((await slowPost(port, '/quick')).status).toBe(408)
  })

  it('refuses a value that is not a number of milliseconds at start-up', async () => {
    const app = new Brisk({ logger: silent })
    app.post('/upload', { requestTimeout: -1 }, async (req) => await req.text())
    await expect(app.ready()).rejects.toThrow(/requestTimeout of \/upload must be a number of milliseconds/)
  })
})

describe('CONNECT', () => {
  it("is handed, with the bytes after its head, to a 'connect' listener that owns the socket", async () => {
    let app!: Brisk
    const port = await serve((a) => {
      app = a
    })
    const seen: { url: string; head: string }[] = []
    app.server!.raw.on('connect', (req: { url: string }, socket: Socket, head: Buffer) => {
      seen.push({ url: req.url, head: head.toString() })
      socket.write('HTTP/1.1 200 Connection Established\r\n\r\n')
      socket.write(head.toString().toUpperCase())
      socket.on('data', (chunk: Buffer) => socket.write(chunk.toString().toUpperCase()))
    })
    const raw = new Raw(port)
    await raw.ready()
    raw.write('CONNECT example.com:443 HTTP/1.1\r\nhost: example.com:443\r\n\r\nhello')
    await raw.until(() => (raw.text.includes('HELLO') ? true : undefined), 'the tunnelled bytes')
    // Bytes that look like HTTP are the tunnel's, not a request for the app.
    raw.write('GET / HTTP/1.1\r\nhost: x\r\n\r\n')
    await raw.until(() => (raw.text.includes('GET / HTTP/1.1') ? true : undefined), 'the echo')
    expect(raw.text).not.toContain('home')
    expect(seen).toEqual([{ url: 'example.com:443', head: 'hello' }])
  })

  it('is refused with 501 and the connection closed when nobody tunnels, and nothing after it is served', async () => {
    const served: string[] = []
    const port = await serve((app) => {
      app.onRequest((req) => void served.push(req.url))
    })
    const raw = new Raw(port)
    await raw.ready()
    raw.write(
      'CONNECT example.com:443 HTTP/1.1\r\nhost: example.com:443\r\n\r\nGET / HTTP/1.1\r\nhost: x\r\n\r\n',
    )
    const res = await raw.response()
    expect(res.status).toBe(501)
    expect(res.headers.connection).toBe('close')
    expect(await raw.closedWithin(CLOSE_BOUND)).toBe(true)
    expect(raw.text.match(/HTTP\/1\.1 /g)).toHaveLength(1)
    expect(served).toEqual([])
  })
})

describe('bytes that arrive one at a time', () => {
  it('reads a head sent a byte per write, with every field intact', async () => {
    let received: Record<string, unknown> = {}
    const port = await serve((app) => {
      app.get('/h', (req) => {
        received = { ...req.headers }
        return 'ok'
      })
    })
    const fields = Array.from({ length: 60 }, (_, i) => `x-field-${i}: ${'v'.repeat(40)}${i}`)
    const request = `GET /h HTTP/1.1\r\nhost: x\r\n${fields.join('\r\n')}\r\n\r\n`
    const raw = new Raw(port)
    await raw.ready()
    for (const byte of Buffer.from(request, 'latin1')) {
      raw.socket.write(Buffer.from([byte]))
      if (byte === 10) await sleep(0) // let some writes arrive apart, some together
    }
    const res = await raw.response({ ms: 10_000 })
    expect(res.body.toString()).toBe('ok')
    for (let i = 0; i < 60; i++) expect(received[`x-field-${i}`]).toBe(`${'v'.repeat(40)}${i}`)
  })

  it('gives each pipelined request its own body when both arrive in tiny pieces and are read late', async () => {
    const port = await serve((app) => {
      app.post('/late', async (req) => {
        await sleep(50) // the body is read after more bytes have arrived behind it
        return sha(await req.bytes())
      })
    })
    const first = randomBytes(3000)
    const second = randomBytes(2000)
    const wire = Buffer.concat([
      Buffer.from(`POST /late HTTP/1.1\r\nhost: x\r\ncontent-length: ${first.byteLength}\r\n\r\n`),
      first,
      Buffer.from(`POST /late HTTP/1.1\r\nhost: x\r\ntransfer-encoding: chunked\r\n\r\n`),
      Buffer.concat(
        Array.from({ length: 20 }, (_, i) => {
          const part = second.subarray(i * 100, i * 100 + 100)
          return Buffer.concat([Buffer.from('64\r\n'), part, Buffer.from('\r\n')])
        }),
      ),
      Buffer.from('0\r\n\r\n'),
    ])
    const raw = new Raw(port)
    await raw.ready()
    for (let at = 0; at < wire.byteLength; ) {
      const size = 1 + (at % 7)
      raw.socket.write(wire.subarray(at, at + size))
      at += size
      if (at % 200 < 7) await sleep(0)
    }
    const [a, b] = await raw.responses(2)
    expect(a!.body.toString()).toBe(sha(first))
    expect(b!.body.toString()).toBe(sha(second))
  })
})
