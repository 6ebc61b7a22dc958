/**
 * The traffic mix: what a day of the showcase's traffic looks like, as request kinds with weights (out of 100)
 * and what each must be answered with. One definition feeds both drivers: wrk runs it through `wrk/mix.lua`
 * (the runner writes the kinds, the order and the clients' tokens into a Lua data file), and `drive.mjs` sends
 * the same order with `fetch` and checks every answer.
 *
 * Two kinds change state and are made to keep it bounded, so that a faster server does not end up serving
 * longer lists: every `books.create` (201) puts the new id in a queue, and a `books.delete` takes one from it
 * (with the queue empty it sends a create instead). A refresh token rotates on each use: `auth.refresh` takes
 * one from a pool that logins filled before the run, and puts the new one from its answer back (with the pool
 * empty it sends an `auth.me` instead). Both drivers count these substitutions.
 */

/** The browser front end the API is opened to (the showcase's default `CORS_ORIGINS`). */
export const ORIGIN = 'http://localhost:5173'

/** The JWT secret both apps get (32 bytes or more, as the showcase demands). */
export const JWT_SECRET = 'bench-showcase-jwt-secret-of-at-least-32-bytes'

/** A book the clients add; the same body as bench/openapi's. */
export const NEW_BOOK = JSON.stringify({
  title: 'The Left Hand of Darkness',
  author: 'Ursula K. Le Guin',
  year: 1969,
})

/** A book every rule of the schema refuses twice: an empty title and a year that is a string. */
export const BAD_BOOK = JSON.stringify({ title: '', author: 'Ursula K. Le Guin', year: '1969' })

const JSON_TYPE = 'application/json'

const has = (headers, name) => headers.get(name) !== null
const isJson = (headers) => (headers.get('content-type') ?? '').startsWith('application/json')
const isProblem = (headers) => (headers.get('content-type') ?? '').startsWith('application/problem+json')
const parse = (body) => JSON.parse(body)

/**
 * The request kinds. `auth: true` adds `Authorization: Bearer <access token>` (the clients' tokens in turn);
 * `cookie: true` adds a session cookie; `status` is what the answer must have (a list when either is right);
 * `check(body, headers)` is what else must hold, on the answers `drive.mjs` checks one by one.
 */
export const KINDS = [
  {
    name: 'books.list',
    label: 'GET /api/v1/books (Origin: the front end)',
    weight: 18,
    method: 'GET',
    path: '/api/v1/books',
    headers: { origin: ORIGIN },
    status: 200,
    check: (body, headers) =>
      isJson(headers) && Array.isArray(parse(body)) && headers.get('access-control-allow-origin') === ORIGIN,
  },
  {
    name: 'books.show',
    label: 'GET /api/v1/books/1',
    weight: 16,
    method: 'GET',
    path: '/api/v1/books/1',
    status: 200,
    check: (body, headers) => isJson(headers) && parse(body).id === 1,
  },
  {
    name: 'page',
    label: 'GET / (template page)',
    weight: 10,
    method: 'GET',
    path: '/',
    status: 200,
    check: (body, headers) =>
      (headers.get('content-type') ?? '').startsWith('text/html') && body.includes('<cite>Dune</cite>'),
  },
  {
    name: 'health',
    label: 'GET /health',
    weight: 5,
    method: 'GET',
    path: '/health',
    status: 200,
    check: (body) => parse(body).status === 'ok',
  },
  {
    name: 'auth.me',
    label: 'GET /auth/me (bearer, HS256)',
    weight: 10,
    method: 'GET',
    path: '/auth/me',
    auth: true,
    status: 200,
    check: (body) => parse(body).me?.username === 'alice',
  },
  {
    name: 'books.create',
    label: 'POST /api/v1/books (bearer + scope, validated body)',
    weight: 5,
    method: 'POST',
    path: '/api/v1/books',
    auth: true,
    headers: { 'content-type': JSON_TYPE },
    body: NEW_BOOK,
    status: 201,
    check: (body, headers) =>
      /\/api\/v1\/books\/\d+$/.test(headers.get('location') ?? '') && Number.isInteger(parse(body).id),
  },
  {
    name: 'books.delete',
    label: 'DELETE /api/v1/books/:id (bearer + scope)',
    weight: 5,
    method: 'DELETE',
    path: '/api/v1/books/{id}',
    auth: true,
    // Books live in each worker's memory: with two workers, a delete may reach the one that does not have it.
    status: [204, 404],
    check: () => true,
  },
  {
    name: 'books.invalid',
    label: 'POST /api/v1/books, invalid body (422)',
    weight: 2,
    method: 'POST',
    path: '/api/v1/books',
    auth: true,
    headers: { 'content-type': JSON_TYPE },
    body: BAD_BOOK,
    status: 422,
    check: (body, headers) => isProblem(headers) && parse(body).errors?.length === 2,
  },
  {
    name: 'session.visits',
    label: 'GET /session/visits (session read + write)',
    weight: 12,
    method: 'GET',
    path: '/session/visits',
    cookie: true,
    status: 200,
    check: (body) => parse(body).visits >= 2,
  },
  {
    name: 'auth.refresh',
    label: 'POST /auth/refresh (rotation)',
    weight: 3,
    method: 'POST',
    path: '/auth/refresh',
    headers: { 'content-type': JSON_TYPE },
    body: '{"refresh_token":"{refresh}"}',
    status: 200,
    check: (body) => {
      const pair = parse(body)
      return typeof pair.access_token === 'string' && typeof pair.refresh_token === 'string'
    },
  },
  {
    name: 'preflight',
    label: 'OPTIONS /api/v1/books (CORS preflight)',
    weight: 9,
    method: 'OPTIONS',
    path: '/api/v1/books',
    headers: {
      origin: ORIGIN,
      'access-control-request-method': 'POST',
      'access-control-request-headers': 'authorization, content-type',
    },
    status: 204,
    check: (_body, headers) =>
      headers.get('access-control-allow-origin') === ORIGIN && has(headers, 'access-control-allow-methods'),
  },
  {
    name: 'notfound',
    label: 'GET /no/such/page (404)',
    weight: 5,
    method: 'GET',
    path: '/no/such/page',
    status: 404,
    check: (_body, headers) => isProblem(headers),
  },
]

/** The kinds by name. */
export const KIND = Object.fromEntries(KINDS.map((k) => [k.name, k]))

/**
 * Whether `status` is what `kind` may be answered with.
 *
 * @example
 * statusOk(KIND['books.delete'], 404) // true: with two workers a delete may reach the other one
 */
export function statusOk(kind, status) {
  return Array.isArray(kind.status) ? kind.status.includes(status) : kind.status === status
}

/**
 * The order the kinds are sent in: one cycle of 100 requests (the weights), spread by smooth weighted
 * round-robin (nginx's), so that every kind recurs at even intervals and both drivers send the same order.
 * With `only`, the cycle has just those kinds (weights kept).
 *
 * @example
 * schedule().length // 100: books.list 18 times, books.show 16 times, …
 */
export function schedule(only) {
  const kinds = only === undefined ? KINDS : KINDS.filter((k) => only.includes(k.name))
  if (kinds.length === 0) throw new Error(`no kind named ${only}`)
  const total = kinds.reduce((sum, k) => sum + k.weight, 0)
  const current = kinds.map(() => 0)
  const order = []
  for (let i = 0; i < total; i++) {
    let best = 0
    for (let k = 0; k < kinds.length; k++) {
      current[k] += kinds[k].weight
      if (current[k] > current[best]) best = k
    }
    current[best] -= total
    order.push(kinds[best].name)
  }
  return order
}

/**
 * What the clients hold before the run: access and refresh tokens from their logins (as alice, a few at a
 * time), and session cookies from first visits.
 *
 * @example
 * const clients = await prepareClients('http://127.0.0.1:4000', { logins: 24, sessions: 16 })
 * clients.refresh.length // 24
 */
export async function prepareClients(baseUrl, { logins = 16, sessions = 16 } = {}) {
  const login = async () => {
    const res = await fetch(new URL('/auth', baseUrl), {
      method: 'POST',
      headers: { 'content-type': JSON_TYPE },
      body: JSON.stringify({ username: 'alice', password: 'wonderland' }),
      signal: AbortSignal.timeout(30_000),
    })
    const text = await res.text()
    if (res.status !== 200) throw new Error(`POST /auth answered ${res.status}: ${text.slice(0, 200)}`)
    return parse(text)
  }
  const visit = async () => {
    const res = await fetch(new URL('/session/visits', baseUrl), { signal: AbortSignal.timeout(10_000) })
    const line = res.headers.getSetCookie().find((l) => l.startsWith('sid='))
    await res.text()
    if (res.status !== 200 || line === undefined)
      throw new Error(`GET /session/visits answered ${res.status} without a sid cookie`)
    return line.slice(0, line.indexOf(';'))
  }
  // A few at a time: each login is a scrypt (about 50 ms of CPU) on the server.
  const pairs = []
  for (let i = 0; i < logins; i += 4)
    pairs.push(...(await Promise.all(Array.from({ length: Math.min(4, logins - i) }, login))))
  const cookies = await Promise.all(Array.from({ length: sessions }, visit))
  return {
    access: pairs.map((p) => p.access_token),
    refresh: pairs.map((p) => p.refresh_token),
    cookies,
  }
}

/**
 * The headers of one request of `kind`, for the client holding `access` and `cookie`.
 *
 * @example
 * headersFor(KIND['auth.me'], { access: 'eyJ…' }) // { authorization: 'Bearer eyJ…' }
 */
export function headersFor(kind, { access, cookie }) {
  const headers = { ...(kind.headers ?? {}) }
  if (kind.auth) headers.authorization = `Bearer ${access}`
  if (kind.cookie) headers.cookie = cookie
  return headers
}

/**
 * A Lua string literal for any bytes: printable ASCII as it is, everything else as `\ddd` (a Lua long
 * string would turn `\r\n` into `\n`).
 *
 * @example
 * luaString('a"b\r\n') // '"a\\"b\\13\\10"'
 */
export function luaString(text) {
  let out = '"'
  for (const byte of Buffer.from(text, 'utf8')) {
    if (byte === 0x22 || byte === 0x5c) out += `\\${String.fromCharCode(byte)}`
    else if (byte >= 0x20 && byte < 0x7f) out += String.fromCharCode(byte)
    else out += `\\${byte}`
  }
  return `${out}"`
}

function luaValue(value) {
  if (typeof value === 'string') return luaString(value)
  if (typeof value === 'number' || typeof value === 'boolean') return String(value)
  if (Array.isArray(value)) return `{${value.map(luaValue).join(',')}}`
  return `{${Object.entries(value)
    .map(([k, v]) => `[${luaString(k)}]=${luaValue(v)}`)
    .join(',')}}`
}

/**
 * The Lua data file `wrk/mix.lua` loads: the kinds (method, path, headers, body; `{id}` and `{refresh}` filled
 * in per request), the order, the clients and the pipelining depth.
 *
 * @example
 * writeFileSync(file, luaData({ clients, depth: 1 }))
 */
export function luaData({ clients, depth = 1, only }) {
  const order = schedule(only)
  // A delete with no id queued sends a create, a refresh with no token pooled an auth.me: both must be there.
  const stand = [
    ...(order.includes('books.delete') ? ['books.create'] : []),
    ...(order.includes('auth.refresh') ? ['auth.me'] : []),
  ]
  const names = [...new Set([...order, ...stand])]
  const kinds = names.map((name) => {
    const kind = KIND[name]
    const variants = (kind.auth ? clients.access : [undefined]).flatMap((access) =>
      (kind.cookie ? clients.cookies : [undefined]).map((cookie) => headersFor(kind, { access, cookie })),
    )
    return {
      name,
      method: kind.method,
      path: kind.path,
      body: kind.body ?? '',
      variants,
      dynamic: name === 'books.delete' ? 'delete' : name === 'auth.refresh' ? 'refresh' : '',
    }
  })
  return luaTable({
    depth,
    kinds,
    order: order.map((name) => names.indexOf(name) + 1),
    refresh: clients.refresh,
  })
}

function luaTable(data) {
  return `-- Written by bench/showcase for one wrk run; see lib/mix.mjs.\nreturn ${luaValue(data)}\n`
}

/**
 * A Lua data file for `wrk/mix.lua` that sends one request, always the same: the plugin routes' runs.
 *
 * @example
 * luaSingle({ method: 'GET', path: '/protected', headers: { authorization: `Bearer ${token}` } })
 */
export function luaSingle({ method = 'GET', path, headers = {}, body = '' }, depth = 1) {
  const kind = { name: `${method} ${path}`, method, path, body, variants: [headers], dynamic: '' }
  return luaTable({ depth, kinds: [kind], order: [1], refresh: [] })
}
