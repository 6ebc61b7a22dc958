import { afterEach, describe, expect, it } from 'vitest'
import { type TestClient, testClient } from '../src/index'
import { type Echo, modes, shopApp } from './_apps'

const open: TestClient[] = []
afterEach(async () => {
  await Promise.all(open.splice(0).map((c) => c.close()))
})

describe.each(modes)('testClient(app, { mode: %s })', (mode) => {
  function client(options: Parameters<typeof testClient>[1] = {}): TestClient {
    const c = testClient(shopApp(), { mode, ...options })
    open.push(c)
    return c
  }

  describe('verbs', () => {
    it('sends each verb with its method and path', async () => {
      const c = client()
      for (const verb of ['get', 'post', 'put', 'patch', 'delete', 'options'] as const) {
        const res = await c[verb]('/echo')
        expect(res.status).toBe(200)
        expect(res.json<Echo>().method).toBe(verb.toUpperCase())
        expect(res.method).toBe(verb.toUpperCase())
        expect(res.url).toBe('/echo')
      }
    })

    it('answers HEAD from GET with headers and no body', async () => {
      const res = await client().head('/books')
      expect(res.status).toBe(200)
      expect(res.headers.get('content-type')).toMatch(/json/)
      expect(res.bytes().byteLength).toBe(0)
      expect(res.text()).toBe('')
    })

    it('sends any method through request()', async () => {
      const res = await client().request('patch', '/echo', { json: { a: 1 } })
      expect(res.json<Echo>().method).toBe('PATCH')
      expect(res.json<Echo>().body).toBe('{"a":1}')
    })

    it('returns 4xx and 5xx as responses, not errors', async () => {
      const c = client()
      expect((await c.get('/nowhere')).status).toBe(404)
      expect((await c.put('/books')).status).toBe(405)
      const boom = await c.get('/boom')
      expect(boom.status).toBe(500)
      expect(boom.ok).toBe(false)
    })

    it('does not follow redirects', async () => {
      const res = await client().get('/moved')
      expect(res.status).toBe(301)
      expect(res.headers.get('location')).toBe('/books')
    })

    it('answers OPTIONS with the Allow header', async () => {
      const res = await client().options('/books')
      expect(res.status).toBe(204)
      expect(res.headers.get('allow')).toContain('POST')
    })
  })

  describe('request options', () => {
    it('appends query fields to the URL, repeating arrays and skipping null', async () => {
      const res = await client().get('/echo?a=1', {
        query: { b: 2, tag: ['x', 'y z'], off: false, gone: null, no: undefined },
      })
      const echo = res.json<Echo>()
      expect(echo.url).toBe('/echo?a=1&b=2&tag=x&tag=y+z&off=false')
      expect(echo.query).toEqual({ a: '1', b: '2', tag: ['x', 'y z'], off: 'false' })
    })

    it('takes a URLSearchParams as query', async () => {
      const res = await client().get('/echo', { query: new URLSearchParams([['q', 'dune']]) })
      expect(res.json<Echo>().query).toEqual({ q: 'dune' })
    })

    it('sends json with its content type and length', async () => {
      const res = await client().post('/books', { json: { title: 'Dune', year: 1965 } })
      expect(res.status).toBe(201)
      expect(res.json()).toEqual({ created: { title: 'Dune', year: 1965 } })
      const echo = (await client().post('/echo', { json: [1, 'two'] })).json<Echo>()
      expect(echo.headers['content-type']).toBe('application/json')
      expect(echo.headers['content-length']).toBe('9')
      expect(echo.body).toBe('[1,"two"]')
    })

    it('sends json null and false, which are values', async () => {
      expect((await client().post('/echo', { json: null })).json<Echo>().body).toBe('null')
      expect((await client().post('/echo', { json: false })).json<Echo>().body).toBe('false')
    })

    it('keeps a content type given in headers over the json default', async () => {
      const res = await client().post('/echo', {
        json: { a: 1 },
        headers: { 'Content-Type': 'application/merge-patch+json' },
      })
      expect(res.json<Echo>().headers['content-type']).toBe('application/merge-patch+json')
    })

    it('sends form fields url-encoded', async () => {
      const res = await client().post('/form', { form: { email: 'a@b.c', tags: ['x', 'y'], n: 3 } })
      expect(res.status).toBe(200)
      expect(res.json()).toEqual({ form: { email: 'a@b.c', tags: ['x', 'y'], n: '3' } })
      const echo = (await client().post('/echo', { form: new URLSearchParams({ q: 'a b' }) })).json<Echo>()
      expect(echo.headers['content-type']).toBe('application/x-www-form-urlencoded')
      expect(echo.body).toBe('q=a+b')
    })

    it('sends a raw string or bytes body as it is', async () => {
      const c = client()
      const echo = (
        await c.put('/echo', { body: 'héllo', headers: { 'content-type': 'text/plain' } })
      ).json<Echo>()
      expect(echo.body).toBe('héllo')
      expect(echo.headers['content-length']).toBe('6')
      const bytes = new Uint8Array([0, 1, 2, 255])
      const res = await c.post('/bytes', { body: bytes })
      expect(res.headers.get('content-type')).toBe('application/octet-stream')
      expect(res.bytes()).toEqual(bytes)
      expect((await c.post('/bytes', { body: bytes.buffer })).bytes()).toEqual(bytes)
    })

    it('says content-length 0 for a POST without a body', async () => {
      const echo = (await client().post('/echo')).json<Echo>()
      expect(echo.headers['content-length']).toBe('0')
      expect(echo.headers['transfer-encoding']).toBeUndefined()
    })

    it('sends headers with lower-case names and repeated values', async () => {
      const echo = (
        await client().get('/echo', { headers: { 'X-Trace': 'abc', 'X-Count': 3, Accept: 'text/html' } })
      ).json<Echo>()
      expect(echo.headers['x-trace']).toBe('abc')
      expect(echo.headers['x-count']).toBe('3')
      expect(echo.headers.accept).toBe('text/html')
    })

    it('sends Host from the origin, and lets a header override it', async () => {
      expect((await client().get('/echo')).json<Echo>().headers.host).toBe('localhost')
      const shop = client({ origin: 'https://shop.example:8443' })
      expect((await shop.get('/echo')).json<Echo>().headers.host).toBe('shop.example:8443')
      expect((await shop.get('/echo', { headers: { host: 'api.example' } })).json<Echo>().headers.host).toBe(
        'api.example',
      )
    })

    it('drops the fragment of a URL, as clients do', async () => {
      expect((await client().get('/echo?a=1#top')).json<Echo>().url).toBe('/echo?a=1')
    })
  })

  describe('responses', () => {
    it('reads the body as text, JSON and bytes', async () => {
      const res = await client().get('/books/7')
      expect(res.text()).toBe('{"id":7,"title":"Dune","user":null}')
      expect(res.json()).toEqual({ id: 7, title: 'Dune', user: null })
      expect(new TextDecoder().decode(res.bytes())).toBe(res.text())
      expect(res.ok).toBe(true)
    })

    it('exposes headers as a Web Headers object', async () => {
      const res = await client().get('/text')
      expect(res.headers).toBeInstanceOf(Headers)
      expect(res.headers.get('Content-Type')).toBe('text/plain;charset=UTF-8')
      expect(res.headers.has('x-missing')).toBe(false)
    })

    it('explains a body that is not JSON', async () => {
      const res = await client().get('/text')
      expect(() => res.json()).toThrowError(
        expect.objectContaining({
          code: 'BRISK_TEST_ERR_NOT_JSON',
          message: expect.stringContaining(
            'GET /text (status 200, text/plain;charset=UTF-8) is not JSON: plain words',
          ),
        }),
      )
    })

    it('gives the same status, body and content type in both modes', async () => {
      const res = await client().get('/books/7?x=1', { headers: { authorization: 'Bearer ada' } })
      expect({ status: res.status, type: res.headers.get('content-type'), body: res.json() }).toEqual({
        status: 200,
        type: 'application/json',
        body: { id: 7, title: 'Dune', user: 'ada' },
      })
    })

    it('serves requests in parallel', async () => {
      const c = client()
      const all = await Promise.all(Array.from({ length: 20 }, (_, i) => c.get(`/books/${i}`)))
      expect(all.map((r) => r.json().id)).toEqual(Array.from({ length: 20 }, (_, i) => i))
      expect(all.map((r) => r.request.params.id)).toEqual(Array.from({ length: 20 }, (_, i) => i))
    })
  })
})

describe('testClient() modes', () => {
  it('does not open a server in inject mode', async () => {
    const c = testClient(shopApp())
    open.push(c)
    expect(c.mode).toBe('inject')
    await c.get('/books')
    expect(c.app.server).toBeNull()
  })

  it('starts the server lazily in listen mode, on loopback, and stops it on close', async () => {
    const app = shopApp()
    const c = testClient(app, { mode: 'listen' })
    expect(app.server).toBeNull()
    await c.get('/books')
    expect(app.server?.address.host).toBe('127.0.0.1')
    const url = await c.listen()
    expect(url).toBe(app.server?.address.url)
    const raw = app.server!.raw
    await c.close()
    expect(raw.listening).toBe(false)
  })

  it('uses a server the app already has', async () => {
    const app = shopApp()
    const c = testClient(app, { mode: 'listen' })
    const { url } = await app.listen({ port: 0, host: '127.0.0.1' })
    expect(await c.listen()).toBe(url)
    expect((await c.get('/books')).status).toBe(200)
    await c.close()
  })

  it('starts one server when many requests race for it', async () => {
    const app = shopApp()
    const c = testClient(app, { mode: 'listen' })
    open.push(c)
    const all = await Promise.all([c.get('/books'), c.get('/books/1'), c.listen()])
    expect(all[0].status).toBe(200)
    expect(all[2]).toBe(app.server?.address.url)
  })

  it('leaves the app running with closeApp: false', async () => {
    const app = shopApp()
    let stopped = 0
    app.afterStop(() => {
      stopped++
    })
    const c = testClient(app, { mode: 'listen', closeApp: false })
    await c.get('/books')
    await c.close()
    expect(stopped).toBe(0)
    expect(app.server?.raw.listening).toBe(true)
    await app.close()
    expect(stopped).toBe(1)
  })

  it('closes the app it started on close(), once', async () => {
    const app = shopApp()
    let stopped = 0
    app.afterStop(() => {
      stopped++
    })
    const c = testClient(app)
    await c.get('/books')
    await Promise.all([c.close(), c.close()])
    await c.close()
    expect(stopped).toBe(1)
    expect(c.closed).toBe(true)
  })

  it('does not close an app that never started', async () => {
    const app = shopApp()
    let stopped = 0
    app.beforeStop(() => {
      stopped++
    })
    await testClient(app).close()
    expect(stopped).toBe(0)
  })
})
