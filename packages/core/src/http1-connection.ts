/**
 * One keep-alive connection of Brisk's own HTTP/1.1 server, and the exchange (request and response) it is
 * serving.
 *
 * Requests on a connection are served one at a time, in order: while a response is pending, bytes of the next
 * pipelined request wait in the buffer, and past {@link PIPELINE_LIMIT} the socket stops reading. A request
 * body that the handler does not read in full costs the connection: the response says `connection: close`,
 * so no unread byte is ever taken for the start of the next request.
 */
import type { Socket } from 'node:net'
import { BadRequest, RequestTimeout } from './errors'
import { ChunkedDecoder, Framing, HeadError, parseHead, type RequestHead } from './http1-parse'

/** What a connection needs from its server. */
export interface ConnectionHost {
  readonly maxHeaderSize: number
  readonly secure: boolean
  /** Set once the server is closing: finished responses close their connection. */
  readonly closing: boolean
  /** `connection: keep-alive` and the `keep-alive: timeout=…` hint, as header lines. */
  readonly keepAliveFields: string
  dispatch(exchange: Exchange): void
  upgrade(head: RequestHead, socket: Socket, rest: Buffer): void
  reject(socket: Socket, error: HeadError): void
  forget(connection: Connection): void
}

/** Unread body bytes an exchange may hold before the socket stops reading. */
const BODY_HIGH_WATER = 64 * 1024
/** Bytes of pipelined requests held while a response is pending, before the socket stops reading. */
const PIPELINE_LIMIT = 64 * 1024
const EMPTY = Buffer.alloc(0)

/**
 * A request being served: its head, its body as it arrives, and the state of its response. It is the raw
 * value the HTTP/1.1 entry hands to the app.
 */
export class Exchange {
  readonly connection: Connection
  readonly head: RequestHead
  readonly started: number
  /** Body bytes received and not read yet. */
  chunks: Buffer[] = []
  queued = 0
  /** The whole body has arrived (or there is none). */
  ended: boolean
  /** Set when the body cannot be read any more (bad chunked framing, the client left). */
  failed: Error | null = null
  /** `100 Continue` has been sent, or was not asked for. */
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

  constructor(connection: Connection, head: RequestHead) {
    this.connection = connection
    this.head = head
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
      this.socket.write('HTTP/1.1 100 Continue\r\n\r\n')
    }
    for (;;) {
      if (this.failed !== null) throw this.failed
      const chunk = this.chunks.shift()
      if (chunk !== undefined) {
        this.queued -= chunk.byteLength
        if (this.queued < BODY_HIGH_WATER) this.connection.resumeReading()
        return chunk
      }
      if (this.ended) return null
      await new Promise<void>((resolve) => {
        this.#wake = resolve
      })
    }
  }

  /** @internal Body bytes from the connection. */
  push(chunk: Buffer): void {
    if (chunk.byteLength === 0) return
    this.chunks.push(chunk)
    this.queued += chunk.byteLength
    if (this.queued >= BODY_HIGH_WATER) this.connection.pauseReading()
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

/** A socket and the parser state between its requests. */
export class Connection {
  readonly socket: Socket
  readonly host: ConnectionHost
  /** Bytes received and not parsed yet. */
  buffer: Buffer | null = null
  current: Exchange | null = null
  /** When the head now arriving began (0: none is arriving). */
  headStarted = 0
  /** Since when the connection has been idle between requests. */
  idleSince: number
  #bodyLeft = 0
  #chunked: ChunkedDecoder | null = null
  #driving = false
  #paused = false
  #draining = false
  #closed = false
  /** The client has sent its FIN: answer what it sent, then close. */
  #peerEnded = false

  constructor(host: ConnectionHost, socket: Socket) {
    this.host = host
    this.socket = socket
    this.idleSince = Date.now()
    socket.on('data', this.#onData)
    socket.on('error', onSocketError)
    socket.on('close', this.#onClose)
    socket.on('end', this.#onEnd)
  }

  /** @internal Stops reading the socket until {@link resumeReading}. */
  pauseReading(): void {
    if (!this.#paused) {
      this.#paused = true
      this.socket.pause()
    }
  }

  /** @internal */
  resumeReading(): void {
    if (this.#paused && !this.#closed && !this.#draining) {
      this.#paused = false
      this.socket.resume()
    }
  }

  /** Whether nothing is in progress: no request arriving, none being served. */
  get idle(): boolean {
    return this.current === null && this.buffer === null
  }

  /** @internal Called by {@link Exchange.finish}. */
  finished(exchange: Exchange): void {
    if (exchange !== this.current) return
    if (!exchange.keepAlive || this.host.closing) {
      this.#close()
      return
    }
    this.current = null
    this.idleSince = Date.now()
    this.headStarted = this.buffer === null ? 0 : this.idleSince
    this.resumeReading()
    if (this.buffer !== null) this.#drive()
    // A client that half-closed gets the answers to the requests it sent, then the connection ends; when
    // this runs inside #drive (a pipelined request answered at once), #drive closes once the buffer is done.
    if (this.#peerEnded && this.current === null && !this.#driving) this.#close()
  }

  #awaitDrain(): void {
    if (this.#draining) return
    this.#draining = true
    this.pauseReading()
    this.socket.once('drain', () => {
      this.#draining = false
      this.resumeReading()
      if (this.buffer !== null && this.current === null) this.#drive()
    })
  }

  /** Parses nothing more from this socket: what is buffered and what still arrives is dropped. */
  #stopReading(): void {
    this.buffer = null
    this.socket.off('data', this.#onData)
  }

  /** Ends the connection after what has been written; reads nothing more. */
  #close(): void {
    if (this.#closed) return
    this.#closed = true
    this.#stopReading()
    this.socket.end()
    // A peer that never reads its last response must not hold the socket forever.
    this.socket.setTimeout(5000, () => this.socket.destroy())
  }

  /** Answers a request that cannot be read with `error.status`, and closes. */
  refuse(error: HeadError): void {
    if (this.#closed) return
    const exchange = this.current
    if (exchange !== null) {
      // The head was fine and the handler runs: its body read fails, the connection closes after it answers.
      exchange.fail(new BadRequest(error.message))
      this.#stopReading()
      return
    }
    this.#closed = true
    this.#stopReading()
    this.host.reject(this.socket, error)
  }

  #onData = (chunk: Buffer): void => {
    if (this.buffer === null) {
      if (this.current === null) this.headStarted = Date.now()
      this.buffer = chunk
    } else {
      this.buffer = Buffer.concat([this.buffer, chunk])
    }
    this.#drive()
  }

  #onEnd = (): void => {
    this.#peerEnded = true
    const exchange = this.current
    // A FIN is how browsers leave (a closed tab, an EventSource closed): streams and readers learn of it
    // now. A response that is still written goes out all the same, for clients that only half-closed.
    if (exchange === null) this.#close()
    else if (!exchange.finished) exchange.abort()
  }

  #onClose = (): void => {
    this.#closed = true
    this.host.forget(this)
    const exchange = this.current
    if (exchange !== null && !exchange.finished) exchange.abort()
  }

  #drive(): void {
    if (this.#driving) return
    this.#driving = true
    try {
      while (this.buffer !== null && !this.#closed && this.#step()) {}
    } catch (error) {
      if (!(error instanceof HeadError)) throw error
      this.refuse(error)
    } finally {
      this.#driving = false
    }
    if (this.#peerEnded && this.current === null) this.#close()
  }

  /** One step of work on the buffer; false when it must wait for more bytes or for the response. */
  #step(): boolean {
    const exchange = this.current
    if (exchange === null) return this.#readHead()
    if (!exchange.ended) this.#readBody(exchange)
    if (exchange.ended && !exchange.finished && this.buffer !== null) {
      if (this.buffer.byteLength > PIPELINE_LIMIT) this.pauseReading()
      return false
    }
    return this.buffer !== null && exchange.finished
  }

  #readHead(): boolean {
    // A client that pipelines requests but does not read the answers: stop taking requests until the
    // answers already written have drained, so its unread responses cannot pile up in memory.
    if (this.socket.writableNeedDrain) {
      this.#awaitDrain()
      return false
    }
    let buf = this.buffer!
    // RFC 9112 §2.2: empty lines before a request line are ignored.
    let start = 0
    while (start + 1 < buf.byteLength && buf[start] === 13 && buf[start + 1] === 10 && start < 8) start += 2
    if (start === buf.byteLength) {
      this.buffer = null
      this.headStarted = 0
      return false
    }
    const end = buf.indexOf('\r\n\r\n', start, 'latin1')
    const max = this.host.maxHeaderSize
    if (end === -1) {
      if (buf.byteLength - start > max) throw new HeadError(431, 'The request head is too large')
      // A head whose lines end in a bare LF would never complete: refuse it now rather than at the timeout.
      for (let lf = buf.indexOf(10, start); lf !== -1; lf = buf.indexOf(10, lf + 1)) {
        if (lf === start || buf[lf - 1] !== 13) throw new HeadError(400, 'A line of the head ends without CR')
      }
      if (start > 0) this.buffer = buf = buf.subarray(start)
      return false
    }
    if (end - start > max) throw new HeadError(431, 'The request head is too large')
    const head = parseHead(buf.toString('latin1', start, end))
    const rest = end + 4
    this.buffer = rest < buf.byteLength ? buf.subarray(rest) : null
    this.headStarted = 0
    if (head.upgrade) {
      this.#closed = true
      this.socket.off('data', this.#onData)
      this.socket.off('close', this.#onClose)
      this.socket.off('end', this.#onEnd)
      this.host.forget(this)
      const left = this.buffer ?? EMPTY
      this.buffer = null
      this.host.upgrade(head, this.socket, left)
      return false
    }
    const exchange = new Exchange(this, head)
    this.current = exchange
    if (head.framing === Framing.Length) this.#bodyLeft = head.length
    else if (head.framing === Framing.Chunked) this.#chunked = new ChunkedDecoder()
    if (!exchange.ended && this.buffer !== null) {
      try {
        this.#readBody(exchange)
      } catch (error) {
        // No handler runs yet: the whole request is refused (400), not just its body.
        this.current = null
        this.#chunked = null
        throw error
      }
    }
    this.host.dispatch(exchange)
    return true
  }

  #readBody(exchange: Exchange): void {
    const buf = this.buffer
    if (buf === null) return
    if (this.#chunked !== null) {
      const used = this.#chunked.push(buf, 0, (data) => exchange.push(data))
      this.buffer = used < buf.byteLength ? buf.subarray(used) : null
      if (this.#chunked.done) {
        this.#chunked = null
        exchange.end()
      }
      return
    }
    const take = Math.min(this.#bodyLeft, buf.byteLength)
    exchange.push(take === buf.byteLength ? buf : buf.subarray(0, take))
    this.buffer = take < buf.byteLength ? buf.subarray(take) : null
    this.#bodyLeft -= take
    if (this.#bodyLeft === 0) exchange.end()
  }

  /** @internal Timeouts, checked by the server's sweep: headers, request body, idle keep-alive. */
  check(now: number, headersTimeout: number, requestTimeout: number, keepAliveTimeout: number): void {
    if (this.#closed) return
    const exchange = this.current
    if (exchange === null) {
      if (this.headStarted !== 0) {
        if (headersTimeout > 0 && now - this.headStarted > headersTimeout) {
          this.refuse(new HeadError(408, 'The request head did not arrive in time'))
        }
      } else if (now - this.idleSince > keepAliveTimeout) {
        this.#closed = true
        this.socket.destroy()
      }
      return
    }
    if (!exchange.ended && requestTimeout > 0 && now - exchange.started > requestTimeout) {
      exchange.fail(new RequestTimeout('The request body did not arrive in time'))
      this.#stopReading()
      if (exchange.headSent) this.socket.destroy()
      else {
        // The handler may still answer; its answer goes nowhere, the 408 is what the client gets.
        exchange.finished = true
        this.current = null
        this.#closed = true
        this.host.reject(this.socket, new HeadError(408, 'The request did not arrive in time'))
      }
    }
  }

  /** @internal Closes a connection with nothing in progress (server shutdown). */
  closeIfIdle(): void {
    if (this.idle && !this.#closed) {
      this.#closed = true
      this.socket.end()
    }
  }
}

function onSocketError(this: Socket): void {
  // A reset or a broken pipe: nothing to answer; 'close' follows and cleans up.
  this.destroy()
}
