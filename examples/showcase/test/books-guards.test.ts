/**
 * Writing books needs a bearer token with scope books:write, checked before anything reads the body: a
 * request without one gets 401 (403 without the scope) whatever its body, and never reaches the handler.
 */
import { describe, expect } from 'vitest'
import { bearer, expectProblem, login, test } from './_helpers'

const GOOD = { title: 'Solaris', author: 'Stanisław Lem', year: 1961 }

describe('POST /api/v1/books without a valid token', () => {
  test('is 401 with a Bearer challenge, whatever the body, and creates nothing', async ({
    client,
    books,
  }) => {
    const bodies = [
      { json: GOOD },
      { json: { title: 7 } }, // would be a 422
      { body: '{"title":', headers: { 'content-type': 'application/json' } }, // would be a 400
      { body: 'title=x', headers: { 'content-type': 'text/plain' } }, // would be a 415
      {},
    ]
    for (const options of bodies) {
      const res = await client.post('/api/v1/books', options)
      expectProblem(res, 401)
      expect(res.headers.get('www-authenticate')).toMatch(/^Bearer\b/)
      expect(res).toHaveRoute('books.create') // the route matched; its guard answered
    }
    expect(books.added).toEqual([])
    expect(books.size).toBe(3)
  })

  test('is 401 for a body over the 1 MiB limit too: the guard answers before the body is read', async ({
    client,
    books,
  }) => {
    const res = await client.post('/api/v1/books', {
      body: JSON.stringify({ ...GOOD, padding: 'x'.repeat(2 * 1024 * 1024) }),
      headers: { 'content-type': 'application/json' },
    })
    expectProblem(res, 401)
    expect(books.added).toEqual([])
  })

  test('is 401 for a bad token, an expired-looking one, or another scheme', async ({ client, books }) => {
    const { access_token } = await login(client, 'alice', 'wonderland')
    for (const authorization of [
      'Bearer nope',
      `Bearer ${access_token}x`,
      `Token ${access_token}`,
      'Bearer',
      `Bearer  ${access_token} extra`,
    ]) {
      const res = await client.post('/api/v1/books', { json: GOOD, headers: { authorization } })
      expectProblem(res, 401)
      expect(res.headers.get('www-authenticate'), authorization).toMatch(/^Bearer\b/)
    }
    expect(books.added).toEqual([])
  })
})

describe('POST /api/v1/books with a token', () => {
  test('is 403 insufficient_scope for bob (books:read only), before his body is checked', async ({
    client,
    books,
  }) => {
    const { access_token } = await login(client, 'bob', 'builder')
    for (const json of [GOOD, { title: '' }]) {
      const res = await client.post('/api/v1/books', { json, headers: bearer(access_token) })
      expectProblem(res, 403)
      expect(res.headers.get('www-authenticate')).toContain('error="insufficient_scope"')
    }
    expect(books.added).toEqual([])
  })

  test('accepts the scheme word in any case', async ({ client, books }) => {
    const { access_token } = await login(client, 'alice', 'wonderland')
    for (const scheme of ['bearer', 'BEARER']) {
      const res = await client.post('/api/v1/books', { json: GOOD, headers: bearer(access_token, scheme) })
      expect(res, scheme).toHaveStatus(201)
    }
    expect(books.added).toEqual([GOOD, GOOD])
  })

  test('the handler gets the checked body, as sent', async ({ client, books }) => {
    const { access_token } = await login(client, 'alice', 'wonderland')
    const res = await client.post('/api/v1/books', {
      json: { title: '  Spaces kept  ', author: 'A', year: -44 },
      headers: bearer(access_token),
    })
    expect(res).toHaveStatus(201)
    expect(books.added).toEqual([{ title: '  Spaces kept  ', author: 'A', year: -44 }])
  })
})

describe('DELETE /api/v1/books/:id', () => {
  test('is 401 without a token and 403 for bob; the book stays', async ({ client, books }) => {
    const res = await client.delete('/api/v1/books/1')
    expectProblem(res, 401)
    expect(res.headers.get('www-authenticate')).toMatch(/^Bearer\b/)
    const { access_token } = await login(client, 'bob', 'builder')
    expectProblem(await client.delete('/api/v1/books/1', { headers: bearer(access_token) }), 403)
    // Guards come before the handler: an unknown id without a token is a 401, not a 404.
    expectProblem(await client.delete('/api/v1/books/999'), 401)
    expect(books.get(1)).toMatchObject({ id: 1 })
    expect((await client.get('/api/v1/books/1')).status).toBe(200)
  })
})
