/**
 * One behaviour suite, three entries, for plugin authors: every test written with `forEachEntry` runs through
 * the test client without sockets (`inject`), the same client against a live loopback port (`node`), and
 * `app.fetch` with a Web `Request` (`fetch`), and must pass on each. Each request stands alone: no cookies are
 * carried from one to the next, so the three entries see the same thing.
 */
import type { Brisk } from '@brisk/core'
import { describe } from 'vitest'
import { testClient } from '../client'

export type EntryName = 'inject' | 'fetch' | 'node'
export const entryNames: readonly EntryName[] = ['inject', 'fetch', 'node']

/** A request, the same for every entry. A non-string, non-bytes body is sent as JSON. */
export interface Sent {
  method?: string
  url: string
  headers?: Record<string, string | string[]>
  body?: string | Uint8Array | object
}

/** A response, the same shape for every entry. */
export interface Got {
  status: number
  /** Lower-case names; `set-cookie` is always an array when present. */
  headers: Record<string, string | string[] | undefined>
  body: string
  json<T = any>(): T
}

export interface EntryClient {
  readonly entry: EntryName
  request(sent: Sent | string): Promise<Got>
  close(): Promise<void>
}

function record(headers: Headers): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {}
  headers.forEach((value, name) => {
    if (name !== 'set-cookie') out[name] = value
  })
  const cookies = headers.getSetCookie()
  if (cookies.length > 0) out['set-cookie'] = cookies
  return out
}

function got(status: number, headers: Headers, body: string): Got {
  return { status, headers: record(headers), body, json: () => JSON.parse(body) }
}

function split(sent: Sent): {
  headers: Record<string, string | string[]>
  body: string | Uint8Array | undefined
  json: unknown
} {
  const headers: Record<string, string | string[]> = {}
  for (const [k, v] of Object.entries(sent.headers ?? {})) headers[k.toLowerCase()] = v
  const raw = sent.body
  if (raw === undefined || typeof raw === 'string' || raw instanceof Uint8Array)
    return { headers, body: raw, json: undefined }
  return { headers, body: undefined, json: raw }
}

/**
 * A client for `app` through one entry. Made before the app starts (the test client hooks into it).
 *
 * @example
 * const c = await makeClient(app, 'node'); const res = await c.request('/'); await c.close()
 */
export async function makeClient(app: Brisk<any>, entry: EntryName): Promise<EntryClient> {
  if (entry === 'fetch') {
    return {
      entry,
      async request(s) {
        const sent = typeof s === 'string' ? { url: s } : s
        const { headers, body, json } = split(sent)
        const h = new Headers()
        for (const [k, v] of Object.entries(headers)) for (const item of [v].flat()) h.append(k, item)
        let payload: BodyInit | undefined = body as BodyInit | undefined
        if (json !== undefined) {
          payload = JSON.stringify(json)
          if (!h.has('content-type')) h.set('content-type', 'application/json')
        }
        const res = await app.fetch(
          new Request(`http://localhost${sent.url}`, {
            method: sent.method ?? 'GET',
            headers: h,
            body: payload,
          }),
        )
        return got(res.status, res.headers, await res.text())
      },
      close: () => app.close(),
    }
  }
  const client = testClient(app, { mode: entry === 'node' ? 'listen' : 'inject' })
  return {
    entry,
    async request(s) {
      const sent = typeof s === 'string' ? { url: s } : s
      const { headers, body, json } = split(sent)
      // Each request stands alone, as with the other entries: no cookies carried over from earlier answers.
      client.cookies.clear()
      const res = await client.request(
        sent.method ?? 'GET',
        sent.url,
        json === undefined ? { headers, body } : { headers, json },
      )
      return got(res.status, res.headers, res.text())
    },
    close: () => client.close(),
  }
}

/**
 * Declares a `describe` block per entry; `make(app)` gives a client for that entry (close it after use).
 *
 * @example
 * forEachEntry('app.get()', (make) => {
 *   it('answers', async () => { const c = await make(app()); expect((await c.request('/')).status).toBe(200); await c.close() })
 * })
 */
export function forEachEntry(
  title: string,
  body: (make: (app: Brisk<any>) => Promise<EntryClient>, entry: EntryName) => void,
): void {
  for (const entry of entryNames) {
    describe(`${title} [${entry}]`, () => body((app) => makeClient(app, entry), entry))
  }
}

/**
 * Builds a client for `app` through one entry, sends one request, closes the app and returns the response.
 *
 * @example
 * const res = await once(make, app, '/')
 */
export async function once(
  make: (app: Brisk<any>) => Promise<EntryClient>,
  app: Brisk<any>,
  sent: Sent | string,
): Promise<Got> {
  const client = await make(app)
  try {
    return await client.request(sent)
  } finally {
    await client.close()
  }
}
