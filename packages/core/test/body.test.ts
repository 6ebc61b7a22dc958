import { request as httpRequest } from 'node:http'
import { describe, expect, it } from 'vitest'
import { Brisk, type BriskRequest } from '../src/index'
import { forEachEntry, type Got, once } from './_matrix'

const MiB = 1024 * 1024
const JSON_HEADERS = { 'content-type': 'application/json' }

function expectProblem(res: Got, status: number, code: string): void {
  expect(res.status).toBe(status)
  expect(res.headers['content-type']).toBe('application/problem+json')
  expect(res.json()).toMatchObject({ type: 'about:blank', status, code })
}

/** An app whose POST / echoes what `read` makes of the body. */
function echo(
  read: (req: BriskRequest) => Promise<unknown>,
  options: ConstructorParameters<typeof Brisk>[0] = {},
): Brisk {
  const app = new Brisk(options)
  app.post('/', async (req) => ({ value: await read(req) }))
  return app
}

forEachEntry('req.json()', (make) => {
  it('parses a JSON body', async () => {
    const body = { title: 'Dune', tags: ['sf', 'classic'], year: 1965, nested: { ok: true, none: null } }
    const res = await once(
      make,
      echo((req) => req.json()),
      { method: 'POST', url: '/', body },
    )
    expect(res.status).toBe(200)
    expect(res.json()).toEqual({ value: body })
  })

  it('accepts a charset parameter and +json media types', async () => {
    const client = await make(echo((req) => req.json()))
    try {
      for (const type of [
        'application/json; charset=utf-8',
        'Application/JSON',
        'application/vnd.api+json',
      ]) {
        const res = await client.request({
          method: 'POST',
          url: '/',
          headers: { 'content-type': type },
          body: '[1,2]',
        })
        expect(res.status).toBe(200)
        expect(res.json()).toEqual({ value: [1, 2] })
      }
    } finally {
      await client.close()
    }
  })

  it('refuses a __proto__ key with 400 and leaves Object.prototype untouched', async () => {
    const app = new Brisk()
    app.post('/', async (req) => Object.assign({}, await req.json()))
    const res = await once(make, app, {
      method: 'POST',
      url: '/',
      headers: JSON_HEADERS,
      body: '{"__proto__":{"polluted":1}}',
    })
    expectProblem(res, 400, 'BRISK_ERR_JSON_POISONED')
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
    expect(Object.hasOwn(Object.prototype, 'polluted')).toBe(false)
  })

  it('refuses a constructor.prototype key, however deep, with 400', async () => {
    const client = await make(echo((req) => req.json()))
    try {
      for (const body of [
        '{"constructor":{"prototype":{"polluted":1}}}',
        '{"a":[{"b":{"constructor":{"prototype":{"polluted":1}}}}]}',
        '{"\\u005f_proto__":{"polluted":1}}',
      ]) {
        const res = await client.request({ method: 'POST', url: '/', headers: JSON_HEADERS, body })
        expectProblem(res, 400, 'BRISK_ERR_JSON_POISONED')
      }
    } finally {
      await client.close()
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
  })

  it('accepts harmless keys named constructor or prototype', async () => {
    const body = { constructor: 'Ford', prototype: { v: 1 }, items: [{ constructor: 1 }] }
    const res = await once(
      make,
      echo((req) => req.json()),
      { method: 'POST', url: '/', body },
    )
    expect(res.status).toBe(200)
    expect(res.json()).toEqual({ value: body })
  })

  it('answers malformed JSON with 400 problem+json', async () => {
    const client = await make(echo((req) => req.json()))
    try {
      for (const body of ['{"a":', "{'a':1}", 'not json', '{"a":1}}']) {
        const res = await client.request({ method: 'POST', url: '/', headers: JSON_HEADERS, body })
        expectProblem(res, 400, 'BRISK_ERR_JSON_MALFORMED')
        expect(res.json().detail).toBe('The body is not valid JSON')
      }
    } finally {
      await client.close()
    }
  })

  it('answers an empty body with 400', async () => {
    const res = await once(
      make,
      echo((req) => req.json()),
      { method: 'POST', url: '/', headers: JSON_HEADERS, body: '' },
    )
    expectProblem(res, 400, 'BRISK_ERR_JSON_EMPTY')
  })

  it('answers a wrong or missing content type with 415 naming what it got', async () => {
    const client = await make(echo((req) => req.json()))
    try {
      const plain = await client.request({
        method: 'POST',
        url: '/',
        headers: { 'content-type': 'text/plain' },
        body: '{"a":1}',
      })
      expectProblem(plain, 415, 'BRISK_ERR_JSON_CONTENT_TYPE')
      expect(plain.json().detail).toContain('text/plain')
      const missing = await client.request({
        method: 'POST',
        url: '/',
        body: new TextEncoder().encode('{"a":1}'),
      })
      expectProblem(missing, 415, 'BRISK_ERR_JSON_CONTENT_TYPE')
      expect(missing.json().detail).toContain('no content type')
    } finally {
      await client.close()
    }
  })

  it('parses once: later and concurrent calls return the same value', async () => {
    const app = new Brisk()
    app.post('/', async (req) => {
      const [a, b] = await Promise.all([req.json<{ n: number }>(), req.json<{ n: number }>()])
      const c = await req.json<{ n: number }>()
      const bytes = await req.bytes()
      return {
        same: a === b && b === c,
        n: c.n,
        bytes: bytes.byteLength,
        sameBytes: bytes === (await req.bytes()),
      }
    })
    const res = await once(make, app, { method: 'POST', url: '/', body: { n: 7 } })
    expect(res.json()).toEqual({ same: true, n: 7, bytes: 7, sameBytes: true })
  })

  it('gives the same error when called again after a failure', async () => {
    const app = new Brisk()
    app.post('/', async (req) => {
      const first = await req.json().catch((error: { code: string }) => error.code)
      const second = await req.json().catch((error: { code: string }) => error.code)
      return { first, second, text: await req.text() }
    })
    const res = await once(make, app, { method: 'POST', url: '/', headers: JSON_HEADERS, body: '{oops' })
    expect(res.json()).toEqual({
      first: 'BRISK_ERR_JSON_MALFORMED',
      second: 'BRISK_ERR_JSON_MALFORMED',
      text: '{oops',
    })
  })
})

forEachEntry('req.text() and req.bytes()', (make) => {
  it('gives the body as UTF-8 text', async () => {
    const res = await once(
      make,
      echo((req) => req.text()),
      { method: 'POST', url: '/', body: 'héllo wörld ✓' },
    )
    expect(res.json()).toEqual({ value: 'héllo wörld ✓' })
  })

  it('gives the body as bytes, unchanged', async () => {
    const sent = new Uint8Array([0, 1, 2, 127, 128, 200, 255])
    const app = new Brisk()
    app.post('/', async (req) => {
      const bytes = await req.bytes()
      return { isBytes: bytes instanceof Uint8Array, values: [...bytes] }
    })
    const res = await once(make, app, { method: 'POST', url: '/', body: sent })
    expect(res.json()).toEqual({ isBytes: true, values: [...sent] })
  })

  it('gives an empty string and no bytes for a request without a body', async () => {
    const app = new Brisk()
    app.post('/', async (req) => ({ text: await req.text(), bytes: (await req.bytes()).byteLength }))
    const res = await once(make, app, { method: 'POST', url: '/' })
    expect(res.json()).toEqual({ text: '', bytes: 0 })
  })

  it('reads a large body in full', async () => {
    const big = 'abcdefgh'.repeat(64 * 1024) // 512 KiB, several chunks on a socket
    const app = new Brisk()
    app.post('/', async (req) => {
      const text = await req.text()
      return { length: text.length, same: text === big }
    })
    const res = await once(make, app, { method: 'POST', url: '/', body: big })
    expect(res.json()).toEqual({ length: big.length, same: true })
  })
})

forEachEntry('req.form()', (make) => {
  const FORM = { 'content-type': 'application/x-www-form-urlencoded' }

  it('parses an urlencoded body, repeated keys into arrays', async () => {
    const res = await once(
      make,
      echo((req) => req.form()),
      {
        method: 'POST',
        url: '/',
        headers: FORM,
        body: 'email=ada%40example.com&tag=a&tag=b&name=Ada+Lovelace&empty=',
      },
    )
    expect(res.json()).toEqual({
      value: { email: 'ada@example.com', tag: ['a', 'b'], name: 'Ada Lovelace', empty: '' },
    })
  })

  it('accepts a charset parameter', async () => {
    const res = await once(
      make,
      echo((req) => req.form()),
      {
        method: 'POST',
        url: '/',
        headers: { 'content-type': 'application/x-www-form-urlencoded; charset=UTF-8' },
        body: 'x=1',
      },
    )
    expect(res.json()).toEqual({ value: { x: '1' } })
  })

  it('answers another content type with 415', async () => {
    const client = await make(echo((req) => req.form()))
    try {
      const json = await client.request({ method: 'POST', url: '/', body: { x: 1 } })
      expectProblem(json, 415, 'BRISK_ERR_FORM_CONTENT_TYPE')
      const plain = await client.request({
        method: 'POST',
        url: '/',
        headers: { 'content-type': 'text/plain' },
        body: 'a=1',
      })
      expectProblem(plain, 415, 'BRISK_ERR_FORM_CONTENT_TYPE')
      expect(plain.json().detail).toContain('got text/plain')
      const missing = await client.request({ method: 'POST', url: '/', body: 'a=1' })
      expectProblem(missing, 415, 'BRISK_ERR_FORM_CONTENT_TYPE')
    } finally {
      await client.close()
    }
  })

  it('parses once: a second call returns the same object', async () => {
    const app = new Brisk()
    app.post('/', async (req) => {
      const first = await req.form()
      const second = await req.form()
      return { same: first === second, a: second.a }
    })
    const res = await once(make, app, { method: 'POST', url: '/', headers: FORM, body: 'a=1' })
    expect(res.json()).toEqual({ same: true, a: '1' })
  })
})

forEachEntry('body limits', (make) => {
  const size = (options: ConstructorParameters<typeof Brisk>[0] = {}): Brisk => {
    const app = new Brisk(options)
    app.post('/', async (req) => ({ size: (await req.bytes()).byteLength }))
    app.post('/small', { bodyLimit: 100 }, async (req) => ({ size: (await req.bytes()).byteLength }))
    app.post('/big', { bodyLimit: '2mb' }, async (req) => ({ size: (await req.bytes()).byteLength }))
    return app
  }

  it('accepts a body of exactly 1 MiB by default', async () => {
    const res = await once(make, size(), { method: 'POST', url: '/', body: new Uint8Array(MiB) })
    expect(res.status).toBe(200)
    expect(res.json()).toEqual({ size: MiB })
  })

  it('answers a body over 1 MiB with 413 problem+json', async () => {
    const res = await once(make, size(), { method: 'POST', url: '/', body: new Uint8Array(MiB + 1) })
    expectProblem(res, 413, 'BRISK_ERR_BODY_TOO_LARGE')
    expect(res.json().detail).toBe(`Body exceeds the limit of ${MiB} bytes`)
  })

  it("takes the app's bodyLimit option", async () => {
    const client = await make(size({ bodyLimit: '10kb' }))
    try {
      const at = await client.request({ method: 'POST', url: '/', body: new Uint8Array(10 * 1024) })
      expect(at.json()).toEqual({ size: 10 * 1024 })
      const over = await client.request({ method: 'POST', url: '/', body: new Uint8Array(10 * 1024 + 1) })
      expectProblem(over, 413, 'BRISK_ERR_BODY_TOO_LARGE')
    } finally {
      await client.close()
    }
  })

  it("takes a route's bodyLimit over the app's, smaller or larger", async () => {
    const client = await make(size({ bodyLimit: '10kb' }))
    try {
      const at = await client.request({ method: 'POST', url: '/small', body: 'x'.repeat(100) })
      expect(at.json()).toEqual({ size: 100 })
      const over = await client.request({ method: 'POST', url: '/small', body: 'x'.repeat(101) })
      expectProblem(over, 413, 'BRISK_ERR_BODY_TOO_LARGE')
      const larger = await client.request({ method: 'POST', url: '/big', body: new Uint8Array(MiB) })
      expect(larger.json()).toEqual({ size: MiB })
    } finally {
      await client.close()
    }
  })

  it('applies the limit to json(), text() and form() too', async () => {
    const app = new Brisk({ bodyLimit: 16 })
    app.post('/json', (req) => req.json())
    app.post('/text', (req) => req.text())
    app.post('/form', (req) => req.form())
    const client = await make(app)
    try {
      const body = JSON.stringify({ long: 'x'.repeat(32) })
      const json = await client.request({ method: 'POST', url: '/json', headers: JSON_HEADERS, body })
      expectProblem(json, 413, 'BRISK_ERR_BODY_TOO_LARGE')
      const text = await client.request({ method: 'POST', url: '/text', body: 'x'.repeat(17) })
      expectProblem(text, 413, 'BRISK_ERR_BODY_TOO_LARGE')
      const form = await client.request({
        method: 'POST',
        url: '/form',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: `a=${'x'.repeat(20)}`,
      })
      expectProblem(form, 413, 'BRISK_ERR_BODY_TOO_LARGE')
    } finally {
      await client.close()
    }
  })

  it('never parses a body the handler does not read', async () => {
    const app = new Brisk({ bodyLimit: '1mb' })
    app.post('/ignore', () => ({ ok: true }))
    const invalid = `{${'not json at all '.repeat(32 * 1024)}` // 512 KiB of garbage, under the limit
    const res = await once(make, app, {
      method: 'POST',
      url: '/ignore',
      headers: JSON_HEADERS,
      body: invalid,
    })
    expect(res.status).toBe(200)
    expect(res.json()).toEqual({ ok: true })
  })
})

describe('body limits: configuration', () => {
  it('refuses an unparsable app bodyLimit with a TypeError', () => {
    expect(() => new Brisk({ bodyLimit: 'lots' })).toThrow(TypeError)
    expect(() => new Brisk({ bodyLimit: -1 })).toThrow(/Invalid byte size -1/)
  })

  it('refuses an unparsable route bodyLimit when the app starts', async () => {
    const app = new Brisk()
    app.post('/', { bodyLimit: '12 parsecs' }, () => 'never')
    await expect(app.ready()).rejects.toThrow(/Invalid byte size "12 parsecs"/)
  })
})

forEachEntry('req.stream()', (make) => {
  it('yields the body chunk by chunk', async () => {
    const big = new Uint8Array(256 * 1024).map((_, i) => i % 251)
    const app = new Brisk()
    app.post('/', async (req) => {
      let total = 0
      let chunks = 0
      let sum = 0
      for await (const chunk of req.stream()) {
        chunks++
        total += chunk.byteLength
        for (const byte of chunk) sum = (sum + byte) % 1_000_003
      }
      return { total, chunks: chunks > 0, sum }
    })
    const res = await once(make, app, { method: 'POST', url: '/', body: big })
    const expected = big.reduce((acc, byte) => (acc + byte) % 1_000_003, 0)
    expect(res.json()).toEqual({ total: big.byteLength, chunks: true, sum: expected })
  })

  it('yields nothing for a request without a body', async () => {
    const app = new Brisk()
    app.post('/', async (req) => {
      let total = 0
      for await (const chunk of req.stream()) total += chunk.byteLength
      return { total }
    })
    const res = await once(make, app, { method: 'POST', url: '/' })
    expect(res.json()).toEqual({ total: 0 })
  })

  it('stops with 413 past the route body limit', async () => {
    const app = new Brisk()
    app.post('/', { bodyLimit: 1000 }, async (req) => {
      let total = 0
      for await (const chunk of req.stream()) total += chunk.byteLength
      return { total }
    })
    const res = await once(make, app, { method: 'POST', url: '/', body: new Uint8Array(1001) })
    expectProblem(res, 413, 'BRISK_ERR_BODY_TOO_LARGE')
  })
})

/**
 * Sends a chunked body (no Content-Length) of `chunk` repeated until the server answers or `max` bytes are out,
 * and returns the response. Errors after the answer (the server closes a 413 connection) are expected.
 */
function postChunked(
  port: number,
  path: string,
  chunk: Buffer,
  max: number,
): Promise<{ status: number; body: string; sent: number }> {
  return new Promise((resolve, reject) => {
    let answered = false
    let sent = 0
    const req = httpRequest({ host: '127.0.0.1', port, method: 'POST', path, agent: false }, (res) => {
      answered = true
      const parts: Buffer[] = []
      res.on('data', (part: Buffer) => parts.push(part))
      res.on('end', () =>
        resolve({ status: res.statusCode!, body: Buffer.concat(parts).toString('utf8'), sent }),
      )
      res.on('error', () =>
        resolve({ status: res.statusCode!, body: Buffer.concat(parts).toString('utf8'), sent }),
      )
    })
    req.on('error', (error) => {
      if (!answered) reject(error)
    })
    const pump = (): void => {
      while (!answered && sent < max) {
        sent += chunk.byteLength
        if (!req.write(chunk)) {
          req.once('drain', pump)
          return
        }
      }
      if (!answered) req.end()
    }
    pump()
  })
}

describe('body limits [node, chunked]', () => {
  const chunk = Buffer.alloc(16 * 1024, 0x61)

  it('answers 413 to a chunked body that grows past the limit without a Content-Length', async () => {
    const app = new Brisk({ bodyLimit: '64kb' })
    app.post('/', async (req) => ({ size: (await req.bytes()).byteLength }))
    const { port } = await app.listen({ port: 0 })
    try {
      const res = await postChunked(port, '/', chunk, 8 * MiB)
      expect(res.status).toBe(413)
      expect(JSON.parse(res.body)).toMatchObject({ status: 413, code: 'BRISK_ERR_BODY_TOO_LARGE' })
      expect(res.sent).toBeLessThan(8 * MiB)
    } finally {
      await app.close()
    }
  })

  it('accepts a chunked body up to the limit', async () => {
    const app = new Brisk({ bodyLimit: '64kb' })
    app.post('/', async (req) => ({ size: (await req.bytes()).byteLength }))
    const { port } = await app.listen({ port: 0 })
    try {
      const res = await postChunked(port, '/', chunk, 64 * 1024)
      expect(res.status).toBe(200)
      expect(JSON.parse(res.body)).toEqual({ size: 64 * 1024 })
    } finally {
      await app.close()
    }
  })

  it('answers 413 from req.stream() to a chunked body that grows past the limit', async () => {
    const app = new Brisk({ bodyLimit: '64kb' })
    app.post('/', async (req) => {
      let total = 0
      for await (const part of req.stream()) total += part.byteLength
      return { total }
    })
    const { port } = await app.listen({ port: 0 })
    try {
      const res = await postChunked(port, '/', chunk, 8 * MiB)
      expect(res.status).toBe(413)
      expect(JSON.parse(res.body)).toMatchObject({ status: 413, code: 'BRISK_ERR_BODY_TOO_LARGE' })
    } finally {
      await app.close()
    }
  })
})

describe('body limits [fetch, streamed]', () => {
  function streamOf(chunks: number, size: number): ReadableStream<Uint8Array> {
    let left = chunks
    return new ReadableStream({
      pull(controller) {
        if (left-- === 0) controller.close()
        else controller.enqueue(new Uint8Array(size))
      },
    })
  }

  it('answers 413 to a streamed body without a Content-Length that grows past the limit', async () => {
    const app = new Brisk({ bodyLimit: '64kb' })
    app.post('/', async (req) => ({ size: (await req.bytes()).byteLength }))
    const request = new Request('http://localhost/', {
      method: 'POST',
      body: streamOf(100, 16 * 1024),
      duplex: 'half',
    } as RequestInit)
    const res = await app.fetch(request)
    await app.close()
    expect(res.status).toBe(413)
    expect(await res.json()).toMatchObject({ status: 413, code: 'BRISK_ERR_BODY_TOO_LARGE' })
  })

  it('reads a streamed body up to the limit', async () => {
    const app = new Brisk({ bodyLimit: '64kb' })
    app.post('/', async (req) => ({ size: (await req.bytes()).byteLength }))
    const request = new Request('http://localhost/', {
      method: 'POST',
      body: streamOf(4, 16 * 1024),
      duplex: 'half',
    } as RequestInit)
    const res = await app.fetch(request)
    await app.close()
    expect(await res.json()).toEqual({ size: 64 * 1024 })
  })
})
