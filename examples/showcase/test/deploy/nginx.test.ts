/**
 * The deployment recipe, end to end: Debian's nginx with deploy/nginx.conf (ports and paths aside) in front
 * of the showcase run as users run it (`node --import tsx src/main.ts`, 2 workers, a real redis-server,
 * `BRISK_TRUST_PROXY=1`), all on 127.0.0.1, driven over HTTPS with the test certificate trusted by this
 * client only.
 */
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { type AppProcess, type RedisServer, startAppProcess, startRedisServer } from '@brisk/testing/services'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { WebSocket } from 'ws'
import { type HttpsClient, httpGet, httpsClient } from './_https'
import { type Nginx, SHOWCASE_DIR, startNginx, TEST_CERT } from './_nginx'

const ca = readFileSync(TEST_CERT)

let redis: RedisServer
let app: AppProcess
let nginx: Nginx
let client: HttpsClient

beforeAll(async () => {
  redis = await startRedisServer()
  app = await startAppProcess({
    args: ['--import', 'tsx', 'src/main.ts'],
    cwd: SHOWCASE_DIR,
    env: {
      WORKERS: '2',
      REDIS_URL: redis.url,
      JWT_SECRET: 'a-secret-for-the-deploy-test-only-0123456789',
      NODE_ENV: 'production',
      // One proxy in front: the app believes X-Forwarded-Proto and the last X-Forwarded-For hop.
      BRISK_TRUST_PROXY: '1',
    },
    readyPath: '/health',
    timeout: 90_000,
  })
  nginx = await startNginx({ upstream: `127.0.0.1:${app.port}` })
  client = httpsClient(nginx.httpsPort, ca)
}, 150_000)

afterAll(async () => {
  client?.close()
  await nginx?.stop()
  await app?.stop()
  await redis?.stop()
})

/** The `sid` Set-Cookie line of a response, if any. */
function sidCookie(headers: Record<string, unknown>): string | undefined {
  const lines = (headers['set-cookie'] as string[] | undefined) ?? []
  return lines.find((line) => line.startsWith('sid='))
}

async function login(username: string, password: string): Promise<string> {
  const res = await client.request('POST', '/auth', {
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  })
  expect(res.status).toBe(200)
  return res.json().access_token
}

describe('the showcase behind nginx', () => {
  it('answers /health and the books page through HTTPS', async () => {
    const health = await client.get('/health')
    expect(health.status).toBe(200)
    expect(health.json()).toEqual({ status: 'ok' })
    expect(health.headers['strict-transport-security']).toBe('max-age=31536000')

    const books = (await client.get('/api/v1/books')).json() as { title: string }[]
    expect(books.length).toBeGreaterThanOrEqual(3)
    const page = await client.get('/', { headers: { accept: 'text/html' } })
    expect(page.status).toBe(200)
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8')
    expect(page.body).toContain('<title>Books · Brisk showcase</title>')
    expect(page.body).toContain('<link rel="stylesheet" href="/static/style.css">')
    for (const book of books) expect(page.body).toContain(book.title)
  })

  it('has nginx serve /static/ from its copy of public/, not the app', async () => {
    const css = await client.get('/static/style.css')
    expect(css.status).toBe(200)
    expect(css.body).toBe(readFileSync(join(SHOWCASE_DIR, 'public/style.css'), 'utf8'))
    expect(css.headers['content-type']).toBe('text/css')
    expect(css.headers['cache-control']).toBe('max-age=3600') // the conf's `expires 1h`
    // A file that only nginx's copy has: the app would answer 404.
    writeFileSync(join(nginx.publicDir, 'nginx-only.txt'), 'nginx\n')
    expect((await client.get('/static/nginx-only.txt')).body).toBe('nginx\n')
    const direct = await fetch(`${app.url}/static/nginx-only.txt`)
    expect(direct.status).toBe(404)
    await direct.body?.cancel()
  })

  it('logs in, creates a book with the bearer token, and refuses a bad one with 422 problem+json', async () => {
    const token = await login('alice', 'wonderland')
    const created = await client.request('POST', '/api/v1/books', {
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ title: 'The Hobbit', author: 'J. R. R. Tolkien', year: 1937 }),
    })
    expect(created.status).toBe(201)
    expect(created.json()).toMatchObject({ title: 'The Hobbit', author: 'J. R. R. Tolkien', year: 1937 })
    expect(created.headers.location).toMatch(/\/api\/v1\/books\/\d+$/)

    const bad = await client.request('POST', '/api/v1/books', {
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ title: '', year: '1937' }),
    })
    expect(bad.status).toBe(422)
    expect(bad.headers['content-type']).toMatch(/^application\/problem\+json/)
    const problem = bad.json()
    expect(problem.status).toBe(422)
    const pointers = (problem.errors as { pointer: string }[]).map((error) => error.pointer).sort()
    expect(pointers).toEqual(['#/author', '#/title', '#/year'])

    const anonymous = await client.request('POST', '/api/v1/books', {
      headers: { 'content-type': 'application/json' },
      body: '{}',
    })
    expect(anonymous.status).toBe(401)
    expect(anonymous.headers['www-authenticate']).toMatch(/^Bearer/)
  })

  it("passes the app's own errors through untouched", async () => {
    const missing = await client.get('/no/such/page')
    expect(missing.status).toBe(404)
    expect(missing.headers['content-type']).toMatch(/^application\/problem\+json/)
    expect(missing.json()).toMatchObject({ status: 404 })
  })

  it('answers a CORS preflight on /api for an allowed origin only', async () => {
    const preflight = (origin: string) =>
      client.request('OPTIONS', '/api/v1/books', {
        headers: {
          origin,
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'authorization, content-type',
        },
      })
    const allowed = await preflight('http://localhost:5173')
    expect(allowed.status).toBe(204)
    expect(allowed.headers['access-control-allow-origin']).toBe('http://localhost:5173')
    expect(allowed.headers['access-control-allow-credentials']).toBe('true')
    expect(allowed.headers['access-control-max-age']).toBe('600')
    expect(allowed.headers.vary).toMatch(/Origin/i)
    const other = await preflight('https://evil.example')
    expect(other.headers['access-control-allow-origin']).toBeUndefined()
  })

  it('gives the session cookie `Secure` behind HTTPS (X-Forwarded-Proto reached the app) and counts visits', async () => {
    const first = await client.get('/session/visits')
    expect(first.status).toBe(200)
    expect(first.json()).toEqual({ visits: 1 })
    const cookie = sidCookie(first.headers)
    expect(cookie).toBeDefined()
    const attributes = cookie!.split(';').map((part) => part.trim().toLowerCase())
    expect(attributes).toEqual(expect.arrayContaining(['secure', 'httponly', 'samesite=lax', 'path=/']))

    const sid = cookie!.split(';')[0]!
    for (const visits of [2, 3]) {
      const again = await client.get('/session/visits', { headers: { cookie: sid } })
      expect(again.json()).toEqual({ visits })
    }

    // The same app asked directly over plain HTTP sets no `Secure`: the attribute came from the proxy.
    const direct = await fetch(`${app.url}/session/visits`)
    expect(await direct.json()).toEqual({ visits: 1 })
    const directCookie = direct.headers.getSetCookie().find((line) => line.startsWith('sid='))
    expect(directCookie).toBeDefined()
    expect(directCookie!.toLowerCase()).not.toContain('secure')
  })

  it('echoes websocket messages through wss://', async () => {
    const socket = new WebSocket(`wss://127.0.0.1:${nginx.httpsPort}/ws/echo`, { ca })
    try {
      await new Promise((resolve, reject) => {
        socket.once('open', resolve)
        socket.once('error', reject)
      })
      for (const text of ['hello', 'über nginx']) {
        const reply = new Promise<string>((resolve) =>
          socket.once('message', (data) => resolve(String(data))),
        )
        socket.send(text)
        expect(await reply).toBe(text)
      }
    } finally {
      socket.close()
    }
  })

  it('serves /openapi.json and /docs through nginx', async () => {
    const doc = await client.get('/openapi.json')
    expect(doc.status).toBe(200)
    const json = doc.json()
    expect(json.openapi).toMatch(/^3\.1\./)
    expect(Object.keys(json.paths)).toEqual(expect.arrayContaining(['/api/v1/books', '/health']))
    const docs = await client.get('/docs', { headers: { accept: 'text/html' } })
    expect(docs.status).toBe(200)
    expect(docs.headers['content-type']).toMatch(/^text\/html/)
  })

  it('redirects plain HTTP to HTTPS', async () => {
    const res = await httpGet(nginx.httpPort, '/api/v1/books?limit=2', { host: 'localhost' })
    expect(res.status).toBe(301)
    expect(res.headers.location).toBe('https://localhost/api/v1/books?limit=2')
  })

  it('logs each request with the upstream that answered it ("-" for nginx itself)', async () => {
    expect(await nginx.accessLine('"GET /health HTTP/1.1" 200')).toContain(`upstream=127.0.0.1:${app.port} `)
    expect(await nginx.accessLine('"GET /api/v1/books?limit=2 HTTP/1.1" 301')).toContain('upstream=- ')
    expect(nginx.errorLog()).not.toMatch(/\[(error|crit|alert|emerg)\]/)
  })
})
