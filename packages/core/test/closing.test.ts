/**
 * How a connection ends once the server is done with it: after a request it refuses (400, 431, 408), after an
 * upgrade answered with plain HTTP, and after bytes that follow a request whose answer is still being
 * prepared. Raw `node:net` clients trickle a byte at the server now and then (which must not keep the socket
 * open) or never read at all (which must not either), and every byte they receive is checked.
 */
import { once } from 'node:events'
import { connect, type Socket } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { Brisk, type BriskOptions, Unauthorized } from '../src/index'
import { LINGER } from '../src/node/lingering-close'
import { silent } from './_helpers'

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

/** How long after its answer a closing connection may stay open: the linger, and room for a busy machine. */
const BOUND = LINGER + 2_000

const WEBSOCKET_HEAD =
  'Connection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n'

/** One answer as it came off the wire (every answer in these tests is framed by `content-length`). */
interface Answer {
  status: number
  headers: Record<string, string>
  body: string
}

/** Every complete answer at the front of `bytes`. */
function answersIn(bytes: Buffer): Answer[] {
  const out: Answer[] = []
  let pos = 0
  for (;;) {
    const end = bytes.indexOf('\r\n\r\n', pos)
    if (end === -1) return out
    const [statusLine = '', ...lines] = bytes.toString('latin1', pos, end).split('\r\n')
    const headers: Record<string, string> = {}
    for (const line of lines) {
      const colon = line.indexOf(':')
      headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim()
    }
    const length = Number(headers['content-length'] ?? 0)
    if (bytes.length < end + 4 + length) return out
    out.push({
      status: Number(statusLine.split(' ')[1]),
      headers,
      body: bytes.toString('utf8', end + 4, end + 4 + length),
    })
    pos = end + 4 + length
  }
}

/** What a test opened, closed when it ends. */
interface Track {
  apps: Brisk<any>[]
  peers: Set<Peer>
}

async function release(track: Track): Promise<void> {
  for (const peer of track.peers) peer.socket.destroy()
  track.peers.clear()
  await Promise.all(track.apps.splice(0).map((app) => app.close()))
}

/** The track of tests that run one at a time; a concurrent test keeps its own. */
const shared: Track = { apps: [], peers: new Set() }
afterEach(() => release(shared))

/** The server's end of each connection, by `serverPort:clientPort`. */
const accepted = new Map<string, Socket>()

/**
 * A raw client that keeps every byte it receives and never closes its side, even after the server's FIN (so
 * it learns of the server's close only by writing: the close is watched on the server's end of the socket).
 */
class Peer {
  readonly socket: Socket
  /** The server's FIN arrived. */
  readonly ended: Promise<void>
  received = Buffer.alloc(0)
  isEnded = false
  #trickle: ReturnType<typeof setInterval> | undefined

  /** `read: false`: a client that never takes a byte of what the server sends. */
  constructor(port: number, { read = true, track = shared }: { read?: boolean; track?: Track } = {}) {
    this.socket = connect({ port, host: '127.0.0.1', noDelay: true, allowHalfOpen: true })
    if (!read) this.socket.pause()
    this.socket.on('error', () => {}) // writing to a socket the server closed resets it: not a failure here
    this.socket.on('data', (chunk: Buffer) => {
      this.received = Buffer.concat([this.received, chunk])
    })
    this.ended = new Promise((resolve) =>
      this.socket.once('end', () => {
        this.isEnded = true
        resolve()
      }),
    )
    this.socket.once('close', () => clearInterval(this.#trickle))
    track.peers.add(this)
  }

  get text(): string {
    return this.received.toString('latin1')
  }

  send(text: string): void {
    this.socket.write(Buffer.from(text, 'latin1'))
  }

  /** The first complete answer, waiting at most `ms` for it. */
  async answer(ms = 5_000): Promise<Answer> {
    const deadline = Date.now() + ms
    for (;;) {
      const [first] = answersIn(this.received)
      if (first !== undefined) return first
      if (this.isEnded || Date.now() > deadline) {
        throw new Error(`no complete answer (ended: ${this.isEnded}); received ${JSON.stringify(this.text)}`)
      }
      await sleep(10)
    }
  }

  /** Sends one byte every `every` ms until the socket is gone; never ends its side. */
  trickle(every = 300): void {
    this.#trickle = setInterval(() => {
      if (!this.socket.destroyed) this.socket.write('x')
    }, every)
  }

  /** Whether the server closed its end of the connection (not just its writing side) within `ms`. */
  async closesWithin(ms: number): Promise<boolean> {
    const deadline = Date.now() + ms
    if (this.socket.connecting) await once(this.socket, 'connect')
    const key = `${this.socket.remotePort}:${this.socket.localPort}`
    let server = accepted.get(key)
    while (server === undefined && Date.now() < deadline) {
      await sleep(10)
      server = accepted.get(key)
    }
    if (server === undefined) throw new Error('the server never saw this connection')
    if (server.destroyed) return true
    const closed = once(server, 'close').then(() => true)
    return Promise.race([closed, sleep(deadline - Date.now()).then(() => false)])
  }
}

async function serve(
  server: 'brisk' | 'node',
  options: BriskOptions = {},
  setup?: (app: Brisk) => void,
  track = shared,
): Promise<{ app: Brisk; port: number }> {
  const app = new Brisk({ logger: silent, server, ...options })
  track.apps.push(app)
  app.get('/', () => 'root')
  setup?.(app)
  const { port } = await app.listen({ port: 0 })
  app.server!.raw.on('connection', (socket: Socket) =>
    accepted.set(`${socket.localPort}:${socket.remotePort}`, socket),
  )
  return { app, port }
}

/**
 * Sends `request` and checks the answer's status; then the client trickles bytes (or, `quiet`, sends nothing
 * more) and never closes its side: the server must close within the bound anyway.
 */
async function refusedThenCut(port: number, request: string, status: number, quiet = false): Promise<Answer> {
  const peer = new Peer(port)
  peer.send(request)
  const answer = await peer.answer()
  expect(answer.status).toBe(status)
  if (!quiet) peer.trickle()
  expect(await peer.closesWithin(BOUND)).toBe(true)
  // Nothing after the answer: the bytes the client kept sending got no reply.
  expect(answersIn(peer.received)).toHaveLength(1)
  return answer
}

function expectProblem(answer: Answer, status: number): void {
  expect(answer.headers['content-type']).toBe('application/problem+json')
  expect(answer.headers.connection).toBe('close')
  expect(JSON.parse(answer.body)).toMatchObject({ type: 'about:blank', status })
}

describe('node:http server: a refused request', () => {
  it('closes within the linger after a 400 and a 431, whether the client trickles bytes at it or stays quiet', async () => {
    const { port } = await serve('node', { maxHeaderSize: 1024 })
    const bad = 'BAD REQUEST LINE\r\n\r\n'
    const tooLarge = `GET / HTTP/1.1\r\nHost: x\r\nx-big: ${'a'.repeat(2048)}\r\n\r\n`
    const answers = await Promise.all([
      refusedThenCut(port, bad, 400),
      refusedThenCut(port, bad, 400, true),
      refusedThenCut(port, tooLarge, 431),
      refusedThenCut(port, tooLarge, 431, true),
    ])
    for (const answer of answers) expectProblem(answer, answer.status)
  }, 10_000)

  it('closes within the linger after a 408, however the client trickles bytes at it', async () => {
    let handlerError: unknown
    const { port } = await serve('node', { requestTimeout: 1_000 }, (app) => {
      app.post('/upload', async (req) => {
        try {
          return { length: (await req.bytes()).byteLength }
        } catch (error) {
          handlerError = error
          throw error
        }
      })
    })
    const answer = await refusedThenCut(
      port,
      'POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nonly a part',
      408,
    )
    expectProblem(answer, 408)
    // The handler that waited for the body learns that it will not come.
    for (let i = 0; i < 50 && handlerError === undefined; i++) await sleep(20)
    expect(handlerError).toMatchObject({ status: 400 })
  }, 10_000)

  it('never hands a handler a request whose head is completed after its 408', async () => {
    const seen: string[] = []
    const { port } = await serve('node', { requestTimeout: 1_000 }, (app) => {
      app.get('/count', (req) => {
        seen.push(req.path)
        return 'counted'
      })
    })
    const peer = new Peer(port)
    peer.send('GET /count HTTP/1.1\r\nHost: x\r\nX-Slow: 1')
    const answer = await peer.answer()
    expectProblem(answer, 408)
    peer.send('\r\n\r\n') // the head is whole now, after the refusal
    expect(await peer.closesWithin(BOUND)).toBe(true)
    expect(seen).toEqual([])
    expect(answersIn(peer.received)).toHaveLength(1)
  }, 10_000)

  it('closes within the linger when the client never reads and never closes its side', async () => {
    const { port } = await serve('node')
    const peer = new Peer(port, { read: false })
    peer.send('BAD REQUEST LINE\r\n\r\n')
    expect(await peer.closesWithin(BOUND)).toBe(true)
    // The refusal was flushed before the socket closed: the client finds all of it once it reads.
    peer.socket.resume()
    await peer.ended
    const [answer, ...more] = answersIn(peer.received)
    expect(answer?.status).toBe(400)
    expectProblem(answer!, 400)
    expect(more).toEqual([])
  }, 10_000)
})

describe.each(['brisk', 'node'] as const)('%s server: an upgrade answered with plain HTTP', (server) => {
  it('sends the answer, then closes within the linger however the client trickles bytes at it', async () => {
    const { port } = await serve(server, {}, (app) => {
      app.onRequest((req) => {
        if (req.path === '/ws') throw new Unauthorized('Token required')
      })
      app.websocket('/ws', async (_req, ws) => {
        await ws.send('never')
      })
      app.get('/plain', () => 'plain')
    })
    const [guarded, plain] = await Promise.all([
      refusedThenCut(port, `GET /ws HTTP/1.1\r\nHost: x\r\n${WEBSOCKET_HEAD}\r\n`, 401),
      refusedThenCut(
        port,
        'GET /plain HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: foo\r\n\r\n',
        200,
      ),
    ])
    expect(JSON.parse(guarded.body)).toMatchObject({ status: 401, detail: 'Token required' })
    expect(guarded.headers.connection).toBe('close')
    expect(plain.body).toBe('plain')
    expect(plain.headers.connection).toBe('close')
  }, 10_000)
})

// Concurrent: most of each test is the linger; every test keeps its own track of what it opened.
describe.concurrent('node:http server: bytes after a request whose answer is still being prepared', () => {
  /** An app whose `GET /slow` answers after 200 ms, and the requests its handlers saw. */
  async function slowApp(
    track: Track,
    more?: (app: Brisk) => void,
  ): Promise<{ port: number; seen: string[] }> {
    const seen: string[] = []
    const { port } = await serve(
      'node',
      {},
      (app) => {
        more?.(app)
        app.get('/slow', async (req) => {
          seen.push(`${req.method} ${req.path}`)
          await sleep(200)
          return 'slow answer'
        })
        app.get('/other', (req) => {
          seen.push(`${req.method} ${req.path}`)
          return 'other answer'
        })
      },
      track,
    )
    return { port, seen }
  }

  /** Sends `bytes` in one write; the client must get exactly the handlers' answers, then the close. */
  async function onlyTheAnswers(
    bytes: string,
    bodies: string[],
  ): Promise<{ answers: Answer[]; seen: string[] }> {
    const track: Track = { apps: [], peers: new Set() }
    try {
      const { port, seen } = await slowApp(track)
      const peer = new Peer(port, { track })
      peer.send(bytes)
      const closed = await peer.closesWithin(BOUND)
      await Promise.race([peer.ended, sleep(500)])
      expect(peer.text).not.toMatch(/ 400 /)
      const answers = answersIn(peer.received)
      expect(answers.map((a) => [a.status, a.body])).toEqual(bodies.map((body) => [200, body]))
      expect(peer.text.endsWith(bodies.at(-1)!)).toBe(true) // nothing after the last answer
      expect(peer.isEnded).toBe(true)
      expect(closed).toBe(true)
      return { answers, seen }
    } finally {
      await release(track)
    }
  }

  it('sends the answer to a `Connection: close` request followed by junk, and nothing else', async () => {
    const { answers, seen } = await onlyTheAnswers(
      'GET /slow HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\nXYZ\r\n\r\n',
      ['slow answer'],
    )
    expect(answers[0]!.headers.connection).toBe('close')
    expect(seen).toEqual(['GET /slow'])
  }, 10_000)

  it('sends the answer to a `Connection: close` request followed by a second request, which goes unanswered', async () => {
    const { seen } = await onlyTheAnswers(
      'GET /slow HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\nGET /other HTTP/1.1\r\nHost: x\r\n\r\n',
      ['slow answer'],
    )
    expect(seen).toEqual(['GET /slow'])
  }, 10_000)

  it('sends the answer to a keep-alive request followed by junk, then closes without a 400', async () => {
    const { answers, seen } = await onlyTheAnswers('GET /slow HTTP/1.1\r\nHost: x\r\n\r\nXYZ\r\n\r\n', [
      'slow answer',
    ])
    expect(answers[0]!.headers.connection).toBe('close')
    expect(seen).toEqual(['GET /slow'])
  }, 10_000)

  it('answers every pipelined request that arrived whole before the junk, in order, then closes', async () => {
    const { answers, seen } = await onlyTheAnswers(
      'GET /slow HTTP/1.1\r\nHost: x\r\n\r\nGET /other HTTP/1.1\r\nHost: x\r\n\r\nXYZ\r\n\r\n',
      ['slow answer', 'other answer'],
    )
    // `/other` answered at once, its head queued behind `/slow`'s answer before the junk came: it may say
    // keep-alive; the close that follows it is what counts.
    expect(answers[1]!.body).toBe('other answer')
    expect(seen).toEqual(['GET /slow', 'GET /other'])
  }, 10_000)

  it('refuses in its turn a pipelined request whose body stalls past requestTimeout, and reads nothing more', async ({
    onTestFinished,
  }) => {
    const track: Track = { apps: [], peers: new Set() }
    onTestFinished(() => release(track))
    const seen: string[] = []
    const { port } = await serve(
      'node',
      { requestTimeout: 1_000 },
      (app) => {
        app.get('/slower', async (req) => {
          seen.push(req.path)
          await sleep(4_000)
          return 'slower answer'
        })
        app.post('/upload', async (req) => {
          seen.push(req.path)
          return await req.text()
        })
        app.get('/other', (req) => {
          seen.push(req.path)
          return 'other answer'
        })
      },
      track,
    )
    const peer = new Peer(port, { track })
    peer.send(
      'GET /slower HTTP/1.1\r\nHost: x\r\n\r\nPOST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nabc',
    )
    await sleep(3_000) // past requestTimeout (checked every second), while `/slower` is still at work
    peer.send('defghij' + 'GET /other HTTP/1.1\r\nHost: x\r\n\r\n') // the rest of the body, one more request
    expect(await peer.closesWithin(1_000 + BOUND)).toBe(true)
    await Promise.race([peer.ended, sleep(500)])
    const answers = answersIn(peer.received)
    expect(answers.map((a) => [a.status, a.body])).toEqual([
      [200, 'slower answer'],
      [408, expect.stringContaining('"status":408')],
    ])
    expect(seen).toEqual(['/slower', '/upload'])
  }, 15_000)

  it('refuses a pipelined request whose own body is broken in its turn, after the answer before it', async ({
    onTestFinished,
  }) => {
    let uploadError: unknown
    const track: Track = { apps: [], peers: new Set() }
    onTestFinished(() => release(track))
    const { port, seen } = await slowApp(track, (app) =>
      app.post('/upload', async (req) => {
        try {
          return await req.text()
        } catch (error) {
          uploadError = error
          throw error
        }
      }),
    )
    const peer = new Peer(port, { track })
    peer.send(
      'GET /slow HTTP/1.1\r\nHost: x\r\n\r\n' +
        'POST /upload HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\nnot a size\r\n\r\n',
    )
    expect(await peer.closesWithin(BOUND)).toBe(true)
    await Promise.race([peer.ended, sleep(500)])
    const answers = answersIn(peer.received)
    expect(answers.map((a) => [a.status, a.body])).toEqual([
      [200, 'slow answer'],
      [400, expect.stringContaining('"status":400')],
    ])
    expect(seen).toEqual(['GET /slow'])
    for (let i = 0; i < 50 && uploadError === undefined; i++) await sleep(20)
    expect(uploadError).toBeDefined()
  }, 10_000)
})
