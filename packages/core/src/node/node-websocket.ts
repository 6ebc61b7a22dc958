/**
 * {@link BriskWebSocket} over a `ws` socket: messages queued into an async iterator, reading paused when
 * the handler falls behind, sends that wait when the outgoing buffer is full, and pings that drop dead peers.
 */
import type { RawData, WebSocket } from 'ws'
import type { BriskWebSocket, ResolvedWebSocketOptions, WebSocketMessage } from '../http/websocket'

const OPEN = 1

function toMessage(data: RawData, binary: boolean): WebSocketMessage {
  const buffer = Array.isArray(data) ? Buffer.concat(data) : Buffer.isBuffer(data) ? data : Buffer.from(data)
  return binary
    ? new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength)
    : buffer.toString('utf8')
}

/** A websocket as handlers see it. */
export class NodeWebSocket implements BriskWebSocket {
  readonly closed: Promise<{ code: number; reason: string }>
  readonly #ws: WebSocket
  readonly #options: ResolvedWebSocketOptions
  readonly #queue: WebSocketMessage[] = []
  #waiting: ((result: IteratorResult<WebSocketMessage>) => void) | null = null
  #ended = false
  #paused = false

  constructor(ws: WebSocket, options: ResolvedWebSocketOptions) {
    this.#ws = ws
    this.#options = options
    let settle: (value: { code: number; reason: string }) => void = () => {}
    this.closed = new Promise((resolve) => {
      settle = resolve
    })
    ws.on('message', (data, binary) => this.#push(toMessage(data, binary)))
    ws.on('error', () => {}) // 'close' always follows; the error itself is the peer's problem
    let timer: ReturnType<typeof setInterval> | undefined
    if (options.pingInterval > 0) {
      let alive = true
      ws.on('pong', () => {
        alive = true
      })
      timer = setInterval(() => {
        if (!alive) return ws.terminate() // no pong since the last ping: the peer is gone
        alive = false
        ws.ping()
      }, options.pingInterval)
      timer.unref()
    }
    ws.once('close', (code, reason) => {
      clearInterval(timer)
      this.#ended = true
      settle({ code, reason: reason.toString('utf8') })
      const waiting = this.#waiting
      this.#waiting = null
      waiting?.({ value: undefined, done: true })
    })
  }

  get protocol(): string {
    return this.#ws.protocol
  }

  get isClosed(): boolean {
    return this.#ended || this.#ws.readyState !== OPEN
  }

  send(data: WebSocketMessage): Promise<void> {
    if (typeof data !== 'string' && !(data instanceof Uint8Array)) {
      return Promise.reject(new TypeError('ws.send(): expected a string or a Uint8Array'))
    }
    // Sending on a closed socket is a no-op: the handler learns of the close from its message loop.
    if (this.#ws.readyState !== OPEN) return Promise.resolve()
    const binary = typeof data !== 'string'
    if (this.#ws.bufferedAmount < this.#options.highWaterMark) {
      this.#ws.send(data, { binary })
      return Promise.resolve()
    }
    return new Promise((resolve) => this.#ws.send(data, { binary }, () => resolve()))
  }

  close(code = 1000, reason = ''): void {
    if (this.#ws.readyState === OPEN) this.#ws.close(code, reason)
  }

  [Symbol.asyncIterator](): AsyncIterator<WebSocketMessage> {
    return {
      next: () => this.#next(),
      return: async () => {
        this.close(1000)
        return { value: undefined, done: true }
      },
    }
  }

  #push(message: WebSocketMessage): void {
    const waiting = this.#waiting
    if (waiting !== null) {
      this.#waiting = null
      waiting({ value: message, done: false })
      return
    }
    this.#queue.push(message)
    if (!this.#paused && this.#queue.length >= this.#options.maxQueued) {
      this.#paused = true
      this.#ws.pause()
    }
  }

  #next(): Promise<IteratorResult<WebSocketMessage>> {
    if (this.#queue.length > 0) {
      const value = this.#queue.shift()!
      if (this.#paused && this.#queue.length <= this.#options.maxQueued / 2) {
        this.#paused = false
        this.#ws.resume()
      }
      return Promise.resolve({ value, done: false })
    }
    if (this.#ended) return Promise.resolve({ value: undefined, done: true })
    return new Promise((resolve) => {
      this.#waiting = resolve
    })
  }
}
