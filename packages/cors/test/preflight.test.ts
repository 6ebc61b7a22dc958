import { type Brisk, empty, text } from '@brisk/core'
import { forEachEntry, once } from '@brisk/testing/vitest'
import { expect, it } from 'vitest'
import { type CorsOptions, cors } from '../src/index'
import { ALLOWED, corsHeaders, from, newApp, OTHER, preflight, withClient } from './_apps'

/** `/books` exists for GET and POST only; `/books/:id<int>` for DELETE only. */
function booksApp(options?: CorsOptions): Brisk {
  const app = newApp().use(cors, options)
  app.get('/books', () => [])
  app.post('/books', () => ({ id: 1 }))
  app.delete('/books/:id<int>', () => undefined)
  return app
}

forEachEntry('preflight requests', (make) => {
  it('answers with 204, the default methods, the requested headers and Vary', async () => {
    const res = await once(
      make,
      booksApp({ origins: [ALLOWED] }),
      preflight(ALLOWED, '/books', 'PUT', 'content-type, x-token'),
    )
    expect(res.status).toBe(204)
    expect(res.body).toBe('')
    expect(corsHeaders(res)).toEqual({
      'access-control-allow-origin': ALLOWED,
      'access-control-allow-methods': 'GET, HEAD, PUT, PATCH, POST, DELETE',
      'access-control-allow-headers': 'content-type, x-token',
      vary: 'Origin, Access-Control-Request-Headers',
    })
    // The app's own OPTIONS answer is not what a preflight gets.
    expect(res.headers.allow).toBeUndefined()
  })

  it("answers '*' with Access-Control-Allow-Origin: * and still Vary: Origin", async () => {
    const res = await once(make, booksApp(), preflight(OTHER, '/books', 'POST'))
    expect(res.status).toBe(204)
    expect(corsHeaders(res)).toEqual({
      'access-control-allow-origin': '*',
      'access-control-allow-methods': 'GET, HEAD, PUT, PATCH, POST, DELETE',
      vary: 'Origin, Access-Control-Request-Headers',
    })
  })

  it('answers for a path that only has other methods (the automatic OPTIONS route)', async () => {
    const res = await once(make, booksApp({ origins: [ALLOWED] }), preflight(ALLOWED, '/books/7', 'DELETE'))
    expect(res.status).toBe(204)
    expect(res.headers['access-control-allow-origin']).toBe(ALLOWED)
  })

  it('sends every configured preflight header: methods, allowHeaders, credentials, maxAge, privateNetwork', async () => {
    const options: CorsOptions = {
      origins: ALLOWED,
      methods: ['GET', 'POST', 'PURGE'],
      allowHeaders: ['Content-Type', 'Authorization'],
      exposeHeaders: ['x-total'],
      credentials: true,
      maxAge: 600,
      privateNetwork: true,
    }
    const res = await once(make, booksApp(options), preflight(ALLOWED, '/books', 'PURGE', 'authorization'))
    expect(res.status).toBe(204)
    expect(corsHeaders(res)).toEqual({
      'access-control-allow-origin': ALLOWED,
      'access-control-allow-credentials': 'true',
      'access-control-allow-methods': 'GET, POST, PURGE',
      'access-control-allow-headers': 'Content-Type, Authorization',
      'access-control-max-age': '600',
      'access-control-allow-private-network': 'true',
      vary: 'Origin',
    })
  })

  it('sends maxAge 0, which tells browsers not to cache the preflight', async () => {
    const res = await once(make, booksApp({ maxAge: 0 }), preflight(ALLOWED))
    expect(res.headers['access-control-max-age']).toBe('0')
  })

  it('answers a Private Network Access preflight', async () => {
    const res = await once(
      make,
      booksApp({ origins: [ALLOWED], privateNetwork: true }),
      preflight(ALLOWED, '/books', 'GET', undefined, { 'access-control-request-private-network': 'true' }),
    )
    expect(res.headers['access-control-allow-private-network']).toBe('true')
  })

  it('uses preflightStatus, with an empty body', async () => {
    const res = await once(make, booksApp({ preflightStatus: 200 }), preflight(ALLOWED))
    expect(res.status).toBe(200)
    expect(res.body).toBe('')
    expect(res.headers['access-control-allow-origin']).toBe('*')
  })

  it("sends methods: '*' and allowHeaders: '*' as wildcards without credentials", async () => {
    const res = await once(
      make,
      booksApp({ methods: '*', allowHeaders: '*' }),
      preflight(ALLOWED, '/books', 'PURGE', 'x-a'),
    )
    expect(corsHeaders(res)).toEqual({
      'access-control-allow-origin': '*',
      'access-control-allow-methods': '*',
      'access-control-allow-headers': '*',
      vary: 'Origin',
    })
  })

  it("sends back the requested method and headers for '*' with credentials (browsers read '*' literally then)", async () => {
    const options: CorsOptions = { origins: [ALLOWED], credentials: true, methods: '*', allowHeaders: '*' }
    const res = await once(
      make,
      booksApp(options),
      preflight(ALLOWED, '/books', 'PURGE', 'x-a, authorization'),
    )
    expect(corsHeaders(res)).toEqual({
      'access-control-allow-origin': ALLOWED,
      'access-control-allow-credentials': 'true',
      'access-control-allow-methods': 'PURGE',
      'access-control-allow-headers': 'x-a, authorization',
      vary: 'Origin, Access-Control-Request-Method, Access-Control-Request-Headers',
    })
  })

  it('leaves Access-Control-Allow-Headers out when nothing was requested, and an empty methods list sends none', async () => {
    const res = await once(make, booksApp({ methods: [] }), preflight(ALLOWED, '/books', 'POST'))
    expect(res.headers['access-control-allow-headers']).toBeUndefined()
    expect(res.headers['access-control-allow-methods']).toBeUndefined()
    expect(res.headers.vary).toBe('Origin, Access-Control-Request-Headers')
  })

  it('does not send exposed headers in a preflight (browsers read them on the actual response only)', async () => {
    const res = await once(make, booksApp({ exposeHeaders: ['x-total'] }), preflight(ALLOWED))
    expect(res.headers['access-control-expose-headers']).toBeUndefined()
  })

  it('leaves a preflight from an origin that is not allowed to the app: 204 with Allow, no Access-Control-Allow-*', async () => {
    const res = await once(
      make,
      booksApp({ origins: [ALLOWED], credentials: true, maxAge: 60 }),
      preflight(OTHER, '/books', 'PUT', 'x-a'),
    )
    expect(res.status).toBe(204)
    expect(res.headers.allow).toBe('GET, HEAD, OPTIONS, POST')
    expect(corsHeaders(res)).toEqual({ vary: 'Origin, Access-Control-Request-Headers' })
  })

  it('leaves a plain OPTIONS (no Access-Control-Request-Method) to the app', async () => {
    const res = await once(make, booksApp({ origins: [ALLOWED] }), from(ALLOWED, '/books', 'OPTIONS'))
    expect(res.status).toBe(204)
    expect(res.headers.allow).toBe('GET, HEAD, OPTIONS, POST')
    // An actual OPTIONS request from an allowed origin: the simple headers, as for any other method.
    expect(corsHeaders(res)).toEqual({ 'access-control-allow-origin': ALLOWED, vary: 'Origin' })
  })

  it('leaves an OPTIONS without Origin to the app', async () => {
    const res = await once(make, booksApp(), {
      method: 'OPTIONS',
      url: '/books',
      headers: { 'access-control-request-method': 'PUT' },
    })
    expect(res.headers.allow).toBe('GET, HEAD, OPTIONS, POST')
    expect(res.headers['access-control-allow-methods']).toBeUndefined()
  })

  it('answers with an async origin function, and refuses with it', async () => {
    const origins = async (origin: string) => origin === ALLOWED
    const yes = await once(make, booksApp({ origins }), preflight(ALLOWED))
    expect(yes.status).toBe(204)
    expect(yes.headers['access-control-allow-origin']).toBe(ALLOWED)
    expect(yes.headers.allow).toBeUndefined()
    const no = await once(make, booksApp({ origins }), preflight(OTHER))
    expect(no.headers['access-control-allow-origin']).toBeUndefined()
    expect(no.headers.allow).toBe('GET, HEAD, OPTIONS, POST')
  })

  it('calls the origin function once per preflight', async () => {
    let calls = 0
    const origins = (origin: string) => {
      calls++
      return origin === ALLOWED
    }
    await once(make, booksApp({ origins }), preflight(ALLOWED))
    await once(make, booksApp({ origins }), preflight(OTHER))
    expect(calls).toBe(2)
  })

  it('answers before an explicit OPTIONS route, whose handler still gets plain OPTIONS requests', async () => {
    const app = newApp().use(cors, { origins: [ALLOWED] })
    app.options('/books', () => text('custom options', { headers: { allow: 'GET' } }))
    app.get('/books', () => [])
    await withClient(make, app, async (request) => {
      const answered = await request(preflight(ALLOWED))
      expect(answered.status).toBe(204)
      expect(answered.body).toBe('')
      const plain = await request(from(ALLOWED, '/books', 'OPTIONS'))
      expect(plain.body).toBe('custom options')
      expect(plain.headers['access-control-allow-origin']).toBe(ALLOWED)
    })
  })

  it('answers preflights on a route for every method', async () => {
    const app = newApp().use(cors, { origins: [ALLOWED] })
    app.route({ methods: '*', path: '/any', handler: (req) => text(req.method) })
    await withClient(make, app, async (request) => {
      const res = await request(preflight(ALLOWED, '/any', 'PATCH'))
      expect(res.status).toBe(204)
      expect(res.headers['access-control-allow-methods']).toBe('GET, HEAD, PUT, PATCH, POST, DELETE')
      const patch = await request(from(ALLOWED, '/any', 'PATCH'))
      expect(patch.body).toBe('PATCH')
      expect(patch.headers['access-control-allow-origin']).toBe(ALLOWED)
    })
  })

  it('answers a preflight to an unknown path with the 404 (browsers then fail it), its simple headers only', async () => {
    const res = await once(make, booksApp({ origins: [ALLOWED] }), preflight(ALLOWED, '/nowhere'))
    expect(res.status).toBe(404)
    expect(corsHeaders(res)).toEqual({ 'access-control-allow-origin': ALLOWED, vary: 'Origin' })
  })

  it('runs before route guards given as route options, so a guarded path can be preflighted', async () => {
    const app = newApp().use(cors, { origins: [ALLOWED] })
    const guard = () => empty(401)
    app.options('/admin', { onRequest: guard }, () => empty())
    app.put('/admin', { onRequest: guard }, () => 'ok')
    await withClient(make, app, async (request) => {
      expect((await request(preflight(ALLOWED, '/admin'))).status).toBe(204)
      const put = await request(from(ALLOWED, '/admin', 'PUT'))
      expect(put.status).toBe(401)
      expect(put.headers['access-control-allow-origin']).toBe(ALLOWED)
    })
  })
})
