/**
 * One request being served on a connection of Brisk's own HTTP/1.1 server: its head, its body as it arrives,
 * and the state of its response. It is the raw value the HTTP/1.1 entry hands to the app.
 */
import type { Socket } from 'node:net'
import { BadRequest } from '../http/errors'
import { BodyQueue } from './body-queue'
import type { Connection } from './http1-connection'
import { Framing, type RequestHead } from './http1-parse'

/** Unread body bytes an exchange may hold before the socket stops reading. */
const BODY_HIGH_WATER = 64 * 1024

/**
 * A request and its response on one connection.
 *
 * @example
 * for (let piece = await exchange.read(); piece !== null; piece = await exchange.read()) use(piece)
 */
export class Exchange {
  readonly connection: Connection
  readonly head: RequestHead
  readonly started: number
  /** Body bytes received and not read yet. */
  readonly body = new BodyQueue()
  /** Milliseconds the whole request may take to arrive; the route's own value once its handler reads the body. */
  timeout: number
  /** The whole body has arrived (or there is none). */
  ended: boolean
  /** Set when the body cannot be read any more (bad chunked framing, the client left). */
  failed: Error | null = null
  /** `100 Continue` has been sent, or was not asked for, or can no longer be sent. */
  continued: boolean
  headSent = false
  finished = false
  /** Whether the connection stays open after this response; decided when the head is written. */
  keepAlive = false
  /** The client left before the response finished. */
  aborted = false
  /** Called once if the client leaves before the response finished. */
  onAbort: (() => void) | null = null
  #wake: (() => void) | null = null

  constructor(connection: Connection, head: RequestHead, timeout: number) {
    this.connection = connection
    this.head = head
    this.timeout = timeout
    this.started = Date.now()
    this.ended = head.framing === Framing.None
    this.continued = !head.expectContinue
  }

  /** The socket the response goes to. */
  get socket(): Socket {
    return this.connection.socket
  }

  /** The next piece of the body, or `null` at its end; rejects if it cannot be read. */
  async read(): Promise<Buffer | null> {
    if (!this.continued) {
      this.continued = true
      // Once the response head is out, an interim 100 would land inside the response and corrupt it.
      if (!this.headSent) this.socket.write('HTTP/1.1 100 Continue\r\n\r\n')
    }
    for (;;) {
      if (this.failed !== null) throw this.failed
      const piece = this.body.shift()
      if (piece !== undefined) {
        if (this.body.bytes < BODY_HIGH_WATER) this.connection.resumeReading()
        return piece
      }
      if (this.ended) return null
      await new Promise<void>((resolve) => {
        this.#wake = resolve
      })
    }
  }

  /** @internal Body bytes from the connection. */
  push(piece: Buffer): void {
    if (piece.byteLength === 0) return
    this.body.push(piece)
    if (this.body.bytes >= BODY_HIGH_WATER) this.connection.pauseReading()
    this.#notify()
  }

  /** @internal The body is complete. */
  end(): void {
    this.ended = true
    this.#notify()
  }

  /** @internal The body cannot be read further. */
  fail(error: Error): void {
    if (this.failed === null) this.failed = error
    this.#notify()
  }

  /** Marks the response as complete; the connection moves on to the next request or closes. */
  finish(): void {
    if (this.finished) return
    this.finished = true
    this.connection.finished(this)
  }

  /** @internal The client left (or half-closed) before the response finished. */
  abort(): void {
    this.aborted = true
    if (!this.ended) this.fail(new BadRequest('The client closed the connection'))
    const onAbort = this.onAbort
    this.onAbort = null
    onAbort?.()
  }

  #notify(): void {
    const wake = this.#wake
    if (wake !== null) {
      this.#wake = null
      wake()
    }
  }
}
