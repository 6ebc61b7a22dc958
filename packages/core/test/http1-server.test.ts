/**
 * Brisk's own HTTP/1.1 server (`server: 'brisk'`), end to end over real sockets: pipelining, request bodies
 * and their backpressure, response framing, HTTP/1.0, clients that leave, timeouts, `close()`, garbage on the
 * wire and websockets. Raw `node:net` sockets are used wherever an HTTP client would hide the bytes.
 */
import { createHash, randomBytes } from 'node:crypto'
import { once } from 'node:events'
import { connect, type Socket } from 'node:net'
import { afterEach, describe, expect, it, vi } from 'vitest'
import WebSocket from 'ws'
import { Brisk, type BriskOptions, BriskResponse, json, sse, stream, text } from '../src/index'
import { getFresh, mulberry32, silent } from './_helpers'
import { closeRawClients, Raw, type Res, sleep } from './_raw-client'

const DATE = /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT$/

const apps: Brisk<any>[] = []

afterEach(async () => {
  closeRawClients()
  await Promise.all(apps.splice(0).map((app) => app.close()))
})

/**
 * An app on Brisk's server with `GET /` → `home` and `POST /echo` → the body as text, on a free port.
 * `accepted` holds the server's side of each connection, in order.
 */
async function serve(
  setup: (app: Brisk) => void = () => {},
  options: BriskOptions = {},
): Promise<{ app: Brisk; port: number; accepted: Socket[] }> {
  const app = new Brisk({ logger: silent, server: 'brisk', shutdownTimeout: 1000, ...options })
  app.get('/', () => 'home')
  app.post('/echo', async (req) => await req.text())
  setup(app)
  const { port } = await app.listen({ port: 0, signals: false })
  apps.push(app)
  const accepted: Socket[] = []
  app.server!.raw.on('connection', (socket: Socket) => accepted.push(socket))
  return { app, port, accepted }
}

const GET = (path: string, extra = ''): string => `GET ${path} HTTP/1.1\r\nhost: x\r\n${extra}\r\n`

/** Resolves when `signal` aborts. */
const aborted = (signal: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    if (signal.aborted) resolve()
    else signal.addEventListener('abort', () => resolve(), { once: true })
  })

describe('pipelining', () => {
  it('answers three requests sent in one write in order, one at a time, though the first is slow', async () => {
    const events: string[] = []
    const { port } = await serve((app) => {
      app.get('/slow', async () => {
        events.push('slow start')
        await sleep(150)
        events.push('slow end')
        return 'first'
      })
      app.get('/second', () => {
        events.push('second')
        return 'second'
      })
      app.get('/third', async () => {
        events.push('third')
        return { third: true }
      })
    })
    const c = new Raw(port)
    c.write(GET('/slow') + GET('/second') + GET('/third'))
    const [a, b, d] = await c.responses(3)
    expect([a!.status, a!.body.toString()]).toEqual([200, 'first'])
    expect([b!.status, b!.body.toString()]).toEqual([200, 'second'])
    expect([d!.status, d!.body.toString()]).toEqual([200, '{"third":true}'])
    // The second handler did not run (let alone answer) while the first was pending.
    expect(events).toEqual(['slow start', 'slow end', 'second', 'third'])
    expect(c.data.byteLength).toBe(0)
    expect(c.isClosed).toBe(false)
  })

  it('answers 50 pipelined requests sent in one write, all of them, in order', async () => {
    const { port } = await serve((app) => {
      app.get('/n/:i<int>', async (req) => {
        if (req.params.i % 7 === 0) await sleep(1)
        return { i: req.params.i }
      })
    })
    const c = new Raw(port)
    c.write(Array.from({ length: 50 }, (_, i) => GET(`/n/${i}`)).join(''))
    const all = await c.responses(50)
    expect(all.map((r) => r.status)).toEqual(Array(50).fill(200))
    expect(all.map((r) => JSON.parse(r.body.toString()).i)).toEqual(Array.from({ length: 50 }, (_, i) => i))
    expect(all.every((r) => r.headers.connection === 'keep-alive')).toBe(true)
    c.write(GET('/'))
    expect((await c.response()).body.toString()).toBe('home')
  })

  it('stops taking pipelined requests while the answers a client does not read are piling up', async () => {
    const big = 'x'.repeat(64 * 1024)
    const { port, accepted } = await serve((app) => {
      app.get('/big', () => big)
    })
    // 300 answers of 64 KiB: far more than the kernel's socket buffers on loopback hold.
    const count = 300
    const socket = connect({ port, host: '127.0.0.1' })
    socket.setTimeout(10_000, () => socket.destroy())
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()))
    let received = 0
    let first = ''
    const onData = (chunk: Buffer): void => {
      if (first.length < 512) first += chunk.toString('latin1', 0, 512)
      received += chunk.byteLength
    }
    socket.pause() // the client reads nothing for now
    socket.write(GET('/big').repeat(count))
    await sleep(500)
    // What waits in the server's socket is a few answers, not the hundreds asked for.
    expect(accepted[0]!.writableLength).toBeLessThan(2 * 1024 * 1024)
    socket.on('data', onData)
    socket.resume()
    await vi.waitFor(() => expect(received).toBeGreaterThanOrEqual(count * big.length), { timeout: 10_000 })
    // Every answer arrived whole: all answers have the same length (the date field has a fixed width).
    const one = first.indexOf('\r\n\r\n') + 4 + big.length
    await vi.waitFor(() => expect(received).toBe(count * one), { timeout: 5_000 })
    socket.destroy()
  }, 20_000)

  it('answers every request of a client that half-closes (sends FIN) after them, then closes', async () => {
    const { port } = await serve((app) => {
      app.get('/slow', async () => {
        await sleep(50)
        return 'slow'
      })
    })
    const c = new Raw(port)
    c.write(GET('/slow') + GET('/'))
    c.socket.end()
    const [one, two] = await c.responses(2)
    expect(one!.body.toString()).toBe('slow')
    expect(two!.body.toString()).toBe('home')
    expect(await c.closedWithin(1000)).toBe(true)
  })

  it('skips a body the handler did not read, so the next pipelined request is read from the right byte', async () => {
    const { port } = await serve((app) => {
      app.post('/ignore', () => 'ignored')
    })
    const c = new Raw(port)
    c.write(
      `POST /ignore HTTP/1.1\r\nhost: x\r\ncontent-length: 22\r\n\r\nGET /nope HTTP/1.1\r\n\r\n` +
        `POST /ignore HTTP/1.1\r\nhost: x\r\ntransfer-encoding: chunked\r\n\r\n4\r\nGET \r\n0\r\n\r\n` +
        GET('/'),
    )
    const [one, two, three] = await c.responses(3)
    expect(one!.body.toString()).toBe('ignored')
    expect(two!.body.toString()).toBe('ignored')
    expect([three!.status, three!.body.toString()]).toEqual([200, 'home'])
  })
})

describe('request bodies', () => {
  it('reads a Content-Length body that arrives in many small writes with pauses', async () => {
    const { port, accepted } = await serve()
    const body = 'The quick brown fox jumps over the lazy dog. '.repeat(4)
    const c = new Raw(port)
    c.write(`POST /echo HTTP/1.1\r\nhost: x\r\ncontent-length: ${body.length}\r\n\r\n`)
    let reads = 0
    await c.ready()
    await vi.waitFor(() => expect(accepted).toHaveLength(1))
    accepted[0]!.on('data', () => reads++)
    for (let i = 0; i < body.length; i += 9) {
      await sleep(3)
      c.write(body.slice(i, i + 9))
    }
    const res = await c.response()
    expect(res.status).toBe(200)
    expect(res.body.toString()).toBe(body)
    expect(reads).toBeGreaterThan(5) // the body really came in pieces
  })

  const chunkedHead = 'POST /echo HTTP/1.1\r\nhost: x\r\ntransfer-encoding: chunked\r\n\r\n'
  const chunkedBody = '5;ext="v"\r\nhello\r\na\r\n, chunked!\r\n1\r\n!\r\n0\r\nx-trailer: t\r\n\r\n'

  it('reads a chunked body written one byte at a time', async () => {
    const { port } = await serve()
    const c = new Raw(port)
    c.write(chunkedHead)
    for (const byte of chunkedBody) {
      await sleep(1)
      c.write(byte)
    }
    const res = await c.response()
    expect(res.status).toBe(200)
    expect(res.body.toString()).toBe('hello, chunked!!')
  })

  it('reads a chunked body split in two at every possible point (size line, data, CRLFs, trailers)', async () => {
    const { port } = await serve()
    const c = new Raw(port)
    const message = chunkedHead + chunkedBody
    for (let at = chunkedHead.length - 3; at < message.length; at++) {
      c.write(message.slice(0, at))
      await sleep(2)
      c.write(message.slice(at))
      const res = await c.response()
      expect([at, res.status, res.body.toString()]).toEqual([at, 200, 'hello, chunked!!'])
    }
    expect(c.isClosed).toBe(false)
  })

  it('answers 400 and closes when a chunk size is not hexadecimal, in a later write or in the first', async () => {
    const { port } = await serve()
    const later = new Raw(port)
    later.write(`${chunkedHead}5\r\nhello\r\n`)
    await sleep(20)
    later.write('zz\r\n')
    const res = await later.response({ ms: 1500 })
    expect(res.status).toBe(400)
    expect(res.headers.connection).toBe('close')
    expect(await later.closedWithin(1000)).toBe(true)
    // The same bytes in the same write as the head.
    const first = new Raw(port)
    first.write(`${chunkedHead}5\r\nhello\r\nzz\r\n`)
    const same = await first.response({ ms: 1500 })
    expect(same.status).toBe(400)
    expect(await first.closedWithin(1000)).toBe(true)
  })

  it('streams a 5 MiB body through req.stream() with backpressure: the socket pauses, nothing is lost', async () => {
    const size = 5 * 1024 * 1024
    const payload = randomBytes(size)
    const { port, accepted } = await serve(
      (app) => {
        app.post('/upload', async (req) => {
          const socket = accepted[accepted.length - 1]!
          await sleep(300) // the client writes everything it can meanwhile
          const early = { paused: socket.isPaused(), bytesRead: socket.bytesRead }
          const hash = createHash('sha256')
          let total = 0
          let ahead = 0
          let n = 0
          for await (const chunk of req.stream()) {
            hash.update(chunk)
            total += chunk.byteLength
            ahead = Math.max(ahead, socket.bytesRead - total)
            if (++n % 8 === 0) await sleep(1)
          }
          return { total, sha: hash.digest('hex'), early, ahead }
        })
      },
      { bodyLimit: '8mb' },
    )
    const c = new Raw(port)
    c.write(
      Buffer.concat([
        Buffer.from(`POST /upload HTTP/1.1\r\nhost: x\r\ncontent-length: ${size}\r\n\r\n`),
        payload,
      ]),
    )
    const res = await c.response({ ms: 10_000 })
    expect(res.status).toBe(200)
    const got = JSON.parse(res.body.toString())
    expect(got.total).toBe(size)
    expect(got.sha).toBe(createHash('sha256').update(payload).digest('hex'))
    // While the handler did not read, the server stopped reading: it held far less than the 5 MiB sent.
    expect(got.early.paused).toBe(true)
    expect(got.early.bytesRead).toBeLessThan(1024 * 1024)
    // And it never ran more than a few buffers ahead of the handler.
    expect(got.ahead).toBeLessThan(1024 * 1024)
  }, 15_000)

  describe('bodyLimit', () => {
    const limited = (app: Brisk): void => {
      app.post('/small', { bodyLimit: 1024 }, async (req) => ({ length: (await req.bytes()).byteLength }))
    }

    it('answers 413 to a Content-Length over the limit and closes the connection', async () => {
      const { port } = await serve(limited)
      const c = new Raw(port)
      c.write(`POST /small HTTP/1.1\r\nhost: x\r\ncontent-length: 100000\r\n\r\n${'a'.repeat(2000)}`)
      const res = await c.response()
      expect(res.status).toBe(413)
      expect(res.headers.connection).toBe('close')
      expect(await c.closedWithin(2000)).toBe(true)
      expect((await getFresh(port, '/')).body).toBe('home')
    })

    it('answers 413 to a chunked body that grows over the limit, and closes the connection', async () => {
      const { port } = await serve(limited)
      const c = new Raw(port)
      c.write(
        `POST /small HTTP/1.1\r\nhost: x\r\ntransfer-encoding: chunked\r\n\r\n320\r\n${'a'.repeat(800)}\r\n`,
      )
      await sleep(30)
      c.write(`320\r\n${'b'.repeat(800)}\r\n`)
      const res = await c.response()
      expect(res.status).toBe(413)
      expect(res.headers.connection).toBe('close')
      expect(await c.closedWithin(2000)).toBe(true)
    })

    it('answers 413 to a chunked body over the limit even when all of it arrives before the handler reads', async () => {
      const { port } = await serve(limited)
      const c = new Raw(port)
      c.write(
        `POST /small HTTP/1.1\r\nhost: x\r\ntransfer-encoding: chunked\r\n\r\n800\r\n${'a'.repeat(2048)}\r\n0\r\n\r\n`,
      )
      const res = await c.response()
      expect(res.status).toBe(413)
      expect(res.body.toString()).not.toContain('2048')
    })
  })

  describe('Expect: 100-continue', () => {
    it('sends 100 Continue only once the handler reads the body', async () => {
      const { port } = await serve((app) => {
        app.post('/later', async (req) => {
          await sleep(150)
          return `got ${await req.text()}`
        })
      })
      const c = new Raw(port)
      c.write('POST /later HTTP/1.1\r\nhost: x\r\nexpect: 100-continue\r\ncontent-length: 5\r\n\r\n')
      await sleep(80)
      expect(c.text).toBe('') // the handler has not asked for the body yet
      const interim = await c.response()
      expect(interim.status).toBe(100)
      expect(c.text).toBe('HTTP/1.1 100 Continue\r\n\r\n')
      c.write('hello')
      const res = await c.response()
      expect([res.status, res.body.toString()]).toEqual([200, 'got hello'])
      expect(res.headers.connection).toBe('keep-alive')
    })

    it('never sends 100 Continue when the handler answers 401 without reading, and closes', async () => {
      const { port } = await serve((app) => {
        app.post('/guarded', () => new BriskResponse('no', 401, { 'www-authenticate': 'Bearer' }))
      })
      const c = new Raw(port)
      c.write('POST /guarded HTTP/1.1\r\nhost: x\r\nexpect: 100-continue\r\ncontent-length: 5000\r\n\r\n')
      const res = await c.response()
      expect(res.status).toBe(401)
      expect(res.statusLine).toBe('HTTP/1.1 401 Unauthorized')
      expect(res.headers.connection).toBe('close')
      expect(await c.closedWithin(2000)).toBe(true)
      expect(c.text).not.toContain('100 Continue')
    })
  })
})

describe('responses', () => {
  const twoParts = (init?: Parameters<typeof stream>[1]): BriskResponse =>
    stream(async (write) => {
      await write('one')
      await write('') // an empty chunk must not end a chunked body early
      await write('two')
    }, init)

  it('sends a ReadableStream without a length chunked on HTTP/1.1, and keeps the connection', async () => {
    const { port } = await serve((app) => {
      app.get('/stream', () => twoParts())
    })
    const c = new Raw(port)
    c.write(GET('/stream'))
    const res = await c.response()
    expect(res.headers['transfer-encoding']).toBe('chunked')
    expect(res.headers['content-length']).toBeUndefined()
    expect(res.rawBody).toBe('3\r\none\r\n3\r\ntwo\r\n0\r\n\r\n')
    expect(res.headers.connection).toBe('keep-alive')
    c.write(GET('/'))
    expect((await c.response()).body.toString()).toBe('home')
  })

  it('sends a ReadableStream without a length close-delimited on HTTP/1.0', async () => {
    const { port } = await serve((app) => {
      app.get('/stream', () => twoParts())
    })
    const c = new Raw(port)
    c.write('GET /stream HTTP/1.0\r\nconnection: keep-alive\r\n\r\n')
    await c.closed
    const res = (await c.response())!
    expect(res.status).toBe(200)
    expect(res.headers['transfer-encoding']).toBeUndefined()
    expect(res.headers['content-length']).toBeUndefined()
    expect(res.headers.connection).toBe('close')
    expect(res.rawBody).toBe('onetwo')
  })

  it('sends a stream with a content-length header raw, and keeps the connection', async () => {
    const { port } = await serve((app) => {
      app.get('/sized', () => twoParts({ headers: { 'content-length': '6' } }))
    })
    const c = new Raw(port)
    c.write(GET('/sized') + GET('/'))
    const [res, next] = await c.responses(2)
    expect(res!.headers['content-length']).toBe('6')
    expect(res!.headers['transfer-encoding']).toBeUndefined()
    expect(res!.rawBody).toBe('onetwo')
    expect(next!.body.toString()).toBe('home')
  })

  it('sends no byte past the content-length a stream declared', async () => {
    const { port } = await serve((app) => {
      app.get('/long', () => stream((write) => write('abcdef'), { headers: { 'content-length': '3' } }))
    })
    const c = new Raw(port)
    c.write(GET('/long') + GET('/'))
    const first = await c.response()
    expect(first.body.toString()).toBe('abc')
    await c.until(() => (c.isClosed || c.data.byteLength >= 5 ? true : undefined), 'more bytes or a close')
    // Whatever follows must be the next response (or nothing: the connection closed), never 'def'.
    if (c.data.byteLength > 0) expect(c.data.toString('latin1')).toMatch(/^HTTP\/1\.1 /)
  })

  it('closes the connection when a stream ends short of its declared content-length', async () => {
    const { port } = await serve((app) => {
      app.get('/short', () => stream((write) => write('abc'), { headers: { 'content-length': '6' } }))
    })
    const c = new Raw(port)
    c.write(GET('/short') + GET('/'))
    // Only a close can tell the client the body is cut; the next response must not fill its missing bytes.
    expect(await c.closedWithin(1000)).toBe(true)
    expect(c.text.split('HTTP/1.1 ').length - 1).toBe(1)
  })

  it('sends no body for HEAD on a stream route, and cancels the stream', async () => {
    const signals: AbortSignal[] = []
    const { port } = await serve((app) => {
      app.get('/stream', () =>
        stream(async (write, signal) => {
          signals.push(signal)
          await write('never sent')
        }),
      )
    })
    const c = new Raw(port)
    c.write(`HEAD /stream HTTP/1.1\r\nhost: x\r\n\r\n${GET('/')}`)
    const head = await c.response({ head: true })
    expect(head.status).toBe(200)
    expect(head.headers['content-type']).toBe('application/octet-stream')
    expect(head.headers['transfer-encoding']).toBeUndefined()
    const next = await c.response()
    expect(next.body.toString()).toBe('home')
    expect(c.text).not.toContain('never sent')
    await vi.waitFor(() => expect(signals[0]?.aborted).toBe(true))
  })

  it('sends 204 and 304 without a body or content-length', async () => {
    const { port } = await serve((app) => {
      app.get('/undefined', () => undefined)
      app.get('/204', () => new BriskResponse('oops', 204, {}))
      app.get('/304', () => new BriskResponse(null, 304, { etag: '"v1"' }))
      app.get('/304-body', () => new BriskResponse('body!', 304, { etag: '"v1"' }))
      app.get('/304-stream', () => new BriskResponse(twoParts().body, 304, { etag: '"v1"' }))
    })
    const c = new Raw(port)
    c.write(GET('/undefined') + GET('/204') + GET('/304') + GET('/304-body') + GET('/304-stream') + GET('/'))
    const all = await c.responses(6)
    expect(all.map((r) => r.status)).toEqual([204, 204, 304, 304, 304, 200])
    for (const r of all.slice(0, 3)) {
      expect(r.headers['content-length']).toBeUndefined()
      expect(r.headers['transfer-encoding']).toBeUndefined()
    }
    expect(all[4]!.headers['transfer-encoding']).toBeUndefined()
    expect(all[2]!.headers.etag).toBe('"v1"')
    expect(all[5]!.body.toString()).toBe('home')
    expect(c.text).not.toContain('oops')
    expect(c.text).not.toContain('body!')
    expect(c.text).not.toContain('one')
  })

  it('sends each set-cookie of an array as its own field', async () => {
    const { port } = await serve((app) => {
      app.get('/cookies', () => text('ok').setCookie('a', '1').setCookie('b', '2'))
      app.get('/vary', () => new BriskResponse('ok', 200, { 'set-cookie': ['x=1', 'y=2', 'z=3'] }))
    })
    const c = new Raw(port)
    c.write(GET('/cookies') + GET('/vary'))
    const [one, two] = await c.responses(2)
    const cookies = (r: Res): string[] => r.fields.filter(([name]) => name === 'set-cookie').map(([, v]) => v)
    expect(cookies(one!)).toHaveLength(2)
    expect(cookies(one!)[0]).toMatch(/^a=1; Path=\//)
    expect(cookies(one!)[1]).toMatch(/^b=2; Path=\//)
    expect(cookies(two!)).toEqual(['x=1', 'y=2', 'z=3'])
  })

  it('sends a header value with obs-text as latin1 bytes, also beside a UTF-8 text body', async () => {
    const { port } = await serve((app) => {
      app.get('/latin1', () => new BriskResponse('ünï', 200, { 'x-name': 'café' }))
    })
    const c = new Raw(port)
    c.write(GET('/latin1'))
    const [res] = await c.responses(1)
    expect(res!.status).toBe(200)
    expect(c.all.includes(Buffer.from('x-name: caf\xe9\r\n', 'latin1'))).toBe(true) // one byte for é
    expect(c.all.includes(Buffer.from('café', 'utf8'))).toBe(false)
    expect(c.all.subarray(c.all.length - Buffer.byteLength('ünï')).toString('utf8')).toBe('ünï')
  })

  it('answers 500 to a header value with CR or LF, and nothing of it reaches the wire', async () => {
    const { port } = await serve((app) => {
      app.get('/crlf', () => text('ok', { headers: { 'x-test': 'a\r\nx-injected: evil' } }))
      app.get('/lf', () => text('ok', { headers: { 'x-test': 'a\nx-injected: evil' } }))
      app.get(
        '/cookie',
        () => new BriskResponse('ok', 200, { 'set-cookie': ['fine=1', 'bad=1\r\nx-injected: evil'] }),
      )
      app.get('/json', () => json({ ok: true }, { headers: { location: '/x\r\n\r\n<html>evil' } }))
    })
    const c = new Raw(port)
    c.write(GET('/crlf') + GET('/lf') + GET('/cookie') + GET('/json') + GET('/'))
    const all = await c.responses(5)
    expect(all.map((r) => r.status)).toEqual([500, 500, 500, 500, 200])
    expect(c.text).not.toMatch(/x-injected|evil|fine=1|x-test/i)
    expect(all[4]!.body.toString()).toBe('home')
  })

  it('cancels a stream whose headers cannot be sent (the 500 goes out instead)', async () => {
    const signals: AbortSignal[] = []
    const { port } = await serve((app) => {
      app.get('/bad-stream', () =>
        stream(
          async (write, signal) => {
            signals.push(signal)
            await write('x')
            await aborted(signal)
          },
          { headers: { 'x-test': 'a\r\nx-injected: evil' } },
        ),
      )
    })
    const c = new Raw(port)
    c.write(GET('/bad-stream'))
    expect((await c.response()).status).toBe(500)
    await vi.waitFor(() => expect(signals[0]?.aborted).toBe(true), { timeout: 1000 })
  })

  it('closes the connection after a response whose handler set connection: close', async () => {
    const { port } = await serve((app) => {
      app.get('/bye', () => text('bye', { headers: { connection: 'close' } }))
    })
    const c = new Raw(port)
    c.write(GET('/bye') + GET('/'))
    const res = await c.response()
    expect(res.body.toString()).toBe('bye')
    expect(res.fields.filter(([name]) => name === 'connection')).toEqual([['connection', 'close']])
    expect(await c.closedWithin(2000)).toBe(true)
    expect(c.text).not.toContain('home') // the pipelined request after it was not served
  })

  it('sends a date header on every kind of response, once', async () => {
    const { port } = await serve((app) => {
      app.get('/json', () => ({ ok: true }))
      app.get('/full', () => text('x').setCookie('a', '1'))
      app.get('/stream', () => twoParts())
      app.get('/dated', () => text('x', { headers: { date: 'Thu, 01 Jan 1970 00:00:00 GMT' } }))
    })
    const c = new Raw(port)
    c.write(GET('/') + GET('/json') + GET('/full') + GET('/stream') + GET('/nowhere') + GET('/dated'))
    const all = await c.responses(6)
    for (const r of all) expect(r.fields.filter(([name]) => name === 'date')).toHaveLength(1)
    for (const r of all.slice(0, 5)) {
      expect(r.headers.date).toMatch(DATE)
      expect(Math.abs(Date.parse(r.headers.date!) - Date.now())).toBeLessThan(5000)
    }
    expect(all[4]!.status).toBe(404)
    expect(all[5]!.headers.date).toBe('Thu, 01 Jan 1970 00:00:00 GMT')
  })
})

describe('HTTP/1.0', () => {
  it('closes after the response by default', async () => {
    const { port } = await serve()
    const c = new Raw(port)
    c.write('GET / HTTP/1.0\r\n\r\n')
    const res = await c.response()
    expect(res.body.toString()).toBe('home')
    expect(res.headers.connection).toBe('close')
    expect(await c.closedWithin(2000)).toBe(true)
  })

  it('keeps the connection with Connection: keep-alive, and says so', async () => {
    const { port } = await serve()
    const c = new Raw(port)
    c.write('GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n')
    const first = await c.response()
    expect(first.headers.connection).toBe('keep-alive')
    expect(await c.closedWithin(100)).toBe(false)
    c.write('POST /echo HTTP/1.0\r\nConnection: keep-alive\r\ncontent-length: 2\r\n\r\nhi')
    const second = await c.response()
    expect(second.body.toString()).toBe('hi')
    expect(second.headers.connection).toBe('keep-alive')
    c.write('GET / HTTP/1.0\r\n\r\n')
    expect((await c.response()).headers.connection).toBe('close')
    expect(await c.closedWithin(2000)).toBe(true)
  })
})

describe('clients that leave', () => {
  it('cancels an SSE stream (heartbeats running) when its client disconnects: the producer signal aborts', async () => {
    const signals: AbortSignal[] = []
    const { port } = await serve((app) => {
      app.get('/events', () =>
        sse(
          async (send, signal) => {
            signals.push(signal)
            await send({ event: 'hello', data: { n: 1 } })
            await aborted(signal)
          },
          { heartbeat: 50 },
        ),
      )
    })
    const c = new Raw(port)
    c.write(GET('/events'))
    await c.until(() => (c.text.includes('data: {"n":1}') ? true : undefined), 'the first event')
    expect(c.text).toContain('content-type: text/event-stream')
    expect(signals[0]!.aborted).toBe(false)
    c.socket.destroy()
    await vi.waitFor(() => expect(signals[0]!.aborted).toBe(true), { timeout: 2000 })
  })

  it("calls a quiet ReadableStream's cancel() as soon as its client disconnects", async () => {
    let cancelled = false
    let pulls = 0
    const { port } = await serve((app) => {
      app.get('/raw-stream', () => {
        const body = new ReadableStream<Uint8Array>({
          async pull(controller) {
            if (pulls++ === 0) controller.enqueue(new TextEncoder().encode('first'))
            else await sleep(20)
          },
          cancel() {
            cancelled = true
          },
        })
        return new BriskResponse(body, 200, { 'content-type': 'text/plain' })
      })
    })
    const c = new Raw(port)
    c.write(GET('/raw-stream'))
    await c.until(() => (c.text.includes('first') ? true : undefined), 'the first chunk')
    c.socket.destroy() // a FIN, as a browser tab that closes sends; the stream has nothing to write for now
    await vi.waitFor(() => expect(cancelled).toBe(true), { timeout: 1000 })
  })

  it('cancels a stream returned after its client already left', async () => {
    const signals: AbortSignal[] = []
    let release!: () => void
    const gone = new Promise<void>((resolve) => {
      release = resolve
    })
    let started!: () => void
    const handlerStarted = new Promise<void>((resolve) => {
      started = resolve
    })
    const { port } = await serve((app) => {
      app.get('/late', async () => {
        started()
        await gone
        return stream(async (write, signal) => {
          signals.push(signal)
          await write('x')
          await aborted(signal)
        })
      })
    })
    const c = new Raw(port)
    c.write(GET('/late'))
    await handlerStarted
    c.socket.resetAndDestroy()
    await sleep(50) // the server's socket is closed before the handler returns its stream
    release()
    await vi.waitFor(() => expect(signals).toHaveLength(1))
    await vi.waitFor(() => expect(signals[0]!.aborted).toBe(true), { timeout: 1000 })
  })

  it('rejects req.bytes() and req.stream() when the client disconnects while its body is read', async () => {
    const errors: unknown[] = []
    let reading = 0
    const { port } = await serve((app) => {
      app.post('/bytes', async (req) => {
        reading++
        try {
          return await req.bytes()
        } catch (error) {
          errors.push(error)
          throw error
        }
      })
      app.post('/stream', async (req) => {
        reading++
        try {
          for await (const _ of req.stream()) {
          }
          return 'done'
        } catch (error) {
          errors.push(error)
          throw error
        }
      })
    })
    for (const path of ['/bytes', '/stream']) {
      const c = new Raw(port)
      c.write(`POST ${path} HTTP/1.1\r\nhost: x\r\ncontent-length: 1000\r\n\r\n0123456789`)
      const before = reading
      await vi.waitFor(() => expect(reading).toBe(before + 1))
      await sleep(20)
      c.socket.destroy()
    }
    await vi.waitFor(() => expect(errors).toHaveLength(2))
    for (const error of errors) expect(error).toMatchObject({ status: 400 })
    expect((await getFresh(port, '/')).body).toBe('home')
  })
})

describe('timeouts', () => {
  const short: BriskOptions = { headersTimeout: 300, keepAliveTimeout: 300, requestTimeout: 500 }

  it('closes a keep-alive connection idle past keepAliveTimeout', async () => {
    const { port } = await serve(() => {}, short)
    const c = new Raw(port)
    c.write(GET('/'))
    expect((await c.response()).headers.connection).toBe('keep-alive')
    const since = Date.now()
    expect(await c.closedWithin(150)).toBe(false)
    expect(await c.closedWithin(2000)).toBe(true)
    expect(Date.now() - since).toBeGreaterThanOrEqual(250)
    expect(c.data.byteLength).toBe(0) // closed quietly, no unasked-for response
  })

  it('closes quietly, without a 408, an idle connection whose last request ended with a stray CRLF', async () => {
    const { port } = await serve(() => {}, short)
    const c = new Raw(port)
    c.write(`${GET('/')}\r\n`) // RFC 9112 §2.2: an empty line before a request line is ignored
    expect((await c.response()).body.toString()).toBe('home')
    expect(await c.closedWithin(2000)).toBe(true)
    expect(c.data.toString('latin1')).toBe('') // no response to a request that was never sent
  })

  it('answers 408 to a head that stops arriving, after headersTimeout', async () => {
    const { port } = await serve(() => {}, short)
    const c = new Raw(port)
    const since = Date.now()
    c.write('GET / HTTP/1.1\r\nhost: x\r\nx-slow')
    const res = await c.response()
    expect(Date.now() - since).toBeGreaterThanOrEqual(250)
    expect(res.status).toBe(408)
    expect(res.headers['content-type']).toBe('application/problem+json')
    expect(JSON.parse(res.body.toString())).toEqual({
      type: 'about:blank',
      title: 'Request Timeout',
      status: 408,
    })
    expect(await c.closedWithin(2000)).toBe(true)
  })

  it('closes a connection that never sends anything', async () => {
    const { port } = await serve(() => {}, short)
    const c = new Raw(port)
    await c.ready()
    const since = Date.now()
    expect(await c.closedWithin(2000)).toBe(true)
    expect(Date.now() - since).toBeGreaterThanOrEqual(250)
  })

  it('answers 408 to a body that stops arriving, after requestTimeout', async () => {
    const { port } = await serve(() => {}, short)
    const c = new Raw(port)
    c.write('POST /echo HTTP/1.1\r\nhost: x\r\ntransfer-encoding: chunked\r\n\r\n5\r\nhel')
    const res = await c.response()
    expect(res.status).toBe(408)
    expect(await c.closedWithin(2000)).toBe(true)
  })

  it('does not cut a slow handler whose request arrived whole', async () => {
    const { port } = await serve((app) => {
      app.post('/slow', async (req) => {
        await sleep(800)
        return `slow ${await req.text()}`
      })
    }, short)
    const c = new Raw(port)
    c.write('POST /slow HTTP/1.1\r\nhost: x\r\ncontent-length: 2\r\n\r\nok')
    const res = await c.response()
    expect([res.status, res.body.toString()]).toEqual([200, 'slow ok'])
  })
})

describe('app.close()', () => {
  it('lets an in-flight request finish with connection: close, closes idle connections at once, refuses new ones', async () => {
    let started!: () => void
    const handlerStarted = new Promise<void>((resolve) => {
      started = resolve
    })
    const { app, port } = await serve(
      (a) => {
        a.get('/slow', async () => {
          started()
          await sleep(500)
          return 'done'
        })
      },
      { keepAliveTimeout: 60_000, shutdownTimeout: 5000 },
    )
    const idle = new Raw(port)
    idle.write(GET('/'))
    expect((await idle.response()).headers.connection).toBe('keep-alive')
    const busy = new Raw(port)
    busy.write(GET('/slow'))
    await handlerStarted
    const since = Date.now()
    const closing = app.close()
    expect(await idle.closedWithin(300)).toBe(true)
    expect(Date.now() - since).toBeLessThan(300)
    expect(idle.data.byteLength).toBe(0)
    await expect(getFresh(port, '/', 1000)).rejects.toMatchObject({ code: 'ECONNREFUSED' })
    expect(busy.isClosed).toBe(false)
    const res = await busy.response()
    expect([res.status, res.body.toString()]).toEqual([200, 'done'])
    expect(res.headers.connection).toBe('close')
    expect(await busy.closedWithin(1000)).toBe(true)
    await closing
  })

  it('treats a connection with a stray CRLF after its last request as idle', async () => {
    const { app, port } = await serve(() => {}, { keepAliveTimeout: 60_000, shutdownTimeout: 1500 })
    const c = new Raw(port)
    c.write(`${GET('/')}\r\n`) // RFC 9112 §2.2: an empty line before a request line is ignored
    expect((await c.response()).body.toString()).toBe('home')
    await sleep(20)
    const since = Date.now()
    await app.close()
    expect(Date.now() - since).toBeLessThan(500)
    expect(c.data.byteLength).toBe(0)
  })
})

describe('garbage on the wire', () => {
  it('answers random bytes with an error, and still serves afterwards', async () => {
    const { port } = await serve()
    const random = mulberry32(42)
    const blob = (size: number): Buffer =>
      Buffer.from(Array.from({ length: size }, () => Math.floor(random() * 256)))
    const answered = await Promise.all(
      Array.from({ length: 20 }, async (_, i) => {
        const c = new Raw(port)
        c.write(Buffer.concat([blob(50 + i * 50), Buffer.from('\r\n\r\n')]))
        const res = await c.response()
        expect(await c.closedWithin(2000)).toBe(true)
        return res.status
      }),
    )
    for (const status of answered) {
      expect(status).toBeGreaterThanOrEqual(400)
      expect(status).toBeLessThan(600)
    }
    // Garbage with no end of head in sight: 431 once past maxHeaderSize.
    const endless = new Raw(port)
    endless.write(blob(20_000).toString('latin1').replaceAll('\r\n\r\n', 'xxxx'))
    expect((await endless.response()).status).toBe(431)
    // Garbage after a good request: the good one is answered, then 400.
    const mixed = new Raw(port)
    mixed.write(`${GET('/')}\x00\x01\x02 garbage\r\n\r\n`)
    const [good, bad] = await mixed.responses(2)
    expect(good!.body.toString()).toBe('home')
    expect(bad!.status).toBe(400)
    expect(await getFresh(port, '/')).toEqual({ status: 200, body: 'home' })
  })

  it('survives sockets reset mid-head, mid-body and mid-response', async () => {
    const errors: unknown[] = []
    const { port } = await serve((app) => {
      app.post('/read', async (req) => {
        try {
          return await req.text()
        } catch (error) {
          errors.push(error)
          throw error
        }
      })
      app.get('/endless', () =>
        stream(async (write, signal) => {
          while (!signal.aborted) await write('x'.repeat(16 * 1024))
        }),
      )
    })
    const midHead = new Raw(port)
    midHead.write('GET / HTTP/1.1\r\nhost: x\r\nx-partial: ab')
    const midBody = new Raw(port)
    midBody.write('POST /read HTTP/1.1\r\nhost: x\r\ncontent-length: 100\r\n\r\nonly part')
    const midResponse = new Raw(port)
    midResponse.write(GET('/endless'))
    await midResponse.until(() => (midResponse.all.byteLength > 64 * 1024 ? true : undefined), 'some body')
    await sleep(30)
    for (const c of [midHead, midBody, midResponse]) c.socket.resetAndDestroy()
    await vi.waitFor(() => expect(errors).toHaveLength(1))
    expect(await getFresh(port, '/')).toEqual({ status: 200, body: 'home' })
  })

  it('serves a request that arrives in thousands of tiny writes', async () => {
    const { port, accepted } = await serve()
    const body = 'b'.repeat(1000)
    const message = `POST /echo HTTP/1.1\r\nhost: x\r\nx-pad: ${'p'.repeat(2000)}\r\ncontent-length: ${body.length}\r\n\r\n${body}`
    const c = new Raw(port)
    await c.ready()
    await vi.waitFor(() => expect(accepted).toHaveLength(1))
    let reads = 0
    accepted[0]!.on('data', () => reads++)
    for (let i = 0; i < message.length; i++) {
      c.write(message[i]!)
      if (i % 2 === 0) await new Promise((resolve) => setImmediate(resolve))
    }
    const res = await c.response()
    expect([res.status, res.body.toString()]).toEqual([200, body])
    expect(reads).toBeGreaterThan(100)
    c.write(GET('/'))
    expect((await c.response()).body.toString()).toBe('home')
  })
})

describe('websockets on the Brisk server', () => {
  const echo = (app: Brisk): void => {
    app.websocket('/ws', async (_req, ws) => {
      for await (const message of ws) await ws.send(message)
    })
  }

  it('echoes through the ws client', async () => {
    const { port } = await serve(echo)
    const ws = new WebSocket(`ws://127.0.0.1:${port}/ws`)
    ws.on('error', () => {})
    await once(ws, 'open')
    const reply = once(ws, 'message')
    ws.send('hello')
    const [data, binary] = await reply
    expect(binary).toBe(false)
    expect(String(data)).toBe('hello')
    const closed = once(ws, 'close')
    ws.close(1000)
    expect((await closed)[0]).toBe(1000)
  })

  it('reads a first frame that arrives in the same write as the upgrade head', async () => {
    const { port } = await serve(echo)
    const key = randomBytes(16).toString('base64')
    const accept = createHash('sha1').update(`${key}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`).digest('base64')
    const frame = (message: string): Buffer => {
      const payload = Buffer.from(message)
      const mask = randomBytes(4)
      const masked = Buffer.from(payload.map((byte, i) => byte ^ mask[i % 4]!))
      return Buffer.concat([Buffer.from([0x81, 0x80 | payload.length]), mask, masked])
    }
    const c = new Raw(port)
    const head =
      'GET /ws HTTP/1.1\r\nhost: x\r\nupgrade: websocket\r\nconnection: Upgrade\r\n' +
      `sec-websocket-key: ${key}\r\nsec-websocket-version: 13\r\n\r\n`
    c.write(Buffer.concat([Buffer.from(head), frame('first')]))
    const res = await c.response({ head: true })
    expect(res.status).toBe(101)
    expect(res.headers['sec-websocket-accept']).toBe(accept)
    const echoed = Buffer.concat([Buffer.from([0x81, 5]), Buffer.from('first')])
    await c.until(() => (c.data.byteLength >= echoed.byteLength ? true : undefined), 'the echoed frame')
    expect(c.data.subarray(0, echoed.byteLength)).toEqual(echoed)
    c.data = c.data.subarray(echoed.byteLength)
    c.write(frame('again'))
    await c.until(() => (c.data.byteLength >= 7 ? true : undefined), 'the second echo')
    expect(c.data).toEqual(Buffer.concat([Buffer.from([0x81, 5]), Buffer.from('again')]))
  })
})
