/**
 * deploy/nginx.conf, checked against a small upstream that records what reaches it: the headers nginx
 * sets, kept-alive upstream connections, what nginx answers by itself (static files, the redirect to
 * HTTPS, its own errors as problem+json) and the websocket handshake. test/deploy/nginx.test.ts runs the
 * showcase itself behind the same conf.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { WebSocket, WebSocketServer } from 'ws'
import { httpGet, httpsClient } from './_https'
import {
  CONF_PATH,
  checkConf,
  freePort,
  type Nginx,
  RENDERED_DIRECTIVES,
  startNginx,
  TEST_CERT,
} from './_nginx'

const ca = readFileSync(TEST_CERT)

interface Seen {
  method: string
  url: string
  httpVersion: string
  headers: IncomingHttpHeaders
  bytes: number
}

let upstream: Server
let wss: WebSocketServer
const seen: Seen[] = []
let upstreamConnections = 0
let nginx: Nginx
let publicSource: string

beforeAll(async () => {
  // The upstream answers every request with what it received.
  upstream = createServer((req, res) => {
    let bytes = 0
    req.on('data', (chunk: Buffer) => (bytes += chunk.length))
    req.on('end', () => {
      const entry = {
        method: req.method!,
        url: req.url!,
        httpVersion: req.httpVersion,
        headers: req.headers,
        bytes,
      }
      seen.push(entry)
      res.setHeader('content-type', 'application/json')
      res.end(JSON.stringify(entry))
    })
  })
  upstream.on('connection', () => upstreamConnections++)
  wss = new WebSocketServer({ server: upstream })
  wss.on('connection', (socket, req) => {
    socket.on('message', (data, binary) =>
      socket.send(binary ? data : `${data}|${req.headers['x-forwarded-proto']}`),
    )
  })
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve))
  const { port } = upstream.address() as { port: number }

  publicSource = mkdtempSync(join(tmpdir(), 'brisk-public-'))
  writeFileSync(join(publicSource, 'style.css'), 'body { color: rebeccapurple }\n')
  nginx = await startNginx({ upstream: `127.0.0.1:${port}`, publicDir: publicSource })
}, 30_000)

afterAll(async () => {
  await nginx?.stop()
  wss?.close()
  upstream?.closeAllConnections()
  await new Promise((resolve) => upstream?.close(resolve))
  if (publicSource) rmSync(publicSource, { recursive: true, force: true })
})

describe('deploy/nginx.conf', () => {
  it('passes `nginx -t`, and the test changes only its ports and paths', () => {
    const check = checkConf()
    expect(check.output).toContain('test is successful')
    expect(check.ok).toBe(true)

    const documented = readFileSync(CONF_PATH, 'utf8').split('\n')
    const tested = nginx.conf.split('\n')
    expect(tested.length).toBe(documented.length)
    const changed = documented.flatMap((line, i) => (line === tested[i] ? [] : [line.trim().split(/\s+/)[0]]))
    expect(changed.length).toBeGreaterThan(0)
    expect(changed.filter((directive) => !RENDERED_DIRECTIVES.includes(directive!))).toEqual([])
    // nginx started without a warning, but the one that says `user` is ignored when not run as root.
    const problems = nginx
      .errorLog()
      .split('\n')
      .filter((line) => /\[(warn|error|crit|alert|emerg)\]/.test(line) && !line.includes('"user" directive'))
    expect(problems).toEqual([])
  })

  it('sends the app the client address, scheme and host, and nothing a client could forge', async () => {
    const client = httpsClient(nginx.httpsPort, ca)
    try {
      const res = await client.get('/books?x=1', {
        headers: {
          'x-forwarded-for': '203.0.113.66',
          'x-forwarded-proto': 'http',
          'x-forwarded-host': 'evil.example',
          forwarded: 'for=203.0.113.66;proto=http',
        },
      })
      expect(res.status).toBe(200)
      const got = res.json() as Seen
      expect(got.url).toBe('/books?x=1')
      expect(got.httpVersion).toBe('1.1')
      // The forged entry stays, and nginx adds the address it saw last: the one the app trusts.
      expect(got.headers['x-forwarded-for']).toBe('203.0.113.66, 127.0.0.1')
      expect(got.headers['x-forwarded-proto']).toBe('https')
      expect(got.headers['x-forwarded-host']).toBe('127.0.0.1')
      expect(got.headers.host).toBe('127.0.0.1')
      expect(got.headers.forwarded).toBeUndefined()
      // No Connection header: the upstream connection stays open for the next request.
      expect(got.headers.connection).toBeUndefined()
      const id = got.headers['x-request-id']
      expect(id).toMatch(/^[0-9a-f]{32}$/)
      expect(await nginx.accessLine(`id=${id}`)).toContain('"GET /books?x=1 HTTP/1.1" 200')
      expect(res.headers['strict-transport-security']).toBe('max-age=31536000')
      expect(res.headers.server).toBe('nginx')
    } finally {
      client.close()
    }
  })

  it('keeps upstream connections alive: 20 requests, at most one new connection per nginx worker', async () => {
    const client = httpsClient(nginx.httpsPort, ca)
    try {
      const before = upstreamConnections
      for (let i = 0; i < 20; i++) expect((await client.get(`/n/${i}`)).status).toBe(200)
      expect(upstreamConnections - before).toBeLessThanOrEqual(2)
    } finally {
      client.close()
    }
  })

  it('serves /static/ from disk itself, with a cache lifetime', async () => {
    // A file only nginx's copy of the folder has: the upstream could not answer it.
    writeFileSync(join(nginx.publicDir, 'only-here.txt'), 'from nginx\n')
    const client = httpsClient(nginx.httpsPort, ca)
    try {
      const before = seen.length
      const css = await client.get('/static/style.css')
      expect(css.status).toBe(200)
      expect(css.body).toBe('body { color: rebeccapurple }\n')
      expect(css.headers['content-type']).toBe('text/css')
      expect(css.headers['cache-control']).toBe('max-age=3600')
      expect(css.headers.etag).toBeDefined()
      const only = await client.get('/static/only-here.txt')
      expect(only.status).toBe(200)
      expect(only.body).toBe('from nginx\n')
      expect((await client.get('/static/missing.css')).status).toBe(404)
      expect(seen.length).toBe(before)
    } finally {
      client.close()
    }
  })

  it('refuses a body over 1 MiB itself, as problem+json, and passes one of exactly 1 MiB', async () => {
    const client = httpsClient(nginx.httpsPort, ca)
    try {
      const before = seen.length
      const big = await client.request('POST', '/api/v1/books', {
        headers: { 'content-type': 'application/json' },
        body: Buffer.alloc(1024 * 1024 + 1, 0x20),
      })
      expect(big.status).toBe(413)
      expect(big.headers['content-type']).toBe('application/problem+json')
      expect(big.json()).toMatchObject({ status: 413, title: 'Payload Too Large' })
      expect(seen.length).toBe(before)

      const fits = await client.request('POST', '/api/v1/books', {
        headers: { 'content-type': 'application/json' },
        body: Buffer.alloc(1024 * 1024, 0x20),
      })
      expect(fits.status).toBe(200)
      expect(fits.json()).toMatchObject({ method: 'POST', bytes: 1024 * 1024 })
    } finally {
      client.close()
    }
  })

  it("redirects plain HTTP to HTTPS, but for Let's Encrypt's checks", async () => {
    const res = await httpGet(nginx.httpPort, '/hello?name=ada', { host: 'localhost:8080' })
    expect(res.status).toBe(301)
    expect(res.headers.location).toBe('https://localhost/hello?name=ada')

    const token = 'a-token-certbot-wrote'
    writeFileSync(join(nginx.prefix, 'acme/.well-known/acme-challenge', token), 'token.thumbprint')
    const challenge = await httpGet(nginx.httpPort, `/.well-known/acme-challenge/${token}`)
    expect(challenge.status).toBe(200)
    expect(challenge.body).toBe('token.thumbprint')
  })

  it('passes websocket handshakes on /ws/ and relays frames both ways', async () => {
    const socket = new WebSocket(`wss://127.0.0.1:${nginx.httpsPort}/ws/echo`, { ca })
    try {
      await new Promise((resolve, reject) => {
        socket.once('open', resolve)
        socket.once('error', reject)
      })
      const reply = new Promise<string>((resolve) => socket.once('message', (data) => resolve(String(data))))
      socket.send('hello')
      expect(await reply).toBe('hello|https')
    } finally {
      socket.close()
    }
  })

  it('answers 502 as problem+json when the app is down', async () => {
    const down = await startNginx({ upstream: `127.0.0.1:${await freePort()}`, publicDir: publicSource })
    const client = httpsClient(down.httpsPort, ca)
    try {
      const res = await client.get('/health')
      expect(res.status).toBe(502)
      expect(res.headers['content-type']).toBe('application/problem+json')
      expect(res.json()).toMatchObject({ status: 502, title: 'Bad Gateway' })
    } finally {
      client.close()
      await down.stop()
    }
  })
})
