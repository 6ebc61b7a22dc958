import { describe, expect, it } from 'vitest'
import { app } from './app'

describe('hello app', () => {
  it('answers / with text', async () => {
    const res = await app.inject('/')
    expect(res.status).toBe(200)
    expect(res.headers['content-type']).toBe('text/plain; charset=utf-8')
    expect(res.body).toMatch(/^Hello from Brisk!/)
  })

  it('greets by name as JSON', async () => {
    const res = await app.inject('/hello/Ada%20Lovelace')
    expect(res.status).toBe(200)
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8')
    expect(res.json()).toEqual({ hello: 'Ada Lovelace' })
    expect(app.urlFor('greet', { name: 'Ada' })).toBe('/hello/Ada')
  })

  it('serves the books blueprint under its prefix', async () => {
    expect((await app.inject('/books')).json()).toHaveLength(2)
    const res = await app.inject('/books/1')
    expect(res.status).toBe(200)
    expect(res.json()).toEqual({ id: 1, title: 'Dune', url: '/books/1' })
  })

  it('answers 404 for a missing book and for an id that is not an int', async () => {
    const missing = await app.inject('/books/99')
    expect(missing.status).toBe(404)
    expect(missing.headers['content-type']).toBe('application/problem+json')
    expect(missing.json()).toMatchObject({ status: 404, detail: 'No book 99' })
    expect((await app.inject('/books/abc')).status).toBe(404)
  })

  it('sets x-request-id on every response, errors included', async () => {
    const given = await app.inject({ url: '/', headers: { 'x-request-id': 'abc-123' } })
    expect(given.headers['x-request-id']).toBe('abc-123')
    const made = await app.inject('/books/99')
    expect(made.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/)
  })

  it('answers HEAD from GET and 405 for other methods', async () => {
    const head = await app.inject({ method: 'HEAD', url: '/hello/Ada' })
    expect(head.status).toBe(200)
    expect(head.body).toBe('')
    const post = await app.inject({ method: 'POST', url: '/hello/Ada' })
    expect(post.status).toBe(405)
    expect(post.headers.allow).toContain('GET')
  })
})
