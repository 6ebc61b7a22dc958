import { readFileSync } from 'node:fs'
import { Brisk, BriskResponse } from '@brisk/core'
import { afterEach, describe, expect, it } from 'vitest'
import { errorCodes, type TestClient, TestClientError, testClient } from '../src/index'
import { modes, shopApp } from './_apps'

const open: TestClient[] = []
afterEach(async () => {
  await Promise.all(open.splice(0).map((c) => c.close()))
})

/** The error a promise rejects with, or a synchronous throw. */
async function failure(run: () => unknown): Promise<TestClientError> {
  try {
    await run()
  } catch (error) {
    expect(error).toBeInstanceOf(TestClientError)
    return error as TestClientError
  }
  throw new Error('expected a TestClientError, nothing was thrown')
}

describe.each(modes)('bad input in %s mode', (mode) => {
  function client(): TestClient {
    const c = testClient(shopApp(), { mode })
    open.push(c)
    return c
  }

  it('refuses a URL without a leading slash, suggesting the fix', async () => {
    const error = await failure(() => client().get('books'))
    expect(error.code).toBe('BRISK_TEST_ERR_URL')
    expect(error.message).toBe(
      'client.get("books"): the URL must be a path starting with "/", like "/books", got "books" ' +
        "(the scheme and host come from the client's `origin` option)",
    )
  })

  it('refuses an absolute URL, suggesting its path', async () => {
    const error = await failure(() => client().post('http://localhost/books?x=1'))
    expect(error.code).toBe('BRISK_TEST_ERR_URL')
    expect(error.message).toContain('like "/books?x=1"')
  })

  it('refuses a URL with spaces or non-ASCII characters, suggesting the encoding', async () => {
    const error = await failure(() => client().get('/books/dune messiah'))
    expect(error.code).toBe('BRISK_TEST_ERR_URL')
    expect(error.message).toContain('percent-encode it, e.g. "/books/dune%20messiah"')
    expect((await failure(() => client().get('/café'))).code).toBe('BRISK_TEST_ERR_URL')
  })

  it('refuses a URL that is not a string', async () => {
    const error = await failure(() => client().get(42 as unknown as string))
    expect(error.message).toBe('client.get(42): the URL must be a string like "/books", got number 42')
  })

  it('refuses two bodies at once, unknown options and bad option types', async () => {
    const c = client()
    const two = await failure(() => c.post('/books', { json: {}, form: { a: 1 } }))
    expect(two.code).toBe('BRISK_TEST_ERR_OPTIONS')
    expect(two.message).toBe(
      'client.post("/books"): give one of `json`, `form` and `body`, not json and form',
    )
    const unknown = await failure(() => c.get('/books', { qs: { a: 1 } } as never))
    expect(unknown.message).toMatch(
      /unknown option "qs"; the options are headers, query, json, form, body, cookies/,
    )
    const nested = await failure(() => c.get('/books', { query: { a: { b: 1 } } as never }))
    expect(nested.message).toMatch(
      /`query.a` must be a string, number, boolean or an array of them; use `json`/,
    )
    const body = await failure(() => c.post('/books', { body: { a: 1 } as never }))
    expect(body.message).toMatch(
      /`body` must be a string, a Uint8Array or an ArrayBuffer, got an object; use `json`/,
    )
    const cyclic: Record<string, unknown> = {}
    cyclic.self = cyclic
    expect((await failure(() => c.post('/books', { json: cyclic }))).message).toMatch(
      /`json` cannot be serialised/,
    )
    expect((await failure(() => c.post('/books', { json: () => 1 }))).message).toMatch(
      /`json` must be a JSON value, got a function/,
    )
    expect((await failure(() => c.request('GET /', '/'))).message).toMatch(/"GET \/" is not an HTTP method/)
  })

  it('refuses any use after close(), naming the call', async () => {
    const c = client()
    await c.get('/books')
    await c.close()
    const error = await failure(() => c.get('/books'))
    expect(error.code).toBe('BRISK_TEST_ERR_CLOSED')
    expect(error.message).toBe(
      'client.get("/books"): this client was closed with client.close(); make a new one with testClient(app)',
    )
    expect((await failure(() => c.withHeaders({}))).code).toBe('BRISK_TEST_ERR_CLOSED')
    expect((await failure(() => c.websocket('/ws'))).code).toBe('BRISK_TEST_ERR_CLOSED')
    expect((await failure(() => c.listen())).code).toBe('BRISK_TEST_ERR_CLOSED')
  })

  it('refuses a new client on an app that a client closed', async () => {
    const app = shopApp()
    const first = testClient(app, { mode })
    await first.get('/books')
    await first.close()
    const error = await failure(() => testClient(app, { mode }))
    expect(error.code).toBe('BRISK_TEST_ERR_APP_CLOSED')
    expect(error.message).toMatch(/build a new app for each test/)
  })

  it('refuses requests once the app was closed behind the client', async () => {
    const app = shopApp()
    const c = testClient(app, { mode })
    await c.get('/books')
    await app.close()
    expect((await failure(() => c.get('/books'))).code).toBe('BRISK_TEST_ERR_APP_CLOSED')
    await c.close()
  })
})

describe('testClient() options', () => {
  it('refuses a wrong mode, origin, timeout, option name or app', async () => {
    const app = new Brisk()
    expect((await failure(() => testClient(app, { mode: 'socket' as never }))).message).toBe(
      "testClient(): mode must be 'inject' or 'listen', got \"socket\"",
    )
    expect((await failure(() => testClient(app, { origin: 'localhost' }))).message).toMatch(
      /origin must be an absolute URL/,
    )
    expect((await failure(() => testClient(app, { origin: 'ftp://x' }))).message).toMatch(
      /origin must be http or https/,
    )
    expect((await failure(() => testClient(app, { timeout: 0 }))).message).toMatch(
      /timeout must be a number of milliseconds > 0/,
    )
    expect((await failure(() => testClient(app, { port: 1 } as never))).message).toMatch(
      /unknown option "port"/,
    )
    expect(() => testClient({} as never)).toThrow(/expected a Brisk app/)
  })

  it('turns a failed connection into BRISK_TEST_ERR_NETWORK', async () => {
    const app = shopApp()
    const c = testClient(app, { mode: 'listen', closeApp: false })
    await c.listen() // the server runs, and no kept-alive connection could hide that it stopped
    // Stop the server without the app knowing, as a crash would.
    await new Promise<void>((resolve) => app.server!.raw.close(() => resolve()))
    const error = await failure(() => c.get('/books'))
    expect(error.code).toBe('BRISK_TEST_ERR_NETWORK')
    expect(error.message).toMatch(/^GET \/books failed against the live server: .*ECONNREFUSED/)
    await c.close()
  })
})

describe('answers that never reached the app, or that HTTP cannot carry', () => {
  it('says res.request is unknown when the server answered by itself (431)', async () => {
    const c = testClient(shopApp(), { mode: 'listen' })
    open.push(c)
    const res = await c.get('/books', { headers: { 'x-huge': 'x'.repeat(20_000) } })
    expect(res.status).toBe(431)
    const error = await failure(() => res.request)
    expect(error.code).toBe('BRISK_TEST_ERR_NO_REQUEST')
    expect(error.message).toBe(
      'res.request for GET /books is not known: no request reached the app (the server answered by itself, e.g. 431 or 400 for a malformed request)',
    )
  })

  it('refuses a response header value outside Latin-1 with BRISK_TEST_ERR_RESPONSE', async () => {
    const app = new Brisk()
    app.get('/arrow', () => new BriskResponse('ok', 200, { 'x-arrow': '→' }))
    const c = testClient(app)
    open.push(c)
    const error = await failure(() => c.get('/arrow'))
    expect(error.code).toBe('BRISK_TEST_ERR_RESPONSE')
    expect(error.message).toBe('The response header "x-arrow" has a value HTTP cannot carry: "→"')
  })
})

describe('the README', () => {
  it('lists every error code, and no other', () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8')
    const listed = new Set(readme.match(/BRISK_TEST_ERR_[A-Z_]+/g))
    expect([...listed].sort()).toEqual(Object.keys(errorCodes).sort())
  })
})
