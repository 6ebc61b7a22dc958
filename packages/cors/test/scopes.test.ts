import { Blueprint, type Brisk, NotFound } from '@brisk/core'
import { forEachEntry, once } from '@brisk/testing/vitest'
import { expect, it } from 'vitest'
import { cors } from '../src/index'
import { ALLOWED, corsHeaders, from, newApp, OTHER, preflight, withClient } from './_apps'

const PARTNER = 'https://partner.example.org'

/**
 * The app allows ALLOWED; the `partners` blueprint allows PARTNER only; inside it, `/partners/open` has a
 * route configuration of its own and `/partners/private` has CORS switched off. `/plain` has it off at app level.
 */
function layered(): Brisk {
  const app = newApp().use(cors, { origins: [ALLOWED], maxAge: 60 })
  app.get('/books', () => [])
  app.get('/plain', { cors: false }, () => 'no cors')
  const partners = new Blueprint('partners', { prefix: '/partners' }).use(cors, {
    origins: [PARTNER],
    credentials: true,
  })
  partners.get('/', () => [])
  partners.get('/open', { cors: { origins: '*', exposeHeaders: ['x-open'] } }, () => 'open')
  partners.get('/private', { cors: false }, () => 'private')
  partners.get('/missing', () => {
    throw new NotFound('no partner here')
  })
  app.blueprint(partners)
  return app
}

forEachEntry('nearest configuration wins', (make) => {
  it("applies the app's configuration to the app's routes", async () => {
    await withClient(make, layered(), async (request) => {
      expect((await request(from(ALLOWED))).headers['access-control-allow-origin']).toBe(ALLOWED)
      expect((await request(from(PARTNER))).headers['access-control-allow-origin']).toBeUndefined()
      const answered = await request(preflight(ALLOWED))
      expect(answered.headers['access-control-max-age']).toBe('60')
    })
  })

  it("applies the blueprint's configuration instead of the app's to its routes, never both", async () => {
    await withClient(make, layered(), async (request) => {
      const partner = await request(from(PARTNER, '/partners'))
      expect(corsHeaders(partner)).toEqual({
        'access-control-allow-origin': PARTNER,
        'access-control-allow-credentials': 'true',
        vary: 'Origin',
      })
      // Allowed by the app, not by the nearer blueprint.
      const app = await request(from(ALLOWED, '/partners'))
      expect(corsHeaders(app)).toEqual({ vary: 'Origin' })
      const pre = await request(preflight(PARTNER, '/partners'))
      expect(pre.status).toBe(204)
      // The blueprint's configuration has no maxAge: nothing of the app's leaks in.
      expect(pre.headers['access-control-max-age']).toBeUndefined()
      expect(pre.headers['access-control-allow-credentials']).toBe('true')
      expect(
        (await request(preflight(ALLOWED, '/partners'))).headers['access-control-allow-origin'],
      ).toBeUndefined()
    })
  })

  it("applies a route's own `cors` object instead of its scope's, with its own defaults", async () => {
    await withClient(make, layered(), async (request) => {
      const open = await request(from(OTHER, '/partners/open'))
      expect(corsHeaders(open)).toEqual({
        'access-control-allow-origin': '*',
        'access-control-expose-headers': 'x-open',
      })
      const pre = await request(preflight(OTHER, '/partners/open', 'GET'))
      expect(pre.status).toBe(204)
      expect(pre.headers['access-control-allow-origin']).toBe('*')
      expect(pre.headers['access-control-allow-credentials']).toBeUndefined()
    })
  })

  it('switches CORS off with `cors: false`, preflights of the path included', async () => {
    await withClient(make, layered(), async (request) => {
      for (const url of ['/plain', '/partners/private']) {
        const origin = url === '/plain' ? ALLOWED : PARTNER
        const res = await request(from(origin, url))
        expect(res.status).toBe(200)
        expect(corsHeaders(res)).toEqual({})
        const pre = await request(preflight(origin, url, 'GET'))
        expect(pre.status).toBe(204)
        expect(pre.headers.allow).toBe('GET, HEAD, OPTIONS')
        expect(corsHeaders(pre)).toEqual({})
      }
    })
  })

  it("puts the blueprint's headers on its routes' errors", async () => {
    const res = await once(make, layered(), from(PARTNER, '/partners/missing'))
    expect(res.status).toBe(404)
    expect(res.json().detail).toBe('no partner here')
    expect(res.headers['access-control-allow-origin']).toBe(PARTNER)
  })

  it("answers an unknown path under a blueprint's prefix with the app's configuration (core runs only the app's middleware there)", async () => {
    await withClient(make, layered(), async (request) => {
      expect(
        (await request(from(ALLOWED, '/partners/nothing/here'))).headers['access-control-allow-origin'],
      ).toBe(ALLOWED)
      expect(
        (await request(from(PARTNER, '/partners/nothing/here'))).headers['access-control-allow-origin'],
      ).toBeUndefined()
    })
  })

  it('lets a blueprint in a group override the app', async () => {
    const app = newApp().use(cors, { origins: [ALLOWED] })
    const books = new Blueprint('books', { prefix: '/books' }).use(cors, { origins: [PARTNER] })
    books.get('/', () => [])
    app.blueprint(Blueprint.group([books], { prefix: '/api', version: 1 }))
    await withClient(make, app, async (request) => {
      expect((await request(from(PARTNER, '/api/v1/books'))).headers['access-control-allow-origin']).toBe(
        PARTNER,
      )
      expect(
        (await request(from(ALLOWED, '/api/v1/books'))).headers['access-control-allow-origin'],
      ).toBeUndefined()
    })
  })

  it('keeps the preflight of a path on the configuration of its first route', async () => {
    const app = newApp().use(cors, { origins: [ALLOWED] })
    app.get('/mixed', { cors: false }, () => 'read')
    app.post('/mixed', () => 'write')
    app.get('/explicit', { cors: false }, () => 'read')
    app.post('/explicit', () => 'write')
    app.options('/explicit', { cors: { origins: [ALLOWED] } }, () => undefined)
    await withClient(make, app, async (request) => {
      expect((await request(from(ALLOWED, '/mixed', 'POST'))).headers['access-control-allow-origin']).toBe(
        ALLOWED,
      )
      // The automatic OPTIONS route carries the options of GET /mixed, the first route of the path.
      expect(
        (await request(preflight(ALLOWED, '/mixed', 'POST'))).headers['access-control-allow-origin'],
      ).toBeUndefined()
      // An explicit OPTIONS route with its own `cors` settles it.
      expect(
        (await request(preflight(ALLOWED, '/explicit', 'POST'))).headers['access-control-allow-origin'],
      ).toBe(ALLOWED)
    })
  })
})

forEachEntry('CORS on a blueprint only (the showcase: /api)', (make) => {
  function showcase(): Brisk {
    const app = newApp()
    app.get('/health', () => ({ status: 'ok' }))
    app.get('/boom', () => {
      throw new Error('boom')
    })
    const api = new Blueprint('api', { prefix: '/api' }).use(cors, {
      origins: ['http://localhost:5173'],
      credentials: true,
      maxAge: 600,
    })
    api.get('/books', () => [])
    api.post('/books', () => ({ id: 4 }))
    app.blueprint(api)
    return app
  }
  const ORIGIN = 'http://localhost:5173'

  it('answers an allowed preflight with 204, the allow headers and Vary: Origin', async () => {
    const res = await once(make, showcase(), preflight(ORIGIN, '/api/books', 'POST', 'content-type'))
    expect(res.status).toBe(204)
    expect(corsHeaders(res)).toEqual({
      'access-control-allow-origin': ORIGIN,
      'access-control-allow-credentials': 'true',
      'access-control-allow-methods': 'GET, HEAD, PUT, PATCH, POST, DELETE',
      'access-control-allow-headers': 'content-type',
      'access-control-max-age': '600',
      vary: 'Origin, Access-Control-Request-Headers',
    })
  })

  it('gives other origins, null among them, no Access-Control-Allow-Origin', async () => {
    await withClient(make, showcase(), async (request) => {
      for (const origin of [OTHER, 'null']) {
        expect(
          (await request(preflight(origin, '/api/books', 'POST'))).headers['access-control-allow-origin'],
        ).toBeUndefined()
        expect(
          (await request(from(origin, '/api/books'))).headers['access-control-allow-origin'],
        ).toBeUndefined()
      }
    })
  })

  it('gives routes outside /api, their preflights and errors none, whatever their status', async () => {
    await withClient(make, showcase(), async (request) => {
      const outside = [
        from(ORIGIN, '/health'),
        preflight(ORIGIN, '/health', 'GET'),
        from(ORIGIN, '/boom'),
        from(ORIGIN, '/nowhere'),
        preflight(ORIGIN, '/nowhere', 'POST'),
        from(ORIGIN, '/health', 'DELETE'),
      ]
      const statuses: number[] = []
      for (const sent of outside) {
        const res = await request(sent)
        statuses.push(res.status)
        expect(corsHeaders(res)).toEqual({})
      }
      expect(statuses).toEqual([200, 204, 500, 404, 404, 405])
    })
  })
})

forEachEntry('the `cors` route option alone', (make) => {
  it('does nothing without the plugin registered on the app or an enclosing blueprint', async () => {
    const app = newApp()
    app.get('/books', { cors: { origins: '*' } }, () => [])
    const res = await once(make, app, from(ALLOWED))
    expect(corsHeaders(res)).toEqual({})
  })
})
