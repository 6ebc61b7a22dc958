/**
 * Streaming responses and server-sent events. The body is a Web `ReadableStream`, so the same handler
 * streams on the node server and through `app.fetch`; a write waits while the client is not reading
 * (backpressure), and the producer's signal aborts when the client goes away.
 */
import { BriskResponse, type ResponseInit } from './response'

/** Writes a chunk; resolves once the stream wants more. */
export type StreamWrite = (chunk: string | Uint8Array) => Promise<void>

const encoder = new TextEncoder()

/**
 * A streaming response: `producer` writes chunks until it returns; the response ends then.
 *
 * @example
 * app.get('/count', () => stream(async (write) => {
 *   for (let i = 0; i < 3; i++) await write(`${i}\n`)
 * }))
 */
export function stream(
  producer: (write: StreamWrite, signal: AbortSignal) => void | Promise<void>,
  init: ResponseInit = {},
): BriskResponse {
  if (typeof producer !== 'function')
    throw new TypeError('stream(): expected a function (write, signal) => …')
  const abort = new AbortController()
  let wake: (() => void) | null = null
  let controller!: ReadableStreamDefaultController<Uint8Array>
  const write: StreamWrite = (chunk) => {
    if (abort.signal.aborted) return Promise.resolve() // the client left: writes go nowhere
    controller.enqueue(typeof chunk === 'string' ? encoder.encode(chunk) : chunk)
    if ((controller.desiredSize ?? 1) > 0) return Promise.resolve()
    return new Promise<void>((resolve) => {
      wake = resolve
    })
  }
  const body = new ReadableStream<Uint8Array>(
    {
      start(c) {
        controller = c
        Promise.resolve()
          .then(() => producer(write, abort.signal))
          .then(
            () => {
              if (!abort.signal.aborted) controller.close()
            },
            (error) => {
              if (!abort.signal.aborted) controller.error(error)
            },
          )
      },
      pull() {
        const resume = wake
        wake = null
        resume?.()
      },
      cancel() {
        abort.abort()
        const resume = wake
        wake = null
        resume?.()
      },
    },
    { highWaterMark: 16 },
  )
  const headers: Record<string, string | string[]> = {
    'content-type': 'application/octet-stream',
    ...init.headers,
  }
  return new BriskResponse(body, init.status ?? 200, headers)
}

/** One server-sent event. */
export interface ServerSentEvent {
  /** The payload; a non-string is sent as JSON. Newlines become several `data:` lines. */
  data: unknown
  /** The event type (`event:`). */
  event?: string
  /** The event id (`id:`), which the browser sends back as `Last-Event-ID` on reconnect. */
  id?: string
  /** Milliseconds the browser should wait before reconnecting (`retry:`). */
  retry?: number
}

/** Options of `sse()`. */
export interface SSEOptions extends ResponseInit {
  /** Milliseconds between `: heartbeat` comments that keep proxies from closing an idle stream; 0 for none. @default 15000 */
  heartbeat?: number
}

/** Sends one event (a string or a {@link ServerSentEvent}). */
export type SSESend = (event: ServerSentEvent | string) => Promise<void>

function field(name: string, value: string): string {
  if (/[\r\n]/.test(value))
    throw new TypeError(`sse(): the ${name} of an event must not contain a line break`)
  return `${name}: ${value}\n`
}

/**
 * Formats one event in the `text/event-stream` syntax (WHATWG HTML §9.2).
 *
 * @example
 * formatEvent({ event: 'tick', data: { n: 1 } }) // 'event: tick\ndata: {"n":1}\n\n'
 */
export function formatEvent(event: ServerSentEvent | string): string {
  const e: ServerSentEvent = typeof event === 'string' ? { data: event } : event
  let out = ''
  if (e.event !== undefined) out += field('event', e.event)
  if (e.id !== undefined) out += field('id', e.id)
  if (e.retry !== undefined) {
    if (!Number.isInteger(e.retry) || e.retry < 0)
      throw new TypeError('sse(): retry must be a whole number of milliseconds')
    out += `retry: ${e.retry}\n`
  }
  const data = typeof e.data === 'string' ? e.data : JSON.stringify(e.data)
  for (const line of data.split(/\r\n|\r|\n/)) out += `data: ${line}\n`
  return `${out}\n`
}

/**
 * A server-sent events response, with a heartbeat comment on idle streams.
 *
 * @example
 * app.get('/events', () => sse(async (send, signal) => {
 *   while (!signal.aborted) { await send({ event: 'tick', data: { at: Date.now() } }); await sleep(1000) }
 * }))
 */
export function sse(
  producer: (send: SSESend, signal: AbortSignal) => void | Promise<void>,
  options: SSEOptions = {},
): BriskResponse {
  const heartbeat = options.heartbeat ?? 15_000
  if (!Number.isFinite(heartbeat) || heartbeat < 0)
    throw new TypeError('sse(): heartbeat must be a number of milliseconds ≥ 0')
  return stream(
    async (write, signal) => {
      const timer = heartbeat > 0 ? setInterval(() => void write(': heartbeat\n\n'), heartbeat) : undefined
      try {
        await producer((event) => write(formatEvent(event)), signal)
      } finally {
        clearInterval(timer)
      }
    },
    {
      status: options.status,
      headers: {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache',
        'x-accel-buffering': 'no', // nginx would otherwise buffer the stream
        ...options.headers,
      },
    },
  )
}
