/**
 * A raw TCP client for the server tests: it writes bytes exactly as given and keeps every byte it receives, so
 * tests see the wire, not what an HTTP client makes of it.
 */
import { once } from 'node:events'
import { connect, type Socket } from 'node:net'

const EMPTY = Buffer.alloc(0)

/** Resolves after `ms` milliseconds. */
export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

/** One response as it came off the wire. */
export interface Res {
  status: number
  statusLine: string
  /** Every header field in order, names lower-cased (repeated fields stay separate). */
  fields: [string, string][]
  /** The last value of each field. */
  headers: Record<string, string>
  body: Buffer
  /** The body bytes as sent, framing included (latin1). */
  rawBody: string
}

/**
 * Reads one response from the front of `buf`, or undefined if it is not complete yet. Bodies are framed by
 * `transfer-encoding: chunked`, `content-length`, or (neither) the connection closing.
 */
export function parseResponse(
  buf: Buffer,
  closed: boolean,
  noBody: boolean,
): { res: Res; used: number } | undefined {
  const end = buf.indexOf('\r\n\r\n')
  if (end === -1) return undefined
  const [statusLine = '', ...lines] = buf.toString('latin1', 0, end).split('\r\n')
  const status = Number(statusLine.split(' ')[1])
  const fields: [string, string][] = []
  const headers: Record<string, string> = {}
  for (const line of lines) {
    const colon = line.indexOf(':')
    const name = line.slice(0, colon).toLowerCase()
    const value = line.slice(colon + 1).trim()
    fields.push([name, value])
    headers[name] = value
  }
  const start = end + 4
  let pos = start
  let body: Buffer
  if (noBody || status < 200 || status === 204 || status === 304) {
    body = EMPTY
  } else if (headers['transfer-encoding'] === 'chunked') {
    const parts: Buffer[] = []
    for (;;) {
      const nl = buf.indexOf('\r\n', pos)
      if (nl === -1) return undefined
      const size = Number.parseInt(buf.toString('latin1', pos, nl).split(';')[0]!, 16)
      if (Number.isNaN(size))
        throw new Error(`a bad chunk size from the server: ${buf.toString('latin1', pos)}`)
      if (size === 0) {
        if (buf.length < nl + 4) return undefined
        pos = nl + 4
        break
      }
      if (buf.length < nl + 2 + size + 2) return undefined
      parts.push(buf.subarray(nl + 2, nl + 2 + size))
      pos = nl + 2 + size + 2
    }
    body = Buffer.concat(parts)
  } else if (headers['content-length'] !== undefined) {
    const length = Number(headers['content-length'])
    if (buf.length < pos + length) return undefined
    body = buf.subarray(pos, pos + length)
    pos += length
  } else {
    if (!closed) return undefined
    body = buf.subarray(pos)
    pos = buf.length
  }
  return {
    res: { status, statusLine, fields, headers, body, rawBody: buf.toString('latin1', start, pos) },
    used: pos,
  }
}

const opened = new Set<Raw>()

/** Destroys every raw client opened so far (for `afterEach`). */
export function closeRawClients(): void {
  for (const raw of opened) raw.socket.destroy()
  opened.clear()
}

/** A raw TCP client: writes bytes as given, keeps every byte received, never hangs (10 s socket timeout). */
export class Raw {
  readonly socket: Socket
  readonly closed: Promise<void>
  isClosed = false
  /** Every byte received. */
  all = EMPTY
  /** Bytes received and not taken by `response()` yet. */
  data = EMPTY
  #waiters = new Set<() => void>()

  /**
   * `halfOpen`: the client does not close its side when the server closes its own (as node's sockets do by
   * default); with it, the client is one that keeps sending after the server's FIN.
   */
  constructor(port: number, { halfOpen = false }: { halfOpen?: boolean } = {}) {
    this.socket = connect({ port, host: '127.0.0.1', noDelay: true, allowHalfOpen: halfOpen })
    this.socket.setTimeout(10_000, () => this.socket.destroy())
    this.socket.on('error', () => {}) // resets are part of some tests
    this.socket.on('data', (chunk: Buffer) => {
      this.all = Buffer.concat([this.all, chunk])
      this.data = Buffer.concat([this.data, chunk])
      this.#wake()
    })
    this.closed = new Promise((resolve) =>
      this.socket.once('close', () => {
        this.isClosed = true
        this.#wake()
        resolve()
      }),
    )
    opened.add(this)
  }

  #wake(): void {
    for (const wake of this.#waiters) wake()
    this.#waiters.clear()
  }

  async ready(): Promise<void> {
    if (!this.socket.connecting) return
    await once(this.socket, 'connect')
  }

  /** Everything received, as latin1. */
  get text(): string {
    return this.all.toString('latin1')
  }

  write(data: string | Uint8Array): void {
    this.socket.write(typeof data === 'string' ? Buffer.from(data, 'latin1') : data)
  }

  /** Waits until `check` returns a value; fails on timeout or if the connection closes first. */
  async until<T>(check: () => T | undefined, what: string, ms = 4000): Promise<T> {
    const deadline = Date.now() + ms
    for (;;) {
      const value = check()
      if (value !== undefined) return value
      if (this.isClosed) {
        throw new Error(
          `the connection closed while waiting for ${what}; received ${JSON.stringify(this.text)}`,
        )
      }
      const left = deadline - Date.now()
      if (left <= 0) throw new Error(`timed out waiting for ${what}; received ${JSON.stringify(this.text)}`)
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left)
        this.#waiters.add(() => {
          clearTimeout(timer)
          resolve()
        })
      })
    }
  }

  /** The next complete response (`head`: the request was a HEAD, so no body follows). */
  response(options: { head?: boolean; ms?: number } = {}): Promise<Res> {
    return this.until(
      () => {
        const parsed = parseResponse(this.data, this.isClosed, options.head === true)
        if (parsed === undefined) return undefined
        this.data = this.data.subarray(parsed.used)
        return parsed.res
      },
      'a response',
      options.ms,
    )
  }

  async responses(count: number): Promise<Res[]> {
    const out: Res[] = []
    for (let i = 0; i < count; i++) out.push(await this.response())
    return out
  }

  /** Whether the server closed the connection within `ms`. */
  async closedWithin(ms: number): Promise<boolean> {
    return Promise.race([this.closed.then(() => true), sleep(ms).then(() => false)])
  }
}
