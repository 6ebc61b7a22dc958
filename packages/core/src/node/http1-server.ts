/**
 * Brisk's own HTTP/1.1 server: `node:net` (or `node:tls`) sockets, the strict parser of `http1-parse.ts`, and
 * responses written straight to the socket. It does what a Brisk app needs from `node:http` and nothing more,
 * which is where its speed comes from: no `IncomingMessage` or `ServerResponse` stream per request, one write
 * per response.
 */
import type { Server, Socket } from 'node:net'
import type { WebSocket } from 'ws'
import type { Brisk } from '../app/app'
import { WS_METHOD } from '../http/websocket'
import { builtins } from './builtins'
import { Connection, type ConnectionHost, type Timeouts } from './http1-connection'
import { http1Entry } from './http1-entry'
import type { Exchange } from './http1-exchange'
import type { HeadError, RequestHead } from './http1-parse'
import { lingeringClose } from './lingering-close'
import { refusal } from './response-head'
import { drainServer } from './server-close'
import { type UpgradeRaw, upgradeEntry } from './upgrade'

/** The request of an `'upgrade'` event: the part of node's `IncomingMessage` that upgrade handlers read. */
export interface UpgradeRequest {
  readonly method: string
  readonly url: string
  readonly headers: Record<string, string | string[]>
  readonly httpVersion: string
  readonly httpVersionMajor: number
  readonly httpVersionMinor: number
  readonly socket: Socket
}

/** What {@link Http1Server} is made with. */
export interface Http1Options {
  tls?: { cert: string | Buffer; key: string | Buffer; ca?: string | Buffer }
}

/**
 * Makes a Brisk server for `app`; `node:tls` is loaded only when `options.tls` asks for it.
 *
 * @example
 * const server = await createHttp1Server(app, {})
 * server.raw.listen(8000, '127.0.0.1')
 */
export async function createHttp1Server(app: Brisk<any>, options: Http1Options): Promise<Http1Server> {
  if (options.tls === undefined) {
    return new Http1Server(app, builtins.net.createServer({ noDelay: true, allowHalfOpen: true }), false)
  }
  const { createServer } = await import('node:tls')
  return new Http1Server(app, createServer({ ...options.tls, allowHalfOpen: true }), true)
}

/**
 * The connections of one listening socket, their timeouts, and the hand-off of upgrades to websockets.
 *
 * @example
 * const server = new Http1Server(app, createServer({ allowHalfOpen: true }), false)
 * server.raw.listen(8000, '127.0.0.1')
 */
export class Http1Server implements ConnectionHost {
  readonly raw: Server
  readonly secure: boolean
  readonly maxHeaderSize: number
  readonly keepAliveFields: string
  readonly timeouts: Timeouts
  readonly sockets = new Set<WebSocket>()
  closing = false
  readonly #app: Brisk<any>
  readonly #connections = new Set<Connection>()
  /** Sockets that left HTTP (upgrades, tunnels): their new owner closes them, or `close()` does after its grace. */
  readonly #detached = new Set<Socket>()
  readonly #sweep: ReturnType<typeof setInterval>

  /** `raw` must allow half-open sockets: a client's FIN is handled by each connection. */
  constructor(app: Brisk<any>, raw: Server, secure: boolean) {
    const config = app.config
    this.#app = app
    this.raw = raw
    this.secure = secure
    this.maxHeaderSize = config.maxHeaderSize
    this.keepAliveFields = `connection: keep-alive\r\nkeep-alive: timeout=${Math.floor(config.keepAliveTimeout / 1000)}\r\n`
    const onSocket = (socket: Socket): void => {
      if (this.closing) {
        socket.destroy()
        return
      }
      this.#connections.add(new Connection(this, socket))
    }
    raw.on(secure ? 'secureConnection' : 'connection', onSocket)
    this.raw.on('upgrade', (req: UpgradeRequest, socket: Socket, rest: Buffer) =>
      this.#upgradeToApp(req, socket, rest),
    )
    if (secure) {
      this.raw.on('tlsClientError', (_error: Error, socket: Socket) => socket.destroy())
    }
    // The head must arrive within the request's own time as well.
    const { headersTimeout, requestTimeout, keepAliveTimeout, sendTimeout } = config
    this.timeouts = {
      headers: Math.min(headersTimeout, requestTimeout || headersTimeout),
      request: requestTimeout,
      keepAlive: keepAliveTimeout,
      send: sendTimeout,
    }
    // One timer for every connection's timeouts, often enough for the shortest of them.
    const shortest = Math.min(
      keepAliveTimeout,
      sendTimeout,
      headersTimeout || Infinity,
      requestTimeout || Infinity,
    )
    const every = Math.max(25, Math.min(1000, Math.floor(shortest / 4)))
    this.#sweep = setInterval(() => {
      const now = Date.now()
      for (const c of this.#connections) c.check(now)
    }, every)
    this.#sweep.unref()
  }

  /** @internal */
  dispatch(exchange: Exchange): void {
    const head = exchange.head
    this.#app.handle(http1Entry, exchange, head.method, head.url, head.headers)
  }

  /**
   * @internal The socket leaves HTTP. As with `node:http`, an `Upgrade` request is emitted as `'upgrade'` on
   * {@link raw}, whose own listener hands it to the app (websocket routes); code that brings its own websocket
   * server can replace that listener, as it would on an `http.Server`. A `CONNECT` request is emitted as
   * `'connect'` for code that tunnels on purpose; with no listener it is refused with 501 and the socket closed,
   * and nothing after it is read as HTTP.
   */
  upgrade(head: RequestHead, socket: Socket, rest: Buffer): void {
    const event = head.method === 'CONNECT' ? 'connect' : 'upgrade'
    if (event === 'connect' && this.raw.listenerCount('connect') === 0) {
      lingeringClose(socket, refusal(501), this.timeouts.send)
      return
    }
    this.#detached.add(socket)
    socket.once('close', () => this.#detached.delete(socket))
    // Neither flowing nor paused: whoever takes the socket starts reading when it adds its own listener.
    ;(socket as { readableFlowing: boolean | null }).readableFlowing = null
    const req: UpgradeRequest = {
      method: head.method,
      url: head.url,
      headers: head.headers,
      httpVersion: head.minor === 1 ? '1.1' : '1.0',
      httpVersionMajor: 1,
      httpVersionMinor: head.minor,
      socket,
    }
    if (!this.raw.emit(event, req, socket, rest)) socket.destroy()
  }

  #upgradeToApp(req: UpgradeRequest, socket: Socket, rest: Buffer): void {
    socket.on('error', () => socket.destroy()) // a peer that vanishes mid-handshake must not crash the process
    const { method, url, headers } = req
    const websocket = method === 'GET' && String(headers.upgrade).toLowerCase() === 'websocket'
    const raw: UpgradeRaw = { req: req as never, socket, head: rest, sockets: this.sockets }
    this.#app.handle(upgradeEntry, raw, method, url, headers, websocket ? WS_METHOD : method)
  }

  /** @internal The answer to a request that could not be read: problem+json, as every Brisk error. */
  refusal(error: HeadError): string {
    return refusal(error.status)
  }

  /** @internal */
  forget(connection: Connection): void {
    this.#connections.delete(connection)
  }

  /** Stops accepting, lets in-flight requests finish within `grace` ms, then cuts what is left. */
  async close(grace: number): Promise<void> {
    this.closing = true // busy connections close after their response
    const closed = new Promise<void>((resolve) => this.raw.close(() => resolve()))
    await drainServer(
      {
        closed,
        sockets: this.sockets,
        closeIdle: () => this.#closeIdle(),
        closeAll: () => {
          for (const c of this.#connections) c.socket.destroy()
          for (const socket of this.#detached) socket.destroy()
        },
        open: async () => this.#connections.size + this.#detached.size,
      },
      grace,
      this.#app.log,
    )
    clearInterval(this.#sweep)
  }

  #closeIdle(): void {
    for (const c of this.#connections) c.closeIfIdle()
  }
}
