/**
 * One request being served on a connection of Brisk's own HTTP/1.1 server: its head, its body as it arrives,
 * and the state of its response. It is the raw value the HTTP/1.1 entry hands to the app.
 */
import type { Socket } from 'node:net'
import { concatChunks } from '../entries/adapter'
import { BadRequest, PayloadTooLarge } from '../http/errors'
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
  /** Body bytes received and not read yet; made with the first piece, so a request without a body costs none. */
  #body: BodyQueue | null = null
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

  /** Body bytes received and not read yet. */
  get buffered(): number {
    return this.#body === null ? 0 : this.#body.bytes
  }

  /**
   * The body not read yet, taken now, when all of it has arrived: one piece as it came (a body that arrived
   * with its head, the common case), else the pieces in one buffer. `null` when the body
   * is still arriving or cannot be read (then {@link read} says why). A body over `limit` bytes is left unread
   * and throws {@link PayloadTooLarge}.
   */
  takeWhole(limit: number): Uint8Array | null {
    if (!this.ended || this.failed !== null) return null
    const bytes = this.buffered
    if (bytes === 0) return new Uint8Array(0)
    if (bytes > limit) throw new PayloadTooLarge(limit) // a chunked body that arrived whole
    return concatChunks(this.#body!.takeAll(), bytes)
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
      const body = this.#body
      const piece = body === null ? undefined : body.shift()
      if (piece !== undefined) {
        if (body!.bytes < BODY_HIGH_WATER) this.connection.resumeReading()
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
    const body = (this.#body ??= new BodyQueue())
    body.push(piece)
    if (body.bytes >= BODY_HIGH_WATER) this.connection.pauseReading()
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
