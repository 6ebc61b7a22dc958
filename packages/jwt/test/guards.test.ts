/**
 * Guards: the `auth` route option, `requireAuth` on blueprints and groups, scopes (all of, any of, wildcards),
 * what `route.meta.auth` tells other plugins, automatic routes, and the guard running before the body is read.
 */
import { request as httpRequest } from 'node:http'
import { Blueprint, Brisk } from '@brisk/core'
import { describe, expect, it } from 'vitest'
import { JwtError, jwt, requireAuth } from '../src/index'
import { clientFor, loginAs, newApp, quiet, showcaseOptions } from './_apps'

const bearer = (token: string) => ({ authorization: `Bearer ${token}` })

describe('scopes', () => {
  it('needs all of `scopes`, one of `anyOf`, and lets a `books:*` token through both', async () => {
    const app = newApp()
    app.get('/both', { auth: { scopes: ['books:read'], anyOf: ['books:write', 'admin'] } }, () => 'ok')
    const client = clientFor(app)
    const alice = (await loginAs(client)).access_token
    const bob = (await loginAs(client, 'bob', 'builder')).access_token
    const carol = (await loginAs(client, 'carol', 'admin')).access_token
    const status = async (method: 'get' | 'post' | 'delete', url: string, token: string) =>
      (await client[method](url, { headers: bearer(token), json: method === 'post' ? {} : undefined })).status
    expect(await status('post', '/books', alice)).toBe(200)
    expect(await status('post', '/books', bob)).toBe(403)
    expect(await status('post', '/books', carol)).toBe(200) // books:* grants books:write
    expect(await status('get', '/both', alice)).toBe(200)
    expect(await status('get', '/both', bob)).toBe(403)
    expect(await status('get', '/both', carol)).toBe(200)
    expect(await status('delete', '/books/1', alice)).toBe(403) // anyOf books:delete, admin
    expect(await status('delete', '/books/1', carol)).toBe(204) // books:* grants books:delete
    await client.close()
  })

  it('puts the verified claims on req.ctx.jwt, frozen', async () => {
    const app = newApp()
    app.get('/claims', { auth: true }, (req) => ({
      sub: req.ctx.jwt?.sub,
      frozen: Object.isFrozen(req.ctx.jwt),
    }))
    const client = clientFor(app)
    const { access_token } = await loginAs(client)
    for (let i = 0; i < 2; i++) {
      // the second request is answered from the verified-token cache
      const res = await client.get('/claims', { headers: bearer(access_token) })
      expect(res.json()).toEqual({ sub: '1', frozen: true })
      expect(res.request.ctx.jwt.scope).toBe('books:read books:write')
    }
    expect((await client.get('/open')).request.ctx.jwt).toBeUndefined()
    await client.close()
  })
})

describe('loadUser', () => {
  it('puts the user from retrieveUser on req.ctx.user, and refuses a token whose user is gone', async () => {
    let gone = false
    const app = newApp({
      loadUser: true,
      retrieveUser: (claims) => (gone ? null : { user_id: Number(claims.sub), name: 'alice' }),
    })
    app.get('/whoami', { auth: true }, (req) => ({ user: req.ctx.user }))
    const client = clientFor(app)
    const { access_token } = await loginAs(client)
    expect((await client.get('/whoami', { headers: bearer(access_token) })).json()).toEqual({
      user: { user_id: 1, name: 'alice' },
    })
    expect((await client.get('/auth/me', { headers: bearer(access_token) })).json()).toEqual({
      me: { user_id: 1, name: 'alice' },
    })
    gone = true
    const res = await client.get('/whoami', { headers: bearer(access_token) })
    expect(res.status).toBe(401)
    expect(res.json().code).toBe('BRISK_JWT_ERR_USER_NOT_FOUND')
    expect(res.headers.get('www-authenticate')).toContain('error="invalid_token"')
    expect((await client.get('/open')).request.ctx.user).toBeUndefined()
    await client.close()
  })

  it('needs retrieveUser', async () => {
    await expect(newApp({ loadUser: true, retrieveUser: undefined }).ready()).rejects.toMatchObject({
      code: 'BRISK_JWT_ERR_OPTIONS',
    })
  })
})

describe('requireAuth() on blueprints and groups', () => {
  it('guards every route of a blueprint, and a route may opt out with auth: false or ask for more', async () => {
    const admin = new Blueprint('admin', { prefix: '/admin' })
    requireAuth(admin, { scopes: ['books:read'] })
    admin.get('/stats', () => 'stats')
    admin.get('/health', { auth: false }, () => 'up')
    admin.post('/purge', { auth: { scopes: ['books:write'] } }, () => 'purged')
    const app = newApp()
    app.blueprint(admin)
    const client = clientFor(app)
    const bob = (await loginAs(client, 'bob', 'builder')).access_token
    expect((await client.get('/admin/stats')).status).toBe(401)
    expect((await client.get('/admin/stats', { headers: bearer(bob) })).status).toBe(200)
    expect((await client.get('/admin/health')).status).toBe(200)
    expect((await client.post('/admin/purge', { headers: bearer(bob) })).status).toBe(403)
    const meta = Object.fromEntries(app.routes().map((r) => [`${r.method} ${r.path}`, r.meta.auth]))
    expect(meta['GET /admin/stats']).toEqual({
      scheme: 'bearerAuth',
      definition: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
      scopes: ['books:read'],
      anyOf: [],
    })
    expect(meta['GET /admin/health']).toBeUndefined()
    expect(meta['POST /admin/purge']?.scopes).toEqual(['books:write'])
    await client.close()
  })

  it('guards the whole app, except the endpoints that hand out tokens', async () => {
    const app = newApp()
    requireAuth(app)
    app.get('/anything', () => 'x')
    const client = clientFor(app)
    expect((await client.get('/anything')).status).toBe(401)
    expect((await client.get('/open')).status).toBe(401)
    const { access_token, refresh_token } = await loginAs(client)
    expect((await client.get('/anything', { headers: bearer(access_token) })).status).toBe(200)
    expect((await client.post('/auth/refresh', { json: { refresh_token } })).status).toBe(200)
    expect((await client.post('/auth/logout', { json: { refresh_token } })).status).toBe(204)
    expect((await client.get('/auth/verify')).status).toBe(401)
    await client.close()
  })

  it('guards a group, nested blueprints included', async () => {
    const books = new Blueprint('books2', { prefix: '/books' }).get('/', () => 'list')
    const authors = new Blueprint('authors', { prefix: '/authors' }).get('/', () => 'list')
    const group = requireAuth(Blueprint.group([books, authors], { prefix: '/v2' }), { anyOf: ['books:read'] })
    const app = newApp()
    app.blueprint(group)
    const client = clientFor(app)
    const alice = (await loginAs(client)).access_token
    for (const url of ['/v2/books', '/v2/authors']) {
      expect((await client.get(url)).status).toBe(401)
      expect((await client.get(url, { headers: bearer(alice) })).status).toBe(200)
    }
    const meta = app.routes().find((r) => r.path === '/v2/authors' && r.method === 'GET')?.meta.auth
    expect(meta).toMatchObject({ scopes: [], anyOf: ['books:read'] })
    await client.close()
  })

  it('works with jwt registered on a blueprint only (its endpoints mounted elsewhere)', async () => {
    const authBp = new Blueprint('auth', { prefix: '/auth' })
    const api = new Blueprint('api', { prefix: '/api' }).use(jwt, showcaseOptions({ blueprint: authBp }))
    api.get('/books', { auth: true }, (req) => ({ sub: req.ctx.jwt?.sub }))
    const app = new Brisk({ logger: quiet })
    app.blueprint(api).blueprint(authBp)
    app.get('/public', () => 'public')
    const client = clientFor(app)
    const { access_token } = await loginAs(client)
    expect((await client.get('/api/books')).status).toBe(401)
    expect((await client.get('/api/books', { headers: bearer(access_token) })).json()).toEqual({ sub: '1' })
    expect((await client.get('/public')).status).toBe(200)
    await client.close()
  })

  it('refuses to start when a guarded route has no jwt registration around it', async () => {
    const lonely = new Blueprint('lonely')
    requireAuth(lonely)
    lonely.get('/x', () => 'x')
    const app = new Brisk({ logger: quiet })
    app.blueprint(lonely)
    await expect(app.ready()).rejects.toMatchObject({ code: 'BRISK_JWT_ERR_NOT_REGISTERED' })

    const authBp = new Blueprint('auth')
    const scoped = new Blueprint('scoped', { prefix: '/s' }).use(jwt, showcaseOptions({ blueprint: authBp }))
    scoped.get('/a', { auth: true }, () => 'a')
    const outside = new Brisk({ logger: quiet }).use(jwt, showcaseOptions({ blueprint: false }))
    outside.blueprint(scoped).blueprint(authBp)
    outside.get('/b', { auth: true }, () => 'b')
    await outside.ready() // every guarded route has a registration around it
  })
})

describe('what other plugins see, and automatic routes', () => {
  it('sets route.meta.auth on guarded routes only, with a configurable scheme name and the cookie scheme in cookie mode', async () => {
    const app = newApp({ schemeName: 'jwt' })
    await app.ready()
    const byKey = new Map(app.routes().map((r) => [`${r.method} ${r.path}`, r]))
    expect(byKey.get('GET /books')?.meta.auth).toEqual({
      scheme: 'jwt',
      definition: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
      scopes: [],
      anyOf: [],
    })
    expect(byKey.get('DELETE /books/:id<int>')?.meta.auth?.anyOf).toEqual(['books:delete', 'admin'])
    expect(byKey.get('GET /auth/me')?.meta.auth?.scheme).toBe('jwt')
    expect(byKey.get('GET /auth/verify')?.meta.auth).toBeDefined()
    for (const open of ['GET /open', 'POST /auth', 'POST /auth/refresh', 'POST /auth/logout']) {
      expect(byKey.get(open)?.meta.auth, open).toBeUndefined()
    }
    const cookieApp = newApp({ cookies: { accessCookie: 'at' } })
    await cookieApp.ready()
    const guarded = cookieApp.routes().find((r) => r.path === '/books' && r.method === 'GET')
    expect(guarded?.meta.auth?.definition).toEqual({ type: 'apiKey', in: 'cookie', name: 'at' })
  })

  it('leaves the automatic OPTIONS answer (CORS preflights) open, and guards HEAD like GET', async () => {
    const client = clientFor(newApp())
    const options = await client.options('/books', {
      headers: { origin: 'https://a.example', 'access-control-request-method': 'POST' },
    })
    expect(options.status).toBe(204)
    expect(options.headers.get('allow')).toContain('POST')
    expect((await client.head('/books')).status).toBe(401)
    const { access_token } = await loginAs(client)
    expect((await client.head('/books', { headers: bearer(access_token) })).status).toBe(200)
    await client.close()
  })
})

describe('the guard runs before the body is read', () => {
  it('answers 401, not 413, to a large body without a token (inject)', async () => {
    const app = newApp()
    app.post('/upload', { auth: true, bodyLimit: 16 }, async (req) => ({
      size: (await req.bytes()).byteLength,
    }))
    const client = clientFor(app)
    const res = await client.post('/upload', {
      body: 'x'.repeat(100_000),
      headers: { 'content-type': 'text/plain' },
    })
    expect(res.status).toBe(401)
    const { access_token } = await loginAs(client)
    const ok = await client.post('/upload', {
      body: 'x'.repeat(100_000),
      headers: { ...bearer(access_token), 'content-type': 'text/plain' },
    })
    expect(ok.status).toBe(413)
    await client.close()
  })

  it("answers 401 on Brisk's server before a huge declared body arrives", async () => {
    const app = newApp()
    app.post('/upload', { auth: true }, async (req) => ({ size: (await req.bytes()).byteLength }))
    await app.listen({ port: 0, host: '127.0.0.1', signals: false, workers: 1 })
    try {
      const port = (app.server!.raw.address() as { port: number }).port
      const status = await new Promise<number>((resolve, reject) => {
        // Declares 1 GiB and sends only 1 KiB: the answer must come without the rest.
        const req = httpRequest({
          host: '127.0.0.1',
          port,
          method: 'POST',
          path: '/upload',
          headers: { 'content-length': String(1 << 30) },
        })
        req.on('response', (res) => {
          res.resume()
          resolve(res.statusCode!)
          req.destroy()
        })
        req.on('error', reject)
        req.write(Buffer.alloc(1024))
      })
      expect(status).toBe(401)
    } finally {
      await app.close()
    }
  })
})

describe('start-up checks', () => {
  it('refuses bad auth route options with a JwtError', async () => {
    const app = newApp()
    app.get('/bad', { auth: { scopes: ['has space'] } }, () => 'x')
    await expect(app.ready()).rejects.toBeInstanceOf(JwtError)
  })
})
