import { testClient } from '@brisk/testing'
import { afterAll, describe, expect, it } from 'vitest'
import { app } from './app'

// One client for the module's app, made before the app starts so it can show what the server saw.
const client = testClient(app)
afterAll(() => client.close())

describe('hello app', () => {
  it('answers / with text', async () => {
    const res = await client.get('/')
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('text/plain;charset=UTF-8')
    expect(res.text()).toMatch(/^Hello from Brisk!/)
  })

  it('greets by name as JSON', async () => {
    const res = await client.get('/hello/Ada%20Lovelace')
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('application/json')
    expect(res.json()).toEqual({ hello: 'Ada Lovelace' })
    expect(res.request.routeName).toBe('greet')
    expect(app.urlFor('greet', { name: 'Ada' })).toBe('/hello/Ada')
  })

  it('serves the books blueprint under its prefix', async () => {
    expect((await client.get('/books')).json()).toHaveLength(2)
    const res = await client.get('/books/1')
    expect(res.status).toBe(200)
    expect(res.json()).toEqual({ id: 1, title: 'Dune', url: '/books/1' })
    expect(res.request.params).toEqual({ id: 1 })
  })

  it('answers 404 for a missing book and for an id that is not an int', async () => {
    const missing = await client.get('/books/99')
    expect(missing.status).toBe(404)
    expect(missing.headers.get('content-type')).toBe('application/problem+json')
    expect(missing.json()).toMatchObject({ status: 404, detail: 'No book 99' })
    const notInt = await client.get('/books/abc')
    expect(notInt.status).toBe(404)
    expect(notInt.request.route).toBeNull()
  })

  it('sets x-request-id on every response, errors included', async () => {
    const given = await client.get('/', { headers: { 'x-request-id': 'abc-123' } })
    expect(given.headers.get('x-request-id')).toBe('abc-123')
    const made = await client.get('/books/99')
    expect(made.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/)
  })

  it('answers HEAD from GET and 405 for other methods', async () => {
    const head = await client.head('/hello/Ada')
    expect(head.status).toBe(200)
    expect(head.text()).toBe('')
    const post = await client.post('/hello/Ada')
    expect(post.status).toBe(405)
    expect(post.headers.get('allow')).toContain('GET')
  })
})
