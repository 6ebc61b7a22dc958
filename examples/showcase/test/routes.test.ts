/**
 * Every row of the contract's route table, over real HTTP and WebSocket (memory mode).
 */
import { describe, expect } from 'vitest'
import { bearer, expectProblem, login, test } from './_helpers'

describe('GET /health', () => {
  test('answers 200 {"status":"ok"}', async ({ client }) => {
    const res = await client.get('/health')
    expect(res).toHaveStatus(200)
    expect(res.headers.get('content-type')).toMatch(/^application\/json/)
    expect(res.json()).toEqual({ status: 'ok' })
    expect(res.headers.get('set-cookie')).toBeNull() // it never touches the session
  })
})

describe('GET /', () => {
  test('is an HTML page from the layout listing every book', async ({ client, books }) => {
    const res = await client.get('/')
    expect(res).toHaveStatus(200)
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8')
    const page = res.text()
    expect(page).toMatch(/^<!doctype html>/)
    expect(page).toContain('<link rel="stylesheet" href="/static/style.css">') // from layout.html
    expect(page).toContain('<title>Books · Brisk showcase</title>') // the page's block inside the layout's
    expect(books.list().length).toBeGreaterThanOrEqual(3)
    for (const book of books.list()) {
      expect(page).toContain(`<li data-id="${book.id}"><cite>${book.title}</cite> by ${book.author}`)
    }
  })

  test('lists a book added through the API, its title escaped', async ({ client }) => {
    const { access_token } = await login(client, 'alice', 'wonderland')
    await client.post('/api/v1/books', {
      headers: bearer(access_token),
      json: { title: '<script>alert(1)</script>', author: 'Mallory & co' },
    })
    const page = (await client.get('/')).text()
    expect(page).toContain('<cite>&lt;script&gt;alert(1)&lt;/script&gt;</cite> by Mallory &amp; co')
    expect(page).not.toContain('<script>alert(1)')
  })
})

describe('GET /hello', () => {
  test('greets the name, HTML-escaped', async ({ client }) => {
    const res = await client.get('/hello', { query: { name: '<b>Ada</b> & "Bob"' } })
    expect(res).toHaveStatus(200)
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8')
    expect(res.text()).toContain('Hello, &lt;b&gt;Ada&lt;/b&gt; &amp; &quot;Bob&quot;!')
    expect(res.text()).not.toContain('<b>Ada</b>')
    expect(res.request.query).toEqual({ name: '<b>Ada</b> & "Bob"' })
  })

  test('greets plain names as they are, and the world without one', async ({ client }) => {
    expect((await client.get('/hello?name=Ada')).text()).toContain('Hello, Ada!')
    expect((await client.get('/hello?name=Ada&name=Bob')).text()).toContain('Hello, Ada!')
    expect((await client.get('/hello')).text()).toContain('Hello, world!')
  })
})

describe('the books API', () => {
  test('GET /api/v1/books lists at least 3 seeded books with ids 1..n', async ({ client }) => {
    const res = await client.get('/api/v1/books')
    expect(res).toHaveStatus(200)
    expect(res.headers.get('content-type')).toMatch(/^application\/json/)
    const list = res.json<{ id: number; title: string; author: string; year?: number }[]>()
    expect(list.length).toBeGreaterThanOrEqual(3)
    expect(list.map((b) => b.id)).toEqual(list.map((_, i) => i + 1))
    for (const book of list) {
      expect(Object.keys(book).sort()).toEqual(['author', 'id', 'title', 'year'])
      expect(typeof book.title).toBe('string')
      expect(typeof book.author).toBe('string')
      expect(Number.isInteger(book.year)).toBe(true)
    }
  })

  test('GET /api/v1/books/:id answers the book; its id reaches the handler as a number', async ({
    client,
  }) => {
    const res = await client.get('/api/v1/books/2')
    expect(res).toHaveStatus(200)
    expect(res.json()).toMatchObject({ id: 2, title: 'The Left Hand of Darkness' })
    expect(res).toHaveRoute('books.show')
    expect(res.request.params).toEqual({ id: 2 })
  })

  test('an unknown id is a 404 from the handler; a non-integer id matches no route', async ({ client }) => {
    const unknown = await client.get('/api/v1/books/999')
    expectProblem(unknown, 404)
    expect(unknown).toHaveRoute('books.show')
    for (const path of ['/api/v1/books/abc', '/api/v1/books/1.5', '/api/v1/books/1e3', '/api/v1/books/0x1']) {
      const res = await client.get(path)
      expectProblem(res, 404)
      expect(res.request.route, path).toBeNull()
    }
  })

  test('POST creates a book: 201, its JSON, a Location that answers it', async ({ client, books }) => {
    const { access_token } = await login(client, 'alice', 'wonderland')
    const res = await client.post('/api/v1/books', {
      headers: bearer(access_token),
      json: { title: 'Solaris', author: 'Stanisław Lem', year: 1961 },
    })
    expect(res).toHaveStatus(201)
    const book = res.json()
    expect(book).toEqual({ id: 4, title: 'Solaris', author: 'Stanisław Lem', year: 1961 })
    expect(res.headers.get('location')).toBe('/api/v1/books/4')
    expect(books.added).toEqual([{ title: 'Solaris', author: 'Stanisław Lem', year: 1961 }])
    const again = await client.get(res.headers.get('location')!)
    expect(again.json()).toEqual(book)
    expect((await client.get('/api/v1/books')).json()).toHaveLength(4)
  })

  test('POST without a year, with unknown fields: they are ignored, not stored', async ({
    client,
    books,
  }) => {
    const { access_token } = await login(client, 'alice', 'wonderland')
    const res = await client.post('/api/v1/books', {
      headers: bearer(access_token),
      json: { title: 'Ubik', author: 'Philip K. Dick', isbn: '978-0', id: 77 },
    })
    expect(res).toHaveStatus(201)
    expect(res.json()).toEqual({ id: 4, title: 'Ubik', author: 'Philip K. Dick' })
    expect(books.get(4)).toEqual({ id: 4, title: 'Ubik', author: 'Philip K. Dick' })
  })

  test('DELETE removes a book: 204, then 404', async ({ client, books }) => {
    const { access_token } = await login(client, 'alice', 'wonderland')
    const res = await client.delete('/api/v1/books/1', { headers: bearer(access_token) })
    expect(res).toHaveStatus(204)
    expect(res.text()).toBe('')
    expect(books.get(1)).toBeUndefined()
    expectProblem(await client.get('/api/v1/books/1'), 404)
    expectProblem(await client.delete('/api/v1/books/1', { headers: bearer(access_token) }), 404)
    expectProblem(await client.delete('/api/v1/books/999', { headers: bearer(access_token) }), 404)
  })
})

describe('WS /ws/echo', () => {
  test('sends every text message back unchanged', async ({ client }) => {
    const ws = await client.websocket('/ws/echo')
    const messages = ['hello', '', 'ünïcödé ✓', 'x'.repeat(70_000), '{"json":true}']
    for (const message of messages) {
      await ws.send(message)
      expect(await ws.next()).toBe(message)
    }
    expect(await ws.close(1000, 'bye')).toMatchObject({ code: 1000 })
  })

  test('sends binary messages back as binary', async ({ client }) => {
    const ws = await client.websocket('/ws/echo')
    await ws.send(new Uint8Array([0, 1, 2, 255]))
    expect(await ws.next()).toEqual(new Uint8Array([0, 1, 2, 255]))
    await ws.close()
  })

  test('a plain GET to the websocket path is 426', async ({ client }) => {
    expectProblem(await client.get('/ws/echo'), 426)
  })
})

describe('GET /static/…', () => {
  test('serves public/style.css', async ({ client }) => {
    const res = await client.get('/static/style.css')
    expect(res).toHaveStatus(200)
    expect(res.headers.get('content-type')).toMatch(/^text\/css/)
    expect(res.text()).toContain('font-family')
    expect(res.headers.get('etag')).toBeTruthy()
  })

  test('a missing file, and a way out of the folder, are 404 problem+json; a `..` above the root is 400', async ({
    client,
  }) => {
    expectProblem(await client.get('/static/nope.css'), 404)
    expectProblem(await client.get('/static/..%2fsrc%2fapp.ts'), 404)
    expectProblem(await client.get('/static/../../package.json'), 400)
  })
})

describe('GET /docs', () => {
  test('is Swagger UI whose every asset the app serves itself', async ({ client }) => {
    const res = await client.get('/docs')
    expect(res).toHaveStatus(200)
    expect(res.headers.get('content-type')).toMatch(/^text\/html/)
    const page = res.text()
    const assets = [...page.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!)
    expect(assets.length).toBeGreaterThanOrEqual(3)
    for (const asset of assets) {
      expect(asset, asset).toMatch(/^\/docs\//) // nothing from another origin
      expect(await client.get(asset), asset).toHaveStatus(200)
    }
    const initializer = await client.get('/docs/swagger-initializer.js')
    expect(initializer.text()).toContain('/openapi.json')
  })
})
