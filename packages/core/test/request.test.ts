import { describe, expect, it } from 'vitest'
import { Brisk } from '../src/index'
import { type EntryName, forEachEntry, once } from './_matrix'

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/

/** The peer address each entry reports for a loopback test request. */
function peer(entry: EntryName): string | null {
  return entry === 'fetch' ? null : '127.0.0.1'
}

forEachEntry('req.method, req.url, req.path', (make) => {
  it('gives the upper-case method, the target as sent and the path without the query', async () => {
    const app = new Brisk()
    app.route({
      methods: ['GET', 'POST', 'PATCH'],
      path: '/files/:name',
      handler: (req) => ({ method: req.method, url: req.url, path: req.path }),
    })
    const client = await make(app)
    try {
      for (const method of ['GET', 'POST', 'PATCH']) {
        const res = await client.request({ method, url: '/files/a%20b?x=1&y=2' })
        expect(res.status).toBe(200)
        expect(res.json()).toEqual({ method, url: '/files/a%20b?x=1&y=2', path: '/files/a%20b' })
      }
    } finally {
      await client.close()
    }
  })

  it('gives the url without a query string as the path', async () => {
    const app = new Brisk()
    app.get('/plain', (req) => ({ url: req.url, path: req.path }))
    const res = await once(make, app, '/plain')
    expect(res.json()).toEqual({ url: '/plain', path: '/plain' })
  })
})

forEachEntry('req.query', (make) => {
  it('turns repeated keys into arrays in order', async () => {
    const app = new Brisk()
    app.get('/q', (req) => req.query)
    const res = await once(make, app, '/q?tag=a&tag=b&tag=c&page=2')
    expect(res.json()).toEqual({ tag: ['a', 'b', 'c'], page: '2' })
  })

  it('decodes + as a space and percent-escapes as UTF-8', async () => {
    const app = new Brisk()
    app.get('/q', (req) => req.query)
    const res = await once(make, app, '/q?name=J%C3%B6rg+Doe&sym=%E2%9C%93&amp=a%26b&plus=1%2B1')
    expect(res.json()).toEqual({ name: 'Jörg Doe', sym: '✓', amp: 'a&b', plus: '1+1' })
  })

  it('keeps a key without a value as an empty string and skips empty pairs', async () => {
    const app = new Brisk()
    app.get('/q', (req) => req.query)
    const res = await once(make, app, '/q?flag&&empty=&x=1')
    expect(res.json()).toEqual({ flag: '', empty: '', x: '1' })
  })

  it('keeps a malformed percent-escape as it was sent instead of failing', async () => {
    const app = new Brisk()
    app.get('/q', (req) => req.query)
    const res = await once(make, app, '/q?bad=%zz&ok=1')
    expect(res.status).toBe(200)
    expect(res.json()).toEqual({ bad: '%zz', ok: '1' })
  })

  it('is an empty object without a query string', async () => {
    const app = new Brisk()
    app.get('/q', (req) => ({ keys: Object.keys(req.query) }))
    const res = await once(make, app, '/q')
    expect(res.json()).toEqual({ keys: [] })
  })

  it('treats __proto__ as plain data', async () => {
    const app = new Brisk()
    app.get('/q', (req) => ({
      entries: Object.entries(req.query),
      polluted: ({} as Record<string, unknown>).polluted ?? null,
    }))
    const res = await once(make, app, '/q?__proto__=x')
    expect(res.json()).toEqual({ entries: [['__proto__', 'x']], polluted: null })
  })
})

forEachEntry('req.params', (make) => {
  it('decodes string parameters and converts typed ones', async () => {
    const app = new Brisk()
    app.get('/users/:name/books/:id<int>', (req) => ({
      name: req.params.name,
      id: req.params.id,
      type: typeof req.params.id,
    }))
    const res = await once(make, app, '/users/J%C3%B6rg/books/42')
    expect(res.json()).toEqual({ name: 'Jörg', id: 42, type: 'number' })
  })

  it('answers 400 problem+json for a parameter with a malformed percent-escape', async () => {
    const app = new Brisk()
    app.get('/users/:name', (req) => ({ name: req.params.name }))
    const res = await once(make, app, '/users/%E0%A4%A')
    expect(res.status).toBe(400)
    expect(res.headers['content-type']).toBe('application/problem+json')
    expect(res.json()).toMatchObject({ status: 400 })
  })
})

forEachEntry('req.headers', (make) => {
  it('has lower-case names and the values as sent', async () => {
    const app = new Brisk()
    app.get('/h', (req) => ({
      custom: req.headers['x-custom'],
      upper: req.headers['X-Custom'] ?? null,
      host: typeof req.headers.host,
    }))
    const res = await once(make, app, { url: '/h', headers: { 'X-Custom': 'Value With Case' } })
    expect(res.json()).toEqual({ custom: 'Value With Case', upper: null, host: 'string' })
  })

  it('joins a repeated header into one value', async () => {
    const app = new Brisk()
    app.get('/h', (req) => ({ accept: req.headers['x-list'] }))
    const res = await once(make, app, { url: '/h', headers: { 'x-list': ['a', 'b'] } })
    expect(res.json()).toEqual({ accept: 'a, b' })
  })
})

forEachEntry('req.cookies', (make) => {
  it('parses the Cookie header, decoding values and dropping quotes', async () => {
    const app = new Brisk()
    app.get('/c', (req) => req.cookies)
    const res = await once(make, app, {
      url: '/c',
      headers: { cookie: 'sid=abc123; theme="dark"; name=J%C3%B6rg' },
    })
    expect(res.json()).toEqual({ sid: 'abc123', theme: 'dark', name: 'Jörg' })
  })

  it('is empty without a Cookie header', async () => {
    const app = new Brisk()
    app.get('/c', (req) => ({ keys: Object.keys(req.cookies) }))
    const res = await once(make, app, '/c')
    expect(res.json()).toEqual({ keys: [] })
  })

  it('reads cookies sent in several Cookie headers', async () => {
    const app = new Brisk()
    app.get('/c', (req) => req.cookies)
    const res = await once(make, app, { url: '/c', headers: { cookie: ['a=1', 'b=2'] } })
    expect(res.json()).toEqual({ a: '1', b: '2' })
  })
})

forEachEntry('req.ip', (make, entry) => {
  const ipApp = (options: ConstructorParameters<typeof Brisk>[0] = {}): Brisk => {
    const app = new Brisk(options)
    app.get('/ip', (req) => ({ ip: req.ip ?? null }))
    return app
  }

  it("is the connection's peer address by default", async () => {
    const res = await once(make, ipApp(), '/ip')
    expect(res.json()).toEqual({ ip: peer(entry) })
  })

  it('ignores X-Forwarded-For and Forwarded unless trustProxy is set', async () => {
    const res = await once(make, ipApp(), {
      url: '/ip',
      headers: { 'x-forwarded-for': '203.0.113.7', forwarded: 'for=198.51.100.1' },
    })
    expect(res.json()).toEqual({ ip: peer(entry) })
  })

  it('takes the first X-Forwarded-For entry with trustProxy: true', async () => {
    const res = await once(make, ipApp({ trustProxy: true }), {
      url: '/ip',
      headers: { 'x-forwarded-for': '203.0.113.7, 10.0.0.1, 10.0.0.2' },
    })
    expect(res.json()).toEqual({ ip: '203.0.113.7' })
  })

  it('believes only as many hops from the right as trustProxy counts', async () => {
    const xff = { 'x-forwarded-for': '6.6.6.6, 203.0.113.7, 10.0.0.1' }
    const one = await once(make, ipApp({ trustProxy: 1 }), { url: '/ip', headers: xff })
    expect(one.json()).toEqual({ ip: '10.0.0.1' })
    const two = await once(make, ipApp({ trustProxy: 2 }), { url: '/ip', headers: xff })
    expect(two.json()).toEqual({ ip: '203.0.113.7' })
  })

  it('prefers the Forwarded header over X-Forwarded-For when trusted', async () => {
    const res = await once(make, ipApp({ trustProxy: 1 }), {
      url: '/ip',
      headers: {
        forwarded: 'for=192.0.2.60;proto=https, for="[2001:db8::1]:4711"',
        'x-forwarded-for': '203.0.113.7',
      },
    })
    expect(res.json()).toEqual({ ip: '2001:db8::1' })
  })

  it('falls back to the peer address when trusted headers are absent', async () => {
    const res = await once(make, ipApp({ trustProxy: true }), '/ip')
    expect(res.json()).toEqual({ ip: peer(entry) })
  })
})

describe('req.ip [inject]', () => {
  it("is inject's remoteAddress option", async () => {
    const app = new Brisk()
    app.get('/ip', (req) => ({ ip: req.ip }))
    const res = await app.inject({ url: '/ip', remoteAddress: '198.51.100.23' })
    await app.close()
    expect(res.json()).toEqual({ ip: '198.51.100.23' })
  })
})

forEachEntry('req.protocol', (make) => {
  it('is http for a plain connection', async () => {
    const app = new Brisk()
    app.get('/p', (req) => ({ protocol: req.protocol }))
    const res = await once(make, app, { url: '/p', headers: { 'x-forwarded-proto': 'https' } })
    expect(res.json()).toEqual({ protocol: 'http' })
  })

  it('follows X-Forwarded-Proto with trustProxy', async () => {
    const app = new Brisk({ trustProxy: 1 })
    app.get('/p', (req) => ({ protocol: req.protocol }))
    const client = await make(app)
    try {
      const https = await client.request({ url: '/p', headers: { 'x-forwarded-proto': 'HTTPS, http' } })
      expect(https.json()).toEqual({ protocol: 'https' })
      const http = await client.request({ url: '/p', headers: { 'x-forwarded-proto': 'http' } })
      expect(http.json()).toEqual({ protocol: 'http' })
    } finally {
      await client.close()
    }
  })
})

describe('req.protocol [fetch]', () => {
  it('is https for an https:// Request', async () => {
    const app = new Brisk()
    app.get('/p', (req) => ({ protocol: req.protocol }))
    const res = await app.fetch(new Request('https://shop.example.com/p'))
    await app.close()
    expect(await res.json()).toEqual({ protocol: 'https' })
  })
})

forEachEntry('req.hostname', (make) => {
  it('is the Host header without its port', async () => {
    const app = new Brisk()
    app.get('/h', (req) => ({ hostname: req.hostname }))
    const res = await once(make, app, { url: '/h', headers: { host: 'shop.example.com:8080' } })
    expect(res.json()).toEqual({ hostname: 'shop.example.com' })
  })

  it('keeps the brackets of an IPv6 host', async () => {
    const app = new Brisk()
    app.get('/h', (req) => ({ hostname: req.hostname }))
    const res = await once(make, app, { url: '/h', headers: { host: '[::1]:8080' } })
    expect(res.json()).toEqual({ hostname: '[::1]' })
  })
})

forEachEntry('req.id', (make) => {
  const idApp = (): Brisk => {
    const app = new Brisk()
    app.get('/id', (req) => ({ id: req.id, again: req.id }))
    return app
  }

  it('is a valid x-request-id header', async () => {
    const res = await once(make, idApp(), { url: '/id', headers: { 'x-request-id': 'trace-01HZX.abc_123' } })
    expect(res.json()).toEqual({ id: 'trace-01HZX.abc_123', again: 'trace-01HZX.abc_123' })
  })

  it('is a random UUID, stable within a request, when no header is sent', async () => {
    const client = await make(idApp())
    try {
      const first = (await client.request('/id')).json<{ id: string; again: string }>()
      const second = (await client.request('/id')).json<{ id: string; again: string }>()
      expect(first.id).toMatch(UUID)
      expect(first.again).toBe(first.id)
      expect(second.id).toMatch(UUID)
      expect(second.id).not.toBe(first.id)
    } finally {
      await client.close()
    }
  })

  it('replaces an x-request-id that is too long or has spaces or control characters', async () => {
    const client = await make(idApp())
    try {
      for (const bad of ['x'.repeat(201), 'has space', 'tab\there', 'caf\u00e9']) {
        const res = await client.request({ url: '/id', headers: { 'x-request-id': bad } })
        expect(res.json<{ id: string }>().id).toMatch(UUID)
      }
      const longest = 'y'.repeat(200)
      const kept = await client.request({ url: '/id', headers: { 'x-request-id': longest } })
      expect(kept.json<{ id: string }>().id).toBe(longest)
    } finally {
      await client.close()
    }
  })
})

describe('req.id [inject]', () => {
  it('replaces an x-request-id with a CR/LF or a NUL byte', async () => {
    const app = new Brisk()
    app.get('/id', (req) => ({ id: req.id }))
    for (const bad of ['a\r\nb', 'a\u0000b', '']) {
      const res = await app.inject({ url: '/id', headers: { 'x-request-id': bad } })
      expect(res.json<{ id: string }>().id).toMatch(UUID)
    }
    await app.close()
  })
})

forEachEntry('req.ctx', (make) => {
  it('is a fresh object for every request', async () => {
    const app = new Brisk<{ ctx: { hits?: number; user?: string } }>()
    app.onRequest((req) => {
      req.ctx.hits = (req.ctx.hits ?? 0) + 1
    })
    app.get('/ctx', (req) => {
      req.ctx.hits = (req.ctx.hits ?? 0) + 1
      req.ctx.user ??= 'ada'
      // @ts-expect-error: a field the app's ctx type does not declare
      const unknown: unknown = req.ctx.missing
      return { hits: req.ctx.hits, user: req.ctx.user, unknown: unknown ?? null }
    })
    const client = await make(app)
    try {
      for (let i = 0; i < 3; i++) {
        const res = await client.request('/ctx')
        expect(res.json()).toEqual({ hits: 2, user: 'ada', unknown: null })
      }
    } finally {
      await client.close()
    }
  })

  it('is shared between middleware and the handler of one request', async () => {
    const app = new Brisk<{ ctx: { trail: string[] } }>()
    app.onRequest((req) => {
      req.ctx.trail = ['request']
    })
    app.onResponse((req, res) => {
      res.header('x-trail', [...req.ctx.trail, 'response'].join(','))
    })
    app.get('/ctx', (req) => {
      req.ctx.trail.push('handler')
      return { trail: req.ctx.trail }
    })
    const res = await once(make, app, '/ctx')
    expect(res.json()).toEqual({ trail: ['request', 'handler'] })
    expect(res.headers['x-trail']).toBe('request,handler,response')
  })
})

forEachEntry('req.accepts()', (make) => {
  const acceptApp = (): Brisk => {
    const app = new Brisk()
    app.get('/a', (req) => ({ type: req.accepts(['application/json', 'text/html']) ?? null }))
    return app
  }

  it('returns the offered type the Accept header prefers', async () => {
    const client = await make(acceptApp())
    try {
      const browser = await client.request({
        url: '/a',
        headers: { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' },
      })
      expect(browser.json()).toEqual({ type: 'text/html' })
      const api = await client.request({ url: '/a', headers: { accept: 'application/json' } })
      expect(api.json()).toEqual({ type: 'application/json' })
      const weighted = await client.request({
        url: '/a',
        headers: { accept: 'application/json;q=0.5, text/*;q=0.9' },
      })
      expect(weighted.json()).toEqual({ type: 'text/html' })
    } finally {
      await client.close()
    }
  })

  it('returns the first offer without an Accept header, and undefined when nothing is acceptable', async () => {
    const client = await make(acceptApp())
    try {
      const none = await client.request('/a')
      expect(none.json()).toEqual({ type: 'application/json' })
      const refused = await client.request({ url: '/a', headers: { accept: 'image/png' } })
      expect(refused.json()).toEqual({ type: null })
    } finally {
      await client.close()
    }
  })
})
