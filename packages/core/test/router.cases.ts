/**
 * A conformance table for routers: every case registers some routes and states what a set of
 * requests must match. Stores are route indexes, so any router that can `add`, `find` and
 * `allowed` can run the same table (see router.test.ts for the runner).
 */

/** What a router needs to run the table. */
export interface ConformanceRouter {
  add(
    method: string,
    path: string,
    store: number,
    options?: { host?: string; strict?: boolean; fallback?: boolean },
  ): void
  find(method: string, path: string, host?: string): { store: number; params: Record<string, unknown> } | null
  allowed(path: string, host?: string): string[]
}

export interface CaseRoute {
  method: string
  path: string
  host?: string
  strict?: boolean
  /** An automatic answer that gives way to an explicit route of its method anywhere in the tree. */
  fallback?: boolean
}

export interface CaseRequest {
  method: string
  path: string
  host?: string
  /** Index in `routes` of the route that must match, or null for a miss. */
  match?: number | null
  /** The converted params expected with `match` (checked with toStrictEqual semantics). */
  params?: Record<string, unknown>
  /** `find` must throw this error class instead of answering. */
  throws?: 'URIError'
}

export interface CaseAllowed {
  path: string
  host?: string
  methods: string[]
}

export interface RouterCase {
  name: string
  routes: CaseRoute[]
  requests?: CaseRequest[]
  allowed?: CaseAllowed[]
}

/** A case whose last route must be refused when added. */
export interface RouterErrorCase {
  name: string
  routes: CaseRoute[]
  code: 'BRISK_ERR_ROUTE_PATTERN' | 'BRISK_ERR_ROUTE_DUPLICATE'
}

const UUID = '3f2b8c1e-9a4d-4c6b-8e2f-1a2b3c4d5e6f'
const get = (path: string, match: number | null, params: Record<string, unknown> = {}): CaseRequest =>
  match === null ? { method: 'GET', path, match } : { method: 'GET', path, match, params }
const route = (path: string, options: Omit<CaseRoute, 'path' | 'method'> = {}): CaseRoute => ({
  method: 'GET',
  path,
  ...options,
})

export const routerCases: RouterCase[] = [
  {
    name: 'static paths match exactly',
    routes: [route('/'), route('/about'), route('/api/v1/books'), route('/api/v1/authors')],
    requests: [
      get('/', 0),
      get('/about', 1),
      get('/api/v1/books', 2),
      get('/api/v1/authors', 3),
      get('/api/v1', null),
      get('/api/v1/books/x', null),
      get('/About', null),
      get('/nope', null),
    ],
  },
  {
    name: 'a plain parameter takes one non-empty segment as a string',
    routes: [route('/users/:id'), route('/users/:id/posts/:post')],
    requests: [
      get('/users/42', 0, { id: '42' }),
      get('/users/ada/posts/7', 1, { id: 'ada', post: '7' }),
      get('/users//posts/7', null),
      get('/users/a/b', null),
    ],
  },
  {
    name: '<int> matches safe integers and converts them to numbers',
    routes: [route('/books/:id<int>')],
    requests: [
      get('/books/42', 0, { id: 42 }),
      get('/books/-7', 0, { id: -7 }),
      get('/books/007', 0, { id: 7 }),
      get('/books/9007199254740991', 0, { id: 9007199254740991 }),
      get('/books/9007199254740992', null),
      get('/books/abc', null),
      get('/books/4.2', null),
      get('/books/+4', null),
      get('/books/1e3', null),
    ],
  },
  {
    name: '<float> matches decimals and converts them to numbers',
    routes: [route('/temp/:v<float>')],
    requests: [
      get('/temp/3.25', 0, { v: 3.25 }),
      get('/temp/10', 0, { v: 10 }),
      get('/temp/-0.5', 0, { v: -0.5 }),
      get('/temp/1.', null),
      get('/temp/.5', null),
      get('/temp/1e3', null),
      get('/temp/NaN', null),
    ],
  },
  {
    name: '<uuid> matches canonical uuids in any case and keeps them as strings',
    routes: [route('/orders/:id<uuid>')],
    requests: [
      get(`/orders/${UUID}`, 0, { id: UUID }),
      get(`/orders/${UUID.toUpperCase()}`, 0, { id: UUID.toUpperCase() }),
      get(`/orders/${UUID.replaceAll('-', '')}`, null),
      get(`/orders/${UUID.slice(1)}`, null),
      get('/orders/3f2b8c1e-9a4d-4c6b-8e2f-1a2b3c4d5e6g', null),
    ],
  },
  {
    name: '<slug> matches lower-case words joined by single hyphens',
    routes: [route('/posts/:s<slug>')],
    requests: [
      get('/posts/hello-world-2', 0, { s: 'hello-world-2' }),
      get('/posts/hello', 0, { s: 'hello' }),
      get('/posts/Hello', null),
      get('/posts/a--b', null),
      get('/posts/-a', null),
      get('/posts/a-', null),
      get('/posts/a_b', null),
    ],
  },
  {
    name: '<alpha> matches ASCII letters only',
    routes: [route('/names/:n<alpha>')],
    requests: [
      get('/names/AdaLovelace', 0, { n: 'AdaLovelace' }),
      get('/names/ada1', null),
      get('/names/J%C3%BCrgen', null),
    ],
  },
  {
    name: '<path> takes the rest of the path, slashes included',
    routes: [route('/files/:rest<path>')],
    requests: [
      get('/files/a', 0, { rest: 'a' }),
      get('/files/a/b/c.txt', 0, { rest: 'a/b/c.txt' }),
      get('/files/a/b/', 0, { rest: 'a/b/' }),
      get('/files/a%20b/c', 0, { rest: 'a b/c' }),
      get('/files/', null),
      get('/files', null),
    ],
  },
  {
    name: '<re:…> must match the whole decoded segment',
    routes: [
      route('/v/:ver<re:v\\d+>'),
      route('/codes/:code<re:[A-Z]{2}:\\d{3}>'),
      route('/words/:w<re:(?<word>[a-z]+)>'),
      route('/cmp/:op<re:<|>|<=>'),
    ],
    requests: [
      get('/v/v2', 0, { ver: 'v2' }),
      get('/v/v', null),
      get('/v/xv2', null),
      get('/v/v2x', null),
      get('/codes/AB:123', 1, { code: 'AB:123' }),
      get('/codes/AB%3A123', 1, { code: 'AB:123' }),
      get('/codes/AB:12', null),
      get('/words/abc', 2, { w: 'abc' }),
      get('/words/ab1', null),
      get('/cmp/%3C%3D', 3, { op: '<=' }),
      get('/cmp/%3E', 3, { op: '>' }),
      get('/cmp/=', null),
    ],
  },
  {
    name: 'static beats every parameter, then int, float, uuid, alpha, slug, re, string, path',
    routes: [
      route('/a/:x<path>'),
      route('/a/:x'),
      route('/a/:x<re:[A-Z]\\d>'),
      route('/a/:x<slug>'),
      route('/a/:x<alpha>'),
      route('/a/:x<uuid>'),
      route('/a/:x<float>'),
      route('/a/:x<int>'),
      route('/a/new'),
    ],
    requests: [
      get('/a/new', 8),
      get('/a/12', 7, { x: 12 }),
      get('/a/1.5', 6, { x: 1.5 }),
      get(`/a/${UUID}`, 5, { x: UUID }),
      get('/a/abc', 4, { x: 'abc' }),
      get('/a/ab-c', 3, { x: 'ab-c' }),
      get('/a/A1', 2, { x: 'A1' }),
      get('/a/_x', 1, { x: '_x' }),
      get('/a/_x/y', 0, { x: '_x/y' }),
    ],
  },
  {
    name: 'regex params are tried in registration order',
    routes: [
      route('/r/:a<re:\\d+>'),
      route('/r/:b<re:\\d{2}>'),
      route('/s/:b<re:\\d{2}>'),
      route('/s/:a<re:\\d+>'),
    ],
    requests: [get('/r/12', 0, { a: '12' }), get('/s/12', 2, { b: '12' }), get('/s/123', 3, { a: '123' })],
  },
  {
    name: 'a more specific branch that fails deeper down gives way to the next one',
    routes: [
      route('/a/:x<int>/b'),
      route('/a/:y/c'),
      route('/s/new/edit'),
      route('/s/:id/show'),
      route('/api/v1/books'),
      route('/api/:ver/authors'),
      route('/f/:x/meta'),
      route('/f/:rest<path>'),
    ],
    requests: [
      get('/a/1/b', 0, { x: 1 }),
      get('/a/1/c', 1, { y: '1' }),
      get('/a/one/b', null),
      get('/s/new/edit', 2),
      get('/s/new/show', 3, { id: 'new' }),
      get('/api/v1/books', 4),
      get('/api/v1/authors', 5, { ver: 'v1' }),
      get('/f/a/meta', 6, { x: 'a' }),
      get('/f/a/other', 7, { rest: 'a/other' }),
      get('/f/meta', 7, { rest: 'meta' }),
    ],
  },
  {
    name: 'routes of the same shape share the tree whatever their param names',
    routes: [
      { method: 'GET', path: '/items/:id' },
      { method: 'DELETE', path: '/items/:itemId' },
    ],
    requests: [
      get('/items/3', 0, { id: '3' }),
      { method: 'DELETE', path: '/items/3', match: 1, params: { itemId: '3' } },
    ],
  },
  {
    name: 'a method that only a less specific branch has is found by backtracking',
    routes: [
      { method: 'GET', path: '/x/:id<int>' },
      { method: 'POST', path: '/x/:name' },
    ],
    requests: [
      get('/x/1', 0, { id: 1 }),
      { method: 'POST', path: '/x/1', match: 1, params: { name: '1' } },
      { method: 'PUT', path: '/x/1', match: null },
    ],
    allowed: [
      { path: '/x/1', methods: ['GET', 'POST'] },
      { path: '/x/a', methods: ['POST'] },
    ],
  },
  {
    name: 'methods are matched exactly and * takes any method after the exact ones',
    routes: [
      { method: 'GET', path: '/m' },
      { method: '*', path: '/m' },
      { method: 'PROPFIND', path: '/dav' },
      { method: '*', path: '/any/:id' },
    ],
    requests: [
      get('/m', 0),
      { method: 'POST', path: '/m', match: 1, params: {} },
      { method: 'PROPFIND', path: '/dav', match: 2, params: {} },
      { method: 'get', path: '/dav', match: null },
      { method: 'GET', path: '/dav', match: null },
      { method: 'PATCH', path: '/any/7', match: 3, params: { id: '7' } },
    ],
    allowed: [
      { path: '/m', methods: ['*', 'GET'] },
      { path: '/dav', methods: ['PROPFIND'] },
      { path: '/nowhere', methods: [] },
    ],
  },
  {
    name: 'host routes match their host only, ignore case and port, and win over host-less ones',
    routes: [
      route('/', { host: 'api.example.com' }),
      route('/'),
      route('/admin', { host: 'admin.example.com' }),
      route('/dev', { host: 'localhost:3000' }),
      route('/users/:id', { host: 'api.example.com' }),
      route('/users/:id<int>'),
    ],
    requests: [
      { method: 'GET', path: '/', host: 'api.example.com', match: 0, params: {} },
      { method: 'GET', path: '/', host: 'API.Example.COM:8443', match: 0, params: {} },
      { method: 'GET', path: '/', host: 'www.example.com', match: 1, params: {} },
      { method: 'GET', path: '/', match: 1, params: {} },
      { method: 'GET', path: '/admin', host: 'admin.example.com:80', match: 2, params: {} },
      { method: 'GET', path: '/admin', host: 'api.example.com', match: null },
      { method: 'GET', path: '/admin', match: null },
      { method: 'GET', path: '/dev', host: 'LOCALHOST:3000', match: 3, params: {} },
      { method: 'GET', path: '/dev', host: 'localhost', match: null },
      { method: 'GET', path: '/dev', host: 'localhost:4000', match: null },
      { method: 'GET', path: '/users/5', host: 'api.example.com', match: 5, params: { id: 5 } },
      { method: 'GET', path: '/users/ada', host: 'api.example.com', match: 4, params: { id: 'ada' } },
      { method: 'GET', path: '/users/ada', host: 'other.org', match: null },
    ],
    allowed: [
      { path: '/admin', host: 'admin.example.com', methods: ['GET'] },
      { path: '/admin', host: 'other.org', methods: [] },
    ],
  },
  {
    name: 'IPv6 host literals keep their colons',
    routes: [route('/', { host: '[::1]' }), route('/p', { host: '[::1]:8080' })],
    requests: [
      { method: 'GET', path: '/', host: '[::1]:3000', match: 0, params: {} },
      { method: 'GET', path: '/', host: '[::1]', match: 0, params: {} },
      { method: 'GET', path: '/p', host: '[::1]:8080', match: 1, params: {} },
      { method: 'GET', path: '/p', host: '[::1]', match: null },
    ],
  },
  {
    name: 'lenient routes match with or without a trailing slash',
    routes: [route('/a'), route('/b/'), route('/g/:id'), route('/')],
    requests: [
      get('/a', 0),
      get('/a/', 0),
      get('/b', 1),
      get('/b/', 1),
      get('/g/1', 2, { id: '1' }),
      get('/g/1/', 2, { id: '1' }),
      get('/a//', null),
      get('//', null),
      get('/g/', null),
    ],
  },
  {
    name: 'strict routes need the trailing slash exactly as registered',
    routes: [
      route('/c', { strict: true }),
      route('/d/', { strict: true }),
      route('/e/:id', { strict: true }),
    ],
    requests: [get('/c', 0), get('/c/', null), get('/d/', 1), get('/d', null), get('/e/1', 2, { id: '1' })],
  },
  {
    name: 'when both slash forms are registered each matches only its own',
    routes: [route('/e', { strict: true }), route('/e/', { strict: true }), route('/f'), route('/f/')],
    requests: [get('/e', 0), get('/e/', 1), get('/f', 2), get('/f/', 3)],
  },
  {
    name: 'empty segments are never skipped',
    routes: [route('/a/b'), route('/p/:x/q')],
    requests: [get('/a//b', null), get('//a/b', null), get('/p//q', null), get('/a/b', 0)],
  },
  {
    name: 'params are percent-decoded but static segments are compared raw',
    routes: [route('/w/:name'), route('/caf%C3%A9'), route('/n/:id<int>')],
    requests: [
      get('/w/J%C3%BCrgen', 0, { name: 'Jürgen' }),
      get('/w/a%2Fb', 0, { name: 'a/b' }),
      get('/w/a%20b', 0, { name: 'a b' }),
      get('/caf%C3%A9', 1),
      get('/café', null),
      get('/n/%31%32', 2, { id: 12 }),
      { method: 'GET', path: '/w/%E0%A4%A', throws: 'URIError' },
      { method: 'GET', path: '/w/%', throws: 'URIError' },
    ],
  },
  {
    // find-my-way test/issue-132: an OPTIONS catch-all among GET routes that share its prefix.
    name: 'a catch-all is reached past routes of other methods that the path also fits',
    routes: [
      { method: 'OPTIONS', path: '/:all<path>' },
      route('/obj/params/:rest<path>'),
      route('/obj/:id'),
      route('/obj_params/:rest<path>'),
    ],
    requests: [
      { method: 'OPTIONS', path: '/obj/params', match: 0, params: { all: 'obj/params' } },
      { method: 'OPTIONS', path: '/obj/params/12', match: 0, params: { all: 'obj/params/12' } },
      get('/obj/params/12', 1, { rest: '12' }),
      { method: 'OPTIONS', path: '/obj_params/12', match: 0, params: { all: 'obj_params/12' } },
      get('/obj_params/12', 3, { rest: '12' }),
      get('/obj/params', 2, { id: 'params' }),
    ],
  },
  {
    // find-my-way test/matching-order: a host-bound static route, a catch-all and a parameter.
    name: 'a static route bound to a host gives way, for other hosts, to what else fits',
    routes: [
      route('/foo/bar/static', { host: 'test' }),
      route('/foo/bar/:rest<path>'),
      route('/foo/:param/static'),
    ],
    requests: [
      { method: 'GET', path: '/foo/bar/static', host: 'test', match: 0, params: {} },
      get('/foo/bar/static', 1, { rest: 'static' }),
      get('/foo/value/static', 2, { param: 'value' }),
    ],
  },
  {
    // find-my-way test/params-collisions: a regex parameter beside a plain one at the same place.
    name: 'a regex parameter is tried before a plain one, whatever the order of registration',
    routes: [route('/foo/:bar'), route('/foo/:bar<re:123>')],
    requests: [get('/foo/value', 0, { bar: 'value' }), get('/foo/123', 1, { bar: '123' })],
  },
  {
    // find-my-way test/issue-234 and methods.test: every escape in a parameter is decoded once.
    name: 'a parameter is decoded once, reserved characters included',
    routes: [route('/p/:v'), route('/f/:rest<path>')],
    requests: [
      get('/p/foo%23bar', 0, { v: 'foo#bar' }),
      get('/p/foo%24bar', 0, { v: 'foo$bar' }),
      get('/p/foo%26bar', 0, { v: 'foo&bar' }),
      get('/p/foo%2Bbar', 0, { v: 'foo+bar' }),
      get('/p/foo%2Cbar', 0, { v: 'foo,bar' }),
      get('/p/foo%2Fbar', 0, { v: 'foo/bar' }),
      get('/p/foo%3Abar', 0, { v: 'foo:bar' }),
      get('/p/foo%3Bbar', 0, { v: 'foo;bar' }),
      get('/p/foo%3Dbar', 0, { v: 'foo=bar' }),
      get('/p/foo%3Fbar', 0, { v: 'foo?bar' }),
      get('/p/foo%40bar', 0, { v: 'foo@bar' }),
      get('/p/maintainer%252Btomas', 0, { v: 'maintainer%2Btomas' }),
      get('/p/%F0%9F%8D%8C', 0, { v: '🍌' }),
      get('/f/he%2Fllo', 1, { rest: 'he/llo' }),
      get('/f/a%20b/c', 1, { rest: 'a b/c' }),
    ],
  },
  {
    name: 'an automatic (fallback) route gives way to an explicit route of its method anywhere',
    routes: [
      { method: 'OPTIONS', path: '/books', fallback: true },
      { method: 'OPTIONS', path: '/books/:id<int>', fallback: true },
      { method: 'OPTIONS', path: '/:rest<path>' },
      { method: '*', path: '/any/:x' },
      { method: 'OPTIONS', path: '/any/:x', fallback: true },
      { method: 'OPTIONS', path: '/only', fallback: true },
      { method: 'OPTIONS', path: '/api/:rest<path>', host: 'api.example.com' },
      { method: 'OPTIONS', path: '/api/v1', fallback: true },
    ],
    requests: [
      { method: 'OPTIONS', path: '/books', match: 2, params: { rest: 'books' } },
      { method: 'OPTIONS', path: '/books/7', match: 2, params: { rest: 'books/7' } },
      // Beside a '*' route as well: the explicit OPTIONS route is the one that counts.
      { method: 'OPTIONS', path: '/any/1', match: 2, params: { rest: 'any/1' } },
      { method: 'PATCH', path: '/any/1', match: 3, params: { x: '1' } },
      { method: 'OPTIONS', path: '/api/v1', host: 'api.example.com', match: 6, params: { rest: 'v1' } },
      { method: 'OPTIONS', path: '/api/v1', host: 'www.example.com', match: 2, params: { rest: 'api/v1' } },
    ],
  },
  {
    name: 'an automatic (fallback) route answers where nothing explicit of its method fits',
    routes: [
      { method: 'OPTIONS', path: '/books', fallback: true },
      { method: '*', path: '/any/:x' },
      { method: 'OPTIONS', path: '/any/:x', fallback: true },
      { method: 'OPTIONS', path: '/api/:rest<path>', host: 'api.example.com' },
      { method: 'OPTIONS', path: '/api/v1', fallback: true },
      { method: 'GET', path: '/api/v1' },
    ],
    requests: [
      { method: 'OPTIONS', path: '/books', match: 0, params: {} },
      // A '*' route is no OPTIONS route: the automatic answer beside it stays, as before.
      { method: 'OPTIONS', path: '/any/1', match: 2, params: { x: '1' } },
      { method: 'OPTIONS', path: '/api/v1', match: 4, params: {} },
      { method: 'OPTIONS', path: '/api/v1', host: 'api.example.com', match: 3, params: { rest: 'v1' } },
      get('/api/v1', 5),
    ],
    allowed: [{ path: '/api/v1', methods: ['GET', 'OPTIONS'] }],
  },
]

export const routerErrorCases: RouterErrorCase[] = [
  { name: 'the same method and path', routes: [route('/a'), route('/a')], code: 'BRISK_ERR_ROUTE_DUPLICATE' },
  {
    name: 'the same shape with other param names',
    routes: [route('/a/:x'), route('/a/:y')],
    code: 'BRISK_ERR_ROUTE_DUPLICATE',
  },
  {
    name: 'the same route on the same host, whatever its case',
    routes: [route('/a', { host: 'example.com' }), route('/a', { host: 'EXAMPLE.com' })],
    code: 'BRISK_ERR_ROUTE_DUPLICATE',
  },
  {
    name: 'a strict and a lenient route of the same form',
    routes: [route('/a', { strict: true }), route('/a')],
    code: 'BRISK_ERR_ROUTE_DUPLICATE',
  },
  { name: 'a path without a leading slash', routes: [route('a/b')], code: 'BRISK_ERR_ROUTE_PATTERN' },
  { name: 'an unknown param type', routes: [route('/a/:x<integer>')], code: 'BRISK_ERR_ROUTE_PATTERN' },
  { name: 'a param name that is no identifier', routes: [route('/a/:1x')], code: 'BRISK_ERR_ROUTE_PATTERN' },
  { name: 'a repeated param name', routes: [route('/a/:x/b/:x<int>')], code: 'BRISK_ERR_ROUTE_PATTERN' },
  {
    name: 'a <path> param before the end',
    routes: [route('/a/:p<path>/b')],
    code: 'BRISK_ERR_ROUTE_PATTERN',
  },
  { name: 'an invalid regex', routes: [route('/a/:x<re:(>')], code: 'BRISK_ERR_ROUTE_PATTERN' },
  { name: 'a regex with a slash', routes: [route('/a/:x<re:a/b>')], code: 'BRISK_ERR_ROUTE_PATTERN' },
  // Nested quantifiers backtrack exponentially: (x+x+)+y takes 120 ms on 24 characters, 4× more per two more.
  {
    name: 'a regex prone to catastrophic backtracking',
    routes: [route('/a/:id<re:(x+x+)+y>')],
    code: 'BRISK_ERR_ROUTE_PATTERN',
  },
  {
    name: 'a starred group that holds a star',
    routes: [route('/a/:x<re:(a*)*>')],
    code: 'BRISK_ERR_ROUTE_PATTERN',
  },
  {
    name: 'a repeated group of words (find-my-way refuses it too)',
    routes: [route('/a/:x<re:(\\w+\\s?)+$>')],
    code: 'BRISK_ERR_ROUTE_PATTERN',
  },
  { name: 'a dot segment', routes: [route('/a/../b')], code: 'BRISK_ERR_ROUTE_PATTERN' },
  { name: 'an encoded dot segment', routes: [route('/a/%2E%2e')], code: 'BRISK_ERR_ROUTE_PATTERN' },
]
