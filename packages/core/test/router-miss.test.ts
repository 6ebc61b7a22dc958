/**
 * The errors the router raises for a path no route matches (404), a method a path does not allow (405) and a
 * path that cannot be read (400) are built without a stack trace: they come at the rate clients send them, and
 * their stack would always be the router's own frames. Everything else about them is unchanged.
 */
import { describe, expect, it } from 'vitest'
import { BadRequest, Brisk, json, MethodNotAllowed, NotFound } from '../src/index'
import { silent } from './_helpers'

function app(): Brisk<any> {
  const app = new Brisk({ logger: silent })
  app.get('/books', () => [])
  app.onError(NotFound, (err) =>
    json({ name: err.name, code: err.code, stack: err.stack, message: err.message }, 404),
  )
  app.onError(MethodNotAllowed, (err) => json({ stack: err.stack, allow: err.headers?.allow }, 405))
  app.onError(BadRequest, (err) => json({ stack: err.stack }, 400))
  return app
}

describe('errors of router misses', () => {
  it('a 404 keeps its class, code and message, and its stack is its first line only', async () => {
    const res = await app().inject('/nowhere')
    expect(res.status).toBe(404)
    expect(res.json()).toEqual({
      name: 'NotFound',
      code: 'BRISK_ERR_NOT_FOUND',
      message: 'No route for GET /nowhere',
      stack: 'NotFound: No route for GET /nowhere',
    })
  })

  it('a 405 and a 400 carry no stack frames either, and the Allow header is still set', async () => {
    const a = app()
    const res = await a.inject({ method: 'DELETE', url: '/books' })
    expect(res.status).toBe(405)
    expect(res.json<{ allow: string }>().allow).toContain('GET')
    expect(res.json<{ stack: string }>().stack).not.toContain('\n')
    const bad = await a.inject('/%zz')
    expect(bad.status).toBe(400)
    expect(bad.json<{ stack: string }>().stack).not.toContain('\n')
  })

  it('leaves Error.stackTraceLimit as it was, and errors thrown by handlers keep their stack', async () => {
    const before = Error.stackTraceLimit
    const a = app()
    a.get('/mine', () => {
      throw new NotFound('No book 7')
    })
    await a.inject('/nowhere')
    expect(Error.stackTraceLimit).toBe(before)
    const res = await a.inject('/mine')
    expect(res.json<{ stack: string }>().stack).toContain('\n    at ')
  })

  it('still answers 404 where Error.stackTraceLimit is read-only (a locked-down realm), stack and all', async () => {
    const own = Object.getOwnPropertyDescriptor(Error, 'stackTraceLimit')!
    Object.defineProperty(Error, 'stackTraceLimit', { ...own, writable: false })
    try {
      const res = await app().inject('/nowhere')
      expect(res.status).toBe(404)
      expect(res.json<{ stack: string }>().stack).toContain('\n    at ')
    } finally {
      Object.defineProperty(Error, 'stackTraceLimit', own)
    }
  })
})
