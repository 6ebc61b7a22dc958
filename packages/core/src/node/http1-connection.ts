/**
 * One keep-alive connection of Brisk's own HTTP/1.1 server: the socket, the parser state between requests, and
 * the exchange (request and response) it is serving.
 *
 * Requests on a connection are served one at a time, in order: while a response is pending, bytes of the next
 * pipelined request wait in the buffer, and past {@link PIPELINE_LIMIT} the socket stops reading. Answers to
 * pipelined requests that are ready in the same tick leave in one write ({@link Connection.batch}). A request
 * body that the handler does not read in full costs the connection: the response says `connection: close`,
 * so no unread byte is ever taken for the start of the next request. A connection that ends does so with a
 * lingering close (`lingering-close.ts`): nothing the client sends after that can hold it open.
 */
import type { Socket } from 'node:net'
import { BadRequest, RequestTimeout } from '../http/errors'
import { Exchange } from './http1-exchange'
import { ChunkedDecoder, Framing, HeadError, parseHead, type RequestHead } from './http1-parse'
import { lingeringClose, SendWatch } from './lingering-close'

/** The server's timeouts, in milliseconds (0 turns the headers and request timeouts off). */
export interface Timeouts {
  /** For a request head to arrive. */
  readonly headers: number
  /** For a whole request to arrive, unless its route says otherwise. */
  readonly request: number
  /** For an idle connection (nothing arriving, nothing left to send) to be closed. */
  readonly keepAlive: number
  /** For a client to take a byte of what waits to be sent to it. */
  readonly send: number
}

/** What a connection needs from its server. */
export interface ConnectionHost {
  readonly maxHeaderSize: number
  readonly secure: boolean
  /** Set once the server is closing: finished responses close their connection. */
  readonly closing: boolean
  /** `connection: keep-alive` and the `keep-alive: timeout=…` hint, as header lines. */
  readonly keepAliveFields: string
  readonly timeouts: Timeouts
  dispatch(exchange: Exchange): void
  upgrade(head: RequestHead, socket: Socket, rest: Buffer): void
  /** The bytes of the answer to a request that cannot be read. */
  refusal(error: HeadError): string
  forget(connection: Connection): void
}

/** Bytes of pipelined requests held while a response is pending, before the socket stops reading. */
const PIPELINE_LIMIT = 64 * 1024
const EMPTY = Buffer.alloc(0)
/**
 * How many bytes the first look at a head copies out as text: most heads are shorter (a browser's, cookies
 * and all, is about 0.5–1.5 KiB), and a longer one is found in the buffer past it. Bounded, so the copy stays
 * small when a large body, or many pipelined requests, follow the head in the same bytes.
 */
const FIRST_LOOK = 2048

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
  /** How much of the head now arriving has been searched already, so a head sent byte by byte costs O(n). */
  #scanned = 0
  /** A buffer of our own that `buffer` grows into, so bytes arriving one at a time are not copied again each time. */
  #store: Buffer | null = null
  readonly #send = new SendWatch()
  #driving = false
  #paused = false
  #draining = false
  #closed = false
  /** The client has sent its FIN: answer what it sent, then close. */
  #peerEnded = false
  /** The socket is corked by {@link batch} until the end of this tick. */
  #batching = false

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

  /**
   * @internal Called before a response is written while more pipelined requests wait in the buffer: the
   * socket is corked until the end of this tick, so the answers to requests that are ready together (sync
   * handlers, or async ones that settle in the same round of microtasks) leave in one write (one `writev`)
   * instead of one each. Order is kept: they are queued in the socket in the order they were written.
   */
  batch(): void {
    if (this.#batching || this.#closed) return
    this.#batching = true
    this.socket.cork()
    process.nextTick(flushBatch, this)
  }

  /** @internal Sends what {@link batch} holds, now; before anything that may destroy the socket, too. */
  flush(): void {
    if (!this.#batching) return
    this.#batching = false
    this.socket.uncork()
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
    this.#store = null
    this.socket.off('data', this.#onData)
  }

  /** Ends the connection after what has been written; reads nothing more. */
  #close(answer?: string): void {
    if (this.#closed) return
    this.#closed = true
    this.#stopReading()
    lingeringClose(this.socket, answer, this.host.timeouts.send)
  }

  /** Cuts the connection at once. */
  #destroy(): void {
    this.#closed = true
    this.flush() // answers already complete go out first
    this.socket.destroy()
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
    this.#close(this.host.refusal(error))
  }

  #onData = (chunk: Buffer): void => {
    const buf = this.buffer
    if (buf === null) {
      if (this.current === null) this.headStarted = Date.now()
      this.buffer = chunk
    } else {
      this.buffer = this.#append(buf, chunk)
    }
    this.#drive()
  }

  /**
   * `buf` followed by `chunk`. The bytes go into a buffer of our own that doubles when full, so a client that
   * sends its request a byte at a time costs O(n) copies in all rather than O(n²). Only bytes past the end of
   * `buf` are ever written, so pieces of the body handed out earlier are never touched.
   */
  #append(buf: Buffer, chunk: Buffer): Buffer {
    const store = this.#store
    const end = buf.byteOffset + buf.byteLength
    if (store !== null && buf.buffer === store.buffer && end + chunk.byteLength <= store.byteLength) {
      chunk.copy(store, end)
      return store.subarray(buf.byteOffset, end + chunk.byteLength)
    }
    const size = buf.byteLength + chunk.byteLength
    const next = Buffer.allocUnsafeSlow(Math.max(4096, size * 2))
    buf.copy(next, 0)
    chunk.copy(next, buf.byteLength)
    this.#store = next
    return next.subarray(0, size)
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
      this.#scanned = 0
      return false
    }
    // The first look at a head copies its first bytes out as text, which the parser reads too: one copy, and
    // a search in a string (cheap), instead of a search in the buffer (a call into node) and a copy after it.
    // Later looks, at a head still arriving, search only the bytes that arrived since (less 3, for a CRLFCRLF
    // cut in two), in the buffer: a head sent a byte at a time costs O(n), not a copy per byte.
    let text: string | null = null
    let end: number
    if (this.#scanned === 0) {
      const stop = Math.min(buf.byteLength, start + FIRST_LOOK)
      text = buf.toString('latin1', start, stop)
      const at = text.indexOf('\r\n\r\n')
      if (at !== -1) end = start + at
      else {
        text = null
        end = stop < buf.byteLength ? buf.indexOf('\r\n\r\n', stop - 3, 'latin1') : -1
      }
    } else end = buf.indexOf('\r\n\r\n', Math.max(start, this.#scanned - 3), 'latin1')
    const max = this.host.maxHeaderSize
    if (end === -1) {
      if (buf.byteLength - start > max) throw new HeadError(431, 'The request head is too large')
      // A head whose lines end in a bare LF would never complete: refuse it now rather than at the timeout.
      for (
        let lf = buf.indexOf(10, Math.max(start, this.#scanned));
        lf !== -1;
        lf = buf.indexOf(10, lf + 1)
      ) {
        if (lf === start || buf[lf - 1] !== 13) throw new HeadError(400, 'A line of the head ends without CR')
      }
      if (start > 0) this.buffer = buf = buf.subarray(start)
      this.#scanned = buf.byteLength
      return false
    }
    this.#scanned = 0
    if (end - start > max) throw new HeadError(431, 'The request head is too large')
    const head = text !== null ? parseHead(text, end - start) : parseHead(buf.toString('latin1', start, end))
    const rest = end + 4
    this.buffer = rest < buf.byteLength ? buf.subarray(rest) : null
    this.headStarted = 0
    // The socket leaves HTTP: an upgrade, or a tunnel (RFC 9110 §9.3.6: after CONNECT the bytes are not HTTP).
    if (head.upgrade || head.method === 'CONNECT') {
      this.#closed = true
      this.socket.off('data', this.#onData)
      this.socket.off('close', this.#onClose)
      this.socket.off('end', this.#onEnd)
      this.host.forget(this)
      this.flush() // the answers before the upgrade leave before its handshake
      const left = this.buffer ?? EMPTY
      this.buffer = null
      this.host.upgrade(head, this.socket, left)
      return false
    }
    const exchange = new Exchange(this, head, this.host.timeouts.request)
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

  /**
   * @internal Timeouts, checked by the server's sweep: a client that takes nothing of what waits to be sent,
   * the head, the request, an idle keep-alive connection. A connection is idle only when nothing arrives, no
   * request is served, and nothing is left to send: a client that reads a large answer slowly is not idle.
   */
  check(now: number): void {
    if (this.#closed) return
    const timeouts = this.host.timeouts
    if (this.#send.stalled(this.socket, now, timeouts.send)) {
      this.#destroy()
      return
    }
    const exchange = this.current
    if (exchange === null) {
      if (this.headStarted !== 0) {
        if (timeouts.headers > 0 && now - this.headStarted > timeouts.headers) {
          this.refuse(new HeadError(408, 'The request head did not arrive in time'))
        }
      } else if (this.socket.writableLength > 0) {
        this.idleSince = now
      } else if (now - this.idleSince > timeouts.keepAlive) {
        this.#destroy()
      }
      return
    }
    if (!exchange.ended && exchange.timeout > 0 && now - exchange.started > exchange.timeout) {
      exchange.fail(new RequestTimeout('The request body did not arrive in time'))
      this.#stopReading()
      if (exchange.headSent) this.#destroy()
      else {
        // The handler may still answer; its answer goes nowhere, the 408 is what the client gets.
        exchange.finished = true
        this.current = null
        this.#close(this.host.refusal(new HeadError(408, 'The request did not arrive in time')))
      }
    }
  }

  /** @internal Closes a connection with nothing in progress (server shutdown). */
  closeIfIdle(): void {
    if (this.idle) this.#close()
  }
}

function flushBatch(connection: Connection): void {
  connection.flush()
}

function onSocketError(this: Socket): void {
  // A reset or a broken pipe: nothing to answer; 'close' follows and cleans up.
  this.destroy()
}
