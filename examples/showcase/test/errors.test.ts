/**
 * Errors, for every route: problem+json with a `status` member (an HTML page for a client that prefers
 * HTML), from the router, the server's parser, guards, validation and static files alike; no stack trace,
 * path or secret outside development mode.
 */
import { testClient } from '@brisk/testing'
import { afterEach, describe, expect, it } from 'vitest'
import { BookStore } from '../src/book-store'
import { bearer, expectProblem, login, raw, SECRET, showcase, test } from './_helpers'

const BROWSER_ACCEPT = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8'

describe('what an error looks like', () => {
  test('problem+json without Accept, with */* and with application/json', async ({ client }) => {
    for (const accept of [undefined, '*/*', 'application/json']) {
      const res = await client.get('/no/such/page', { headers: { accept } })
      const problem = expectProblem(res, 404)
      expect(problem).toMatchObject({ type: 'about:blank', title: 'Not Found', status: 404 })
    }
  })

  test('an HTML page for a browser, for errors of every origin', async ({ client }) => {
    const { access_token } = await login(client, 'alice', 'wonderland')
    const cases: [string, () => ReturnType<typeof client.get>, number][] = [
      ['router 404', () => client.get('/no/such/page', { headers: { accept: BROWSER_ACCEPT } }), 404],
      ['handler 404', () => client.get('/api/v1/books/999', { headers: { accept: BROWSER_ACCEPT } }), 404],
      ['405', () => client.delete('/health', { headers: { accept: BROWSER_ACCEPT } }), 405],
      [
        'guard 401',
        () => client.post('/api/v1/books', { json: {}, headers: { accept: BROWSER_ACCEPT } }),
        401,
      ],
      [
        'validation 422',
        () =>
          client.post('/api/v1/books', {
            json: {},
            headers: { accept: BROWSER_ACCEPT, ...bearer(access_token) },
          }),
        422,
      ],
      ['static 404', () => client.get('/static/missing.css', { headers: { accept: 'text/html' } }), 404],
    ]
    for (const [name, send, status] of cases) {
      const res = await send()
      expect(res.status, name).toBe(status)
      expect(res.headers.get('content-type'), name).toMatch(/^text\/html/)
      expect(res.text(), name).toMatch(/<html/i)
    }
  })

  test('a wrong method on a known path is 405 with Allow', async ({ client }) => {
    const cases: [string, string, RegExp[]][] = [
      ['/api/v1/books', 'put', [/\bGET\b/, /\bPOST\b/]],
      ['/api/v1/books/1', 'post', [/\bGET\b/, /\bDELETE\b/]],
      ['/health', 'delete', [/\bGET\b/]],
      ['/', 'post', [/\bGET\b/]],
      ['/auth', 'get', [/\bPOST\b/]],
      ['/session/reset', 'get', [/\bPOST\b/]],
      ['/openapi.json', 'patch', [/\bGET\b/]],
    ]
    for (const [path, method, allowed] of cases) {
      const res = await client.request(method.toUpperCase(), path)
      expectProblem(res, 405)
      const allow = res.headers.get('allow') ?? ''
      for (const m of allowed) expect(allow, `${method} ${path}`).toMatch(m)
      expect(allow).not.toContain(method.toUpperCase())
    }
  })

  test('malformed JSON is a 400 on every JSON endpoint', async ({ client }) => {
    const { access_token } = await login(client, 'alice', 'wonderland')
    const headers = { 'content-type': 'application/json' }
    for (const path of ['/auth', '/auth/refresh', '/auth/logout', '/api/v1/books']) {
      const res = await client.post(path, {
        body: '{"a": tru',
        headers: { ...headers, ...bearer(access_token) },
      })
      expectProblem(res, 400)
    }
  })

  test('a body over 1 MiB is a 413', async ({ client, books }) => {
    const big = JSON.stringify({ username: 'alice', password: 'x'.repeat(1024 * 1024) })
    expectProblem(
      await client.post('/auth', { body: big, headers: { 'content-type': 'application/json' } }),
      413,
    )
    const { access_token } = await login(client, 'alice', 'wonderland')
    const book = JSON.stringify({ title: 'T', author: 'A', notes: 'x'.repeat(1024 * 1024) })
    const res = await client.post('/api/v1/books', {
      body: book,
      headers: { 'content-type': 'application/json', ...bearer(access_token) },
    })
    expectProblem(res, 413)
    expect(books.added).toEqual([])
    // Just under the limit is read (and the unknown field ignored).
    const fits = JSON.stringify({ title: 'T', author: 'A', notes: 'x'.repeat(1024 * 1024 - 100) })
    const ok = await client.post('/api/v1/books', {
      body: fits,
      headers: { 'content-type': 'application/json', ...bearer(access_token) },
    })
    expect(ok).toHaveStatus(201)
  })
})

describe('what the server refuses while parsing', () => {
  test('header lines over 16 KiB in total are a 431 problem+json', async ({ client }) => {
    const url = await client.listen()
    const filler = Array.from({ length: 20 }, (_, i) => `x-filler-${i}: ${'a'.repeat(900)}\r\n`).join('')
    const res = await raw(url, `GET /health HTTP/1.1\r\nhost: localhost\r\n${filler}\r\n`)
    expect(res.status).toBe(431)
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/)
    expect(JSON.parse(res.body)).toMatchObject({ status: 431 })
    // Below the limit, the same request is served.
    const small = await raw(url, `GET /health HTTP/1.1\r\nhost: localhost\r\nconnection: close\r\n\r\n`)
    expect(small.status).toBe(200)
  })

  test('a request line the server cannot parse is a 400 problem+json', async ({ client }) => {
    const url = await client.listen()
    for (const line of [
      'GARBAGE',
      'GET /health',
      'GET  /health HTTP/1.1',
      'GET /health HTTP/1.1 x',
      'GET /a b HTTP/1.1',
    ]) {
      const res = await raw(url, `${line}\r\nhost: localhost\r\n\r\n`)
      expect(res.status, line).toBe(400)
      expect(res.headers['content-type'], line).toMatch(/^application\/problem\+json/)
      expect(JSON.parse(res.body), line).toMatchObject({ status: 400 })
    }
  })
})

describe('development mode', () => {
  /** A store whose listing fails with a message that holds a secret and a path. */
  class BrokenStore extends BookStore {
    override list(): never {
      throw new Error(`database at /srv/secret/db.sqlite refused password ${SECRET}`)
    }
  }

  const clients: ReturnType<typeof testClient>[] = []
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()))
  })

  function clientFor(NODE_ENV: string | undefined) {
    const app = showcase(NODE_ENV === undefined ? {} : { NODE_ENV }, { books: new BrokenStore() })
    // The error is logged on stderr by design; keep the test output quiet.
    Object.assign(app.log, { error: () => {}, info: () => {} })
    const client = testClient(app, { mode: 'listen' })
    clients.push(client)
    return client
  }

  it('is off unless NODE_ENV=development: a 500 shows no message, stack, path or secret', async () => {
    for (const env of [undefined, 'production', 'test']) {
      const client = clientFor(env)
      for (const accept of [undefined, BROWSER_ACCEPT, 'text/plain']) {
        const res = await client.get('/api/v1/books', { headers: { accept } })
        expect(res.status).toBe(500)
        const body = res.text()
        expect(body).toContain('Internal Server Error')
        for (const leak of [SECRET, '/srv/secret', 'refused password', 'book-store', '.ts:', '    at ']) {
          expect(body, `${env} ${accept}: ${leak}`).not.toContain(leak)
        }
      }
      expectProblem(await client.get('/api/v1/books'), 500)
    }
  })

  it('shows the error and its stack with NODE_ENV=development', async () => {
    const client = clientFor('development')
    const res = await client.get('/api/v1/books')
    expectProblem(res, 500)
    expect(res.text()).toContain('refused password')
    expect(res.text()).toMatch(/errors\.test\.ts/)
  })
})
