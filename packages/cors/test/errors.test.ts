import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Blueprint, type Brisk, BriskError, json, NotFound, Unauthorized } from '@brisk/core'
import { forEachEntry, once } from '@brisk/testing/vitest'
import { describe, expect, it } from 'vitest'
import { CorsError, type CorsOptions, cors } from '../src/index'
import { ALLOWED, corsHeaders, from, newApp, OTHER, withClient } from './_apps'

forEachEntry('error responses', (make) => {
  function failing(): Brisk {
    const app = newApp().use(cors, { origins: [ALLOWED], credentials: true, exposeHeaders: ['x-request-id'] })
    app.get('/missing', () => {
      throw new NotFound('no such book')
    })
    app.get('/crash', () => {
      throw new Error('database on fire')
    })
    app.get('/async-crash', async () => {
      await Promise.resolve()
      throw new Error('later')
    })
    app.get('/books', () => [])
    return app
  }
  const allowedHeaders = {
    'access-control-allow-origin': ALLOWED,
    'access-control-allow-credentials': 'true',
    'access-control-expose-headers': 'x-request-id',
    vary: 'Origin',
  }

  it('carries the CORS headers on a 404 the handler throws, a 500 and an async 500', async () => {
    await withClient(make, failing(), async (request) => {
      const missing = await request(from(ALLOWED, '/missing'))
      expect(missing.status).toBe(404)
      expect(missing.headers['content-type']).toBe('application/problem+json')
      expect(corsHeaders(missing)).toEqual(allowedHeaders)
      for (const url of ['/crash', '/async-crash']) {
        const crash = await request(from(ALLOWED, url))
        expect(crash.status).toBe(500)
        expect(crash.body).not.toContain('database on fire')
        expect(corsHeaders(crash)).toEqual(allowedHeaders)
      }
    })
  })

  it('carries them on the 404 and 405 of paths no route matches, with an app-level registration', async () => {
    await withClient(make, failing(), async (request) => {
      const unknown = await request(from(ALLOWED, '/nowhere'))
      expect(unknown.status).toBe(404)
      expect(corsHeaders(unknown)).toEqual(allowedHeaders)
      const wrongMethod = await request(from(ALLOWED, '/books', 'DELETE'))
      expect(wrongMethod.status).toBe(405)
      expect(wrongMethod.headers.allow).toBe('GET, HEAD, OPTIONS')
      expect(corsHeaders(wrongMethod)).toEqual(allowedHeaders)
    })
  })

  it('gives errors for origins that are not allowed no Access-Control-Allow-*', async () => {
    await withClient(make, failing(), async (request) => {
      for (const url of ['/missing', '/crash', '/nowhere']) {
        expect(corsHeaders(await request(from(OTHER, url)))).toEqual({ vary: 'Origin' })
      }
    })
  })

  it("carries them on a 401 thrown by the app's own middleware, and on an onError handler's answer", async () => {
    const app = newApp().use(cors, { origins: [ALLOWED] })
    app.onRequest((req) => {
      if (req.path === '/secret') throw new Unauthorized('who are you?')
    })
    app.onError(NotFound, () => json({ gone: true }, 410))
    app.get('/secret', () => 'secret')
    app.get('/gone', () => {
      throw new NotFound()
    })
    await withClient(make, app, async (request) => {
      const secret = await request(from(ALLOWED, '/secret'))
      expect(secret.status).toBe(401)
      expect(secret.headers['access-control-allow-origin']).toBe(ALLOWED)
      const gone = await request(from(ALLOWED, '/gone'))
      expect(gone.status).toBe(410)
      expect(gone.headers['access-control-allow-origin']).toBe(ALLOWED)
    })
  })

  it('turns a throwing origin function into a 500 without CORS headers', async () => {
    const app = newApp().use(cors, {
      origins: () => {
        throw new Error('tenant lookup failed')
      },
    })
    app.get('/books', () => [])
    const res = await once(make, app, from(ALLOWED))
    expect(res.status).toBe(500)
    expect(res.headers['access-control-allow-origin']).toBeUndefined()
  })
})

/** What the app's start-up rejects with. */
async function startupError(app: Brisk<any>): Promise<BriskError> {
  const error = await app.ready().then(
    () => undefined,
    (failure: unknown) => failure,
  )
  expect(error).toBeInstanceOf(BriskError)
  return error as BriskError
}

/** The CorsError that registering `options` on an app named "shop" fails with. */
async function refused(options: unknown): Promise<CorsError> {
  const app = newApp().use(cors, options as CorsOptions)
  const error = await startupError(app)
  expect(error).toBeInstanceOf(CorsError)
  expect(error.name).toBe('CorsError')
  return error as CorsError
}

describe('registration errors', () => {
  it("refuses origins '*' with credentials: true, naming the scope and the fix", async () => {
    const error = await refused({ origins: '*', credentials: true })
    expect(error.code).toBe('BRISK_CORS_ERR_WILDCARD_CREDENTIALS')
    expect(error.message).toBe(
      `@brisk/cors on app "shop": origins '*' cannot be combined with credentials: true, because browsers refuse a ` +
        'wildcard Access-Control-Allow-Origin on requests with credentials ' +
        '(https://fetch.spec.whatwg.org/#cors-protocol-and-credentials). List the allowed origins, or pass a function that checks them.',
    )
  })

  it("refuses credentials with the default origins (which are '*') and with exposeHeaders '*'", async () => {
    expect((await refused({ credentials: true })).code).toBe('BRISK_CORS_ERR_WILDCARD_CREDENTIALS')
    const expose = await refused({ origins: [ALLOWED], credentials: true, exposeHeaders: '*' })
    expect(expose.code).toBe('BRISK_CORS_ERR_WILDCARD_CREDENTIALS')
    expect(expose.message).toMatch(/exposeHeaders '\*' cannot be combined with credentials: true/)
  })

  it('refuses the same CORS error from a blueprint, naming it', async () => {
    const app = newApp()
    const api = new Blueprint('api').use(cors, { origins: '*', credentials: true })
    api.get('/', () => [])
    app.blueprint(api)
    const error = await startupError(app)
    expect(error.code).toBe('BRISK_CORS_ERR_WILDCARD_CREDENTIALS')
    expect(error.message).toMatch(/^@brisk\/cors on blueprint "api": origins '\*'/)
  })

  it('refuses a bad route option when the routes are compiled, naming the route', async () => {
    const app = newApp().use(cors, { origins: [ALLOWED] })
    app.get('/books', { cors: { origins: '*', credentials: true } }, () => [])
    const error = await startupError(app)
    expect(error).toBeInstanceOf(CorsError)
    expect(error.message).toMatch(
      /^@brisk\/cors option of route GET \/books: origins '\*' cannot be combined/,
    )
    const app2 = newApp().use(cors)
    app2.get('/books', { cors: true as never }, () => [])
    expect((await startupError(app2)).message).toBe(
      '@brisk/cors option of route GET /books: the options must be an object, got boolean true',
    )
  })

  it.each([
    ['not an object', 'x', 'the options must be an object, got "x"'],
    ['an array', [ALLOWED], 'the options must be an object, got an array'],
    ['null', null, 'the options must be an object, got null'],
    [
      "Express's option name",
      { origin: ALLOWED },
      'unknown option "origin" (did you mean "origins"?); the options are origins, methods, allowHeaders, exposeHeaders, credentials, maxAge, privateNetwork, preflightStatus',
    ],
    [
      'allowedHeaders',
      { allowedHeaders: ['x'] },
      /unknown option "allowedHeaders" \(did you mean "allowHeaders"\?\)/,
    ],
    [
      'an unknown option',
      { preflightContinue: true },
      /^unknown option "preflightContinue"; the options are/,
    ],
    [
      'a number of origins',
      { origins: 42 },
      "origins must be '*', an origin string, a RegExp, a list of those or a function, got number 42",
    ],
    ['true as origins', { origins: true }, /origins must be '\*'.*got boolean true/],
    [
      'a wildcard in a list',
      { origins: [ALLOWED, '*'] },
      "origins: '*' must be given alone, not in a list (it already allows every origin)",
    ],
    [
      'a number in a list',
      { origins: [ALLOWED, 7] },
      'origins: a list may hold origin strings and RegExps only, got number 7',
    ],
    [
      'a trailing slash',
      { origins: 'https://app.example.com/' },
      'origins: "https://app.example.com/" is not an origin: an origin has no path, query or trailing slash; write "https://app.example.com"',
    ],
    ['a path', { origins: ['https://a.example/app'] }, /write "https:\/\/a.example"$/],
    [
      'a wildcard subdomain',
      { origins: 'https://*.example.com' },
      /holds a wildcard, which origins cannot; use '\*' alone or a RegExp/,
    ],
    [
      'a bare host',
      { origins: 'example.com' },
      'origins: "example.com" is not an origin; write it as scheme://host[:port], e.g. "https://app.example.com"',
    ],
    [
      'methods as a string',
      { methods: 'GET,POST' },
      `methods must be a list of names or '*', got "GET,POST" (write ["GET","POST"])`,
    ],
    ['a method with a space', { methods: ['GET POST'] }, 'methods: "GET POST" is not a valid method'],
    [
      'a header that is not a string',
      { allowHeaders: [42] },
      'allowHeaders: number 42 is not a valid header name',
    ],
    [
      'exposeHeaders as an object',
      { exposeHeaders: {} },
      "exposeHeaders must be a list of names or '*', got object",
    ],
    ['credentials as a string', { credentials: 'true' }, 'credentials must be true or false, got "true"'],
    [
      'privateNetwork as a number',
      { privateNetwork: 1 },
      'privateNetwork must be true or false, got number 1',
    ],
    [
      'a negative maxAge',
      { maxAge: -1 },
      'maxAge must be a whole number of seconds, 0 or more, got number -1',
    ],
    ['a fractional maxAge', { maxAge: 1.5 }, /maxAge must be a whole number/],
    [
      'maxAge as a string',
      { maxAge: '600' },
      /maxAge must be a whole number of seconds, 0 or more, got "600"/,
    ],
    [
      'a redirect as preflightStatus',
      { preflightStatus: 302 },
      'preflightStatus must be a 2xx status (browsers fail other preflights), got number 302',
    ],
    ['a fractional preflightStatus', { preflightStatus: 200.5 }, /preflightStatus must be a 2xx status/],
  ])('refuses %s with BRISK_CORS_ERR_OPTIONS', async (_, options, message) => {
    const error = await refused(options)
    expect(error.code).toBe('BRISK_CORS_ERR_OPTIONS')
    expect(error.message.startsWith('@brisk/cors on app "shop": ')).toBe(true)
    const rest = error.message.slice('@brisk/cors on app "shop": '.length)
    if (typeof message === 'string') expect(rest).toBe(message)
    else expect(rest).toMatch(message)
  })

  it('accepts an empty origins list (nobody is allowed) and no options at all', async () => {
    await expect(newApp().use(cors, { origins: [] }).ready()).resolves.toBeUndefined()
    await expect(newApp().use(cors).ready()).resolves.toBeUndefined()
  })

  it("leaves a second registration on one scope to core's duplicate check", async () => {
    const app = newApp()
      .use(cors)
      .use(cors, { origins: [ALLOWED] })
    const error = await startupError(app)
    expect(error.code).toBe('BRISK_ERR_PLUGIN_DUPLICATE')
    expect(error.message).toContain('@brisk/cors')
  })
})

describe('the README', () => {
  const root = fileURLToPath(new URL('..', import.meta.url))

  it('lists every error code of src/, and no other', () => {
    const inSource = new Set<string>()
    for (const file of readdirSync(join(root, 'src'))) {
      const text = readFileSync(join(root, 'src', file), 'utf8')
      for (const match of text.matchAll(/'(BRISK_CORS_ERR_[A-Z_]+)'/g)) inSource.add(match[1]!)
    }
    const readme = readFileSync(join(root, 'README.md'), 'utf8')
    const listed = new Set(readme.match(/BRISK_CORS_ERR_[A-Z_]+/g))
    expect(inSource.size).toBeGreaterThan(0)
    expect([...listed].sort()).toEqual([...inSource].sort())
  })
})
