import { request as httpRequest } from 'node:http'
import { describe, expect, it } from 'vitest'
import { Brisk, BriskResponse, empty, html, json, redirect, text } from '../src/index'
import { silent } from './_helpers'
import { forEachEntry, once } from './_matrix'

const JSON_TYPE = 'application/json'
const TEXT_TYPE = 'text/plain;charset=UTF-8'

/** An app with one GET route answering `/` with what `handler` returns. */
function answering(handler: () => unknown): Brisk {
  const app = new Brisk({ logger: silent })
  app.get('/', handler as () => string)
  return app
}

/** A stream of the given text chunks. */
function streamOf(...chunks: string[]): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder()
  return new ReadableStream({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(encoder.encode(chunk))
      controller.close()
    },
  })
}

forEachEntry('json()', (make) => {
  it('sends JSON with status 200 by default', async () => {
    const res = await once(
      make,
      answering(() => json({ id: 1, tags: ['a'] })),
      '/',
    )
    expect(res.status).toBe(200)
    expect(res.headers['content-type']).toBe(JSON_TYPE)
    expect(res.json()).toEqual({ id: 1, tags: ['a'] })
  })

  it('takes a status number', async () => {
    const res = await once(
      make,
      answering(() => json({ created: true }, 201)),
      '/',
    )
    expect(res.status).toBe(201)
    expect(res.json()).toEqual({ created: true })
  })

  it('takes a status and headers object', async () => {
    const res = await once(
      make,
      answering(() =>
        json([1, 2], { status: 202, headers: { 'X-Queue': 'jobs', 'cache-control': 'no-store' } }),
      ),
      '/',
    )
    expect(res.status).toBe(202)
    expect(res.headers['x-queue']).toBe('jobs')
    expect(res.headers['cache-control']).toBe('no-store')
    expect(res.headers['content-type']).toBe(JSON_TYPE)
    expect(res.json()).toEqual([1, 2])
  })

  it("keeps a caller's content type, whatever its case", async () => {
    const res = await once(
      make,
      answering(() => json({ data: [] }, { headers: { 'Content-Type': 'application/vnd.api+json' } })),
      '/',
    )
    expect(res.headers['content-type']).toBe('application/vnd.api+json')
    expect(res.json()).toEqual({ data: [] })
  })

  it('sends null for undefined data', async () => {
    const res = await once(
      make,
      answering(() => json(undefined)),
      '/',
    )
    expect(res.status).toBe(200)
    expect(res.body).toBe('null')
  })
})

forEachEntry('text() and html()', (make) => {
  it('sends UTF-8 text', async () => {
    const res = await once(
      make,
      answering(() => text('pong ✓')),
      '/',
    )
    expect(res.status).toBe(200)
    expect(res.headers['content-type']).toBe(TEXT_TYPE)
    expect(res.body).toBe('pong ✓')
  })

  it('sends text with a status and headers', async () => {
    const res = await once(
      make,
      answering(() => text('teapot', { status: 418, headers: { 'x-brew': 'earl grey' } })),
      '/',
    )
    expect(res.status).toBe(418)
    expect(res.headers['x-brew']).toBe('earl grey')
    expect(res.body).toBe('teapot')
  })

  it('sends HTML as it is', async () => {
    const res = await once(
      make,
      answering(() => html('<h1>Hello</h1>', 201)),
      '/',
    )
    expect(res.status).toBe(201)
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8')
    expect(res.body).toBe('<h1>Hello</h1>')
  })
})

forEachEntry('redirect()', (make) => {
  it('answers 302 with a Location and no body by default', async () => {
    const res = await once(
      make,
      answering(() => redirect('/login?next=%2Fcart')),
      '/',
    )
    expect(res.status).toBe(302)
    expect(res.headers.location).toBe('/login?next=%2Fcart')
    expect(res.body).toBe('')
  })

  it('takes 301, 303, 307 and 308, as a number or in an object', async () => {
    const app = new Brisk()
    app.get('/:code<int>', (req) => redirect('/there', req.params.code))
    app.get('/moved', () =>
      redirect('https://example.com/new', { status: 308, headers: { 'x-why': 'moved' } }),
    )
    const client = await make(app)
    try {
      for (const code of [301, 303, 307, 308]) {
        const res = await client.request(`/${code}`)
        expect(res.status).toBe(code)
        expect(res.headers.location).toBe('/there')
      }
      const moved = await client.request('/moved')
      expect(moved.status).toBe(308)
      expect(moved.headers.location).toBe('https://example.com/new')
      expect(moved.headers['x-why']).toBe('moved')
    } finally {
      await client.close()
    }
  })

  it('encodes spaces and non-ASCII characters but not what is already encoded', async () => {
    const app = new Brisk()
    app.get('/a', () => redirect('/files/my file ü.txt'))
    app.get('/b', () => redirect('/search?q=a%26b&tag=caf%C3%A9'))
    app.get('/c', () => redirect('http://[::1]:8080/x'))
    const client = await make(app)
    try {
      expect((await client.request('/a')).headers.location).toBe('/files/my%20file%20%C3%BC.txt')
      expect((await client.request('/b')).headers.location).toBe('/search?q=a%26b&tag=caf%C3%A9')
      expect((await client.request('/c')).headers.location).toBe('http://[::1]:8080/x')
    } finally {
      await client.close()
    }
  })

  it('answers 500 without a split header when a handler redirects to a location with CR/LF', async () => {
    const res = await once(
      make,
      answering(() => redirect('/x\r\nSet-Cookie: admin=1')),
      '/',
    )
    expect(res.status).toBe(500)
    expect(res.headers['set-cookie']).toBeUndefined()
    expect(res.headers.location).toBeUndefined()
  })
})

describe('redirect() arguments', () => {
  it('refuses CR or LF in the location with a TypeError', () => {
    expect(() => redirect('/a\rb')).toThrow(TypeError)
    expect(() => redirect('/a\nb')).toThrow('redirect(): the location must not contain CR or LF')
  })

  it('keeps encoded CR/LF encoded', () => {
    expect(redirect('/a%0D%0Ab').headers.location).toBe('/a%0D%0Ab')
  })

  it('refuses a status that is not 3xx with a RangeError', () => {
    expect(() => redirect('/x', 200)).toThrow(RangeError)
    expect(() => redirect('/x', { status: 404 })).toThrow('redirect(): status must be 3xx, got 404')
  })

  it('encodes a lone % sign', () => {
    expect(redirect('/100%').headers.location).toBe('/100%25')
  })
})

forEachEntry('empty()', (make) => {
  it('answers 204 without a body or content type', async () => {
    const res = await once(
      make,
      answering(() => empty()),
      '/',
    )
    expect(res.status).toBe(204)
    expect(res.body).toBe('')
    expect(res.headers['content-type']).toBeUndefined()
  })

  it('takes another status and headers', async () => {
    const res = await once(
      make,
      answering(() => empty({ status: 201, headers: { location: '/books/1' } })),
      '/',
    )
    expect(res.status).toBe(201)
    expect(res.headers.location).toBe('/books/1')
    expect(res.body).toBe('')
  })
})

forEachEntry('BriskResponse', (make) => {
  it('sends its status, headers and body; header() lower-cases names and chains', async () => {
    const res = await once(
      make,
      answering(() =>
        new BriskResponse('made', 201, { 'content-type': TEXT_TYPE })
          .header('X-Request-Cost', '3')
          .header('Vary', ['Accept', 'Origin']),
      ),
      '/',
    )
    expect(res.status).toBe(201)
    expect(res.body).toBe('made')
    expect(res.headers['x-request-cost']).toBe('3')
    // node and fetch send a list as one joined header; inject hands back the list itself.
    expect([res.headers.vary].flat().join(', ')).toBe('Accept, Origin')
  })

  it('sends bytes as they are', async () => {
    const bytes = new TextEncoder().encode('raw bytes')
    const res = await once(
      make,
      answering(() => new BriskResponse(bytes, 200, { 'content-type': 'application/x-thing' })),
      '/',
    )
    expect(res.headers['content-type']).toBe('application/x-thing')
    expect(res.body).toBe('raw bytes')
  })
})

forEachEntry('res.setCookie() and res.deleteCookie()', (make) => {
  it('sets Path=/, HttpOnly and SameSite=Lax by default', async () => {
    const res = await once(
      make,
      answering(() => text('ok').setCookie('theme', 'dark')),
      '/',
    )
    expect(res.headers['set-cookie']).toEqual(['theme=dark; Path=/; HttpOnly; SameSite=Lax'])
  })

  it('writes every attribute', async () => {
    const expires = new Date(Date.UTC(2030, 0, 1))
    const res = await once(
      make,
      answering(() =>
        text('ok').setCookie('sid', 'a b;c', {
          domain: 'example.com',
          path: '/app',
          expires,
          maxAge: 3600.9,
          httpOnly: true,
          secure: true,
          sameSite: 'strict',
          partitioned: true,
          priority: 'High',
        }),
      ),
      '/',
    )
    expect(res.headers['set-cookie']).toEqual([
      'sid=a%20b%3Bc; Domain=example.com; Path=/app; Expires=Tue, 01 Jan 2030 00:00:00 GMT; Max-Age=3600; HttpOnly; Secure; SameSite=Strict; Partitioned; Priority=High',
    ])
  })

  it('lets the defaults be turned off or changed', async () => {
    const res = await once(
      make,
      answering(() =>
        text('ok').setCookie('prefs', 'x', { httpOnly: false, sameSite: 'None', secure: true, path: '/p' }),
      ),
      '/',
    )
    expect(res.headers['set-cookie']).toEqual(['prefs=x; Path=/p; Secure; SameSite=None'])
  })

  it('sends several cookies as several Set-Cookie headers', async () => {
    const res = await once(
      make,
      answering(() =>
        json({ ok: true }).setCookie('a', '1').setCookie('b', '2', { maxAge: 60 }).deleteCookie('c'),
      ),
      '/',
    )
    const cookies = res.headers['set-cookie']
    expect(cookies).toHaveLength(3)
    expect(cookies).toEqual([
      'a=1; Path=/; HttpOnly; SameSite=Lax',
      'b=2; Path=/; Max-Age=60; HttpOnly; SameSite=Lax',
      'c=; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; HttpOnly; SameSite=Lax',
    ])
    expect(res.json()).toEqual({ ok: true })
  })

  it('deletes a cookie with the path and domain it was set with', async () => {
    const res = await once(
      make,
      answering(() => empty().deleteCookie('sid', { path: '/app', domain: 'example.com' })),
      '/',
    )
    expect(res.headers['set-cookie']).toEqual([
      'sid=; Domain=example.com; Path=/app; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; HttpOnly; SameSite=Lax',
    ])
  })

  it('adds to a Set-Cookie header that was set as a string', async () => {
    const res = await once(
      make,
      answering(() => text('ok', { headers: { 'set-cookie': 'first=1' } }).setCookie('second', '2')),
      '/',
    )
    expect(res.headers['set-cookie']).toEqual(['first=1', 'second=2; Path=/; HttpOnly; SameSite=Lax'])
  })

  it('answers 500 when a handler sets an invalid cookie', async () => {
    const res = await once(
      make,
      answering(() => text('ok').setCookie('bad name', 'x')),
      '/',
    )
    expect(res.status).toBe(500)
    expect(res.headers['set-cookie']).toBeUndefined()
  })
})

describe('res.setCookie() arguments', () => {
  it('refuses a name that is not a token, and unsafe attribute values', () => {
    const res = new BriskResponse()
    expect(() => res.setCookie('a b', 'x')).toThrow(/Invalid cookie name "a b"/)
    expect(() => res.setCookie('a', 'x', { path: '/;evil' })).toThrow(/Invalid cookie path/)
    expect(() => res.setCookie('a', 'x', { sameSite: 'None' })).toThrow(
      /SameSite=None, which requires secure: true/,
    )
    expect(() => res.setCookie('a', 'x', { partitioned: true })).toThrow(
      /Partitioned, which requires secure: true/,
    )
    expect(() => res.setCookie('a', 'x', { maxAge: Number.NaN })).toThrow(/Invalid maxAge/)
    expect(res.headers['set-cookie']).toBeUndefined()
  })
})

forEachEntry('handler results', (make) => {
  it('sends a plain object or array as JSON', async () => {
    const app = new Brisk()
    app.get('/object', () => ({ a: 1 }))
    app.get('/array', () => [1, 'two'])
    app.get('/null', () => null)
    app.get('/number', () => 42)
    const client = await make(app)
    try {
      for (const [url, body] of [
        ['/object', { a: 1 }],
        ['/array', [1, 'two']],
        ['/null', null],
        ['/number', 42],
      ] as const) {
        const res = await client.request(url)
        expect(res.status).toBe(200)
        expect(res.headers['content-type']).toBe(JSON_TYPE)
        expect(res.json()).toEqual(body)
      }
    } finally {
      await client.close()
    }
  })

  it('sends a string as text', async () => {
    const res = await once(
      make,
      answering(() => 'hello'),
      '/',
    )
    expect(res.headers['content-type']).toBe(TEXT_TYPE)
    expect(res.body).toBe('hello')
  })

  it('sends a Uint8Array as application/octet-stream', async () => {
    const res = await once(
      make,
      answering(() => new TextEncoder().encode('binary')),
      '/',
    )
    expect(res.status).toBe(200)
    expect(res.headers['content-type']).toBe('application/octet-stream')
    expect(res.body).toBe('binary')
  })

  it('answers undefined with 204 and no body', async () => {
    const res = await once(
      make,
      answering(() => undefined),
      '/',
    )
    expect(res.status).toBe(204)
    expect(res.body).toBe('')
  })

  it('answers a value JSON cannot hold with 500 problem+json', async () => {
    const app = new Brisk({ logger: silent })
    const cycle: Record<string, unknown> = {}
    cycle.self = cycle
    app.get('/bigint', () => ({ n: 1n }))
    app.get('/cycle', () => cycle)
    const client = await make(app)
    try {
      for (const url of ['/bigint', '/cycle']) {
        const res = await client.request(url)
        expect(res.status).toBe(500)
        expect(res.headers['content-type']).toBe('application/problem+json')
        expect(res.json()).toEqual({ type: 'about:blank', title: 'Internal Server Error', status: 500 })
      }
    } finally {
      await client.close()
    }
  })

  it('passes a Web Response through with its status, headers, body and every Set-Cookie', async () => {
    const res = await once(
      make,
      answering(
        () =>
          new Response('created', {
            status: 201,
            headers: [
              ['x-kind', 'web'],
              ['content-type', 'text/plain; charset=utf-8'],
              ['set-cookie', 'a=1; Path=/'],
              ['set-cookie', 'b=2; Path=/'],
            ],
          }),
      ),
      '/',
    )
    expect(res.status).toBe(201)
    expect(res.headers['x-kind']).toBe('web')
    expect(res.headers['content-type']).toBe('text/plain; charset=utf-8')
    expect(res.headers['set-cookie']).toEqual(['a=1; Path=/', 'b=2; Path=/'])
    expect(res.body).toBe('created')
  })

  it('streams a ReadableStream body', async () => {
    const res = await once(
      make,
      answering(
        () => new BriskResponse(streamOf('one,', 'two,', 'three'), 200, { 'content-type': TEXT_TYPE }),
      ),
      '/',
    )
    expect(res.status).toBe(200)
    expect(res.body).toBe('one,two,three')
  })

  it('streams the body of a Web Response', async () => {
    const res = await once(
      make,
      answering(() => new Response(streamOf('a', 'b', 'c'), { headers: { 'content-type': 'text/csv' } })),
      '/',
    )
    expect(res.headers['content-type']).toBe('text/csv')
    expect(res.body).toBe('abc')
  })
})

forEachEntry('HEAD responses', (make) => {
  it('have the headers of GET and no body, whatever the handler returns', async () => {
    const app = new Brisk()
    app.get('/json', () => ({ big: 'x'.repeat(1000) }))
    app.get('/text', () => 'hello')
    app.get('/bytes', () => new Uint8Array([1, 2, 3]))
    app.get('/stream', () => new BriskResponse(streamOf('a', 'b'), 200, { 'content-type': TEXT_TYPE }))
    app.get('/web', () => new Response('web body', { status: 203, headers: { 'x-web': '1' } }))
    const client = await make(app)
    try {
      for (const url of ['/json', '/text', '/bytes', '/stream', '/web']) {
        const get = await client.request(url)
        const head = await client.request({ method: 'HEAD', url })
        expect(head.status).toBe(get.status)
        expect(head.headers['content-type']).toBe(get.headers['content-type'])
        expect(get.body).not.toBe('')
        expect(head.body).toBe('')
      }
      const web = await client.request({ method: 'HEAD', url: '/web' })
      expect(web.status).toBe(203)
      expect(web.headers['x-web']).toBe('1')
    } finally {
      await client.close()
    }
  })

  it('keep the Content-Length of the GET body on a real socket', async () => {
    const app = new Brisk()
    app.get('/', () => 'twelve bytes')
    const client = await make(app)
    try {
      const head = await client.request({ method: 'HEAD', url: '/' })
      if (client.entry === 'node' || client.entry === 'node-http')
        expect(head.headers['content-length']).toBe('12')
      expect(head.body).toBe('')
    } finally {
      await client.close()
    }
  })
})

/** A stream that sends `first`, then waits for `release()` before it sends `second` and ends. */
function gatedStream(): { stream: ReadableStream<Uint8Array>; release: () => void } {
  let release!: () => void
  const gate = new Promise<void>((resolve) => {
    release = resolve
  })
  const encoder = new TextEncoder()
  const stream = new ReadableStream<Uint8Array>({
    async start(controller) {
      controller.enqueue(encoder.encode('first|'))
      await gate
      controller.enqueue(encoder.encode('second'))
      controller.close()
    },
  })
  return { stream, release }
}

describe('streamed responses reach the client while the stream is still open', () => {
  it('on the node server', async () => {
    const { stream, release } = gatedStream()
    const app = answering(() => new BriskResponse(stream, 200, { 'content-type': TEXT_TYPE }))
    const { port } = await app.listen({ port: 0 })
    try {
      const body = await new Promise<string>((resolve, reject) => {
        const req = httpRequest({ host: '127.0.0.1', port, path: '/', agent: false }, (res) => {
          let received = ''
          res.setEncoding('utf8')
          res.on('data', (chunk: string) => {
            received += chunk
            if (received === 'first|') release() // the second part only exists once the first has arrived
          })
          res.on('end', () => resolve(received))
          res.on('error', reject)
        })
        req.on('error', reject)
        req.end()
      })
      expect(body).toBe('first|second')
    } finally {
      await app.close()
    }
  })

  it('through app.fetch', async () => {
    const { stream, release } = gatedStream()
    const app = answering(() => new BriskResponse(stream, 200, { 'content-type': TEXT_TYPE }))
    const res = await app.fetch(new Request('http://localhost/'))
    const reader = res.body!.getReader()
    const decoder = new TextDecoder()
    const first = await reader.read()
    expect(decoder.decode(first.value)).toBe('first|')
    release()
    const second = await reader.read()
    expect(decoder.decode(second.value)).toBe('second')
    expect((await reader.read()).done).toBe(true)
    await app.close()
  })
})
