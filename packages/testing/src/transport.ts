/**
 * The two ways a request reaches the app: `app.inject` (no socket) and a real HTTP request to the live
 * server on a loopback port. Both take the same wire request and give back the same wire response, which is
 * what makes the two modes interchangeable.
 */
import { type Agent, request as httpRequest, type IncomingMessage } from 'node:http'
import { request as httpsRequest } from 'node:https'
import type { Brisk } from '@brisk/core'
import { TestClientError } from './errors'

/** A request as it goes on the wire. */
export interface WireRequest {
  readonly method: string
  /** Path and query. */
  readonly url: string
  /** Lower-case names. */
  readonly headers: Record<string, string | string[]>
  readonly body: Uint8Array | undefined
}

/** A response as it came off the wire, fully read. */
export interface WireResponse {
  readonly status: number
  readonly headers: Headers
  readonly body: Uint8Array
}

/**
 * Sends `wire` through `app.inject`.
 *
 * @example
 * const res = await sendInject(app, { method: 'GET', url: '/', headers: {}, body: undefined })
 */
export async function sendInject(app: Brisk<any>, wire: WireRequest): Promise<WireResponse> {
  const res = await app.inject({
    method: wire.method,
    url: wire.url,
    headers: wire.headers,
    ...(wire.body === undefined ? {} : { body: wire.body }),
  })
  const pairs: [string, string][] = []
  for (const [name, value] of Object.entries(res.headers)) {
    for (const one of Array.isArray(value) ? value : [value]) pairs.push([name, one])
  }
  return { status: res.status, headers: toHeaders(pairs), body: res.rawBody }
}

/**
 * Sends `wire` to the live server at `base` (`http://127.0.0.1:port`) with node's HTTP client.
 *
 * @example
 * const res = await sendHttp('http://127.0.0.1:8000', agent, wire)
 */
export function sendHttp(base: string, agent: Agent, wire: WireRequest): Promise<WireResponse> {
  const target = new URL(base)
  const secure = target.protocol === 'https:'
  const send = secure ? httpsRequest : httpRequest
  return new Promise((resolve, reject) => {
    const req = send(
      {
        host: target.hostname.replace(/^\[|\]$/g, ''),
        port: target.port,
        method: wire.method,
        path: wire.url,
        headers: wire.headers,
        agent,
        // A test server on loopback uses a self-signed certificate; there is nothing to verify.
        ...(secure ? { rejectUnauthorized: false } : {}),
      },
      (res: IncomingMessage) => {
        const chunks: Buffer[] = []
        res.on('data', (chunk: Buffer) => chunks.push(chunk))
        res.on('error', (error) => reject(networkError(wire, error)))
        res.on('end', () => {
          const pairs: [string, string][] = []
          // rawHeaders keeps every repeated header; res.headers would join or drop some of them.
          for (let i = 0; i + 1 < res.rawHeaders.length; i += 2)
            pairs.push([res.rawHeaders[i]!, res.rawHeaders[i + 1]!])
          try {
            const body = Buffer.concat(chunks)
            resolve({
              status: res.statusCode ?? 0,
              headers: toHeaders(pairs),
              body: new Uint8Array(body.buffer, body.byteOffset, body.byteLength),
            })
          } catch (error) {
            reject(error)
          }
        })
      },
    )
    req.on('error', (error) => reject(networkError(wire, error)))
    req.end(
      wire.body === undefined
        ? undefined
        : Buffer.from(wire.body.buffer, wire.body.byteOffset, wire.body.byteLength),
    )
  })
}

function networkError(wire: WireRequest, error: Error): TestClientError {
  return new TestClientError(
    'BRISK_TEST_ERR_NETWORK',
    `${wire.method} ${wire.url} failed against the live server: ${error.message} (was the app closed?)`,
    { cause: error },
  )
}

/**
 * A Web `Headers` from name/value pairs; a value HTTP cannot carry gets a clear error instead of a bare TypeError.
 *
 * @example
 * toHeaders([['set-cookie', 'a=1'], ['set-cookie', 'b=2']]).getSetCookie() // ['a=1', 'b=2']
 */
export function toHeaders(pairs: readonly (readonly [string, string])[]): Headers {
  const headers = new Headers()
  for (const [name, value] of pairs) {
    try {
      headers.append(name, value)
    } catch (error) {
      throw new TestClientError(
        'BRISK_TEST_ERR_RESPONSE',
        `The response header ${JSON.stringify(name)} has a value HTTP cannot carry: ${JSON.stringify(value)}`,
        { cause: error },
      )
    }
  }
  return headers
}
