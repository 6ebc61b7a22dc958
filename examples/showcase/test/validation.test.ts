/**
 * The body of POST /api/v1/books: `{title: string 1..200, author: string 1..200, year?: integer}`. A 422
 * lists one item per bad field (its first broken rule), `#` for a body that is not an object; JSON is never
 * coerced; unknown fields are ignored.
 */
import type { TestClient } from '@brisk/testing'
import { describe, expect } from 'vitest'
import { bearer, expectProblem, login, test } from './_helpers'

interface FieldError {
  pointer: string
  detail: string
}

/** Posts `json` as alice and returns the 422's items, sorted by pointer. */
async function refused(client: TestClient, json: unknown): Promise<FieldError[]> {
  const { access_token } = await login(client, 'alice', 'wonderland')
  const res = await client.post('/api/v1/books', { json, headers: bearer(access_token) })
  const problem = expectProblem(res, 422)
  const errors = problem.errors as FieldError[]
  expect(Array.isArray(errors)).toBe(true)
  for (const item of errors) {
    expect(Object.keys(item).sort()).toEqual(['detail', 'pointer'])
    expect(typeof item.detail).toBe('string')
    expect(item.detail.length).toBeGreaterThan(0)
  }
  return [...errors].sort((a, b) => a.pointer.localeCompare(b.pointer))
}

const pointers = (errors: FieldError[]) => errors.map((e) => e.pointer)

describe('POST /api/v1/books validation', () => {
  test('names every bad field once, and no good one', async ({ client, books }) => {
    const errors = await refused(client, { author: '', year: '1965' })
    expect(pointers(errors)).toEqual(['#/author', '#/title', '#/year'])
    const good = await refused(client, { title: 'Fine', author: 5, year: 1965 })
    expect(pointers(good)).toEqual(['#/author'])
    expect(books.added).toEqual([])
  })

  test('is application/problem+json with code and status', async ({ client }) => {
    const { access_token } = await login(client, 'alice', 'wonderland')
    const res = await client.post('/api/v1/books', { json: { author: 'x' }, headers: bearer(access_token) })
    expect(res).toHaveStatus(422)
    expect(res.json()).toMatchObject({
      status: 422,
      code: 'BRISK_OPENAPI_ERR_VALIDATION',
      errors: [{ pointer: '#/title', detail: expect.stringContaining('title') }],
    })
  })

  test('does not coerce: "2001", 2001.5, true and null are not integer years', async ({ client }) => {
    for (const year of ['2001', 2001.5, true, null, [2001]]) {
      const errors = await refused(client, { title: 'T', author: 'A', year })
      expect(pointers(errors), JSON.stringify(year)).toEqual(['#/year'])
    }
    expect(pointers(await refused(client, { title: 123, author: 'A' }))).toEqual(['#/title'])
    expect(pointers(await refused(client, { title: ['T'], author: { name: 'A' } }))).toEqual([
      '#/author',
      '#/title',
    ])
  })

  test('bounds title and author to 1..200 characters', async ({ client, books }) => {
    expect(pointers(await refused(client, { title: '', author: 'A' }))).toEqual(['#/title'])
    expect(pointers(await refused(client, { title: 'T', author: 'a'.repeat(201) }))).toEqual(['#/author'])
    expect(pointers(await refused(client, { title: 't'.repeat(201), author: '' }))).toEqual([
      '#/author',
      '#/title',
    ])
    const { access_token } = await login(client, 'alice', 'wonderland')
    const longest = { title: 't'.repeat(200), author: 'a'.repeat(200) }
    expect(await client.post('/api/v1/books', { json: longest, headers: bearer(access_token) })).toHaveStatus(
      201,
    )
    const shortest = { title: 't', author: 'a', year: 0 }
    expect(
      await client.post('/api/v1/books', { json: shortest, headers: bearer(access_token) }),
    ).toHaveStatus(201)
    expect(books.added).toEqual([longest, shortest])
  })

  test('a body that is not an object is one item at #', async ({ client }) => {
    for (const json of [[], ['T', 'A'], 'a book', 42, null, true]) {
      expect(await refused(client, json), JSON.stringify(json)).toEqual([
        { pointer: '#', detail: expect.any(String) },
      ])
    }
  })

  test('ignores unknown fields, and a bad one among them still counts alone', async ({ client }) => {
    const errors = await refused(client, {
      title: 'T',
      author: 'A',
      year: 'x',
      extra: { deep: [1] },
      isbn: 1,
    })
    expect(pointers(errors)).toEqual(['#/year'])
  })

  test('malformed JSON is a 400, not a 422', async ({ client, books }) => {
    const { access_token } = await login(client, 'alice', 'wonderland')
    const res = await client.post('/api/v1/books', {
      body: '{"title": "T", "author": ',
      headers: { ...bearer(access_token), 'content-type': 'application/json' },
    })
    expectProblem(res, 400)
    expect(books.added).toEqual([])
  })
})
