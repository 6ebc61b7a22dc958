/**
 * The node side of websockets: the entry that answers HTTP upgrade requests. Request middleware and
 * guards run first (a plugin can refuse with 401/403 before the socket opens); when the route's plan
 * hands back its {@link WebSocketRoute}, the `ws` package performs the handshake.
 */
import type { IncomingMessage } from 'node:http'
import type { Duplex } from 'node:stream'
import type { TLSSocket } from 'node:tls'
import type { WebSocket, WebSocketServer } from 'ws'
import type { Brisk } from '../app/app'
import type { Entry } from '../entries/adapter'
import type { BriskRequest } from '../http/request'
import type { BriskResponse } from '../http/response'
import { WebSocketRoute } from '../http/websocket'
import { responseFor } from '../plan/chain'
import { lingeringClose } from './lingering-close'
import { NodeWebSocket } from './node-websocket'
import { fieldLines, statusLine } from './response-head'

/** An upgrade request as node hands it over, and the set of open sockets of its server. */
export interface UpgradeRaw {
  readonly req: IncomingMessage
  readonly socket: Duplex
  readonly head: Buffer
  readonly sockets: Set<WebSocket>
}

// `ws` is loaded with the first websocket handshake, not with the server: most apps never open one, and
// loading it costs about 20 ms of start-up.
let wsModule: Promise<typeof import('ws')> | undefined

function serverFor(route: WebSocketRoute, ws: typeof import('ws')): WebSocketServer {
  if (route.server === null) {
    const { maxPayload, subprotocols } = route.options
    route.server = new ws.WebSocketServer({
      noServer: true,
      clientTracking: false,
      maxPayload,
      // RFC 6455 §4.2.2: the server picks one of the client's offers; we go by our own order of preference.
      handleProtocols: (offered) => subprotocols.find((p) => offered.has(p)) ?? false,
    })
  }
  return route.server as WebSocketServer
}

function upgrade(raw: UpgradeRaw, req: BriskRequest<any, any>, route: WebSocketRoute): void {
  wsModule ??= import('ws')
  wsModule.then(
    (module) => handshake(serverFor(route, module), raw, req, route),
    (error) => {
      req.app.log.error({ err: error, reqId: req.id, path: req.path }, 'websocket support could not load')
      raw.socket.destroy()
    },
  )
}

function handshake(
  server: WebSocketServer,
  raw: UpgradeRaw,
  req: BriskRequest<any, any>,
  route: WebSocketRoute,
): void {
  server.handleUpgrade(raw.req, raw.socket, raw.head, (ws) => {
    raw.sockets.add(ws)
    ws.once('close', () => raw.sockets.delete(ws))
    const socket = new NodeWebSocket(ws, route.options)
    Promise.resolve()
      .then(() => route.handler(req, socket))
      .then(
        () => socket.close(1000),
        (error) => {
          req.app.log.error({ err: error, reqId: req.id, path: req.path }, 'websocket handler failed')
          socket.close(1011, 'Internal error')
        },
      )
  })
}

/**
 * Writes an HTTP response on a socket that left HTTP parsing for an upgrade that did not happen, and closes
 * it with a lingering close (the client's bytes are dropped and never keep it open). Streams are not sent
 * here (a websocket route's guard answers with a small body); HEAD, 204 and 304 get no body. Throws, before
 * writing anything, on a header that cannot go on the wire.
 */
function writeRaw(socket: Duplex, res: BriskResponse, method: string, sendTimeout: number): void {
  const { lines } = fieldLines(res.headers)
  const bytes =
    typeof res.body === 'string'
      ? Buffer.from(res.body)
      : res.body instanceof Uint8Array
        ? Buffer.from(res.body)
        : Buffer.alloc(0)
  if (res.body instanceof ReadableStream) res.body.cancel().catch(() => {})
  const bodiless = method === 'HEAD' || res.status === 204 || res.status === 304
  const head = Buffer.from(
    `${statusLine(res.status)}${lines}content-length: ${bytes.byteLength}\r\nconnection: close\r\n\r\n`,
    'latin1',
  )
  lingeringClose(socket, bodiless ? head : Buffer.concat([head, bytes]), sendTimeout)
}

/** The upgrade entry, shared by every upgrade request of every node server. */
export const upgradeEntry: Entry<UpgradeRaw, void> = {
  readBody: async () => new Uint8Array(0),
  async *bodyStream() {},
  remoteAddress: (raw) => raw.req.socket.remoteAddress,
  protocol: (raw) => ((raw.req.socket as TLSSocket).encrypted ? 'https' : 'http'),
  respond(raw, req, result, fallback) {
    if (result instanceof WebSocketRoute) return upgrade(raw, req, result)
    const method = raw.req.method!
    // `app.handle()` builds every request with the app itself as its host.
    const sendTimeout = (req.app as Brisk<any>).config.sendTimeout
    try {
      writeRaw(raw.socket, responseFor(result, req, fallback), method, sendTimeout)
    } catch (error) {
      writeRaw(raw.socket, fallback(error, req), method, sendTimeout) // a header that would split the head: a 500
    }
  },
}
