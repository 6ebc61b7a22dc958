/**
 * `app.fetch` builds `req.headers` on first read and reads bodies as text where the runtime can: what a
 * handler receives through it must still equal what it receives through `app.inject`, Brisk's own server
 * and the node:http entry. Each case sends the same request through all four and compares what the handler
 * saw (or the error the app answered).
 */
import { request as httpRequest } from 'node:http'
import { describe, expect, it } from 'vitest'
import { Brisk, type BriskRequest, BriskResponse, html, text } from '../src/index'
import { entryNames, makeClient, type Sent } from './_matrix'

type Seen = Record<string, unknown>

/** Headers named here are compared; the rest (a client's own `connection`, `user-agent`…) differ by client. */
const SENT = ['accept', 'cookie', 'host', 'x-tag', 'x-one', 'content-type', 'x-request-id']

function pick(req: BriskRequest<any, any>): Seen {
  const out: Seen = {}
  for (const name of SENT) if (req.headers[name] !== undefined) out[name] = req.headers[name]
  return out
}

/** An app whose routes answer with what the handler received. */
function reporter(): Brisk {
  const app = new Brisk()
  app.get('/headers', (req) => ({
    headers: pick(req),
    names: Object.keys(req.headers)
      .filter((n) => SENT.includes(n))
      .sort(),
  }))
  // Everything the core reads from headers itself, before `req.headers` is ever touched.
  app.get('/core', (req) => ({
    cookies: req.cookies,
    hostname: req.hostname,
    id: req.id,
    html: req.accepts(['application/json', 'text/html']) ?? null,
    protocol: req.protocol,
    headers: pick(req),
  }))
  app.post('/json', { bodyLimit: 16 }, async (req) => ({
    body: await req.json(),
    type: req.headers['content-type'],
  }))
  app.post('/text', { bodyLimit: 16 }, async (req) => ({ text: await req.text() }))
  app.post('/bytes', { bodyLimit: 16 }, async (req) => ({ length: (await req.bytes()).byteLength }))
  app.post('/both', { bodyLimit: 16 }, async (req) => {
    const text = await req.text()
    return { text, again: await req.text(), bytes: Array.from(await req.bytes()) }
  })
  app.get('/host', { host: 'api.example.com' }, () => 'api')
  app.get('/host', () => 'any')
  return app
}

interface Answer {
  status: number
  body: string
}

/** Sends `sent` through each entry to a fresh app; every answer, by entry. */
async function throughAll(sent: Sent): Promise<Record<string, Answer>> {
  const out: Record<string, Answer> = {}
  for (const entry of entryNames) {
    const client = await makeClient(reporter(), entry)
    try {
      const res = await client.request(sent)
      out[entry] = { status: res.status, body: res.body }
    } finally {
      await client.close()
    }
  }
  return out
}

/** Every entry's answer equals `app.fetch`'s, which is returned parsed. */
async function same(sent: Sent): Promise<{ status: number; json: any }> {
  const answers = await throughAll(sent)
  for (const entry of entryNames) expect(answers[entry], entry).toEqual(answers.fetch)
  return { status: answers.fetch!.status, json: JSON.parse(answers.fetch!.body) }
}

describe('app.fetch against the other entries: headers', () => {
  it('gives req.headers the same lower-case names and values', async () => {
    const { status, json } = await same({
      url: '/headers',
      headers: { Accept: 'text/html', 'X-One': 'One Value', Host: 'shop.example.com:8080' },
    })
    expect(status).toBe(200)
    expect(json.headers).toEqual({ accept: 'text/html', host: 'shop.example.com:8080', 'x-one': 'One Value' })
  })

  it('combines a repeated header with a comma, as node does', async () => {
    const { json } = await same({ url: '/headers', headers: { 'x-tag': ['a', 'b c'], host: 'h.test' } })
    expect(json.headers['x-tag']).toBe('a, b c')
  })

  it('gives the cookies of a repeated Cookie header', async () => {
    const { json } = await same({
      url: '/core',
      headers: { cookie: ['a=1', 'b=2'], host: 'h.test', 'x-request-id': 'r1' },
    })
    expect(json.cookies).toEqual({ a: '1', b: '2' })
    expect(json.headers.cookie).toBe('a=1; b=2')
  })

  it('reads cookies, host, request id and Accept as the core sees them without building req.headers', async () => {
    const { json } = await same({
      url: '/core',
      headers: {
        host: 'Shop.Example.com:8443',
        cookie: 'theme=dark; sid=abc%20d',
        accept: 'text/html;q=0.9, application/json;q=0.5',
        'x-request-id': 'req-42',
      },
    })
    expect(json).toMatchObject({
      cookies: { theme: 'dark', sid: 'abc d' },
      hostname: 'Shop.Example.com',
      id: 'req-42',
      html: 'text/html',
      protocol: 'http',
    })
  })

  it('routes by the Host header on host-bound routes', async () => {
    const api = await throughAll({ url: '/host', headers: { host: 'api.example.com' } })
    const other = await throughAll({ url: '/host', headers: { host: 'www.example.com' } })
    for (const entry of entryNames) {
      expect(api[entry]!.body, entry).toBe('api')
      expect(other[entry]!.body, entry).toBe('any')
    }
  })
})

describe('app.fetch: the host fallback', () => {
  it('takes the URL authority as the Host header when the Request has none, like inject takes localhost', async () => {
    const app = reporter()
    const viaFetch = await (await app.fetch(new Request('http://localhost/core'))).json()
    const viaInject = (await app.inject({ url: '/core' })).json<any>()
    expect(viaFetch.hostname).toBe('localhost')
    expect(viaFetch).toEqual({ ...viaInject, id: viaFetch.id })
    const listed = await (await app.fetch(new Request('http://localhost:3000/headers'))).json()
    expect(listed.headers).toEqual({ host: 'localhost:3000' })
    expect(listed.names).toEqual(['host'])
    await app.close()
  })

  it('prefers a Host header the Request carries over its URL, for routing too', async () => {
    const app = reporter()
    const request = new Request('http://localhost/host', { headers: { host: 'api.example.com' } })
    expect(await (await app.fetch(request)).text()).toBe('api')
    const core = new Request('http://localhost/core', { headers: { host: 'other.test:81' } })
    expect((await (await app.fetch(core)).json()).hostname).toBe('other.test')
    await app.close()
  })
})

describe('app.fetch against the other entries: bodies', () => {
  const json = (body: string, headers: Record<string, string> = {}): Sent => ({
    method: 'POST',
    url: '/json',
    headers: { 'content-type': 'application/json', host: 'h.test', ...headers },
    body,
  })

  it('parses a JSON body at the limit', async () => {
    const body = '{"k":"éééé"}' // 16 bytes, 12 characters
    expect(new TextEncoder().encode(body).byteLength).toBe(16)
    const { status, json: seen } = await same(json(body))
    expect(status).toBe(200)
    expect(seen.body).toEqual({ k: 'éééé' })
  })

  it('answers 413 for a declared length over the limit', async () => {
    const { status } = await same(json('{"k":"éééééé"}'))
    expect(status).toBe(413)
  })

  it('reads text and bytes alike', async () => {
    const text = await same({ method: 'POST', url: '/text', headers: { host: 'h.test' }, body: 'ünïcödé' })
    expect(text.json).toEqual({ text: 'ünïcödé' })
    const bytes = await same({ method: 'POST', url: '/bytes', headers: { host: 'h.test' }, body: 'ünïcödé' })
    expect(bytes.json).toEqual({ length: 11 })
  })

  it('gives the bytes of a body already read as text', async () => {
    const { json: seen } = await same({
      method: 'POST',
      url: '/both',
      headers: { host: 'h.test' },
      body: 'aé',
    })
    expect(seen).toEqual({ text: 'aé', again: 'aé', bytes: [97, 0xc3, 0xa9] })
  })

  it('keeps the errors of a bad JSON body: content type, empty, malformed, poisoned', async () => {
    const cases: Sent[] = [
      json('{"a":1}', { 'content-type': 'text/plain' }),
      json(''),
      json('{"a":'),
      json('{"__proto__":1}'),
    ]
    const statuses = []
    for (const sent of cases)
      statuses.push(
        (await same({ ...sent, headers: { ...sent.headers, accept: 'application/json' } })).status,
      )
    expect(statuses).toEqual([415, 400, 400, 400])
  })
})

/** Sends `body` in pieces with no declared length: a stream body for fetch, chunked encoding over a socket. */
async function chunked(
  app: Brisk,
  entry: 'fetch' | 'node' | 'node-http',
  url: string,
  pieces: string[],
): Promise<Answer> {
  const encoder = new TextEncoder()
  if (entry === 'fetch') {
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        for (const piece of pieces) controller.enqueue(encoder.encode(piece))
        controller.close()
      },
    })
    const init = { method: 'POST', body, duplex: 'half', headers: { 'content-type': 'application/json' } }
    const res = await app.fetch(new Request(`http://localhost${url}`, init as RequestInit))
    return { status: res.status, body: await res.text() }
  }
  const { port } = await app.listen({
    port: 0,
    host: '127.0.0.1',
    server: entry === 'node' ? 'brisk' : 'node',
  })
  return new Promise<Answer>((resolve, reject) => {
    const req = httpRequest(
      {
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: url,
        agent: false,
        headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' },
      },
      (res) => {
        const chunks: Buffer[] = []
        res.on('data', (c: Buffer) => chunks.push(c))
        res.on('end', () =>
          resolve({ status: res.statusCode!, body: Buffer.concat(chunks).toString('utf8') }),
        )
        res.on('error', reject)
      },
    )
    // The server may answer 413 and close before every piece is written.
    req.on('error', () => {})
    for (const piece of pieces) req.write(piece)
    req.end()
  })
}

describe('app.fetch against the socket entries: chunked bodies without a length', () => {
  const socketEntries = ['node', 'node-http'] as const

  it('reads a chunked JSON body within the limit', async () => {
    for (const entry of ['fetch', ...socketEntries] as const) {
      const app = reporter()
      try {
        const answer = await chunked(app, entry, '/json', ['{"k":', '"éééé"}'])
        expect(answer.status, entry).toBe(200)
        expect(JSON.parse(answer.body).body, entry).toEqual({ k: 'éééé' })
      } finally {
        await app.close()
      }
    }
  })

  it('answers 413 once a chunked body passes the limit, for JSON, text and bytes', async () => {
    for (const url of ['/json', '/text', '/bytes']) {
      for (const entry of ['fetch', ...socketEntries] as const) {
        const app = reporter()
        try {
          const answer = await chunked(app, entry, url, ['{"k":"éééé', 'éé"}'])
          expect(answer.status, `${entry} ${url}`).toBe(413)
        } finally {
          await app.close()
        }
      }
    }
  })
})

describe('app.fetch: a declared length the body does not keep', () => {
  // Only a hand-made Request can carry a wrong content-length; the limit still counts the bytes that came.
  const post = (url: string, body: string, length: string) =>
    new Request(`http://localhost${url}`, {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/json', 'content-length': length },
    })

  it('answers 413 for text and JSON reads past the limit in bytes, not in characters', async () => {
    const app = reporter()
    const body = '"éééééééé"' // 18 bytes, 10 characters
    for (const url of ['/json', '/text', '/bytes']) {
      expect((await app.fetch(post(url, body, '5'))).status, url).toBe(413)
    }
    expect((await app.fetch(post('/json', '"éééééé"', '5'))).status).toBe(200) // 14 bytes
    await app.close()
  })
})

describe('app.fetch: response headers', () => {
  it('gives each Response its own headers, also when only the content type is set', async () => {
    const app = new Brisk()
    app.get('/text', () => 'hi')
    app.get('/json', () => ({ ok: true }))
    app.get('/more', { onResponse: (_req, res) => void res.header('x-more', '1') }, () => 'more')
    const first = await app.fetch(new Request('http://localhost/text'))
    first.headers.set('x-changed', 'yes')
    first.headers.set('content-type', 'text/html')
    const second = await app.fetch(new Request('http://localhost/text'))
    expect([...second.headers]).toEqual([['content-type', 'text/plain;charset=UTF-8']])
    const json = await app.fetch(new Request('http://localhost/json'))
    expect([...json.headers]).toEqual([['content-type', 'application/json']])
    const more = await app.fetch(new Request('http://localhost/more'))
    expect(more.headers.get('x-more')).toBe('1')
    expect(more.headers.get('content-type')).toBe('text/plain;charset=UTF-8')
    expect(await second.text()).toBe('hi')
    await app.close()
  })
})

describe('app.fetch: what it returns', () => {
  it('gives the Response itself for a route that answered at once, a promise otherwise, and rejects on failure', async () => {
    const app = new Brisk()
    app.get('/now', () => 'now')
    app.get('/later', async () => 'later')
    app.get('/bad', () => new BriskResponse('x', 200, { 'bad name': 'v' }))
    const first = app.fetch(new Request('http://localhost/now'))
    expect(first).toBeInstanceOf(Promise) // the first call starts the app
    expect(await (await first).text()).toBe('now')
    const now = app.fetch(new Request('http://localhost/now'))
    expect(now).toBeInstanceOf(Response)
    expect(await (now as Response).text()).toBe('now')
    const later = app.fetch(new Request('http://localhost/later'))
    expect(later).toBeInstanceOf(Promise)
    expect(await (await later).text()).toBe('later')
    // The runtime refuses the header name when the Response is made: a rejection, as from an async fetch.
    const bad = app.fetch(new Request('http://localhost/bad'))
    expect(bad).toBeInstanceOf(Promise)
    await expect(bad).rejects.toThrow(TypeError)
    await app.close()
  })

  it('sends the same status, type and body for the shapes it hands the runtime as is, HEAD included', async () => {
    const app = new Brisk()
    app.get('/text', () => 'plain')
    app.get('/json', () => ({ ok: true }))
    app.get('/created', () => text('made', 201))
    app.get('/html', () => html('<p>hi</p>'))
    const cases: [string, string, number, string, string][] = [
      ['GET', '/text', 200, 'text/plain;charset=UTF-8', 'plain'],
      ['HEAD', '/text', 200, 'text/plain;charset=UTF-8', ''],
      ['GET', '/json', 200, 'application/json', '{"ok":true}'],
      ['HEAD', '/json', 200, 'application/json', ''],
      ['GET', '/created', 201, 'text/plain;charset=UTF-8', 'made'],
      ['GET', '/html', 200, 'text/html; charset=utf-8', '<p>hi</p>'],
    ]
    for (const [method, path, status, type, body] of cases) {
      const res = await app.fetch(new Request(`http://localhost${path}`, { method }))
      const inject = await app.inject({ method, url: path })
      expect([res.status, res.headers.get('content-type'), await res.text()], `${method} ${path}`).toEqual([
        status,
        type,
        body,
      ])
      expect(
        [inject.status, inject.headers['content-type'], inject.body],
        `inject ${method} ${path}`,
      ).toEqual([status, type, body])
    }
    await app.close()
  })
})
