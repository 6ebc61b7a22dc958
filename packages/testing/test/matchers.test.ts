import { AssertionError } from 'node:assert'
import { Brisk } from '@brisk/core'
import { afterEach, describe, expect, it } from 'vitest'
import { type TestClient, testClient } from '../src/index'
import { installMatchers } from '../src/vitest'
import { modes, shopApp, silent } from './_apps'

installMatchers()

const open: TestClient[] = []
afterEach(async () => {
  await Promise.all(open.splice(0).map((c) => c.close()))
})

/** The message an assertion fails with. */
function failure(run: () => unknown): string {
  try {
    run()
  } catch (error) {
    return (error as Error).message
  }
  throw new Error('expected the assertion to fail, it passed')
}

/** The shop's route table as failure messages show it: one route per line, as there are many. */
const routes = [
  'routes:',
  '  GET /echo (echo.get)',
  '  POST /echo (echo.post)',
  '  PUT /echo (echo.put)',
  '  PATCH /echo (echo.patch)',
  '  DELETE /echo (echo.delete)',
  '  OPTIONS /echo (echo.options)',
  '  POST /form (form)',
  '  POST /bytes (bytes)',
  '  GET /moved (moved)',
  '  GET /text (text)',
  '  GET /boom (boom)',
  '  GET /books (books.list)',
  '  GET /books/:id<int> (books.show)',
  '  POST /books (books.create)',
  '  DELETE /books/:id<int> (books.remove)',
].join('\n')

describe.each(modes)('matchers in %s mode', (mode) => {
  function client(): TestClient {
    const c = testClient(shopApp(), { mode })
    open.push(c)
    return c
  }

  describe('toHaveStatus()', () => {
    it('passes on the status, and .not on another', async () => {
      const res = await client().post('/books', { json: { title: 'Dune' } })
      expect(res).toHaveStatus(201)
      expect(res).not.toHaveStatus(200)
    })

    it('fails with the status, the body and, when no route matched, the route table', async () => {
      const res = await client().get('/bookz')
      expect(failure(() => expect(res).toHaveStatus(200))).toBe(
        [
          'expected GET /bookz to answer 200, got 404',
          'GET /bookz → 404 (application/problem+json)',
          `no route matched GET /bookz; ${routes}`,
          'body: {"type":"about:blank","title":"Not Found","status":404,"detail":"No route for GET /bookz","code":"BRISK_ERR_NOT_FOUND"}',
        ].join('\n'),
      )
    })

    it('names the methods a path answers when the method is wrong', async () => {
      const res = await client().put('/books')
      expect(failure(() => expect(res).toHaveStatus(200))).toContain(
        `no route matched PUT /books (the path answers GET, HEAD, OPTIONS, POST); ${routes}`,
      )
    })

    it('shows the body of a matched route without the route table', async () => {
      const res = await client().get('/boom')
      const message = failure(() => expect(res).toHaveStatus(200))
      expect(message).toMatch(
        /^expected GET \/boom to answer 200, got 500\nGET \/boom → 500 \(application\/problem\+json\)\nbody: \{.*"status":500/,
      )
      expect(message).not.toContain('no route matched')
    })

    it('fails .not with the same details', async () => {
      const res = await client().get('/books')
      expect(failure(() => expect(res).not.toHaveStatus(200))).toMatch(
        /^expected GET \/books not to answer 200\nGET \/books → 200/,
      )
    })

    it('reads any response with a status: app.inject results and fetch Responses', async () => {
      const app = shopApp()
      const injected = await app.inject({ url: '/nowhere' })
      expect(injected).toHaveStatus(404)
      expect(failure(() => expect(injected).toHaveStatus(200))).toMatch(
        /^expected the response to answer 200, got 404\nbody: \{/,
      )
      expect(new Response('x', { status: 202 })).toHaveStatus(202)
      await app.close()
    })

    it('refuses something that is not a response, or a status that is not a number', async () => {
      expect(() => expect({}).toHaveStatus(200)).toThrow(
        'toHaveStatus(): expected a response (something with a numeric status), got object',
      )
      const res = await client().get('/books')
      expect(() => expect(res).toHaveStatus('200' as never)).toThrow(/expected a status code number/)
    })
  })

  describe('toHaveHeader()', () => {
    it('passes on presence, exact value, or a RegExp, case-insensitively', async () => {
      const res = await client().get('/books')
      expect(res).toHaveHeader('Content-Type')
      expect(res).toHaveHeader('content-type', 'application/json')
      expect(res).toHaveHeader('content-type', /json/)
      expect(res).not.toHaveHeader('x-powered-by')
      expect(res).not.toHaveHeader('content-type', /html/)
    })

    it('gives the same answer for a global RegExp used twice', async () => {
      const res = await client().get('/books')
      const json = /json/g
      expect(res).toHaveHeader('content-type', json)
      expect(res).toHaveHeader('content-type', json)
    })

    it('fails with the value it found, the header names and the body', async () => {
      const res = await client().get('/text')
      const message = failure(() => expect(res).toHaveHeader('content-type', /json/))
      expect(message).toMatch(
        /^expected GET \/text to have header content-type matching \/json\/, got "text\/plain;charset=UTF-8"\nheaders: .*content-type/,
      )
      expect(message).toContain('body: plain words')
      expect(failure(() => expect(res).toHaveHeader('ETag'))).toMatch(
        /^expected GET \/text to have header etag, it is absent/,
      )
      expect(failure(() => expect(res).toHaveHeader('content-type', 'text/html'))).toContain(
        'header content-type = "text/html", got',
      )
      expect(failure(() => expect(res).not.toHaveHeader('content-type'))).toMatch(
        /^expected GET \/text not to have header content-type, got/,
      )
    })

    it('reads plain header objects too', async () => {
      const app = shopApp()
      const injected = await app.inject({ url: '/books' })
      expect(injected).toHaveHeader('Content-Type', /json/)
      expect(() => expect(injected).toHaveHeader('content-type', 42 as never)).toThrow(
        /must be a string or a RegExp/,
      )
      await app.close()
    })
  })

  describe('toHaveRoute()', () => {
    it('passes when the named route answered', async () => {
      const res = await client().get('/books/3')
      expect(res).toHaveRoute('books.show')
      expect(res).not.toHaveRoute('books.list')
    })

    it('fails naming the route that answered, or listing the routes when none did', async () => {
      const c = client()
      const shown = await c.get('/books/3')
      expect(failure(() => expect(shown).toHaveRoute('books.list'))).toBe(
        'expected GET /books/3 to match route "books.list", but route "books.show" answered\n' +
          shown.summary(),
      )
      const missing = await c.get('/bookz')
      expect(failure(() => expect(missing).toHaveRoute('books.list'))).toContain(
        `but no route matched\nGET /bookz → 404 (application/problem+json)\nno route matched GET /bookz; ${routes}`,
      )
    })

    it('says when the request is not known', async () => {
      const app = shopApp()
      await app.inject({ url: '/' })
      const c = testClient(app)
      open.push(c)
      const res = await c.get('/books')
      expect(failure(() => expect(res).toHaveRoute('books.list'))).toMatch(
        /^expected GET \/books to match route "books.list", but res.request for GET \/books is not known: the app had started/,
      )
      expect(() => expect({ status: 200 }).toHaveRoute('x')).toThrow(
        /expected a response from @brisk\/testing/,
      )
    })
  })
})

describe('res.assertStatus() and res.assertRoute(), for runners without matchers', () => {
  it('pass through, returning the response', async () => {
    const c = testClient(shopApp())
    open.push(c)
    const res = await c.get('/books/1')
    expect(res.assertStatus(200).assertRoute().assertRoute('books.show')).toBe(res)
  })

  it('throw AssertionErrors with the same details as the matchers', async () => {
    const c = testClient(shopApp())
    open.push(c)
    const missing = await c.get('/bookz')
    let error: unknown
    try {
      missing.assertStatus(200)
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(AssertionError)
    expect((error as AssertionError).actual).toBe(404)
    expect((error as AssertionError).expected).toBe(200)
    expect((error as Error).message).toContain(`no route matched GET /bookz; ${routes}`)
    expect(() => missing.assertRoute()).toThrow(
      `expected GET /bookz to match a route, got 404\nGET /bookz → 404`,
    )
    expect(() => missing.assertRoute('books.list')).toThrow(/to match route "books.list", got 404/)
    const shown = await c.get('/books/1')
    expect(() => shown.assertRoute('books.list')).toThrow(
      'expected GET /books/1 to match route "books.list", but route "books.show" (GET /books/:id<int>) answered',
    )
  })

  it('fall back to the status when the request is not known', async () => {
    const app = new Brisk({ logger: silent })
    app.get('/here', { name: 'here' }, () => 'ok')
    await app.inject({ url: '/here' })
    const c = testClient(app)
    open.push(c)
    const missing = await c.get('/there')
    expect(() => missing.assertRoute()).toThrow(/no route matched GET \/there; routes: GET \/here \(here\)/)
    expect(() => missing.assertStatus(200)).toThrow(
      /no route matched GET \/there; routes: GET \/here \(here\)/,
    )
  })

  it('shows binary bodies as a byte count, and long bodies clipped', async () => {
    const app = new Brisk({ logger: silent })
    app.get('/bin', () => new Uint8Array(300))
    app.get('/long', () => 'x'.repeat(1500))
    const c = testClient(app)
    open.push(c)
    expect((await c.get('/bin')).summary()).toContain('body: (300 bytes of application/octet-stream)')
    expect((await c.get('/long')).summary()).toContain(`body: ${'x'.repeat(1000)}… (1500 characters)`)
  })
})
