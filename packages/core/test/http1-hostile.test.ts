/**
 * Hostile clients against Brisk's own HTTP/1.1 server, over loopback, with node:http (`server: 'node'`) beside
 * it as the reference wherever node has the behaviour in question. What an outside reviewer would try:
 *
 * - clients that keep a finished connection (after `Connection: close`, HTTP/1.0, or any refusal) busy by
 *   trickling a byte now and then, reading or not: the server must still let go of every socket, soon;
 * - a thousand idle connections and a few slowloris ones beside a normal client, who must still be served;
 * - a client that reads a large answer slowly (it must get every byte), and one that never reads (it must be
 *   cut after `sendTimeout`, not before, and not never);
 * - a chunked body of a million one-byte chunks, read by a handler that starts late;
 * - `Expect: 100-continue` on a handler that streams its answer before it reads the body;
 * - request bytes a lax parser misreads: 0x80–0xFF in the target, a no-break space around a `Connection`
 *   token, an empty `Upgrade`, `CONNECT`.
 *
 * Every case is bounded in sockets and time, and the app's timeouts are short so it runs fast. Nothing here
 * asserts on speed: outcomes only (bytes received, sockets closed, descriptors released). Numbers worth a
 * look (event-loop delay, descriptor counts, how long closing took) are printed with `HTTP1_HOSTILE_REPORT=1`.
 */
import { createHash } from 'node:crypto'
import { once } from 'node:events'
import { readdirSync } from 'node:fs'
import { connect, type Socket } from 'node:net'
import { monitorEventLoopDelay } from 'node:perf_hooks'
import { afterEach, describe, expect, it } from 'vitest'
import { Brisk, type BriskOptions, stream } from '../src/index'
import { getFresh, silent } from './_helpers'

const SERVERS = ['brisk', 'node'] as const
type ServerKind = (typeof SERVERS)[number]

/** Short timeouts, so that every hostile case ends within seconds. */
const TIMEOUTS = {
  keepAliveTimeout: 800,
  headersTimeout: 1000,
  requestTimeout: 2000,
  sendTimeout: 2000,
} satisfies BriskOptions
/** The trickle: one byte every this many milliseconds, to every hostile socket still open. */
const TRICKLE = 300
/**
 * How long after its answer (or, for slowloris, after its first byte) the server may keep a hostile socket:
 * the headers timeout (1 s), the 2 s lingering close after an answer, and slack for a loaded machine.
 */
const CLOSE_BOUND = 15_000

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

/** Prints a measurement when `HTTP1_HOSTILE_REPORT` is set; the tests never assert on these. */
function report(line: string): void {
  if (process.env.HTTP1_HOSTILE_REPORT) console.log(`[hostile] ${line}`)
}

/** Open descriptors of this process (the server runs in it), or -1 where /proc is missing (not Linux). */
function openFds(): number {
  try {
    return readdirSync('/proc/self/fd').length
  } catch {
    return -1
  }
}

/** Polls `check` every 25 ms until it holds or `ms` have passed; whether it held. */
async function until(check: () => boolean | Promise<boolean>, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms
  for (;;) {
    if (await check()) return true
    if (Date.now() >= deadline) return false
    await sleep(25)
  }
}

const sha256 = (data: Uint8Array): string => createHash('sha256').update(data).digest('hex')

const clients = new Set<Client>()
const apps: Brisk<any>[] = []

afterEach(async () => {
  for (const c of clients) c.socket.destroy()
  clients.clear()
  await Promise.all(apps.splice(0).map((app) => app.close()))
})

/**
 * A raw TCP client that keeps what it receives. `halfOpen`: it stays writable after the server's FIN, as a
 * hostile client that goes on sending would; `paused`: it reads nothing until {@link Client.resume}.
 */
class Client {
  readonly socket: Socket
  readonly chunks: Buffer[] = []
  received = 0
  /** The server's FIN arrived. */
  ended = false
  /** The socket is gone: the server closed it (a trickle then meets a reset) or it was destroyed. */
  closed = false

  constructor(port: number, options: { halfOpen?: boolean; paused?: boolean } = {}) {
    this.socket = connect({ port, host: '127.0.0.1', allowHalfOpen: options.halfOpen === true })
    if (options.paused) this.socket.pause()
    this.socket.on('error', () => {}) // a reset is how a trickler learns that the server has let go
    this.socket.on('data', (chunk: Buffer) => {
      this.chunks.push(chunk)
      this.received += chunk.byteLength
    })
    this.socket.on('end', () => {
      this.ended = true
    })
    this.socket.on('close', () => {
      this.closed = true
    })
    clients.add(this)
  }

  /** Everything received, as latin1. */
  get text(): string {
    return Buffer.concat(this.chunks).toString('latin1')
  }

  async ready(): Promise<void> {
    if (this.socket.connecting) await once(this.socket, 'connect')
  }

  write(data: string | Uint8Array): void {
    if (!this.socket.destroyed && this.socket.writable) {
      this.socket.write(typeof data === 'string' ? Buffer.from(data, 'latin1') : data)
    }
  }

  resume(): void {
    this.socket.resume()
  }

  /** Waits until the bytes received include `text`, the socket closes, or `ms` pass; whether they do. */
  async saw(text: string, ms = 5000): Promise<boolean> {
    return until(() => this.text.includes(text) || this.closed, ms).then(() => this.text.includes(text))
  }
}

/** Opens `count` clients, `batch` at a time (a burst past the listen backlog would wait on SYN retries). */
async function openClients(
  port: number,
  count: number,
  options: (i: number) => { halfOpen?: boolean; paused?: boolean },
  batch = 100,
): Promise<Client[]> {
  const out: Client[] = []
  for (let i = 0; i < count; i += batch) {
    const group = Array.from(
      { length: Math.min(batch, count - i) },
      (_, j) => new Client(port, options(i + j)),
    )
    await Promise.all(group.map((c) => c.ready()))
    out.push(...group)
  }
  return out
}

/** Writes one byte every {@link TRICKLE} ms to each client still writable; returns the stop function. */
function trickle(targets: readonly Client[], byte = 'x', onTick?: () => void): () => void {
  const timer = setInterval(() => {
    for (const c of targets) if (!c.closed) c.write(byte)
    onTick?.()
  }, TRICKLE)
  return () => clearInterval(timer)
}

/** How many sockets the server holds (its `net.Server` counts them until each one closes). */
function serverConnections(app: Brisk<any>): Promise<number> {
  return new Promise((resolve, reject) =>
    app.server!.raw.getConnections((error, count) => (error ? reject(error) : resolve(count))),
  )
}

/** The body of `GET /big`: numbered lines, so a gap or a repeat changes the hash. */
const BIG = Buffer.from(
  Array.from({ length: (16 * 1024 * 1024) / 32 }, (_, i) => `${String(i).padStart(31, '.')}\n`).join(''),
)

/** An app with the short {@link TIMEOUTS} on `server`, listening on a free loopback port. */
async function serve(
  server: ServerKind,
  setup: (app: Brisk) => void = () => {},
  options: BriskOptions = {},
): Promise<{ app: Brisk; port: number }> {
  const app = new Brisk({ logger: silent, server, shutdownTimeout: 500, ...TIMEOUTS, ...options })
  app.get('/', () => 'hello')
  app.get('/n/:n', (req) => `n=${req.params.n}`)
  app.post('/echo', async (req) => await req.text())
  setup(app)
  const { port } = await app.listen({ port: 0, signals: false })
  apps.push(app)
  return { app, port }
}

const H = 'Host: x\r\n'

/**
 * Ways a connection ends with an answer, each with the bytes that provoke it. The trickle that follows goes on
 * where these bytes leave off: after the request, in the body of a refused one, inside a head that never ends.
 */
const FINISHES: readonly { name: string; send: string }[] = [
  { name: 'Connection: close', send: `GET / HTTP/1.1\r\n${H}Connection: close\r\n\r\n` },
  { name: 'HTTP/1.0', send: 'GET / HTTP/1.0\r\n\r\n' },
  { name: '400 garbage', send: 'GARBAGE\r\n\r\n' },
  { name: '505 HTTP/1.2', send: `GET / HTTP/1.2\r\n${H}\r\n` },
  { name: '501 Transfer-Encoding: gzip', send: `POST /echo HTTP/1.1\r\n${H}Transfer-Encoding: gzip\r\n\r\n` },
  { name: '417 Expect', send: `GET / HTTP/1.1\r\n${H}Expect: 200-ok\r\n\r\n` },
  { name: '413 Content-Length', send: `POST /echo HTTP/1.1\r\n${H}Content-Length: 99999999\r\n\r\n` },
  { name: '431 head too large', send: `GET /?q=${'a'.repeat(17_000)} HTTP/1.1\r\n${H}\r\n` },
  { name: '408 slowloris', send: `GET / HTTP/1.1\r\n${H}X-Slow: ` },
]

describe('connections the server has finished with', () => {
  it.each(SERVERS)(
    '%s: 300 sockets that trickle a byte every 300 ms after their answer (reading or not) are all closed',
    async (server) => {
      const { app, port } = await serve(server)
      const before = openFds()
      const count = 300
      const hostile = await openClients(port, count, (i) => ({ halfOpen: true, paused: i % 2 === 1 }))
      const started = Date.now()
      for (const [i, c] of hostile.entries()) c.write(FINISHES[i % FINISHES.length]!.send)
      let peak = openFds()
      const stop = trickle(hostile, 'x', () => {
        peak = Math.max(peak, openFds())
      })
      try {
        const allClosed = await until(() => hostile.every((c) => c.closed), CLOSE_BOUND)
        const took = Date.now() - started
        const open = hostile.filter((c) => !c.closed)
        report(
          `${server}: ${count - open.length}/${count} trickling sockets closed after ${took} ms; open by kind: ${JSON.stringify(countBy(open.map((c) => FINISHES[hostile.indexOf(c) % FINISHES.length]!.name)))}`,
        )
        // Every reading client got an answer before its socket went.
        for (const [i, c] of hostile.entries()) {
          if (i % 2 === 0) expect(c.text.slice(0, 9), FINISHES[i % FINISHES.length]!.name).toBe('HTTP/1.1 ')
        }
        expect(open.map((c) => FINISHES[hostile.indexOf(c) % FINISHES.length]!.name)).toEqual([])
        expect(allClosed).toBe(true)
        expect(await serverConnections(app)).toBe(0)
      } finally {
        stop()
      }
      if (before >= 0) {
        // Both ends of every socket live in this process: once they are closed, the descriptors are back.
        const released = await until(() => openFds() - before <= 10, 1000)
        report(`${server}: descriptors ${before} before, ${peak} at the peak, ${openFds()} after`)
        expect(released, `descriptors: ${before} before, ${openFds()} after`).toBe(true)
      }
    },
    45_000,
  )
})

function countBy(names: readonly string[]): Record<string, number> {
  const out: Record<string, number> = {}
  for (const name of names) out[name] = (out[name] ?? 0) + 1
  return out
}

describe('idle and slowloris connections beside a normal client', () => {
  // Brisk only: node's side of the same (its slowloris 408s) is in the trickle test above, at less cost.
  it.each(['brisk'] as const)(
    '%s: 1000 silent sockets and 50 slowloris ones do not keep a normal client waiting, and all are let go',
    async (server) => {
      // Timeouts long enough that the idle sockets are all still open while the normal client is served.
      const { app, port } = await serve(server, () => {}, { keepAliveTimeout: 2000, headersTimeout: 2000 })
      const before = openFds()
      const started = Date.now()
      const idle = await openClients(port, 1000, () => ({}), 200)
      const slow = await openClients(port, 50, () => ({ halfOpen: true }))
      for (const c of slow) c.write(`GET / HTTP/1.1\r\n${H}X-Slow: `)
      const stop = trickle(slow)
      const peak = openFds()
      try {
        // A normal client meanwhile: requests on one keep-alive connection, and on new connections.
        const normal = new Client(port)
        let answered = 0
        for (let i = 0; i < 10; i++) {
          normal.write(`GET /n/${i} HTTP/1.1\r\n${H}\r\n`)
          expect(await normal.saw(`n=${i}`), `keep-alive request ${i}`).toBe(true)
          expect((await getFresh(port, `/n/fresh-${i}`, 5000)).body).toBe(`n=fresh-${i}`)
          answered += 2
          await sleep(50)
        }
        expect(normal.closed).toBe(false)
        normal.socket.destroy()
        const during = idle.filter((c) => !c.closed).length + slow.filter((c) => !c.closed).length
        const allClosed = await until(
          () => idle.every((c) => c.closed) && slow.every((c) => c.closed),
          CLOSE_BOUND,
        )
        const took = Date.now() - started
        report(
          `${server}: ${answered} normal requests answered while ${during} of the 1050 hostile sockets were still open; idle closed ${idle.filter((c) => c.closed).length}/1000, slowloris closed ${slow.filter((c) => c.closed).length}/50 after ${took} ms`,
        )
        expect(idle.filter((c) => !c.closed).length, 'idle sockets still open').toBe(0)
        expect(slow.filter((c) => !c.closed).length, 'slowloris sockets still open').toBe(0)
        expect(allClosed).toBe(true)
        expect(await until(async () => (await serverConnections(app)) === 0, 1000)).toBe(true)
      } finally {
        stop()
      }
      if (before >= 0) {
        const released = await until(() => openFds() - before <= 10, 1000)
        report(`${server}: descriptors ${before} before, ${peak} with every socket open, ${openFds()} after`)
        expect(released, `descriptors: ${before} before, ${openFds()} after`).toBe(true)
      }
    },
    45_000,
  )
})

describe('a large answer', () => {
  it.each(SERVERS)(
    '%s: a client that starts reading after the keep-alive timeout, and reads slowly, gets every byte',
    async (server) => {
      const { port } = await serve(server, (app) => app.get('/big', () => BIG.toString('latin1')))
      const c = new Client(port, { paused: true })
      await c.ready()
      c.write(`GET /big HTTP/1.1\r\n${H}\r\n`)
      await sleep(TIMEOUTS.keepAliveTimeout * 2)
      // Slowly but steadily: a pause after every read, so reading takes seconds, several keep-alive timeouts.
      const started = Date.now()
      c.socket.on('data', () => {
        c.socket.pause()
        setTimeout(() => c.socket.resume(), 8)
      })
      c.resume()
      const head = `HTTP/1.1 200 OK\r\n`
      const complete = (): boolean => {
        const text = c.chunks.length > 0 ? c.chunks[0]!.toString('latin1', 0, 400) : ''
        const end = text.indexOf('\r\n\r\n')
        return c.closed || (end !== -1 && c.received >= end + 4 + BIG.byteLength)
      }
      await until(complete, 20_000)
      const all = Buffer.concat(c.chunks)
      const split = all.indexOf('\r\n\r\n')
      const body = all.subarray(split + 4)
      report(
        `${server}: read ${body.byteLength} of ${BIG.byteLength} body bytes in ${Date.now() - started} ms, closed=${c.closed}`,
      )
      expect(all.toString('latin1', 0, head.length)).toBe(head)
      expect(body.byteLength).toBe(BIG.byteLength)
      expect(sha256(body)).toBe(sha256(BIG))
      // The connection is still good for another request. The keep-alive clock starts when nothing is left in
      // the server's own buffer; what the kernel still held may have taken the client longer than
      // keepAliveTimeout to read on a loaded machine, and then an idle close after the whole answer is right too.
      c.chunks.length = 0
      c.write(`GET / HTTP/1.1\r\n${H}\r\n`)
      const again = await c.saw('hello')
      expect(again || c.closed, 'neither an answer nor a close').toBe(true)
    },
    30_000,
  )

  it.each(['a string', 'a stream'])(
    'brisk: a client that never reads %s answer is cut after sendTimeout, not before',
    async (kind) => {
      const { app, port } = await serve('brisk', (a) =>
        a.get('/big', () =>
          kind === 'a string'
            ? BIG.toString('latin1')
            : stream(async (write) => {
                for (let at = 0; at < BIG.byteLength; at += 64 * 1024)
                  await write(BIG.subarray(at, at + 64 * 1024))
              }),
        ),
      )
      const c = new Client(port, { paused: true })
      await c.ready()
      const sent = Date.now()
      c.write(`GET /big HTTP/1.1\r\n${H}\r\n`)
      const cut = await until(async () => (await serverConnections(app)) === 0, TIMEOUTS.sendTimeout + 5000)
      const took = Date.now() - sent
      report(
        `brisk, ${kind}: a peer that never reads was cut after ${took} ms (sendTimeout ${TIMEOUTS.sendTimeout})`,
      )
      expect(cut, 'the server let go of the socket').toBe(true)
      // Not before sendTimeout: a slow reader must not be taken for a dead one (the keep-alive timeout is shorter).
      expect(took).toBeGreaterThanOrEqual(TIMEOUTS.sendTimeout - 100)
      // What was in flight arrives, then the end: the client can tell the answer was cut short.
      c.resume()
      expect(await until(() => c.closed, 5000), 'the client saw the connection end').toBe(true)
      expect(c.received).toBeLessThan(BIG.byteLength)
    },
    35_000,
  )
})

describe('a chunked body of one-byte chunks', () => {
  it.each(SERVERS)(
    '%s: half a million one-byte chunks, read after a 100 ms wait, all arrive; another client is answered meanwhile',
    async (server) => {
      const N = 500_000
      const data = Buffer.alloc(N)
      for (let i = 0; i < N; i++) data[i] = (i * 7 + 13) & 0xff
      // Each chunk: size line "1", CRLF, the byte, CRLF; then the last chunk.
      const wire = Buffer.alloc(N * 6 + 5)
      for (let i = 0; i < N; i++) {
        const at = i * 6
        wire[at] = 0x31
        wire[at + 1] = 13
        wire[at + 2] = 10
        wire[at + 3] = data[i]!
        wire[at + 4] = 13
        wire[at + 5] = 10
      }
      wire.write('0\r\n\r\n', N * 6, 'latin1')
      const other = { client: null as Client | null, asked: 0 }
      let readDone = 0
      const { port } = await serve(
        server,
        (app) =>
          app.post('/sink', async (req) => {
            await sleep(100)
            // The other client connects and asks the moment this handler starts reading the pieces that piled
            // up (connected earlier, a loaded machine could keep it silent past the headers timeout).
            const client = new Client(port)
            await client.ready()
            other.asked = Date.now()
            client.write(`GET / HTTP/1.1\r\n${H}\r\n`)
            other.client = client
            const hash = createHash('sha256')
            let length = 0
            let pieces = 0
            for await (const piece of req.stream()) {
              hash.update(piece)
              length += piece.byteLength
              pieces++
            }
            readDone = Date.now()
            return { length, sha256: hash.digest('hex'), pieces }
          }),
        // The body takes as long as it takes here: the point is what happens meanwhile, not a timeout.
        { requestTimeout: 30_000 },
      )
      const delay = monitorEventLoopDelay({ resolution: 10 })
      delay.enable()
      const sender = new Client(port)
      await sender.ready()
      sender.write(`POST /sink HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\n\r\n`)
      sender.write(wire)
      const asked = await until(() => other.client !== null, 35_000)
      expect(asked, 'the handler started and the other client asked').toBe(true)
      const answered = await other.client!.saw('hello', 35_000)
      const answeredAt = Date.now()
      expect(await sender.saw('"pieces"', 35_000)).toBe(true)
      delay.disable()
      const text = sender.text
      const result = JSON.parse(text.slice(text.indexOf('\r\n\r\n') + 4)) as {
        length: number
        sha256: string
        pieces: number
      }
      report(
        `${server}: ${N} one-byte chunks: the handler got ${result.length} bytes in ${result.pieces} pieces, ${readDone - other.asked} ms after it began to read; event-loop delay max ${(delay.max / 1e6).toFixed(0)} ms, p99 ${(delay.percentile(99) / 1e6).toFixed(0)} ms, mean ${(delay.mean / 1e6).toFixed(1)} ms; the other client waited ${answeredAt - other.asked} ms`,
      )
      expect(text.slice(0, 15)).toBe('HTTP/1.1 200 OK')
      expect(result.length).toBe(N)
      expect(result.sha256).toBe(sha256(data))
      expect(answered, 'the other client was answered').toBe(true)
      if (server === 'brisk') {
        // The handler's work follows the bytes, not the number of chunks the client cut them into: small pieces
        // reach it joined (node's entry hands them on one by one, which is what makes its loop so long).
        expect(result.pieces).toBeLessThanOrEqual(N / 1000)
      }
    },
    75_000,
  )
})

describe('Expect: 100-continue', () => {
  it.each(SERVERS)(
    '%s: a handler that streams its answer before it reads the body gets no 100 Continue inside the answer',
    async (server) => {
      const { port } = await serve(server, (app) =>
        app.post('/late', (req) =>
          stream(async (write) => {
            await write('head first\n')
            // Reads now, while the client still holds the body back: the answer's head is already out.
            await write(`got ${await req.text()}\n`)
          }),
        ),
      )
      const c = new Client(port)
      await c.ready()
      c.write(`POST /late HTTP/1.1\r\n${H}Expect: 100-continue\r\nContent-Length: 5\r\n\r\n`)
      // As RFC 9110 §10.1.1 lets a client do: it sends the body once an answer has begun, 100 or not.
      expect(await c.saw('head first')).toBe(true)
      c.write('hello')
      expect(await c.saw('0\r\n\r\n')).toBe(true)
      let text = c.text
      // node sends its 100 Continue as soon as it reads the head: before the answer, which is fine.
      const interim = 'HTTP/1.1 100 Continue\r\n\r\n'
      if (text.startsWith(interim)) text = text.slice(interim.length)
      const split = text.indexOf('\r\n\r\n')
      const head = text.slice(0, split)
      const rest = text.slice(split + 4)
      expect(head).toMatch(/^HTTP\/1\.1 200 OK\r\n/)
      expect(head.toLowerCase()).toContain('transfer-encoding: chunked')
      expect(rest).not.toContain('100 Continue')
      expect(dechunk(rest)).toBe('head first\ngot hello\n')
    },
  )
})

/** Decodes a complete chunked body (text, no trailers); throws on bad framing. */
function dechunk(text: string): string {
  let out = ''
  let at = 0
  for (;;) {
    const nl = text.indexOf('\r\n', at)
    const line = text.slice(at, nl)
    if (nl === -1 || !/^[0-9a-f]+$/i.test(line))
      throw new Error(`bad chunk size line at ${at}: ${JSON.stringify(text.slice(at, at + 40))}`)
    const size = Number.parseInt(line, 16)
    if (size === 0) {
      if (text.slice(nl, nl + 4) !== '\r\n\r\n' || nl + 4 !== text.length) throw new Error('bad last chunk')
      return out
    }
    out += text.slice(nl + 2, nl + 2 + size)
    if (text.slice(nl + 2 + size, nl + 4 + size) !== '\r\n')
      throw new Error(`chunk ${size} not followed by CRLF`)
    at = nl + 4 + size
  }
}

describe('request bytes a lax parser misreads', () => {
  /** Sends `bytes` on a new connection; what came back, and whether the server closed it within `ms`. */
  async function exchange(
    port: number,
    bytes: string,
    ms = 1500,
  ): Promise<{ text: string; closed: boolean }> {
    const c = new Client(port)
    await c.ready()
    c.write(bytes)
    await until(() => c.closed, ms)
    return { text: c.text, closed: c.closed }
  }

  const statuses = (text: string): number[] =>
    [...text.matchAll(/HTTP\/1\.1 (\d{3}) /g)].map((m) => Number(m[1]))

  it.each(SERVERS)('%s: a byte 0x80–0xFF in the request-target is refused with 400', async (server) => {
    const seen: string[] = []
    const { port } = await serve(server, (app) => app.onRequest((req) => void seen.push(req.url)))
    for (const target of ['/caf\xe9', '/\x80', '/?q=\xff', '/\xa0']) {
      const { text, closed } = await exchange(port, `GET ${target} HTTP/1.1\r\n${H}\r\n`)
      expect(statuses(text), JSON.stringify(target)).toEqual([400])
      expect(closed, JSON.stringify(target)).toBe(true)
    }
    expect(seen).toEqual([])
  })

  it.each(SERVERS)(
    '%s: "close" or "keep-alive" next to a no-break space is not that token',
    async (server) => {
      const { port } = await serve(server)
      // HTTP/1.1 with "close\xa0": not close, so the connection stays and the next request is answered.
      const c = new Client(port)
      await c.ready()
      c.write(`GET /n/1 HTTP/1.1\r\n${H}Connection: close\xa0\r\n\r\nGET /n/2 HTTP/1.1\r\n${H}\r\n`)
      expect(await c.saw('n=2', 2000)).toBe(true)
      expect(c.closed).toBe(false)
      // HTTP/1.0 with "keep-alive\xa0" or "\xa0keep-alive": not keep-alive, so the connection closes.
      for (const option of ['keep-alive\xa0', '\xa0keep-alive']) {
        const { text, closed } = await exchange(port, `GET / HTTP/1.0\r\nConnection: ${option}\r\n\r\n`)
        expect(statuses(text), JSON.stringify(option)).toEqual([200])
        expect(closed, JSON.stringify(option)).toBe(true)
      }
    },
  )

  it.each(SERVERS)(
    '%s: an empty Upgrade with Connection: upgrade is an ordinary request whose handler gets the body',
    async (server) => {
      const { port } = await serve(server)
      const c = new Client(port)
      await c.ready()
      c.write(`POST /echo HTTP/1.1\r\n${H}Connection: upgrade\r\nUpgrade:\r\nContent-Length: 5\r\n\r\nhello`)
      expect(await c.saw('hello', 2000)).toBe(true)
      expect(statuses(c.text)).toEqual([200])
      // Still HTTP on this connection.
      c.write(`GET /n/after HTTP/1.1\r\n${H}\r\n`)
      expect(await c.saw('n=after', 2000)).toBe(true)
    },
  )

  it.each(SERVERS)(
    '%s: CONNECT is refused and the connection closed; what follows it is never read as a request',
    async (server) => {
      const seen: string[] = []
      const { port } = await serve(server, (app) =>
        app.onRequest((req) => void seen.push(`${req.method} ${req.url}`)),
      )
      const { text, closed } = await exchange(
        port,
        `CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\nGET /n/smuggled HTTP/1.1\r\n${H}\r\n`,
      )
      expect(closed).toBe(true)
      expect(seen).toEqual([])
      expect(text).not.toContain('n=smuggled')
      // node (with no 'connect' listener) drops the socket unanswered; Brisk answers with a refusal.
      if (server === 'brisk') {
        expect(statuses(text)).toHaveLength(1)
        expect(statuses(text)[0]).toBeGreaterThanOrEqual(400)
      } else {
        expect(text).toBe('')
      }
    },
  )
})
