/**
 * One behaviour suite, four entries: every test written with `forEachEntry` runs through `app.inject`,
 * `app.fetch`, Brisk's own HTTP/1.1 server on a loopback port (`node`) and `node:http` (`node-http`), and
 * must pass on each.
 */
import { request as httpRequest } from 'node:http'
import { describe } from 'vitest'
import type { Brisk } from '../src/index'

export type EntryName = 'inject' | 'fetch' | 'node' | 'node-http'
export const entryNames: readonly EntryName[] = ['inject', 'fetch', 'node', 'node-http']

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

export interface Client {
  readonly entry: EntryName
  request(sent: Sent | string): Promise<Got>
  close(): Promise<void>
}

function encode(sent: Sent): { headers: Record<string, string | string[]>; body: Uint8Array | undefined } {
  const headers: Record<string, string | string[]> = {}
  for (const [k, v] of Object.entries(sent.headers ?? {})) headers[k.toLowerCase()] = v
  let body: Uint8Array | undefined
  if (typeof sent.body === 'string') body = new TextEncoder().encode(sent.body)
  else if (sent.body instanceof Uint8Array) body = sent.body
  else if (sent.body !== undefined) {
    body = new TextEncoder().encode(JSON.stringify(sent.body))
    headers['content-type'] ??= 'application/json'
  }
  return { headers, body }
}

function got(status: number, headers: Record<string, string | string[] | undefined>, body: string): Got {
  return { status, headers, body, json: () => JSON.parse(body) }
}

/**
 * A client for `app` through one entry.
 *
 * @example
 * const c = await makeClient(app, 'node'); const res = await c.request('/'); await c.close()
 */
export async function makeClient(app: Brisk<any>, entry: EntryName): Promise<Client> {
  if (entry === 'inject') {
    return {
      entry,
      async request(s) {
        const sent = typeof s === 'string' ? { url: s } : s
        const { headers, body } = encode(sent)
        const res = await app.inject({ method: sent.method ?? 'GET', url: sent.url, headers, body })
        return got(res.status, res.headers, res.body)
      },
      close: () => app.close(),
    }
  }
  if (entry === 'fetch') {
    return {
      entry,
      async request(s) {
        const sent = typeof s === 'string' ? { url: s } : s
        const { headers, body } = encode(sent)
        const h = new Headers()
        for (const [k, v] of Object.entries(headers)) for (const item of [v].flat()) h.append(k, item)
        const res = await app.fetch(
          new Request(`http://localhost${sent.url}`, {
            method: sent.method ?? 'GET',
            headers: h,
            body: body as BodyInit,
          }),
        )
        const out: Record<string, string | string[]> = {}
        res.headers.forEach((value, name) => {
          if (name !== 'set-cookie') out[name] = value
        })
        const cookies = res.headers.getSetCookie()
        if (cookies.length > 0) out['set-cookie'] = cookies
        return got(res.status, out, await res.text())
      },
      close: () => app.close(),
    }
  }
  const server = entry === 'node-http' ? 'node' : 'brisk'
  const { port } = await app.listen({ port: 0, host: '127.0.0.1', server })
  return {
    entry,
    request(s) {
      const sent = typeof s === 'string' ? { url: s } : s
      const { headers, body } = encode(sent)
      return new Promise<Got>((resolve, reject) => {
        const req = httpRequest(
          { host: '127.0.0.1', port, method: sent.method ?? 'GET', path: sent.url, headers, agent: false },
          (res) => {
            const chunks: Buffer[] = []
            res.on('data', (c: Buffer) => chunks.push(c))
            res.on('end', () =>
              resolve(got(res.statusCode!, { ...res.headers }, Buffer.concat(chunks).toString('utf8'))),
            )
            res.on('error', reject)
          },
        )
        req.on('error', reject)
        req.end(body)
      })
    },
    close: () => app.close(),
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
  body: (make: (app: Brisk<any>) => Promise<Client>, entry: EntryName) => void,
): void {
  for (const entry of entryNames) {
    describe(`${title} [${entry}]`, () => body((app) => makeClient(app, entry), entry))
  }
}

/**
 * Builds an app with `setup`, sends one request through `entry`, closes the app and returns the response.
 *
 * @example
 * const res = await once(entry, (app) => app.get('/', () => 'hi'), '/')
 */
export async function once(
  make: (app: Brisk<any>) => Promise<Client>,
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

/** What `forEachEntry` hands each block: a client maker for that entry. */
export type Make = (app: Brisk<any>) => Promise<Client>

/**
 * Sends several requests to one app through one entry, in order, then closes the app.
 *
 * @example
 * const [first, second] = await many(make, app, ['/a', '/b'])
 */
export async function many(make: Make, app: Brisk<any>, sent: readonly (Sent | string)[]): Promise<Got[]> {
  const client = await make(app)
  try {
    const out: Got[] = []
    for (const s of sent) out.push(await client.request(s))
    return out
  } finally {
    await client.close()
  }
}
