/**
 * The errors the router raises for a path no route matches (404), a method a path does not allow (405) and a
 * path that cannot be read (400) are built without a stack trace: they come at the rate clients send them, and
 * their stack would always be the router's own frames. Everything else about them is unchanged.
 */
import { describe, expect, it } from 'vitest'
import * as core from '../src/index'
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

  // The core's misses are returned to the chain rather than thrown (a throw costs V8 about 3 µs); the error
  // must still take every step a thrown one takes.
  for (const mode of ['sync', 'async'] as const) {
    it(`a miss after ${mode} request middleware reaches the error handler, then response middleware`, async () => {
      const seen: string[] = []
      const a = new Brisk({ logger: silent })
      a.get('/books', () => [])
      a.onRequest(async (req) => {
        seen.push(`request ${req.path}`)
        if (mode === 'async') await new Promise((resolve) => setTimeout(resolve, 1))
      })
      a.onError(NotFound, (err) => {
        seen.push(`error ${err.message}`)
        return json({ missing: err.message }, 404)
      })
      a.onResponse((_req, res) => {
        seen.push(`response ${res.status}`)
        res.header('x-seen', 'yes')
      })
      const res = await a.inject('/nowhere')
      expect(res.status).toBe(404)
      expect(res.headers['x-seen']).toBe('yes')
      expect(res.json()).toEqual({ missing: 'No route for GET /nowhere' })
      expect(seen).toEqual(['request /nowhere', 'error No route for GET /nowhere', 'response 404'])
      const wrong = await a.inject({ method: 'PUT', url: '/books' })
      expect(wrong.status).toBe(405)
      expect(wrong.headers.allow).toContain('GET')
      expect(wrong.headers['x-seen']).toBe('yes')
    })
  }

  it('answers a miss with the fallback problem+json when no error handler is registered', async () => {
    const a = new Brisk({ logger: silent })
    a.get('/books', () => [])
    const res = await a.inject('/nowhere')
    expect(res.status).toBe(404)
    expect(res.headers['content-type']).toContain('application/problem+json')
    expect(res.json<{ status: number; detail: string }>()).toMatchObject({
      status: 404,
      detail: 'No route for GET /nowhere',
    })
  })

  it('keeps the way a miss is handed to the chain internal: the package exports no such value', () => {
    expect(Object.keys(core)).not.toContain('Failure')
  })
})
