/**
 * The same (options, request) pairs through this plugin and through the `cors` package (Express's), run as a
 * plain `(req, res, next)` middleware over a bare node:http server. Wherever both define the behaviour the
 * status and CORS headers must agree; where Brisk deliberately differs, the row says how and why, and both
 * sides are held to what the row says.
 */
import { createServer, request as httpRequest, type IncomingHttpHeaders } from 'node:http'
import type { AddressInfo } from 'node:net'
import { forEachEntry, once, type Sent } from '@brisk/testing/vitest'
import expressCors from 'cors'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { type CorsOptions, cors } from '../src/index'
import { ALLOWED, newApp, OTHER } from './_apps'

type Headers = Record<string, string | undefined>

interface Row {
  readonly name: string
  readonly options: CorsOptions
  readonly request: { method: string; headers: Record<string, string> }
  /** Headers on which Brisk differs on purpose: each side's value, and why. */
  readonly differs?: {
    readonly why: string
    readonly headers: Record<string, { brisk?: string; express?: string }>
  }
}

const pre = (origin: string, method = 'PUT', requestHeaders?: string): Row['request'] => ({
  method: 'OPTIONS',
  headers: {
    origin,
    'access-control-request-method': method,
    ...(requestHeaders === undefined ? {} : { 'access-control-request-headers': requestHeaders }),
  },
})
const get = (origin?: string, method = 'GET'): Row['request'] => ({
  method,
  headers: origin === undefined ? {} : { origin },
})

const DEFAULT_METHODS = 'GET, HEAD, PUT, PATCH, POST, DELETE'
const list = [ALLOWED, /^https:\/\/[a-z]+\.partner\.example$/]

const rows: readonly Row[] = [
  { name: "default ('*'), simple GET", options: {}, request: get(OTHER) },
  { name: "default ('*'), GET without Origin", options: {}, request: get() },
  { name: "default ('*'), POST", options: {}, request: get(OTHER, 'POST') },
  {
    name: "default ('*'), preflight",
    options: {},
    request: pre(OTHER, 'PUT', 'x-token'),
    differs: {
      why: "an OPTIONS without Origin is the app's (Allow), not a preflight, so even '*' preflights vary on Origin",
      headers: {
        vary: { brisk: 'Origin, Access-Control-Request-Headers', express: 'Access-Control-Request-Headers' },
      },
    },
  },
  { name: 'list, allowed string origin', options: { origins: list }, request: get(ALLOWED) },
  {
    name: 'list, allowed by RegExp',
    options: { origins: list },
    request: get('https://shop.partner.example'),
  },
  { name: 'list, refused origin', options: { origins: list }, request: get(OTHER) },
  { name: 'list, no Origin', options: { origins: list }, request: get() },
  { name: 'list, HEAD', options: { origins: list }, request: get(ALLOWED, 'HEAD') },
  {
    name: 'list, allowed preflight',
    options: { origins: list },
    request: pre(ALLOWED, 'DELETE', 'content-type'),
  },
  {
    name: 'list, refused preflight',
    options: { origins: list, credentials: true, maxAge: 60 },
    request: pre(OTHER, 'DELETE', 'content-type'),
    differs: {
      why: 'an origin that is not allowed gets no Access-Control-Allow-* header at all; the path answers as without CORS',
      headers: {
        'access-control-allow-methods': { express: DEFAULT_METHODS },
        'access-control-allow-credentials': { express: 'true' },
        'access-control-max-age': { express: '60' },
        'access-control-allow-headers': { express: 'content-type' },
      },
    },
  },
  { name: 'single origin, matching', options: { origins: ALLOWED }, request: get(ALLOWED) },
  {
    name: 'single origin, other origin',
    options: { origins: ALLOWED },
    request: get(OTHER),
    differs: {
      why: 'cors sends its one origin to everyone (the browser then refuses); Brisk sends nothing to origins not allowed',
      headers: { 'access-control-allow-origin': { express: ALLOWED } },
    },
  },
  {
    name: 'single origin, no Origin',
    options: { origins: ALLOWED },
    request: get(),
    differs: {
      why: 'a same-origin request (no Origin) needs no Access-Control-Allow-Origin',
      headers: { 'access-control-allow-origin': { express: ALLOWED } },
    },
  },
  { name: 'single origin, preflight', options: { origins: ALLOWED }, request: pre(ALLOWED, 'PATCH') },
  { name: "Origin: null listed as 'null'", options: { origins: [ALLOWED, 'null'] }, request: get('null') },
  { name: "Origin: null with '*'", options: { origins: '*' }, request: get('null') },
  { name: 'Origin: null not listed', options: { origins: [ALLOWED] }, request: get('null') },
  {
    name: 'Origin: null against a RegExp that matches anything',
    options: { origins: /.*/ },
    request: get('null'),
    differs: {
      why: "an opaque origin is allowed only when listed as 'null' (or by a function), never by a pattern",
      headers: { 'access-control-allow-origin': { express: 'null' } },
    },
  },
  { name: 'sync function, allowed', options: { origins: (o) => o === ALLOWED }, request: get(ALLOWED) },
  {
    name: 'sync function, refused',
    options: { origins: (o) => o === ALLOWED },
    request: get(OTHER),
    differs: {
      why: 'the answer depends on the Origin whatever the function said, so caches must key on it: Vary: Origin',
      headers: { vary: { brisk: 'Origin' } },
    },
  },
  {
    name: 'async function, allowed preflight',
    options: { origins: async (o) => o === ALLOWED },
    request: pre(ALLOWED),
  },
  { name: 'credentials, simple', options: { origins: list, credentials: true }, request: get(ALLOWED) },
  {
    name: 'credentials, preflight',
    options: { origins: list, credentials: true },
    request: pre(ALLOWED, 'POST', 'authorization'),
  },
  {
    name: 'exposeHeaders, simple',
    options: { exposeHeaders: ['x-total', 'x-request-id'] },
    request: get(ALLOWED),
  },
  {
    name: 'exposeHeaders, preflight',
    options: { origins: list, exposeHeaders: ['x-total'] },
    request: pre(ALLOWED),
    differs: {
      why: 'browsers read Access-Control-Expose-Headers on the actual response only, so a preflight does not carry it',
      headers: { 'access-control-expose-headers': { express: 'x-total' } },
    },
  },
  { name: 'maxAge 600', options: { origins: list, maxAge: 600 }, request: pre(ALLOWED) },
  { name: 'maxAge 0', options: { origins: list, maxAge: 0 }, request: pre(ALLOWED) },
  {
    name: 'custom methods',
    options: { origins: list, methods: ['GET', 'PURGE'] },
    request: pre(ALLOWED, 'PURGE'),
  },
  {
    name: 'fixed allowHeaders',
    options: { origins: list, allowHeaders: ['Content-Type', 'X-Token'] },
    request: pre(ALLOWED, 'PUT', 'x-other'),
  },
  {
    name: "methods and allowHeaders '*'",
    options: { origins: list, methods: '*', allowHeaders: '*' },
    request: pre(ALLOWED, 'PUT', 'x-a'),
  },
  {
    name: "methods '*' with credentials",
    options: { origins: list, credentials: true, methods: '*' },
    request: pre(ALLOWED, 'PURGE'),
    differs: {
      why: "with credentials browsers read '*' as a method named '*', so Brisk sends back the requested method",
      headers: {
        'access-control-allow-methods': { brisk: 'PURGE', express: '*' },
        vary: {
          brisk: 'Origin, Access-Control-Request-Method, Access-Control-Request-Headers',
          express: 'Origin, Access-Control-Request-Headers',
        },
      },
    },
  },
  { name: 'preflightStatus 200', options: { origins: list, preflightStatus: 200 }, request: pre(ALLOWED) },
  {
    name: 'plain OPTIONS (no Access-Control-Request-Method)',
    options: { origins: list },
    request: get(ALLOWED, 'OPTIONS'),
    differs: {
      why: 'only an OPTIONS with Origin and Access-Control-Request-Method is a preflight (Fetch standard); any other OPTIONS is the app’s',
      headers: {
        'access-control-allow-methods': { express: DEFAULT_METHODS },
        vary: { brisk: 'Origin', express: 'Origin, Access-Control-Request-Headers' },
      },
    },
  },
  {
    name: 'privateNetwork',
    options: { origins: list, privateNetwork: true },
    request: {
      ...pre(ALLOWED),
      headers: { ...pre(ALLOWED).headers, 'access-control-request-private-network': 'true' },
    },
    differs: {
      why: 'the cors package has no Private Network Access option',
      headers: { 'access-control-allow-private-network': { brisk: 'true' } },
    },
  },
]

/** The `cors` package's options for a row's Brisk options. */
function expressOptions(options: CorsOptions): expressCors.CorsOptions {
  const out: expressCors.CorsOptions = {}
  const { origins } = options
  if (typeof origins === 'function') {
    out.origin = (origin, callback) => {
      Promise.resolve(origin === undefined ? false : origins(origin, undefined as never)).then(
        (allowed) => callback(null, allowed === true),
        (error: Error) => callback(error),
      )
    }
  } else if (origins !== undefined) {
    out.origin = origins as string | RegExp | (string | RegExp)[]
  }
  if (options.methods !== undefined) out.methods = options.methods === '*' ? '*' : [...options.methods]
  if (options.allowHeaders !== undefined)
    out.allowedHeaders = options.allowHeaders === '*' ? '*' : [...options.allowHeaders]
  if (options.exposeHeaders !== undefined)
    out.exposedHeaders = options.exposeHeaders === '*' ? '*' : [...options.exposeHeaders]
  if (options.credentials !== undefined) out.credentials = options.credentials
  if (options.maxAge !== undefined) out.maxAge = options.maxAge
  if (options.preflightStatus !== undefined) out.optionsSuccessStatus = options.preflightStatus
  return out
}

/** One bare node:http server per row, each with the `cors` middleware in front of a handler answering 'ok'. */
const servers = new Map<string, { port: number; close: () => Promise<void> }>()

beforeAll(async () => {
  for (const row of rows) {
    const middleware = expressCors(expressOptions(row.options))
    const server = createServer((req, res) =>
      middleware(req, res, (error?: unknown) => {
        res.statusCode = error === undefined || error === null ? 200 : 500
        res.setHeader('content-type', 'text/plain; charset=utf-8')
        res.end('ok')
      }),
    )
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    servers.set(row.name, {
      port: (server.address() as AddressInfo).port,
      close: () => new Promise((resolve) => server.close(() => resolve())),
    })
  }
})

afterAll(async () => {
  await Promise.all([...servers.values()].map((s) => s.close()))
})

function viaExpress(row: Row): Promise<{ status: number; headers: IncomingHttpHeaders }> {
  const { port } = servers.get(row.name)!
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: '127.0.0.1',
        port,
        method: row.request.method,
        path: '/r',
        headers: row.request.headers,
        agent: false,
      },
      (res) => {
        res.resume()
        res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers }))
      },
    )
    req.on('error', reject)
    req.end()
  })
}

const LISTS = new Set([
  'access-control-allow-methods',
  'access-control-allow-headers',
  'access-control-expose-headers',
  'vary',
])

/** The CORS headers of a response, list values in one spelling (`a, b`): `a,b` means the same. */
function corsOf(headers: Record<string, string | string[] | undefined>): Headers {
  const out: Headers = {}
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || !(name.startsWith('access-control-') || name === 'vary')) continue
    const text = String(value)
    out[name] = LISTS.has(name)
      ? text
          .split(',')
          .map((part) => part.trim())
          .filter(Boolean)
          .join(', ')
      : text
  }
  return out
}

forEachEntry('the same answers as the cors package', (make) => {
  it.each(rows.map((row) => [row.name, row] as const))('%s', async (_, row) => {
    const app = newApp().use(cors, row.options)
    app.route({ methods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'], path: '/r', handler: () => 'ok' })
    const sent: Sent = { method: row.request.method, url: '/r', headers: row.request.headers }
    const [brisk, express] = await Promise.all([once(make, app, sent), viaExpress(row)])
    expect(brisk.status).toBe(express.status)

    const ours = corsOf(brisk.headers)
    const theirs = corsOf(express.headers)
    const differing = row.differs?.headers ?? {}
    if (row.differs !== undefined) expect(row.differs.why.length).toBeGreaterThan(20)
    for (const [name, expected] of Object.entries(differing)) {
      expect(ours[name], `Brisk's ${name}`).toBe(expected.brisk)
      expect(theirs[name], `the cors package's ${name}`).toBe(expected.express)
      delete ours[name]
      delete theirs[name]
    }
    expect(ours).toEqual(theirs)
  })
})
