/**
 * WebSocket routes, the runtime-neutral half: options and the socket type a handler sees. The node half
 * (the upgrade itself, built on the `ws` package) is in `upgrade.ts`, loaded only by the node server, so
 * importing the core on a Web-standard runtime never pulls `ws` in.
 */
import { parseBytes } from './body-parse'
import type { BriskRequest } from './request'

/** Options of `app.websocket()`. */
export interface WebSocketOptions {
  /** Largest incoming message, in bytes or as `'1mb'`; a bigger one closes the socket with 1009. @default '1mb' */
  maxPayload?: number | string
  /** Milliseconds between pings; a peer that has not answered the previous ping is dropped. 0 turns pings off. @default 30000 */
  pingInterval?: number
  /** Subprotocols this route speaks, in order of preference; one the client offers is chosen. @default [] */
  subprotocols?: readonly string[]
  /** Bytes queued for sending past which `await ws.send()` waits for the queue to drain. @default 65536 */
  highWaterMark?: number
  /** Messages queued unread past which reading from the peer pauses until the handler catches up. @default 64 */
  maxQueued?: number
}

/** A message: text frames are strings, binary frames bytes. */
export type WebSocketMessage = string | Uint8Array

/**
 * The socket a websocket handler gets: incoming messages are an async iterable.
 *
 * @example
 * app.websocket('/ws/echo', async (req, ws) => {
 *   for await (const message of ws) await ws.send(message)
 * })
 */
export interface BriskWebSocket extends AsyncIterable<WebSocketMessage> {
  /** The subprotocol chosen, or `''`. */
  readonly protocol: string
  /** True once a close frame has been sent or received, or the connection is gone. */
  readonly isClosed: boolean
  /** Resolves with the close code and reason when the connection ends. */
  readonly closed: Promise<{ code: number; reason: string }>
  /** Sends text or bytes; resolves when the send queue is below `highWaterMark` again (backpressure). */
  send(data: WebSocketMessage): Promise<void>
  /** Starts the closing handshake. @default code 1000 */
  close(code?: number, reason?: string): void
}

/** A websocket route handler. */
export type WebSocketHandler<P = Record<string, unknown>, C extends object = {}> = (
  req: BriskRequest<P, C>,
  ws: BriskWebSocket,
) => void | Promise<void>

/** Resolved websocket options. */
export interface ResolvedWebSocketOptions {
  readonly maxPayload: number
  readonly pingInterval: number
  readonly subprotocols: readonly string[]
  readonly highWaterMark: number
  readonly maxQueued: number
}

/**
 * What a websocket route's plan returns once its request middleware let the request through: the node
 * server's upgrade entry sees it and switches protocols. Made once per route, at registration.
 */
export class WebSocketRoute {
  readonly handler: WebSocketHandler<any, any>
  readonly options: ResolvedWebSocketOptions
  /** @internal The `ws` server for this route, made by the node side on first upgrade. */
  server: unknown = null

  constructor(handler: WebSocketHandler<any, any>, options: WebSocketOptions = {}) {
    const pingInterval = options.pingInterval ?? 30_000
    if (!Number.isFinite(pingInterval) || pingInterval < 0) {
      throw new TypeError('websocket(): pingInterval must be a number of milliseconds ≥ 0')
    }
    const subprotocols = options.subprotocols ?? []
    if (!Array.isArray(subprotocols) || subprotocols.some((p) => typeof p !== 'string' || p.length === 0)) {
      throw new TypeError('websocket(): subprotocols must be an array of non-empty strings')
    }
    this.handler = handler
    this.options = Object.freeze({
      maxPayload: parseBytes(options.maxPayload ?? '1mb'),
      pingInterval,
      subprotocols: Object.freeze([...subprotocols]),
      highWaterMark: options.highWaterMark ?? 65_536,
      maxQueued: options.maxQueued ?? 64,
    })
  }
}

/** The pseudo-method websocket routes are filed under in the router, so they never answer plain GETs. */
export const WS_METHOD = 'WS'
