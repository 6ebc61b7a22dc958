import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import type { Server as HttpServer } from 'node:http'
import { request as httpsRequest } from 'node:https'
import { connect, type Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { Brisk, BriskError, type BriskOptions } from '../src/index'
import { getFresh as get, silent } from './_helpers'

/** Every test here runs on Brisk's own HTTP/1.1 server and on node:http. */
const SERVERS = ['brisk', 'node'] as const
type Server = (typeof SERVERS)[number]

const SLOW = 15_000 // a generous limit for tests that wait on the server's own timers

interface RawResponse {
  status: number
  headers: Record<string, string>
  body: string
}

/** A raw TCP connection to a server, for what an HTTP client library would not send. */
class RawConnection {
  readonly socket: Socket
  /** Resolves when the server closes the connection. */
  readonly closed: Promise<void>
  #buffer = ''
  #waiting: (() => void) | null = null

  constructor(port: number) {
    this.socket = connect(port, '127.0.0.1')
    this.socket.setEncoding('latin1')
    this.socket.on('data', (data: string) => {
      this.#buffer += data
      this.#waiting?.()
    })
    this.socket.on('error', () => {}) // a reset after the answer is part of some tests
    this.closed = new Promise((resolve) => this.socket.on('close', () => resolve()))
    this.socket.on('close', () => this.#waiting?.())
  }

  /** Resolves once the socket is connected. */
  ready(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.socket.once('connect', resolve)
      this.socket.once('error', reject)
    })
  }

  send(text: string): void {
    this.socket.write(text, 'latin1')
  }

  /** The next complete response with a Content-Length (what these tests receive). */
  async response(): Promise<RawResponse> {
    for (;;) {
      const parsed = takeResponse(this.#buffer)
      if (parsed !== null) {
        this.#buffer = this.#buffer.slice(parsed.length)
        return parsed.response
      }
      if (this.socket.destroyed)
        throw new Error(`connection closed before a full response: ${JSON.stringify(this.#buffer)}`)
      await new Promise<void>((resolve) => {
        this.#waiting = resolve
      })
      this.#waiting = null
    }
  }

  end(): void {
    this.socket.destroy()
  }
}

function takeResponse(buffer: string): { response: RawResponse; length: number } | null {
  const split = buffer.indexOf('\r\n\r\n')
  if (split === -1) return null
  const [statusLine, ...lines] = buffer.slice(0, split).split('\r\n')
  const headers: Record<string, string> = {}
  for (const line of lines) {
    const colon = line.indexOf(':')
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim()
  }
  const length = Number(headers['content-length'] ?? 0)
  const end = split + 4 + length
  if (buffer.length < end) return null
  const status = Number(statusLine!.split(' ')[1])
  return {
    response: { status, headers, body: Buffer.from(buffer.slice(split + 4, end), 'latin1').toString('utf8') },
    length: end,
  }
}

/** Opens a connection, sends `text`, and returns the first response. */
async function exchange(port: number, text: string): Promise<RawResponse & { closed: Promise<void> }> {
  const connection = new RawConnection(port)
  connection.send(text)
  const response = await connection.response()
  return { ...response, closed: connection.closed }
}

/** An app with `GET /` → `{ ok: true }`, listening on a free loopback port. */
async function serve(
  server: Server,
  options: BriskOptions = {},
  setup?: (app: Brisk) => void,
): Promise<{ app: Brisk; port: number }> {
  const app = new Brisk({ logger: silent, server, ...options })
  app.get('/', () => ({ ok: true }))
  app.post('/echo', async (req) => ({ length: (await req.bytes()).byteLength }))
  setup?.(app)
  const { port } = await app.listen({ port: 0 })
  return { app, port }
}

function expectProblem(res: RawResponse, status: number, title: string): void {
  expect(res.status).toBe(status)
  expect(res.headers['content-type']).toBe('application/problem+json')
  expect(res.headers.connection).toBe('close')
  expect(JSON.parse(res.body)).toEqual({ type: 'about:blank', title, status })
}

describe.each(SERVERS)('%s server', (server) => {
  describe('app.listen()', () => {
    it('resolves with the port, host and url, on 127.0.0.1 by default', async () => {
      const app = new Brisk({ logger: silent, server })
      app.get('/', () => 'here')
      const address = await app.listen({ port: 0 })
      try {
        expect(address.host).toBe('127.0.0.1')
        expect(address.port).toBeGreaterThan(0)
        expect(address.url).toBe(`http://127.0.0.1:${address.port}`)
        expect(app.server?.address).toEqual(address)
        expect(app.server?.raw.listening).toBe(true)
        const res = await fetch(`${address.url}/`)
        expect(await res.text()).toBe('here')
      } finally {
        await app.close()
      }
    })

    it('refuses to listen twice with BRISK_ERR_LISTENING', async () => {
      const { app } = await serve(server)
      try {
        const second = app.listen({ port: 0 })
        await expect(second).rejects.toBeInstanceOf(BriskError)
        await expect(second).rejects.toMatchObject({
          code: 'BRISK_ERR_LISTENING',
          message: 'listen(): the app is already listening',
        })
      } finally {
        await app.close()
      }
    })

    it('refuses a port that is not an integer from 0 to 65535 with a TypeError', async () => {
      for (const port of [-1, 65536, 1.5, Number.NaN, '8000' as unknown as number]) {
        const app = new Brisk({ logger: silent, server })
        await expect(app.listen({ port })).rejects.toThrow(TypeError)
        await expect(app.listen({ port })).rejects.toThrow(
          /^listen\(\): port must be an integer from 0 to 65535, got /,
        )
        expect(app.server).toBeNull()
        await app.close()
      }
    })

    it('rejects with EADDRINUSE when the port is taken', async () => {
      const { app, port } = await serve(server)
      const other = new Brisk({ logger: silent, server })
      try {
        await expect(other.listen({ port })).rejects.toMatchObject({ code: 'EADDRINUSE' })
        expect(other.server).toBeNull()
      } finally {
        await other.close()
        await app.close()
      }
    })
  })

  describe('keep-alive', () => {
    it('serves two requests on one connection', async () => {
      const { app, port } = await serve(server)
      const connection = new RawConnection(port)
      try {
        connection.send('GET / HTTP/1.1\r\nhost: x\r\n\r\n')
        const first = await connection.response()
        expect(first.status).toBe(200)
        expect(first.headers.connection).toBe('keep-alive')
        expect(JSON.parse(first.body)).toEqual({ ok: true })
        connection.send('POST /echo HTTP/1.1\r\nhost: x\r\ncontent-length: 5\r\n\r\nhello')
        const second = await connection.response()
        expect(second.status).toBe(200)
        expect(JSON.parse(second.body)).toEqual({ length: 5 })
        expect(connection.socket.destroyed).toBe(false)
      } finally {
        connection.end()
        await app.close()
      }
    })

    it(
      'closes a connection that stays idle past keepAliveTimeout',
      async () => {
        const { app, port } = await serve(server, { keepAliveTimeout: 300 })
        const connection = new RawConnection(port)
        try {
          if (server === 'node') expect((app.server!.raw as HttpServer).keepAliveTimeout).toBe(300)
          connection.send('GET / HTTP/1.1\r\nhost: x\r\n\r\n')
          expect((await connection.response()).status).toBe(200)
          await connection.closed // the server, not the client, ends it
          expect(connection.socket.destroyed).toBe(true)
        } finally {
          connection.end()
          await app.close()
        }
      },
      SLOW,
    )
  })

  describe('requests node:http cannot parse', () => {
    it('answers headers over 16 KiB in total with 431 problem+json', async () => {
      const { app, port } = await serve(server)
      try {
        const one = await exchange(
          port,
          `GET / HTTP/1.1\r\nhost: x\r\nx-big: ${'a'.repeat(17 * 1024)}\r\n\r\n`,
        )
        expectProblem(one, 431, 'Request Header Fields Too Large')
        const many = Array.from({ length: 40 }, (_, i) => `x-h${i}: ${'b'.repeat(500)}\r\n`).join('')
        const several = await exchange(port, `GET / HTTP/1.1\r\nhost: x\r\n${many}\r\n`)
        expectProblem(several, 431, 'Request Header Fields Too Large')
        await several.closed
      } finally {
        await app.close()
      }
    })

    it('accepts headers just under the limit', async () => {
      const { app, port } = await serve(server)
      try {
        const res = await exchange(
          port,
          `GET / HTTP/1.1\r\nhost: x\r\nx-big: ${'a'.repeat(15 * 1024)}\r\n\r\n`,
        )
        expect(res.status).toBe(200)
      } finally {
        await app.close()
      }
    })

    it('takes the maxHeaderSize option', async () => {
      const { app, port } = await serve(server, { maxHeaderSize: 1024 })
      try {
        const res = await exchange(port, `GET / HTTP/1.1\r\nhost: x\r\nx-big: ${'a'.repeat(2048)}\r\n\r\n`)
        expectProblem(res, 431, 'Request Header Fields Too Large')
      } finally {
        await app.close()
      }
    })

    it('answers a request line it cannot parse with 400 problem+json, and keeps serving', async () => {
      const { app, port } = await serve(server)
      try {
        const garbage = await exchange(port, 'GARBAGE\r\n\r\n')
        expectProblem(garbage, 400, 'Bad Request')
        await garbage.closed
        const badHeader = await exchange(port, 'GET / HTTP/1.1\r\nhost: x\r\nno colon here\r\n\r\n')
        expectProblem(badHeader, 400, 'Bad Request')
        const fine = await get(port, '/')
        expect(fine).toEqual({ status: 200, body: '{"ok":true}' })
      } finally {
        await app.close()
      }
    })
  })

  describe('requestTimeout', () => {
    it(
      'answers 408 problem+json to a client that stalls in its headers',
      async () => {
        const { app, port } = await serve(server, { requestTimeout: 1000 })
        try {
          const res = await exchange(port, 'GET / HTTP/1.1\r\nhost: x\r\nx-slow')
          expectProblem(res, 408, 'Request Timeout')
          await res.closed
        } finally {
          await app.close()
        }
      },
      SLOW,
    )

    it(
      'answers 408 problem+json to a client that sends its headers and stalls its body',
      async () => {
        let handlerError: unknown
        const { app, port } = await serve(server, { requestTimeout: 1000 }, (a) => {
          a.post('/upload', async (req) => {
            try {
              return { length: (await req.bytes()).byteLength }
            } catch (error) {
              handlerError = error
              throw error
            }
          })
        })
        try {
          const res = await exchange(
            port,
            'POST /upload HTTP/1.1\r\nhost: x\r\ncontent-length: 100\r\n\r\nonly a part',
          )
          expectProblem(res, 408, 'Request Timeout')
          await res.closed
          // The handler that waited on the body learns that it will not come.
          // node:http reports the body as aborted (400); Brisk's server says why: it timed out (408).
          await vi.waitFor(() =>
            expect(handlerError).toMatchObject({ status: server === 'node' ? 400 : 408 }),
          )
          const fine = await get(port, '/')
          expect(fine.status).toBe(200)
        } finally {
          await app.close()
        }
      },
      SLOW,
    )

    it('does not cut a client that finishes its request in time', async () => {
      const { app, port } = await serve(server, { requestTimeout: 1000 })
      try {
        const res = await exchange(port, 'POST /echo HTTP/1.1\r\nhost: x\r\ncontent-length: 3\r\n\r\nabc')
        expect(res.status).toBe(200)
        expect(JSON.parse(res.body)).toEqual({ length: 3 })
      } finally {
        await app.close()
      }
    })
  })

  describe('app.close()', () => {
    it('stops accepting connections and lets an in-flight request finish before it resolves', async () => {
      const events: string[] = []
      let started!: () => void
      const handlerStarted = new Promise<void>((resolve) => {
        started = resolve
      })
      const { app, port } = await serve(server, {}, (a) => {
        a.get('/slow', async () => {
          started()
          await new Promise((resolve) => setTimeout(resolve, 300))
          events.push('handler done')
          return { slow: true }
        })
        a.afterStop(() => {
          events.push('stopped')
        })
      })
      const inFlight = get(port, '/slow')
      await handlerStarted
      const closing = app.close().then(() => events.push('closed'))
      await vi.waitFor(() => expect(app.server?.raw.listening).toBe(false))
      await expect(get(port, '/')).rejects.toMatchObject({ code: 'ECONNREFUSED' })
      expect(await inFlight).toEqual({ status: 200, body: '{"slow":true}' })
      await closing
      expect(events).toEqual(['handler done', 'stopped', 'closed'])
    })

    it(
      'cuts a request still running after shutdownTimeout',
      async () => {
        let release!: () => void
        const never = new Promise<void>((resolve) => {
          release = resolve
        })
        let started!: () => void
        const handlerStarted = new Promise<void>((resolve) => {
          started = resolve
        })
        const warned: [unknown, string | undefined][] = []
        const logger = { ...silent, warn: (obj: unknown, msg?: string) => void warned.push([obj, msg]) }
        const { app, port } = await serve(server, { shutdownTimeout: 200, logger }, (a) => {
          a.get('/stuck', async () => {
            started()
            await never
            return 'too late'
          })
        })
        const inFlight = get(port, '/stuck')
        await handlerStarted
        await app.close()
        await expect(inFlight).rejects.toMatchObject({ code: 'ECONNRESET' })
        release()
        // The cut is logged, so an operator sees the answers a shutdown lost.
        expect(warned).toEqual([
          [
            { shutdownTimeout: 200, connections: 1, websockets: 0 },
            'shutdownTimeout (200 ms) passed: cutting 1 connection(s) still in use (0 of them websockets); requests in progress get no answer',
          ],
        ])
      },
      SLOW,
    )

    it('logs nothing at close when every request finished within shutdownTimeout', async () => {
      const warned: unknown[] = []
      const logger = { ...silent, warn: (obj: unknown) => void warned.push(obj) }
      const { app, port } = await serve(server, { shutdownTimeout: 2000, logger }, (a) => {
        a.get('/quick', async () => {
          await new Promise((resolve) => setTimeout(resolve, 100))
          return 'done'
        })
      })
      const answer = get(port, '/quick')
      await new Promise((resolve) => setTimeout(resolve, 20))
      await app.close()
      expect((await answer).status).toBe(200)
      expect(warned).toEqual([])
    })

    it(
      'closes idle keep-alive connections instead of waiting for them',
      async () => {
        const { app, port } = await serve(server, { keepAliveTimeout: 60_000, shutdownTimeout: 60_000 })
        const connection = new RawConnection(port)
        connection.send('GET / HTTP/1.1\r\nhost: x\r\n\r\n')
        expect((await connection.response()).status).toBe(200)
        await app.close()
        await connection.closed
        expect(connection.socket.destroyed).toBe(true)
      },
      SLOW,
    )

    it('returns the same promise when called again', async () => {
      const { app } = await serve(server)
      const first = app.close()
      expect(app.close()).toBe(first)
      await first
    })
  })

  describe('HTTPS', () => {
    let dir = ''
    let cert = ''
    let key = ''

    beforeAll(() => {
      dir = mkdtempSync(join(tmpdir(), 'brisk-tls-'))
      execFileSync(
        'openssl',
        [
          'req',
          '-x509',
          '-newkey',
          'rsa:2048',
          '-nodes',
          '-subj',
          '/CN=localhost',
          '-days',
          '1',
          '-keyout',
          join(dir, 'k.pem'),
          '-out',
          join(dir, 'c.pem'),
        ],
        { stdio: 'ignore' },
      )
      cert = readFileSync(join(dir, 'c.pem'), 'utf8')
      key = readFileSync(join(dir, 'k.pem'), 'utf8')
    })

    afterAll(() => {
      if (dir) rmSync(dir, { recursive: true, force: true })
    })

    function getTLS(port: number, path: string): Promise<{ status: number; body: string }> {
      return new Promise((resolve, reject) => {
        const req = httpsRequest(
          { host: '127.0.0.1', port, path, rejectUnauthorized: false, agent: false },
          (res) => {
            let body = ''
            res.setEncoding('utf8')
            res.on('data', (chunk: string) => {
              body += chunk
            })
            res.on('end', () => resolve({ status: res.statusCode!, body }))
          },
        )
        req.on('error', reject)
        req.end()
      })
    }

    it('serves HTTPS with tls: { cert, key }, and req.protocol is https', async () => {
      const app = new Brisk({ logger: silent, server })
      app.get('/proto', (req) => ({ protocol: req.protocol, ip: req.ip }))
      const address = await app.listen({ port: 0, tls: { cert, key } })
      try {
        expect(address.url).toBe(`https://127.0.0.1:${address.port}`)
        const res = await getTLS(address.port, '/proto')
        expect(res.status).toBe(200)
        expect(JSON.parse(res.body)).toEqual({ protocol: 'https', ip: '127.0.0.1' })
      } finally {
        await app.close()
      }
    })

    it('refuses plain HTTP on the HTTPS port', async () => {
      const app = new Brisk({ logger: silent, server })
      app.get('/', () => 'secret')
      const { port } = await app.listen({ port: 0, tls: { cert, key } })
      try {
        const attempt = get(port, '/').then(
          (res) => res.body,
          () => 'refused',
        )
        expect(await attempt).not.toBe('secret')
      } finally {
        await app.close()
      }
    })
  })
})
