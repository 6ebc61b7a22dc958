/**
 * `listen()`'s server: Brisk's own HTTP/1.1 server (`http1-server.ts`, the default), or `node:http` /
 * `node:https` with Brisk's timeouts, problem+json answers to requests that cannot be parsed, and a draining
 * `close()`. Both serve the same app through the same `app.handle`.
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http'
import type { AddressInfo, Server as NetServer, Socket } from 'node:net'
import type { Duplex } from 'node:stream'
import type { WebSocket } from 'ws'
import type { Brisk } from '../app/app'
import { WS_METHOD } from '../http/websocket'
import type { Logger } from '../log/logger'
import { createHttp1Server } from './http1-server'
import { lingeringClose } from './lingering-close'
import { nodeEntry } from './node-entry'
import { refusal } from './response-head'
import { drainServer } from './server-close'
import { type UpgradeRaw, upgradeEntry } from './upgrade'

/** Options of `app.listen()`. */
export interface ListenOptions {
  /** The port; 0 picks a free one. @default 8000 */
  port?: number
  /** The address to bind. @default '127.0.0.1' */
  host?: string
  /** Serve HTTPS with this certificate and key (PEM). */
  tls?: { cert: string | Buffer; key: string | Buffer; ca?: string | Buffer }
  /** Worker processes sharing the port (`node:cluster`); a worker that dies is replaced. @default 1 */
  workers?: number
  /** Close gracefully and exit 0 on SIGTERM / SIGINT. @default true */
  signals?: boolean
  /**
   * Log one `info` line through the app's logger once listening: the URL and the worker count (a cluster's
   * primary logs it once for all). `brisk serve` prints its own line instead. @default true
   */
  log?: boolean
  /** Which HTTP server to run; overrides the app's `server` option. @default app.config.server ('brisk') */
  server?: 'brisk' | 'node'
}

/** A listening server. */
export interface ServerHandle {
  /** Where it listens. */
  readonly address: { port: number; host: string; url: string }
  /** The listening server: a `net.Server` (`tls.Server`) for Brisk's server, an `http.Server` for node's. */
  readonly raw: NetServer
  /** Stops accepting, lets in-flight requests finish within `grace` ms, then cuts what is left. */
  close(grace: number): Promise<void>
}

/**
 * Starts a server for `app` (which must be ready): Brisk's own, or node's with `server: 'node'`.
 *
 * @example
 * const handle = await listenServer(app, { port: 0 })
 */
export async function listenServer(app: Brisk<any>, options: ListenOptions): Promise<ServerHandle> {
  const port = options.port ?? 8000
  const host = options.host ?? '127.0.0.1'
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new TypeError(`listen(): port must be an integer from 0 to 65535, got ${String(port)}`)
  }
  const kind = options.server ?? app.config.server
  if (kind !== 'brisk' && kind !== 'node') {
    throw new TypeError(`listen(): server must be 'brisk' or 'node', got ${JSON.stringify(kind)}`)
  }
  if (kind === 'brisk') {
    const server = await createHttp1Server(app, { tls: options.tls })
    return handleFor(await bind(server.raw, port, host), options, (grace) => server.close(grace))
  }
  // node:http (and node:https with its TLS) is loaded only for the apps that ask for it.
  const { server, sockets } = options.tls
    ? nodeServer(app, options, (await import('node:https')).createServer as never)
    : nodeServer(app, options, (await import('node:http')).createServer)
  return handleFor(await bind(server, port, host), options, (grace) =>
    closeServer(server, sockets, grace, app.log),
  )
}

async function bind(server: NetServer, port: number, host: string): Promise<NetServer> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, host, () => {
      server.off('error', reject)
      resolve()
    })
  })
  return server
}

function handleFor(
  server: NetServer,
  options: ListenOptions,
  close: (grace: number) => Promise<void>,
): ServerHandle {
  const bound = server.address() as AddressInfo
  const shown = bound.family === 'IPv6' ? `[${bound.address}]` : bound.address
  const scheme = options.tls ? 'https' : 'http'
  return {
    address: { port: bound.port, host: bound.address, url: `${scheme}://${shown}:${bound.port}` },
    raw: server,
    close,
  }
}

function nodeServer(
  app: Brisk<any>,
  options: ListenOptions,
  createServer: typeof import('node:http').createServer,
): { server: Server; sockets: Set<WebSocket> } {
  const config = app.config
  const serverOptions = {
    requestTimeout: config.requestTimeout,
    headersTimeout: Math.min(config.headersTimeout, config.requestTimeout || config.headersTimeout),
    keepAliveTimeout: config.keepAliveTimeout,
    maxHeaderSize: config.maxHeaderSize,
    // Timeouts are checked on this interval; node's default (30 s) would let a slow client linger.
    connectionsCheckingInterval: 1000,
  }
  const onRequest = (req: IncomingMessage, res: ServerResponse): void => {
    app.handle(nodeEntry, res as never, req.method!, req.url!, req.headers)
  }
  const server: Server = createServer({ ...serverOptions, ...options.tls }, onRequest)
  server.keepAliveTimeout = config.keepAliveTimeout
  server.on('clientError', (error: Error, socket: Socket) => onClientError(error, socket, config.sendTimeout))
  const sockets = new Set<WebSocket>()
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy()) // a peer that vanishes mid-handshake must not crash the process
    const websocket = req.method === 'GET' && String(req.headers.upgrade).toLowerCase() === 'websocket'
    const raw: UpgradeRaw = { req, socket, head, sockets }
    app.handle(upgradeEntry, raw, req.method!, req.url!, req.headers, websocket ? WS_METHOD : req.method!)
  })
  return { server, sockets }
}

/** Sockets whose end is decided: a later error on one (a timeout, the parser's state at the client's FIN) changes nothing. */
const decided = new WeakSet<Socket>()

/** A response of node's server, with the fields of it that node reads when it finishes. */
type NodeResponse = ServerResponse & { req: IncomingMessage; _last: boolean }

/** A node socket as `clientError` hands it over: the response it is writing, and node's parser. */
type NodeSocket = Socket & {
  _httpMessage?: NodeResponse | null
  parser?: { incoming: IncomingMessage | null } | null
}

/**
 * Answers what node could not parse as a request (a bad request line, headers over the limit, a timeout)
 * with a problem+json body, the same shape as every other Brisk error, and closes the connection with a
 * lingering close: the client's bytes never keep it open.
 *
 * Node also reports bytes that follow requests whose answers are still being prepared (`HPE_CLOSED_CONNECTION`
 * after `Connection: close`, or junk after a keep-alive request); node's own handler would write its 400 in
 * front of those answers. Here they go out whole and in order, the bad bytes get no answer, and the
 * connection closes after the last one.
 */
function onClientError(error: Error & { code?: string }, socket: NodeSocket, sendTimeout: number): void {
  if (decided.has(socket)) return
  decided.add(socket)
  if (error.code === 'ECONNRESET') {
    socket.destroy()
    return
  }
  if (!socket.writable) {
    // Node already ends it (its last answer is out): bound how long that may take, write nothing.
    lingeringClose(socket, undefined, sendTimeout)
    return
  }
  // Whatever comes next is never read as a request, nor as the rest of one (after a timeout, node's parser
  // would go on).
  stopParsing(socket)
  const status =
    error.code === 'HPE_HEADER_OVERFLOW' ? 431 : error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400
  const inFlight = socket._httpMessage
  if (inFlight?.req.complete) answerThenClose(socket, status, sendTimeout)
  else refuse(socket, inFlight, status, sendTimeout)
}

/**
 * Refuses the request being read, which is broken or stalled (a body past `requestTimeout`), with `status`.
 * An answer already on the wire cannot be followed by another one. A handler that has not answered yet is
 * refused in its place: node buffers what it still writes (the socket is no longer writable), and its body
 * read fails when the socket closes.
 */
function refuse(
  socket: Socket,
  res: NodeResponse | null | undefined,
  status: number,
  sendTimeout: number,
): void {
  if (res?.headersSent) socket.destroy()
  else lingeringClose(socket, refusal(status), sendTimeout)
}

/**
 * Lets the answer being written go out whole, and after it those queued for pipelined requests that
 * arrived whole before the bad bytes; then closes with a lingering close. A queued request that did not
 * arrive whole is the broken one: it is refused in its turn.
 */
function answerThenClose(socket: NodeSocket, status: number, sendTimeout: number): void {
  const res = socket._httpMessage
  if (res == null) lingeringClose(socket, undefined, sendTimeout)
  else if (!res.req.complete) refuse(socket, res, status, sendTimeout)
  else if (socket.parser?.incoming != null && socket.parser.incoming !== res.req) {
    // Node's own `'finish'` listener, added first, hands the socket to the next queued answer.
    res.once('finish', () => answerThenClose(socket, status, sendTimeout))
  } else {
    // The last request read: its answer is the connection's last (`connection: close` if its head is not
    // written yet). Node ends a connection after its last answer with `socket.destroySoon()` (in
    // `_http_server.js`' `resOnFinish`), which destroys the socket as soon as it is flushed.
    if (!res.headersSent) res.shouldKeepAlive = false
    res._last = true
    socket.destroySoon = () => lingeringClose(socket, undefined, sendTimeout)
  }
}

/**
 * Detaches node's parser from `socket`, so nothing the client still sends becomes a request (or the body of
 * one). Node's server feeds its parser from the socket's handle until a `'data'` listener
 * is added, then from that listener: adding one moves the bytes there, and removing them all drops them.
 */
function stopParsing(socket: Socket): void {
  socket.on('data', ignore)
  socket.removeAllListeners('data')
}

function ignore(): void {}

function closeServer(server: Server, sockets: Set<WebSocket>, grace: number, log: Logger): Promise<void> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()))
  return drainServer(
    {
      closed,
      sockets,
      closeIdle: () => server.closeIdleConnections(),
      closeAll: () => server.closeAllConnections(),
      open: () =>
        new Promise((resolve) => server.getConnections((error, count) => resolve(error ? 0 : count))),
    },
    grace,
    log,
  )
}
