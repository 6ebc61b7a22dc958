// The Fastify twin (bench/showcase/twin) and the Brisk showcase (examples/showcase) answer a sample of requests
// alike. Both run as processes, in memory mode, on free loopback ports; each request of the sample goes to both,
// and status, content type and body (JSON compared after normalising what legitimately differs: tokens, cookie
// values, dates) must be equal. What the twin cannot match exactly is listed in DIFFERENCES and asserted as it
// is, never skipped: if either app changes, the assertion of that difference fails and the list is updated.
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { connect, createServer } from 'node:net'
import { after, before, test } from 'node:test'
import { fileURLToPath } from 'node:url'

const ROOT = fileURLToPath(new URL('../../../', import.meta.url))
const SECRET = 'a test secret of at least thirty-two bytes!'
const ALLOWED = 'http://localhost:5173'
const REFUSED = 'http://evil.example'
// Memory mode, as CI runs it. By hand, TWIN_ALIKE_REDIS_URL=redis://… runs the same sample with both apps'
// sessions and refresh tokens in that Redis (one worker each: books are per process, so with two workers a
// delete could reach the process that did not create the book, in both apps alike).
const REDIS_URL = process.env.TWIN_ALIKE_REDIS_URL

/** A port nobody listens on now (the kernel's pick, released at once). */
function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address()
      server.close(() => resolve(port))
    })
  })
}

/** Starts one app as a process and resolves once `GET /health` answers 200 (at most 25 s). */
async function startApp(name, command, args, cwd) {
  const port = await freePort()
  const child = spawn(command, args, {
    cwd,
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      JWT_SECRET: SECRET,
      NODE_ENV: 'production',
      WORKERS: '',
      REDIS_URL: REDIS_URL ?? '',
      CORS_ORIGINS: '',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  child.stdout.on('data', (c) => (output += c))
  child.stderr.on('data', (c) => (output += c))
  const base = `http://127.0.0.1:${port}`
  const deadline = Date.now() + 25_000
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${name} exited with ${child.exitCode}:\n${output}`)
    try {
      const res = await fetch(`${base}/health`, { signal: AbortSignal.timeout(1000) })
      if (res.status === 200) return { name, base, port, child, output: () => output }
    } catch {}
    await new Promise((r) => setTimeout(r, 150))
  }
  child.kill('SIGKILL')
  throw new Error(`${name} did not answer /health within 25 s:\n${output}`)
}

async function stopApp(app) {
  if (app === undefined || app.child.exitCode !== null) return
  const exited = new Promise((resolve) => app.child.once('exit', resolve))
  app.child.kill('SIGTERM')
  const timer = setTimeout(() => app.child.kill('SIGKILL'), 5000)
  await exited
  clearTimeout(timer)
}

let brisk
let twin

before(
  async () => {
    const started = await Promise.allSettled([
      startApp('brisk', process.execPath, ['--import', 'tsx', 'src/main.ts'], `${ROOT}examples/showcase`),
      startApp('twin', process.execPath, ['bench/showcase/twin/main.mjs'], ROOT),
    ])
    // Keep whichever started, so after() stops it even when the other failed.
    ;[brisk, twin] = started.map((result) => result.value)
    const failed = started.find((result) => result.status === 'rejected')
    if (failed !== undefined) throw failed.reason
  },
  { timeout: 40_000 },
)

after(async () => {
  await Promise.all([stopApp(brisk), stopApp(twin)])
})

/** One exchange, in a form that can be compared: status, media type (and its parameters), headers, body. */
async function send(app, path, { method = 'GET', headers = {}, body, json } = {}) {
  const init = { method, headers: { ...headers }, redirect: 'manual', signal: AbortSignal.timeout(10_000) }
  if (json !== undefined) {
    init.body = typeof json === 'string' ? json : JSON.stringify(json)
    init.headers['content-type'] ??= 'application/json'
  } else if (body !== undefined) init.body = body
  const res = await fetch(app.base + path, init)
  const text = await res.text()
  const contentType = res.headers.get('content-type') ?? ''
  const type = contentType.split(';')[0].trim()
  let parsed
  if (type.endsWith('json') && text !== '') parsed = JSON.parse(text)
  return {
    status: res.status,
    contentType,
    type,
    headers: res.headers,
    text,
    json: parsed,
    cookies: res.headers.getSetCookie(),
  }
}

/** The same request to both apps. */
const both = (path, options) => Promise.all([send(brisk, path, options), send(twin, path, options)])

/** Media types alike; JSON types differ only by the charset Fastify adds (DIFFERENCES[0]). */
function assertContentType(b, t, where) {
  assert.equal(t.type, b.type, `${where}: media type`)
  if (b.type === 'application/problem+json' || b.type === 'application/json') {
    assert.equal(b.contentType, b.type, `${where}: brisk's JSON content type, without a charset`)
    assert.equal(t.contentType, `${b.type}; charset=utf-8`, `${where}: twin's (difference 1)`)
  } else {
    assert.equal(t.contentType.toLowerCase(), b.contentType.toLowerCase(), `${where}: content type`)
  }
}

/** Status, media type and body alike (JSON deep-equal after `normalise`, text exactly). */
function assertAlike(b, t, where, normalise = (x) => x) {
  assert.equal(
    t.status,
    b.status,
    `${where}: status (brisk ${b.status}, twin ${t.status}) twin body: ${t.text.slice(0, 300)}`,
  )
  assertContentType(b, t, where)
  if (b.json !== undefined) assert.deepEqual(normalise(t.json), normalise(b.json), `${where}: JSON body`)
  else assert.equal(t.text, b.text, `${where}: body`)
}

/** The headers named, alike (both absent, or equal). */
function assertHeaders(b, t, names, where) {
  for (const name of names) assert.equal(t.headers.get(name), b.headers.get(name), `${where}: header ${name}`)
}

const JWT = /^[\w-]+\.[\w-]+\.[\w-]+$/
const REFRESH = /^[\w-]{43}$/

/** Token pairs: both well formed; then replaced by placeholders. */
function tokens(body) {
  if (body === null || typeof body !== 'object' || !('access_token' in body)) return body
  assert.match(body.access_token, JWT)
  assert.match(body.refresh_token, REFRESH)
  return { access_token: '<jwt>', refresh_token: '<refresh>' }
}

/** A Set-Cookie line as `{ name, value, attributes }` (attribute names lower-cased; Expires dropped). */
function parseCookie(line) {
  const [pair, ...attrs] = line.split(';').map((s) => s.trim())
  const eq = pair.indexOf('=')
  const attributes = {}
  for (const attr of attrs) {
    const [k, v = true] = attr.split('=')
    if (k.toLowerCase() !== 'expires')
      attributes[k.toLowerCase()] = typeof v === 'string' ? v.toLowerCase() : v
  }
  return {
    name: pair.slice(0, eq),
    value: pair.slice(eq + 1),
    attributes,
    hasExpires: /;\s*expires=/i.test(line),
  }
}

async function login(app, username, password) {
  const res = await send(app, '/auth', { method: 'POST', json: { username, password } })
  assert.equal(res.status, 200, `${app.name} login ${username}`)
  return res.json
}

/**
 * What the twin cannot (or, built the plain Fastify way, does not) match exactly. Each is asserted where it
 * shows; none is a contract violation (the contract's words are quoted in README.md).
 */
const DIFFERENCES = [
  '1. JSON and problem+json: Fastify adds "; charset=utf-8" to the content type of every string it sends.',
  '2. @fastify/cors sends Access-Control-Allow-Credentials on every /api response (also without an allowed Origin), and on a preflight from a refused origin also Access-Control-Allow-Methods and -Max-Age (never Allow-Origin); the showcase sends only Vary and, on a refused preflight, its automatic OPTIONS answer with Allow.',
  '3. @fastify/session sends the session cookie again after every write, and gives its lifetime as Expires (computed from its maxAge) where the showcase sends Max-Age=86400, only when the session starts.',
  '4. The OpenAPI documents are each generated by their own tool (@fastify/swagger, @brisk/openapi): the same paths, operations, bearer security and request body schema, not the same bytes.',
  '5. A body over the limit sent whole: Fastify answers 413 and closes the connection at once, so a client still sending may get a reset that throws the answer away; the showcase closes lingering (RFC 9112 §9.6) and the 413 arrives. Timing-dependent, so the test sends only the head (both answer 413) and README.md gives what was seen.',
]

test('the list of differences is what this file asserts', () => {
  assert.equal(DIFFERENCES.length, 5)
})

test('public reads: health, books list and one book, trailing slashes, unknown, signed, padded, non-integer and unsafe ids', async () => {
  for (const path of [
    '/health',
    '/health/',
    '/api/v1/books',
    '/api/v1/books/',
    '/api/v1/books?page=2',
    '/api/v1/books/1',
    '/api/v1/books/007',
    '/api/v1/books/99',
    '/api/v1/books/-1',
    '/api/v1/books/abc',
    '/api/v1/books/1.5',
    '/api/v1/books/99999999999999999999',
  ]) {
    const [b, t] = await both(path)
    assertAlike(b, t, `GET ${path}`)
  }
})

test('pages: / and /hello render the same templates to the same HTML, name escaped', async () => {
  for (const path of ['/', '/hello?name=%3Cb%3EAda%3C%2Fb%3E', '/hello', '/hello?name=a&name=b']) {
    const [b, t] = await both(path)
    assertAlike(b, t, `GET ${path}`)
    assert.equal(b.contentType, 'text/html; charset=utf-8')
  }
  const [, t] = await both('/hello?name=%3Cb%3EAda%3C%2Fb%3E')
  assert.match(t.text, /Hello, &lt;b&gt;Ada&lt;\/b&gt;!/)
})

test('404, 405 and 400: unknown paths, wrong methods with Allow, OPTIONS on a known path, a malformed path, HTML for a browser', async () => {
  for (const [method, path] of [
    ['GET', '/nope'],
    ['POST', '/nope/deeper'],
    ['PUT', '/api/v1/books/1'],
    ['PATCH', '/health'],
    ['GET', '/auth'],
    ['DELETE', '/session/visits'],
    ['OPTIONS', '/auth'],
    ['OPTIONS', '/health'],
    ['GET', '/api/v1/books/%zz'],
  ]) {
    const [b, t] = await both(path, { method })
    assertAlike(b, t, `${method} ${path}`)
    assertHeaders(b, t, ['allow'], `${method} ${path}`)
  }
  const [b, t] = await both('/nope', { headers: { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' } })
  assert.equal(t.status, 404)
  assertContentType(b, t, 'GET /nope as a browser')
  assert.match(t.text, /<h1>404 Not Found<\/h1>/)
  assert.match(b.text, /<h1>404 Not Found<\/h1>/)
})

test('login: wrong password 401, bad bodies 400/415/422, then tokens; verify and me with and without a token', async () => {
  const cases = [
    ['wrong password', { method: 'POST', json: { username: 'alice', password: 'nope' } }],
    ['unknown user', { method: 'POST', json: { username: 'carol', password: 'x' } }],
    ['missing field', { method: 'POST', json: { username: 'alice' } }],
    ['array body', { method: 'POST', json: [] }],
    ['malformed JSON', { method: 'POST', json: '{bad' }],
    ['empty JSON', { method: 'POST', body: '', headers: { 'content-type': 'application/json' } }],
    ['text body', { method: 'POST', body: 'x', headers: { 'content-type': 'text/plain' } }],
    ['no body', { method: 'POST' }],
  ]
  for (const [name, options] of cases) {
    const [b, t] = await both('/auth', options)
    assertAlike(b, t, `POST /auth ${name}`)
    assertHeaders(b, t, ['www-authenticate'], `POST /auth ${name}`)
  }
  const [b, t] = await both('/auth', { method: 'POST', json: { username: 'alice', password: 'wonderland' } })
  assertAlike(b, t, 'POST /auth alice', tokens)

  const bt = b.json.access_token
  const tt = t.json.access_token
  for (const path of ['/auth/verify', '/auth/me']) {
    const [bv, tv] = await Promise.all([
      send(brisk, path, { headers: { authorization: `bearer ${bt}` } }),
      send(twin, path, { headers: { authorization: `bearer ${tt}` } }),
    ])
    assertAlike(bv, tv, `GET ${path} with a token (lower-case scheme)`)
    for (const authorization of [
      undefined,
      'Bearer xx.yy.zz',
      'Basic YWxpY2U6d29uZGVybGFuZA==',
      `Bearer ${bt.slice(0, -2)}AA`,
    ]) {
      const headers = authorization === undefined ? {} : { authorization }
      const [bn, tn] = await both(path, { headers })
      assertAlike(bn, tn, `GET ${path} with ${authorization ?? 'no token'}`)
      assertHeaders(bn, tn, ['www-authenticate'], `GET ${path} with ${authorization ?? 'no token'}`)
    }
  }
})

test('authenticated writes: 401 before the body, 403 without the scope, 422 naming each bad field, 201 with Location, delete', async () => {
  const [ba, ta] = await Promise.all([
    login(brisk, 'alice', 'wonderland'),
    login(twin, 'alice', 'wonderland'),
  ])
  const [bb, tb] = await Promise.all([login(brisk, 'bob', 'builder'), login(twin, 'bob', 'builder')])
  const as = (token) => ({ authorization: `Bearer ${token}` })

  // No token: 401 whatever the body (the guard runs before it is read), malformed JSON included.
  for (const json of [{ title: 'T', author: 'A' }, '{bad']) {
    const [b, t] = await both('/api/v1/books', { method: 'POST', json })
    assertAlike(b, t, 'POST /api/v1/books without a token')
    assertHeaders(b, t, ['www-authenticate'], 'POST /api/v1/books without a token')
  }
  const pair = async (path, options, brToken, twToken) =>
    Promise.all([
      send(brisk, path, { ...options, headers: { ...options.headers, ...as(brToken) } }),
      send(twin, path, { ...options, headers: { ...options.headers, ...as(twToken) } }),
    ])
  {
    const [b, t] = await pair(
      '/api/v1/books',
      { method: 'POST', json: { title: 'T', author: 'A' } },
      bb.access_token,
      tb.access_token,
    )
    assertAlike(b, t, 'POST /api/v1/books as bob')
    assertHeaders(b, t, ['www-authenticate'], 'POST /api/v1/books as bob')
  }
  for (const json of [
    { title: '', year: '2001' },
    { title: 'x', author: 5, year: 2001.5 },
    { title: 'x'.repeat(201), author: 'A', extra: true },
    [1],
    'null',
    '"a string"',
    '{bad',
  ]) {
    const [b, t] = await pair('/api/v1/books', { method: 'POST', json }, ba.access_token, ta.access_token)
    assertAlike(b, t, `POST /api/v1/books ${JSON.stringify(json).slice(0, 40)}`)
  }
  const book = { title: 'Solaris', author: 'Stanisław Lem', year: 1961, ignored: 'yes' }
  const [b, t] = await pair('/api/v1/books', { method: 'POST', json: book }, ba.access_token, ta.access_token)
  assertAlike(b, t, 'POST /api/v1/books created')
  assert.equal(t.status, 201)
  assertHeaders(b, t, ['location'], 'POST /api/v1/books created')
  const id = t.json.id

  for (const [name, token] of [
    ['bob', [bb, tb]],
    ['alice', [ba, ta]],
    ['alice again', [ba, ta]],
  ]) {
    const [bd, td] = await pair(
      `/api/v1/books/${id}`,
      { method: 'DELETE' },
      token[0].access_token,
      token[1].access_token,
    )
    assertAlike(bd, td, `DELETE /api/v1/books/${id} as ${name}`)
  }
  const [bn, tn] = await both(`/api/v1/books/${id}`, { method: 'DELETE' })
  assertAlike(bn, tn, 'DELETE without a token')
})

test('refresh rotation and reuse, logout', async () => {
  const [ba, ta] = await Promise.all([
    login(brisk, 'alice', 'wonderland'),
    login(twin, 'alice', 'wonderland'),
  ])
  const refresh = (app, token) =>
    send(app, '/auth/refresh', { method: 'POST', json: { refresh_token: token } })
  const [b1, t1] = await Promise.all([refresh(brisk, ba.refresh_token), refresh(twin, ta.refresh_token)])
  assertAlike(b1, t1, 'refresh', tokens)
  // The first token again: reused, and the whole login is revoked, the new token too.
  const [b2, t2] = await Promise.all([refresh(brisk, ba.refresh_token), refresh(twin, ta.refresh_token)])
  assertAlike(b2, t2, 'refresh with a spent token')
  assertHeaders(b2, t2, ['www-authenticate'], 'refresh with a spent token')
  const [b3, t3] = await Promise.all([
    refresh(brisk, b1.json.refresh_token),
    refresh(twin, t1.json.refresh_token),
  ])
  assertAlike(b3, t3, 'refresh after the login was revoked')
  for (const json of [{}, { refresh_token: 5 }, { refresh_token: 'unknown' }]) {
    const [b, t] = await both('/auth/refresh', { method: 'POST', json })
    assertAlike(b, t, `refresh ${JSON.stringify(json)}`)
  }
  // Logout: 204 for a live, an unknown or a dead token; the logged-out login refreshes no more.
  const [bl, tl] = await Promise.all([login(brisk, 'bob', 'builder'), login(twin, 'bob', 'builder')])
  for (const [name, json] of [
    ['live', [bl, tl]],
    ['again', [bl, tl]],
  ]) {
    const [b, t] = await Promise.all([
      send(brisk, '/auth/logout', { method: 'POST', json: { refresh_token: json[0].refresh_token } }),
      send(twin, '/auth/logout', { method: 'POST', json: { refresh_token: json[1].refresh_token } }),
    ])
    assertAlike(b, t, `logout ${name}`)
  }
  const [b4, t4] = await Promise.all([refresh(brisk, bl.refresh_token), refresh(twin, tl.refresh_token)])
  assertAlike(b4, t4, 'refresh after logout')
  const [b5, t5] = await both('/auth/logout', { method: 'POST', json: {} })
  assertAlike(b5, t5, 'logout without a token')
})

test('sessions: a visit counter in a cookie session, a foreign sid never adopted, reset destroys it', async () => {
  const cookieOf = (res) => {
    const line = res.cookies.find((c) => c.startsWith('sid='))
    return line === undefined ? undefined : parseCookie(line)
  }
  const [b1, t1] = await both('/session/visits')
  assertAlike(b1, t1, 'first visit')
  const bc = cookieOf(b1)
  const tc = cookieOf(t1)
  assert.deepEqual(bc.attributes, { path: '/', 'max-age': '86400', httponly: true, samesite: 'lax' })
  const { 'max-age': maxAge, ...rest } = bc.attributes
  assert.equal(maxAge, '86400')
  assert.deepEqual(tc.attributes, rest, 'the same cookie attributes but Max-Age (difference 3)')
  assert.equal(bc.hasExpires, false)
  assert.equal(tc.hasExpires, true, 'difference 3: Expires instead of Max-Age')
  const expires = Date.parse(/expires=([^;]+)/i.exec(t1.cookies.find((c) => c.startsWith('sid=')))[1])
  assert.ok(Math.abs(expires - (Date.now() + 86_400_000)) < 60_000, 'the twin cookie lives a day too')

  const visit = (app, cookie) => send(app, '/session/visits', { headers: { cookie: `sid=${cookie.value}` } })
  const [b2, t2] = await Promise.all([visit(brisk, bc), visit(twin, tc)])
  assertAlike(b2, t2, 'second visit')
  assert.deepEqual(t2.json, { visits: 2 })
  assert.equal(cookieOf(b2), undefined, 'brisk: no cookie on a later write')
  assert.equal(cookieOf(t2)?.value, tc.value, 'difference 3: the twin sends the same cookie again')

  for (const foreign of ['abc.def', `${bc.value.slice(0, -2)}xx`]) {
    const [b, t] = await both('/session/visits', { headers: { cookie: `sid=${foreign}` } })
    assertAlike(b, t, `foreign sid ${foreign.slice(0, 12)}`)
    assert.deepEqual(t.json, { visits: 1 })
    assert.notEqual(cookieOf(t)?.value, foreign)
  }

  const reset = (app, cookie) =>
    send(app, '/session/reset', {
      method: 'POST',
      headers: cookie === undefined ? {} : { cookie: `sid=${cookie.value}` },
    })
  const [b3, t3] = await Promise.all([reset(brisk, bc), reset(twin, tc)])
  assertAlike(b3, t3, 'reset')
  assert.equal(t3.status, 204)
  for (const res of [b3, t3]) {
    const cleared = cookieOf(res)
    assert.equal(cleared?.value, '', `${res === b3 ? 'brisk' : 'twin'} clears the cookie`)
  }
  const [b4, t4] = await Promise.all([visit(brisk, bc), visit(twin, tc)])
  assertAlike(b4, t4, 'the old cookie after reset starts a new session')
  assert.deepEqual(t4.json, { visits: 1 })
  const [b5, t5] = await Promise.all([reset(brisk), reset(twin)])
  assertAlike(b5, t5, 'reset without a session')
  assert.equal(cookieOf(t5), undefined)
  assert.equal(cookieOf(b5), undefined)
  const [b6, t6] = await both('/session/reset', { method: 'POST', headers: { cookie: 'sid=abc.def' } })
  assertAlike(b6, t6, 'reset with a foreign sid')
  assert.equal(cookieOf(t6)?.value, cookieOf(b6)?.value, 'a foreign sid: cleared by both, or by neither')
})

test('CORS on /api only: allowed preflight, refused and null origins, simple requests, none outside /api', async () => {
  const preflight = (origin, method = 'POST') => ({
    method: 'OPTIONS',
    headers: {
      origin,
      'access-control-request-method': method,
      'access-control-request-headers': 'content-type, authorization',
    },
  })
  for (const path of ['/api/v1/books', '/api/v1/books/1']) {
    const [b, t] = await both(path, preflight(ALLOWED, 'DELETE'))
    assert.equal(t.status, 204)
    assert.equal(b.status, 204)
    assertHeaders(
      b,
      t,
      [
        'access-control-allow-origin',
        'access-control-allow-credentials',
        'access-control-allow-methods',
        'access-control-allow-headers',
        'access-control-max-age',
        'vary',
      ],
      `preflight ${path}`,
    )
  }
  for (const origin of [REFUSED, 'null']) {
    const [b, t] = await both('/api/v1/books', preflight(origin))
    assert.equal(b.status, 204)
    assert.equal(t.status, 204)
    assert.equal(b.headers.get('access-control-allow-origin'), null)
    assert.equal(t.headers.get('access-control-allow-origin'), null)
    assertHeaders(b, t, ['vary'], `refused preflight from ${origin}`)
    // Difference 2.
    assert.equal(b.headers.get('allow'), 'GET, HEAD, OPTIONS, POST')
    assert.equal(b.headers.get('access-control-allow-credentials'), null)
    assert.equal(t.headers.get('access-control-allow-credentials'), 'true')
    assert.equal(t.headers.get('access-control-allow-methods'), 'GET, HEAD, PUT, PATCH, POST, DELETE')
  }
  for (const path of ['/auth', '/session/visits']) {
    const [b, t] = await both(path, preflight(ALLOWED))
    assertAlike(b, t, `preflight outside /api: ${path}`)
    assert.equal(t.headers.get('access-control-allow-origin'), null)
  }
  const [b, t] = await both('/api/v1/books/1', { headers: { origin: ALLOWED } })
  assertAlike(b, t, 'GET with an allowed origin')
  assertHeaders(
    b,
    t,
    ['access-control-allow-origin', 'access-control-allow-credentials', 'vary'],
    'GET with an allowed origin',
  )
  const [b404, t404] = await both('/api/v1/books/99', { headers: { origin: ALLOWED } })
  assertAlike(b404, t404, '404 with an allowed origin')
  assertHeaders(b404, t404, ['access-control-allow-origin', 'vary'], '404 with an allowed origin')
  const [br, tr] = await both('/api/v1/books/1', { headers: { origin: REFUSED } })
  assertAlike(br, tr, 'GET with a refused origin')
  assertHeaders(br, tr, ['access-control-allow-origin', 'vary'], 'GET with a refused origin')
  assert.equal(br.headers.get('access-control-allow-credentials'), null)
  assert.equal(tr.headers.get('access-control-allow-credentials'), 'true', 'difference 2')
  const [bh, th] = await both('/health', { headers: { origin: ALLOWED } })
  assertAlike(bh, th, 'outside /api with an allowed origin')
  assertHeaders(bh, th, ['access-control-allow-origin'], 'outside /api with an allowed origin')
})

test('limits: a body over 1 MiB is 413, header lines over 16 KiB are 431, an unparsable request line is 400', async () => {
  // Raw sockets: a server may answer and close before it has read all that was sent; what it answered counts.
  const raw = (app, ...chunks) =>
    new Promise((resolve, reject) => {
      const socket = connect(app.port, '127.0.0.1', () => {
        for (const chunk of chunks) socket.write(chunk, () => {})
      })
      let data = ''
      socket.on('data', (c) => (data += c))
      let failure
      socket.on('error', (error) => (failure = error))
      socket.on('close', () =>
        data === ''
          ? reject(new Error(`${app.name}: ${failure?.message ?? 'closed without an answer'}`))
          : resolve(data),
      )
      socket.setTimeout(5000, () => socket.destroy())
    })
  const parse = (data) => {
    const [head, body] = data.split('\r\n\r\n')
    const status = Number(head.split(' ')[1])
    const type = /content-type: ([^\r\n]+)/i.exec(head)?.[1]
    return { status, type, body: JSON.parse(body) }
  }

  // The head alone, announcing 1.1 MB: both answer 413 from Content-Length. (Sent whole, the body can make the
  // twin's answer lost to a reset: difference 5.)
  const head =
    'POST /auth HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1100000\r\n\r\n'
  const [b, t] = (await Promise.all([raw(brisk, head), raw(twin, head)])).map(parse)
  assert.equal(t.status, 413)
  assert.deepEqual(t.body, b.body, '413 body')
  assert.equal(b.type, 'application/problem+json')
  assert.equal(t.type, 'application/problem+json; charset=utf-8', 'difference 1')

  for (const [name, request] of [
    ['431', `GET /health HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(17 * 1024)}\r\n\r\n`],
    ['400', 'GARBAGE\r\n\r\n'],
    ['400 with spaces', 'GET /x y z\r\n\r\n'],
  ]) {
    const [bs, ts] = (await Promise.all([raw(brisk, request), raw(twin, request)])).map(parse)
    assert.deepEqual(ts, bs, name)
    assert.equal(ts.type, 'application/problem+json')
  }
})

/** A WebSocket to `path` by hand (node 20 has no WebSocket client): one masked text frame out, the first frame back. */
function websocketEcho(app, path, text) {
  return new Promise((resolve, reject) => {
    const socket = connect(app.port, '127.0.0.1', () => {
      socket.write(
        `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
          'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n',
      )
    })
    let buffer = Buffer.alloc(0)
    let status
    socket.setTimeout(5000, () => socket.destroy(new Error('no echo within 5 s')))
    socket.on('error', reject)
    socket.on('data', (chunk) => {
      buffer = Buffer.concat([buffer, chunk])
      if (status === undefined) {
        const end = buffer.indexOf('\r\n\r\n')
        if (end === -1) return
        status = Number(buffer.subarray(0, end).toString().split(' ')[1])
        buffer = buffer.subarray(end + 4)
        const payload = Buffer.from(text)
        const mask = Buffer.from([1, 2, 3, 4])
        const masked = payload.map((byte, i) => byte ^ mask[i % 4])
        socket.write(Buffer.concat([Buffer.from([0x81, 0x80 | payload.length]), mask, masked]))
      }
      if (buffer.length >= 2 && buffer.length >= 2 + (buffer[1] & 0x7f)) {
        const opcode = buffer[0] & 0x0f
        const echoed = buffer.subarray(2, 2 + (buffer[1] & 0x7f)).toString()
        socket.end(Buffer.from([0x88, 0x82, 0, 0, 0, 0, 0x03, 0xe8]))
        resolve({ status, opcode, echoed })
      }
    })
  })
}

test('WS /ws/echo sends a text message back unchanged', async () => {
  const [b, t] = await Promise.all([
    websocketEcho(brisk, '/ws/echo', 'hello, twin'),
    websocketEcho(twin, '/ws/echo', 'hello, twin'),
  ])
  assert.deepEqual(b, { status: 101, opcode: 1, echoed: 'hello, twin' })
  assert.deepEqual(t, b)
})

test('static files, the OpenAPI document and Swagger UI', async () => {
  const [b, t] = await both('/static/style.css')
  assertAlike(b, t, 'GET /static/style.css')
  assert.match(t.contentType, /^text\/css/)
  const [bn, tn] = await both('/static/nope.css')
  assertAlike(bn, tn, 'GET /static/nope.css')

  const [bd, td] = await both('/docs')
  assert.equal(td.status, 200)
  assert.equal(bd.status, 200)
  assert.equal(td.type, 'text/html')

  // Difference 4: documents from two generators; compared on what the contract names.
  const [bo, to] = await both('/openapi.json')
  assert.equal(to.status, 200)
  assert.match(to.json.openapi, /^3\.1\./)
  const operations = (doc) => {
    const out = {}
    for (const [path, item] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(item)) {
        if (!['get', 'post', 'put', 'patch', 'delete'].includes(method)) continue
        out[`${method.toUpperCase()} ${path}`] = (op.security ?? []).length > 0
      }
    }
    return out
  }
  assert.deepEqual(
    operations(to.json),
    operations(bo.json),
    'the same operations, bearer security on the same ones',
  )
  const body = (doc) => doc.paths['/api/v1/books'].post.requestBody.content['application/json'].schema
  assert.deepEqual(body(to.json), body(bo.json), 'the same request body schema on POST books')
})

/** Runs an app with `env` and resolves with its exit code and output (it must stop by itself within 20 s). */
function runToExit(command, args, cwd, env) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let output = ''
    child.stdout.on('data', (c) => (output += c))
    child.stderr.on('data', (c) => (output += c))
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`still running after 20 s:\n${output}`))
    }, 20_000)
    child.on('exit', (code) => {
      clearTimeout(timer)
      resolve({ code, output })
    })
  })
}

test('a bad environment: both refuse to start, exit code 1, a message naming the variable', async () => {
  for (const [env, name] of [
    [{ WORKERS: '0' }, 'WORKERS'],
    [{ WORKERS: '2', REDIS_URL: '' }, 'REDIS_URL'],
    [{ JWT_SECRET: 'short' }, 'JWT_SECRET'],
  ]) {
    const base = { PORT: '0', JWT_SECRET: SECRET, REDIS_URL: '', WORKERS: '', ...env }
    const [b, t] = await Promise.all([
      runToExit(process.execPath, ['--import', 'tsx', 'src/main.ts'], `${ROOT}examples/showcase`, base),
      runToExit(process.execPath, ['bench/showcase/twin/main.mjs'], ROOT, base),
    ])
    assert.equal(b.code, 1, `brisk with ${JSON.stringify(env)}`)
    assert.equal(t.code, 1, `twin with ${JSON.stringify(env)}: ${t.output}`)
    // One line naming the variable, the showcase's own words after each app's prefix.
    const line = (output, prefix) => output.split('\n').find((l) => l.startsWith(prefix) && l.includes(name))
    const said = line(t.output, 'twin: ')
    assert.ok(said !== undefined, t.output)
    assert.equal(said.slice('twin: '.length), line(b.output, 'showcase: ')?.slice('showcase: '.length))
  }
})

// Last: the stop. after() would stop them anyway; here how they exit is asserted.
test('SIGTERM: both stop and exit 0', async () => {
  const exits = [brisk, twin].map(
    (app) => new Promise((resolve) => app.child.once('exit', (code, signal) => resolve(code ?? signal))),
  )
  brisk.child.kill('SIGTERM')
  twin.child.kill('SIGTERM')
  assert.deepEqual(await Promise.all(exits), [0, 0])
})
