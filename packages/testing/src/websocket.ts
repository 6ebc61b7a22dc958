/**
 * The websocket side of the test client: a `ws` client socket wrapped so a test reads it with `await`:
 * `next()` with a timeout, `for await`, and `closed` as a promise. It only speaks the protocol, so it works
 * against any server that upgrades on the app's port, whoever implements the server side.
 */
import type { IncomingMessage } from 'node:http'
import WebSocket, { type RawData } from 'ws'
import { TestClientError } from './errors'

/** A message: text frames are strings, binary frames bytes. */
export type WebSocketMessage = string | Uint8Array

/** How a websocket ended. */
export interface CloseInfo {
  /** The close code (1000 normal, 1001 going away, 1006 when the connection dropped without a close frame). */
  readonly code: number
  readonly reason: string
}

/** Options of `client.websocket()`. */
export interface WebSocketOptions {
  /** Subprotocols to offer. */
  protocols?: string | readonly string[]
  /** Extra handshake headers; they override the client's default headers. */
  headers?: Record<string, string | undefined>
  /** Milliseconds to wait for the handshake, for each message, and for the closing handshake. @default 2000 */
  timeout?: number
}

interface Waiter {
  readonly resolve: (message: IteratorResult<WebSocketMessage>) => void
  readonly reject: (error: Error) => void
  readonly timer: ReturnType<typeof setTimeout>
  /** `next()` fails when the socket closes; `for await` just ends. */
  readonly endsQuietly: boolean
}

/**
 * A connected websocket.
 *
 * @example
 * const ws = await client.websocket('/ws/echo')
 * await ws.send('hi')
 * expect(await ws.next()).toBe('hi')
 * expect(await ws.close(1000, 'bye')).toEqual({ code: 1000, reason: 'bye' })
 */
export class TestWebSocket implements AsyncIterable<WebSocketMessage> {
  /** Resolves when the connection has ended, however it ended. */
  readonly closed: Promise<CloseInfo>
  /** The path the socket was opened on. */
  readonly path: string
  readonly #ws: WebSocket
  readonly #timeout: number
  readonly #queue: WebSocketMessage[] = []
  readonly #waiters: Waiter[] = []
  #ended: CloseInfo | null = null

  /**
   * @internal Made by `client.websocket()` once the socket is open. The socket is typed `object` so that
   * `ws`'s types stay out of the published declarations.
   */
  constructor(socket: object, path: string, timeout: number) {
    const ws = socket as WebSocket
    this.#ws = ws
    this.path = path
    this.#timeout = timeout
    ws.on('message', (data: RawData, binary: boolean) => this.#push(toMessage(data, binary)))
    ws.on('error', () => {}) // 'close' follows every error, and that is what a test waits for
    this.closed = new Promise((resolve) => {
      ws.once('close', (code: number, reason: Buffer) => {
        const info = { code, reason: reason.toString('utf8') }
        this.#ended = info
        for (const waiter of this.#waiters.splice(0)) {
          clearTimeout(waiter.timer)
          if (waiter.endsQuietly) waiter.resolve({ value: undefined, done: true })
          else waiter.reject(this.#closedError('next()'))
        }
        resolve(info)
      })
    })
  }

  /** The subprotocol the server chose, or `''`. @example expect(ws.protocol).toBe('chat.v1') */
  get protocol(): string {
    return this.#ws.protocol
  }

  /** True once the connection has ended. @example expect(ws.isClosed).toBe(false) */
  get isClosed(): boolean {
    return this.#ended !== null
  }

  /**
   * Sends text (a string) or binary (bytes); resolves once the frame is written.
   *
   * @example
   * await ws.send('hello')
   * await ws.send(new Uint8Array([1, 2, 3]))
   */
  send(data: string | Uint8Array | ArrayBuffer): Promise<void> {
    if (typeof data !== 'string' && !(data instanceof Uint8Array) && !(data instanceof ArrayBuffer)) {
      return Promise.reject(new TypeError('ws.send(): expected a string, a Uint8Array or an ArrayBuffer'))
    }
    if (this.#ended !== null || this.#ws.readyState !== WebSocket.OPEN)
      return Promise.reject(this.#closedError('send()'))
    return new Promise((resolve, reject) => {
      this.#ws.send(data, { binary: typeof data !== 'string' }, (error) =>
        error ? reject(error) : resolve(),
      )
    })
  }

  /**
   * The next message (a string for text, a Uint8Array for binary). Rejects with `BRISK_TEST_ERR_WS_TIMEOUT`
   * when none comes within `timeout` ms, and with `BRISK_TEST_ERR_WS_CLOSED` when the socket closes first.
   *
   * @example
   * expect(await ws.next(500)).toBe('welcome')
   */
  async next(timeout: number = this.#timeout): Promise<WebSocketMessage> {
    const result = await this.#take(timeout, false)
    return result.value as WebSocketMessage
  }

  /**
   * Starts the closing handshake and resolves with how the socket ended (the server's answer, normally the
   * same code). A server that does not answer within the timeout is cut off (1006).
   *
   * @example
   * expect(await ws.close(4000, 'done')).toEqual({ code: 4000, reason: 'done' })
   */
  close(code = 1000, reason = ''): Promise<CloseInfo> {
    if (this.#ended === null) {
      try {
        this.#ws.close(code, reason)
      } catch (error) {
        // ws refuses codes a client may not send (1005, 1006, 999…) and reasons over 123 bytes.
        return Promise.reject(
          new TypeError(`ws.close(${code}): ${(error as Error).message}`, { cause: error }),
        )
      }
      const timer = setTimeout(() => this.#ws.terminate(), this.#timeout)
      void this.closed.then(() => clearTimeout(timer))
    }
    return this.closed
  }

  /** @internal Ends the socket at once; used by `client.close()`. */
  terminate(): Promise<CloseInfo> {
    if (this.#ended === null) this.#ws.terminate()
    return this.closed
  }

  /**
   * Every message until the socket closes. Each wait has the same timeout as `next()`. Leaving the loop
   * early keeps the socket open.
   *
   * @example
   * const got: string[] = []
   * for await (const message of ws) got.push(String(message))
   */
  [Symbol.asyncIterator](): AsyncIterator<WebSocketMessage> {
    return {
      next: () => this.#take(this.#timeout, true),
      return: async () => ({ value: undefined, done: true }),
    }
  }

  #take(timeout: number, endsQuietly: boolean): Promise<IteratorResult<WebSocketMessage>> {
    if (this.#queue.length > 0) return Promise.resolve({ value: this.#queue.shift()!, done: false })
    if (this.#ended !== null) {
      return endsQuietly
        ? Promise.resolve({ value: undefined, done: true })
        : Promise.reject(this.#closedError('next()'))
    }
    if (!Number.isFinite(timeout) || timeout < 0) {
      return Promise.reject(
        new TypeError(`ws.next(): timeout must be a number of milliseconds ≥ 0, got ${String(timeout)}`),
      )
    }
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        resolve,
        reject,
        endsQuietly,
        timer: setTimeout(() => {
          this.#waiters.splice(this.#waiters.indexOf(waiter), 1)
          reject(
            new TestClientError(
              'BRISK_TEST_ERR_WS_TIMEOUT',
              `websocket ${this.path}: no message within ${timeout} ms (${this.#queue.length} queued; the socket is open)`,
            ),
          )
        }, timeout),
      }
      this.#waiters.push(waiter)
    })
  }

  #push(message: WebSocketMessage): void {
    const waiter = this.#waiters.shift()
    if (waiter === undefined) {
      this.#queue.push(message)
      return
    }
    clearTimeout(waiter.timer)
    waiter.resolve({ value: message, done: false })
  }

  #closedError(api: string): TestClientError {
    const end = this.#ended
    const how =
      end === null
        ? 'is closing'
        : `closed (${end.code}${end.reason ? ` ${JSON.stringify(end.reason)}` : ''})`
    return new TestClientError(
      'BRISK_TEST_ERR_WS_CLOSED',
      `websocket ${this.path}: ${api} after the socket ${how}`,
    )
  }
}

function toMessage(data: RawData, binary: boolean): WebSocketMessage {
  const buffer = Array.isArray(data) ? Buffer.concat(data) : Buffer.isBuffer(data) ? data : Buffer.from(data)
  // A copy as a plain Uint8Array (not a Buffer): what the API promises, and what toEqual compares against.
  return binary ? new Uint8Array(buffer) : buffer.toString('utf8')
}

/**
 * Opens a websocket to `url` and waits for the handshake. A plain HTTP answer rejects with the status and
 * body; a socket error rejects with `BRISK_TEST_ERR_NETWORK`.
 *
 * @example
 * const ws = await connectWebSocket('ws://127.0.0.1:8000/ws', '/ws', { headers: {}, protocols: [], timeout: 2000 })
 */
export function connectWebSocket(
  url: string,
  path: string,
  options: { headers: Record<string, string>; protocols: readonly string[]; timeout: number },
  onUpgrade: (res: IncomingMessage) => void,
): Promise<TestWebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, [...options.protocols], {
      headers: options.headers,
      handshakeTimeout: options.timeout,
    })
    let settled = false
    const fail = (error: Error): void => {
      if (settled) return
      settled = true
      reject(error)
    }
    ws.on('upgrade', onUpgrade)
    ws.once('unexpected-response', (req, res) => {
      const chunks: Buffer[] = []
      res.on('data', (chunk: Buffer) => chunks.push(chunk))
      res.on('end', () => {
        req.destroy()
        const body = Buffer.concat(chunks).toString('utf8')
        fail(
          new TestClientError(
            'BRISK_TEST_ERR_WS_HANDSHAKE',
            `websocket ${path}: the server answered ${res.statusCode} instead of 101 Switching Protocols; body: ${body.slice(0, 500) || '(empty)'}`,
          ),
        )
      })
    })
    ws.on('error', (error) => {
      const timedOut = /timed out/i.test(error.message)
      fail(
        new TestClientError(
          timedOut ? 'BRISK_TEST_ERR_WS_TIMEOUT' : 'BRISK_TEST_ERR_NETWORK',
          `websocket ${path}: ${timedOut ? `no handshake within ${options.timeout} ms` : error.message}`,
          { cause: error },
        ),
      )
    })
    ws.once('open', () => {
      if (settled) return
      settled = true
      resolve(new TestWebSocket(ws, path, options.timeout))
    })
  })
}
