import { describe, expect, it } from 'vitest'
import {
  abort,
  BadRequest,
  Blueprint,
  Brisk,
  Conflict,
  Forbidden,
  HTTPError,
  InternalServerError,
  json,
  MethodNotAllowed,
  NotFound,
  PayloadTooLarge,
  ServiceUnavailable,
  TooManyRequests,
  text,
  Unauthorized,
  UnprocessableEntity,
  UnsupportedMediaType,
} from '../src/index'
import { recordingLogger, tick } from './_helpers'
import { forEachEntry, once } from './_matrix'

const BROWSER = 'text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8'
const SECRET = 'password=hunter2'

/** An error whose message and stack carry things a client must never see. */
function secretError(): Error {
  const error = new Error(`connect failed: ${SECRET}`)
  error.stack = `Error: connect failed: ${SECRET}\n    at connect (/srv/shop/src/db/pool.ts:42:7)\n    at handler (/srv/shop/src/routes/books.ts:9:3)`
  return error
}

describe('HTTPError and its subclasses', () => {
  const cases: [HTTPError, number, string, boolean, string][] = [
    [new BadRequest(), 400, 'BRISK_ERR_BAD_REQUEST', true, 'Bad Request'],
    [new Unauthorized(), 401, 'BRISK_ERR_UNAUTHORIZED', true, 'Unauthorized'],
    [new Forbidden(), 403, 'BRISK_ERR_FORBIDDEN', true, 'Forbidden'],
    [new NotFound(), 404, 'BRISK_ERR_NOT_FOUND', true, 'Not Found'],
    [new MethodNotAllowed(['GET']), 405, 'BRISK_ERR_METHOD_NOT_ALLOWED', true, 'Method Not Allowed'],
    [new Conflict(), 409, 'BRISK_ERR_CONFLICT', true, 'Conflict'],
    [
      new PayloadTooLarge(1024),
      413,
      'BRISK_ERR_BODY_TOO_LARGE',
      true,
      'Body exceeds the limit of 1024 bytes',
    ],
    [new UnsupportedMediaType(), 415, 'BRISK_ERR_UNSUPPORTED_MEDIA_TYPE', true, 'Unsupported Media Type'],
    [new UnprocessableEntity(), 422, 'BRISK_ERR_UNPROCESSABLE', true, 'Unprocessable Content'],
    [new TooManyRequests(), 429, 'BRISK_ERR_TOO_MANY_REQUESTS', true, 'Too Many Requests'],
    [new InternalServerError(), 500, 'BRISK_ERR_INTERNAL', false, 'Internal Server Error'],
    [new ServiceUnavailable(), 503, 'BRISK_ERR_UNAVAILABLE', true, 'Service Unavailable'],
  ]
  for (const [error, status, code, expose, message] of cases) {
    it(`${error.name} has status ${status}, code ${code} and expose ${expose}`, () => {
      expect(error).toBeInstanceOf(HTTPError)
      expect(error).toBeInstanceOf(Error)
      expect(error.status).toBe(status)
      expect(error.code).toBe(code)
      expect(error.expose).toBe(expose)
      expect(error.message).toBe(message)
    })
  }

  it('takes a custom code, expose flag, headers, extensions and cause', () => {
    const cause = new Error('root')
    const error = new HTTPError(402, 'Pay up', {
      code: 'SHOP_PAYMENT',
      expose: false,
      headers: { 'x-a': '1' },
      extensions: { balance: 3 },
      cause,
    })
    expect([error.status, error.code, error.expose, error.message, error.name]).toEqual([
      402,
      'SHOP_PAYMENT',
      false,
      'Pay up',
      'HTTPError',
    ])
    expect(error.headers).toEqual({ 'x-a': '1' })
    expect(error.extensions).toEqual({ balance: 3 })
    expect(error.cause).toBe(cause)
  })

  it('derives a generic code for statuses without their own', () => {
    expect(new HTTPError(418).code).toBe('BRISK_ERR_CLIENT')
    expect(new HTTPError(507).code).toBe('BRISK_ERR_SERVER')
    expect(new HTTPError(507).expose).toBe(false)
  })

  it('refuses a status outside 400..599, naming the value', () => {
    for (const status of [399, 600, 200, 404.5, Number.NaN, -1]) {
      expect(() => new HTTPError(status)).toThrow(RangeError)
    }
    expect(() => new HTTPError(302)).toThrow('HTTPError status must be an integer from 400 to 599, got 302')
    expect(() => new HTTPError('404' as never)).toThrow(RangeError)
  })

  it('puts the allowed methods of MethodNotAllowed in an Allow header, keeping other headers', () => {
    const error = new MethodNotAllowed(['GET', 'HEAD'], 'nope', { headers: { 'x-b': '2' } })
    expect(error.allowed).toEqual(['GET', 'HEAD'])
    expect(error.headers).toEqual({ 'x-b': '2', allow: 'GET, HEAD' })
  })
})

describe('problem types', () => {
  it('reads problemTypeBase from BRISK_PROBLEM_TYPE_BASE, and refuses what is not a URI', () => {
    expect(new Brisk({ env: {} }).config.problemTypeBase).toBeUndefined()
    expect(new Brisk({ env: { BRISK_PROBLEM_TYPE_BASE: 'https://e.com/p/' } }).config.problemTypeBase).toBe(
      'https://e.com/p/',
    )
    expect(() => new Brisk({ env: { BRISK_PROBLEM_TYPE_BASE: 'not a uri' } })).toThrow(
      /^BRISK_PROBLEM_TYPE_BASE must be a URI/,
    )
    expect(() => new Brisk({ problemTypeBase: '', env: {} })).toThrow(
      /^new Brisk\(\): problemTypeBase must be a URI/,
    )
    expect(new NotFound('x', { type: 'https://e.com/p/missing' }).type).toBe('https://e.com/p/missing')
    expect(new NotFound('x').type).toBeUndefined()
    expect(() => new HTTPError(400, 'x', { type: 'has space' })).toThrow(TypeError)
    expect(() => new HTTPError(400, 'x', { type: 42 as never })).toThrow(TypeError)
  })
})

describe('abort()', () => {
  it('throws an HTTPError with the status and message', () => {
    let caught: unknown
    try {
      abort(404, 'No book 7')
    } catch (error) {
      caught = error
    }
    expect(caught).toBeInstanceOf(HTTPError)
    expect(caught).toMatchObject({
      status: 404,
      message: 'No book 7',
      code: 'BRISK_ERR_NOT_FOUND',
      expose: true,
    })
  })

  it('refuses a status that is not an error', () => {
    expect(() => abort(200, 'fine')).toThrow(RangeError)
  })
})

forEachEntry('HTTPError responses', (make) => {
  /** Throws `error` from GET / and returns the response. */
  function thrown(error: unknown, headers: Record<string, string> = {}, dev = false) {
    const app = new Brisk({ dev, logger: recordingLogger().logger })
    app.get('/', () => {
      throw error
    })
    return once(make, app, { url: '/', headers })
  }

  const cases: [HTTPError, number, string, string][] = [
    [new BadRequest('page must be a number'), 400, 'Bad Request', 'BRISK_ERR_BAD_REQUEST'],
    [new Forbidden('Needs books:write'), 403, 'Forbidden', 'BRISK_ERR_FORBIDDEN'],
    [new NotFound('No book 7'), 404, 'Not Found', 'BRISK_ERR_NOT_FOUND'],
    [new Conflict('Title taken'), 409, 'Conflict', 'BRISK_ERR_CONFLICT'],
    [
      new UnsupportedMediaType('Expected JSON'),
      415,
      'Unsupported Media Type',
      'BRISK_ERR_UNSUPPORTED_MEDIA_TYPE',
    ],
    [new ServiceUnavailable('Session store down'), 503, 'Service Unavailable', 'BRISK_ERR_UNAVAILABLE'],
    // Any status is titled with its reason phrase, not "Error".
    [new HTTPError(418, 'Short and stout'), 418, "I'm a Teapot", 'BRISK_ERR_CLIENT'],
    [new HTTPError(423, 'The book is checked out'), 423, 'Locked', 'BRISK_ERR_CLIENT'],
    [
      new HTTPError(507, 'The shelf is full', { expose: true }),
      507,
      'Insufficient Storage',
      'BRISK_ERR_SERVER',
    ],
  ]
  for (const [error, status, title, code] of cases) {
    it(`answers ${error.name} with a ${status} problem+json carrying its message and code`, async () => {
      const res = await thrown(error)
      expect(res.status).toBe(status)
      expect(res.headers['content-type']).toBe('application/problem+json')
      expect(res.json()).toEqual({ type: 'about:blank', title, status, detail: error.message, code })
    })
  }

  it("sends an error's own problem type as given", async () => {
    const type = 'https://example.com/problems/book-missing'
    const res = await thrown(new NotFound('No book 7', { type }))
    expect(res.json()).toEqual({
      type,
      title: 'Not Found',
      status: 404,
      detail: 'No book 7',
      code: 'BRISK_ERR_NOT_FOUND',
    })
    const relative = await thrown(new HTTPError(409, 'Title taken', { type: '/problems/title-taken' }))
    expect(relative.json().type).toBe('/problems/title-taken')
  })

  it('builds the type from the app-wide problemTypeBase and the code, where the code is shown', async () => {
    const base = 'https://example.com/problems/'
    const app = new Brisk({ problemTypeBase: base, logger: recordingLogger().logger, env: {} })
    app.get('/taken', () => {
      throw new HTTPError(409, 'Title taken', { code: 'SHOP_TITLE_TAKEN' })
    })
    app.get('/own', () => {
      throw new HTTPError(409, 'Title taken', { type: 'https://example.com/own' })
    })
    app.get('/crash', () => {
      throw new Error('the database password is hunter2')
    })
    app.get('/hidden', () => {
      throw new HTTPError(502, 'upstream said no', { code: 'SHOP_UPSTREAM' })
    })
    const client = await make(app)
    try {
      expect((await client.request('/taken')).json().type).toBe(`${base}SHOP_TITLE_TAKEN`)
      expect((await client.request('/missing')).json().type).toBe(`${base}BRISK_ERR_NOT_FOUND`)
      expect((await client.request('/own')).json().type).toBe('https://example.com/own')
      // An error that is not shown keeps its code to itself, in the type too.
      expect((await client.request('/crash')).json()).toEqual({
        type: 'about:blank',
        title: 'Internal Server Error',
        status: 500,
      })
      expect((await client.request('/hidden')).json()).toEqual({
        type: 'about:blank',
        title: 'Bad Gateway',
        status: 502,
      })
    } finally {
      await client.close()
    }
  })

  it('answers abort(status, message) like the matching HTTPError', async () => {
    const app = new Brisk()
    app.get('/books/:id<int>', (req) => abort(404, `No book ${req.params.id}`))
    const res = await once(make, app, '/books/7')
    expect(res.status).toBe(404)
    expect(res.json()).toEqual({
      type: 'about:blank',
      title: 'Not Found',
      status: 404,
      detail: 'No book 7',
      code: 'BRISK_ERR_NOT_FOUND',
    })
  })

  it('sends the headers of Unauthorized, MethodNotAllowed and TooManyRequests', async () => {
    const unauthorized = await thrown(
      new Unauthorized('Token expired', { headers: { 'www-authenticate': 'Bearer' } }),
    )
    expect(unauthorized.status).toBe(401)
    expect(unauthorized.headers['www-authenticate']).toBe('Bearer')
    expect(unauthorized.json()).toMatchObject({ detail: 'Token expired', code: 'BRISK_ERR_UNAUTHORIZED' })
    const notAllowed = await thrown(new MethodNotAllowed(['GET', 'POST']))
    expect(notAllowed.status).toBe(405)
    expect(notAllowed.headers.allow).toBe('GET, POST')
    const tooMany = await thrown(new TooManyRequests('Slow down', { headers: { 'retry-after': '30' } }))
    expect(tooMany.status).toBe(429)
    expect(tooMany.headers['retry-after']).toBe('30')
  })

  it('sends the extensions of UnprocessableEntity as problem members', async () => {
    const errors = [{ field: 'title', message: 'required' }]
    const res = await thrown(new UnprocessableEntity('Invalid book', { extensions: { errors } }))
    expect(res.status).toBe(422)
    expect(res.json()).toEqual({
      type: 'about:blank',
      title: 'Unprocessable Content',
      status: 422,
      detail: 'Invalid book',
      code: 'BRISK_ERR_UNPROCESSABLE',
      errors,
    })
  })

  it('does not let an extension overwrite the standard members', async () => {
    const res = await thrown(new BadRequest('bad', { extensions: { status: 200, title: 'OK', extra: 1 } }))
    expect(res.json()).toMatchObject({ status: 400, title: 'Bad Request', extra: 1 })
  })

  it('answers PayloadTooLarge with 413 and its limit', async () => {
    const res = await thrown(new PayloadTooLarge(64))
    expect(res.status).toBe(413)
    expect(res.json()).toMatchObject({
      detail: 'Body exceeds the limit of 64 bytes',
      code: 'BRISK_ERR_BODY_TOO_LARGE',
    })
  })

  it('hides the message, code and extensions of an unexposed HTTPError', async () => {
    const res = await thrown(
      new HTTPError(502, SECRET, { code: 'SHOP_UPSTREAM', extensions: { host: 'db.internal' } }),
    )
    expect(res.status).toBe(502)
    expect(res.json()).toEqual({ type: 'about:blank', title: 'Bad Gateway', status: 502 })
    const internal = await thrown(new InternalServerError(SECRET))
    expect(internal.json()).toEqual({ type: 'about:blank', title: 'Internal Server Error', status: 500 })
  })

  it('shows the message of a 5xx HTTPError made with expose: true', async () => {
    const res = await thrown(new HTTPError(503, 'Back in 5 minutes', { expose: true }))
    expect(res.json()).toMatchObject({ status: 503, detail: 'Back in 5 minutes' })
  })
})

forEachEntry('the default error handler', (make) => {
  function failing(dev: boolean, error: unknown = secretError()) {
    const recorded = recordingLogger()
    const app = new Brisk({ dev, logger: recorded.logger })
    app.get('/', () => {
      throw error
    })
    app.get('/missing', () => {
      throw new NotFound('No book <7>')
    })
    return { app, errors: recorded.errors }
  }

  it('answers problem+json without Accept and for */*', async () => {
    for (const accept of [undefined, '*/*', 'application/json']) {
      const { app } = failing(false)
      const res = await once(make, app, { url: '/missing', headers: accept === undefined ? {} : { accept } })
      expect(res.status).toBe(404)
      expect(res.headers['content-type']).toBe('application/problem+json')
      expect(res.json()).toEqual({
        type: 'about:blank',
        title: 'Not Found',
        status: 404,
        detail: 'No book <7>',
        code: 'BRISK_ERR_NOT_FOUND',
      })
    }
  })

  it('answers an HTML page to a browser, with the message escaped', async () => {
    const { app } = failing(false)
    const res = await once(make, app, { url: '/missing', headers: { accept: BROWSER } })
    expect(res.status).toBe(404)
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8')
    expect(res.body).toMatch(/^<!doctype html>/)
    expect(res.body).toContain('<h1>404 Not Found</h1>')
    expect(res.body).toContain('No book &lt;7&gt;')
  })

  it('answers plain text to text/plain', async () => {
    const { app } = failing(false)
    const res = await once(make, app, { url: '/missing', headers: { accept: 'text/plain' } })
    expect(res.headers['content-type']).toBe('text/plain;charset=UTF-8')
    expect(res.body).toBe('404 Not Found: No book <7>')
  })

  for (const [format, accept, type] of [
    ['problem+json', '*/*', 'application/problem+json'],
    ['HTML', BROWSER, 'text/html; charset=utf-8'],
    ['text', 'text/plain', 'text/plain;charset=UTF-8'],
  ] as const) {
    it(`never shows an unexpected error's message or stack in ${format} outside dev mode, and logs it`, async () => {
      const error = secretError()
      const { app, errors } = failing(false, error)
      const res = await once(make, app, { url: '/', headers: { accept } })
      expect(res.status).toBe(500)
      expect(res.headers['content-type']).toBe(type)
      for (const leak of ['hunter2', 'connect failed', '/srv/shop', 'pool.ts', ' at '])
        expect(res.body).not.toContain(leak)
      expect(res.body).toContain('Internal Server Error')
      expect(errors).toHaveLength(1)
      expect(errors[0]!.obj).toMatchObject({ err: error, method: 'GET', path: '/' })
    })

    it(`shows the message and the stack in ${format} in dev mode`, async () => {
      const { app, errors } = failing(true)
      const res = await once(make, app, { url: '/', headers: { accept } })
      expect(res.status).toBe(500)
      expect(res.headers['content-type']).toBe(type)
      expect(res.body).toContain(`connect failed: ${SECRET}`)
      expect(res.body).toContain('/srv/shop/src/db/pool.ts:42:7')
      expect(errors).toHaveLength(1)
    })
  }

  it('puts the stack in a `stack` member of the problem+json in dev mode', async () => {
    const { app } = failing(true)
    const res = await once(make, app, '/')
    const body = res.json()
    expect(body).toMatchObject({ status: 500, detail: `connect failed: ${SECRET}` })
    expect(body.stack).toContain('at connect (/srv/shop/src/db/pool.ts:42:7)')
  })

  it('does not log exposed client errors', async () => {
    const { app, errors } = failing(false)
    const res = await once(make, app, '/missing')
    expect(res.status).toBe(404)
    expect(errors).toEqual([])
  })

  const odd: [string, unknown][] = [
    ['a string', `thrown ${SECRET}`],
    ['null', null],
    ['undefined', undefined],
    ['a number', 4242],
    ['an object', { secret: SECRET }],
  ]
  for (const [what, value] of odd) {
    it(`answers a thrown ${what} with a 500 problem+json that leaks nothing, and logs it`, async () => {
      const { app, errors } = failing(false, value)
      const res = await once(make, app, '/')
      expect(res.status).toBe(500)
      expect(res.headers['content-type']).toBe('application/problem+json')
      expect(res.json()).toEqual({ type: 'about:blank', title: 'Internal Server Error', status: 500 })
      expect(res.body).not.toContain('4242')
      expect(errors).toHaveLength(1)
      const logged = (errors[0]!.obj as { err: Error }).err
      expect(logged).toBeInstanceOf(Error)
      expect(logged.cause).toBe(value)
    })
  }

  it('answers a rejected promise of a non-Error value with a 500', async () => {
    const app = new Brisk({ logger: recordingLogger().logger })
    app.get('/', () => Promise.reject(SECRET))
    const res = await once(make, app, '/')
    expect(res.status).toBe(500)
    expect(res.body).not.toContain('hunter2')
  })

  const unserialisable: [string, () => object][] = [
    ['a BigInt', () => ({ total: 10n })],
    [
      'a circular object',
      () => {
        const node: Record<string, unknown> = { name: 'loop' }
        node.self = node
        return node
      },
    ],
  ]
  for (const [what, value] of unserialisable) {
    for (const mode of ['sync', 'async'] as const) {
      for (const withMiddleware of [false, true]) {
        it(`answers ${what} returned by a ${mode} handler with a 500 ${withMiddleware ? 'through response middleware' : ''} and keeps serving`, async () => {
          const { logger, errors } = recordingLogger()
          const app = new Brisk({ logger })
          if (withMiddleware) {
            app.onResponse((_req, res) => {
              res.header('x-seen', String(res.status))
            })
          }
          app.get('/', mode === 'sync' ? value : async () => value())
          app.get('/ok', () => 'still here')
          const client = await make(app)
          try {
            const res = await client.request('/')
            expect(res.status).toBe(500)
            expect(res.headers['content-type']).toBe('application/problem+json')
            expect(res.json()).toEqual({ type: 'about:blank', title: 'Internal Server Error', status: 500 })
            if (withMiddleware) expect(res.headers['x-seen']).toBe('500')
            expect(errors).toHaveLength(1)
            expect((await client.request('/ok')).body).toBe('still here')
          } finally {
            await client.close()
          }
        })
      }
    }
  }
})

forEachEntry('app.onError()', (make) => {
  it('answers with the handler registered for the error class, or a subclass of it', async () => {
    const app = new Brisk()
    app.onError(NotFound, (error, req) => json({ missing: req.path, message: error.message }, 404))
    app.get('/books/:id', (req) => {
      throw new NotFound(`No book ${req.params.id}`)
    })
    const client = await make(app)
    try {
      const thrown = await client.request('/books/9')
      expect(thrown.status).toBe(404)
      expect(thrown.json()).toEqual({ missing: '/books/9', message: 'No book 9' })
      // The router's own 404 for an unknown path goes through the app's handler too.
      const unknown = await client.request('/nowhere')
      expect(unknown.status).toBe(404)
      expect(unknown.json()).toEqual({ missing: '/nowhere', message: 'No route for GET /nowhere' })
    } finally {
      await client.close()
    }
  })

  it('handles errors that are not HTTPErrors, and leaves other classes to the default handler', async () => {
    class OutOfStock extends Error {
      constructor(readonly sku: string) {
        super(`${sku} is out of stock`)
      }
    }
    const app = new Brisk({ logger: recordingLogger().logger })
    app.onError(OutOfStock, (error) => json({ sku: error.sku }, 409))
    app.get('/buy/:sku', (req) => {
      throw new OutOfStock(req.params.sku)
    })
    app.get('/bad', () => {
      throw new TypeError('oops')
    })
    const client = await make(app)
    try {
      const buy = await client.request('/buy/A1')
      expect([buy.status, buy.json()]).toEqual([409, { sku: 'A1' }])
      const bad = await client.request('/bad')
      expect(bad.status).toBe(500)
      expect(bad.body).not.toContain('oops')
    } finally {
      await client.close()
    }
  })

  it('uses the handler of the most specific class within a scope, whatever the order of registration', async () => {
    const app = new Brisk()
    // The general handlers come first: registration order must not matter.
    app.onError(Error, () => text('error', 500))
    app.onError(HTTPError, () => text('http', 400))
    app.onError(NotFound, () => text('not found', 404))
    const later = new Brisk()
    later.onError(NotFound, () => text('not found', 404))
    later.onError(HTTPError, () => text('http', 400))
    later.onError(Error, () => text('error', 500))
    for (const subject of [app, later]) {
      subject.get('/nf', () => {
        throw new NotFound()
      })
      subject.get('/forbidden', () => {
        throw new Forbidden()
      })
      subject.get('/plain', () => {
        throw new RangeError('x')
      })
    }
    for (const subject of [app, later]) {
      const client = await make(subject)
      try {
        expect((await client.request('/nf')).body).toBe('not found')
        expect((await client.request('/forbidden')).body).toBe('http')
        expect((await client.request('/plain')).body).toBe('error')
      } finally {
        await client.close()
      }
    }
  })

  it("prefers the nearest scope's handler: a blueprint's over the app's, even for a less specific class", async () => {
    const app = new Brisk()
    const bp = new Blueprint('books', { prefix: '/books' })
    app.onError(NotFound, () => text('app not found', 404))
    bp.onError(HTTPError, () => text('blueprint http error', 404))
    bp.get('/:id', () => {
      throw new NotFound()
    })
    app.get('/', () => {
      throw new NotFound()
    })
    app.blueprint(bp)
    const client = await make(app)
    try {
      expect((await client.request('/books/1')).body).toBe('blueprint http error')
      // The blueprint's handler does not reach the app's own routes, nor paths that matched no route.
      expect((await client.request('/')).body).toBe('app not found')
      expect((await client.request('/books/1/x')).body).toBe('app not found')
    } finally {
      await client.close()
    }
  })

  it("falls back to an enclosing scope's handler when the blueprint has none for the class", async () => {
    const app = new Brisk()
    const bp = new Blueprint('books', { prefix: '/books' })
    const group = Blueprint.group([bp], { prefix: '/api' })
    app.onError(Conflict, () => text('app conflict', 409))
    group.onError(Forbidden, () => text('group forbidden', 403))
    bp.onError(NotFound, () => text('bp not found', 404))
    bp.get('/conflict', () => {
      throw new Conflict()
    })
    bp.get('/forbidden', () => {
      throw new Forbidden()
    })
    app.blueprint(group)
    const client = await make(app)
    try {
      expect((await client.request('/api/books/conflict')).body).toBe('app conflict')
      expect((await client.request('/api/books/forbidden')).body).toBe('group forbidden')
    } finally {
      await client.close()
    }
  })

  it('awaits async error handlers', async () => {
    const app = new Brisk()
    app.onError(Conflict, async (error) => {
      await tick()
      return json({ conflict: error.message }, 409)
    })
    app.get('/', async () => {
      await tick()
      throw new Conflict('taken')
    })
    const res = await once(make, app, '/')
    expect(res.status).toBe(409)
    expect(res.json()).toEqual({ conflict: 'taken' })
  })

  for (const mode of ['sync', 'async'] as const) {
    it(`falls back to the default handler when a ${mode} error handler throws, and logs the failure`, async () => {
      const { logger, errors } = recordingLogger()
      const app = new Brisk({ logger })
      const failure = new Error(`handler broke: ${SECRET}`)
      app.onError(
        NotFound,
        mode === 'sync'
          ? () => {
              throw failure
            }
          : async () => {
              await tick()
              throw failure
            },
      )
      app.get('/', () => {
        throw new NotFound('No book')
      })
      const res = await once(make, app, '/')
      expect(res.status).toBe(500)
      expect(res.headers['content-type']).toBe('application/problem+json')
      expect(res.body).not.toContain('hunter2')
      expect(errors).toHaveLength(1)
      expect((errors[0]!.obj as { err: unknown }).err).toBe(failure)
    })
  }

  it('falls back to the default handler when an error handler returns something that cannot be JSON', async () => {
    const { logger, errors } = recordingLogger()
    const app = new Brisk({ logger })
    app.onError(NotFound, () => ({ big: 1n }))
    app.get('/', () => {
      throw new NotFound()
    })
    const res = await once(make, app, '/')
    expect(res.status).toBe(500)
    expect(res.json()).toEqual({ type: 'about:blank', title: 'Internal Server Error', status: 500 })
    expect(errors).toHaveLength(1)
  })

  it('lets the error handler return a Web Response or a plain value', async () => {
    const app = new Brisk()
    app.onError(Forbidden, () => new Response('web forbidden', { status: 403, headers: { 'x-web': '1' } }))
    app.onError(Conflict, () => ({ conflict: true }))
    app.get('/f', () => {
      throw new Forbidden()
    })
    app.get('/c', () => {
      throw new Conflict()
    })
    const client = await make(app)
    try {
      const forbidden = await client.request('/f')
      expect([forbidden.status, forbidden.body, forbidden.headers['x-web']]).toEqual([
        403,
        'web forbidden',
        '1',
      ])
      const conflict = await client.request('/c')
      expect([conflict.status, conflict.json()]).toEqual([200, { conflict: true }])
    } finally {
      await client.close()
    }
  })

  it('handles errors thrown by request middleware of the same scope', async () => {
    const app = new Brisk()
    const bp = new Blueprint('admin', { prefix: '/admin' })
    bp.onRequest(() => {
      throw new Unauthorized()
    })
    bp.onError(Unauthorized, () => text('log in first', 401))
    bp.get('/', () => 'admin')
    app.blueprint(bp)
    const res = await once(make, app, '/admin/')
    expect(res.status).toBe(401)
    expect(res.body).toBe('log in first')
  })
})

describe('app.onError() registration', () => {
  it('refuses a first argument that is not a class and a handler that is not a function', () => {
    const app = new Brisk()
    expect(() => app.onError('NotFound' as never, () => 'x')).toThrow(
      new TypeError('onError(): the first argument must be an error class'),
    )
    expect(() => app.onError(NotFound, null as never)).toThrow(
      new TypeError('onError(): expected a function, got object'),
    )
  })
})
