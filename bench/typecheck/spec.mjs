/**
 * The app the type-checking benchmark generates, described once so that the Brisk, Hono and Fastify versions
 * register the same routes under the same paths, read the same parameters and context fields, and answer the
 * same way. Each generator (gen-brisk.mjs, gen-hono.mjs, gen-fastify.mjs) renders this description in its
 * framework's own idiom.
 *
 * - 3 "plugins" that add a typed field each to the per-request context: `session`, `user` (auth), `db`.
 * - Route templates: every parameter kind Brisk has (int, float, alpha, uuid, slug, path, a regex, plain),
 *   GET/POST/PUT/PATCH/DELETE and a GET+HEAD route, a body, a query string, a body limit, status codes, text
 *   and empty answers, sync and async handlers. Template `n` gets a number in its first literal so every path
 *   is distinct.
 * - 10 route groups ("blueprints") mounted together under `/api/v1`, each declaring which context fields it
 *   needs; 80% of the routes live in them, the rest on the app.
 */

/** The context fields, the type (interface) that declares each, and the plugin that adds it. */
export const FIELDS = {
  session: { type: 'SessionCtx', plugin: 'session' },
  user: { type: 'AuthCtx', plugin: 'auth' },
  db: { type: 'DbCtx', plugin: 'db' },
}

/** The interfaces of the three context fields, shared verbatim by the three apps. */
export const CTX_TYPES = `export interface SessionCtx {
  session: { id: string; visits: number; data: Record<string, unknown> }
}
export interface AuthCtx {
  user: { id: number; name: string; scopes: readonly string[] }
}
export interface Db {
  query<T>(sql: string, args?: readonly unknown[]): Promise<T[]>
  one<T>(sql: string, args?: readonly unknown[]): Promise<T | undefined>
}
export interface DbCtx {
  db: Db
}
`

/**
 * A path is a list of segments: `{ lit }` (with `numbered`, the route's number is appended), or
 * `{ param, kind }` with kind one of int, float, alpha, uuid, slug, path (the rest of the path), re (with
 * `pattern`, a regex source), string. int and float are numbers in the handler; the others strings.
 */
const lit = (text, numbered = false) => ({ lit: text, numbered })
const param = (name, kind, pattern) => ({ param: name, kind, pattern })

/**
 * The route templates, in the order the generators cycle through them. `reads`: the context fields its
 * handler reads (a group only gets the templates whose fields it declares). `async`: the handler awaits.
 */
export const TEMPLATES = [
  { id: 'item', methods: ['GET'], path: [lit('items', true), param('id', 'int')], reads: [] },
  {
    id: 'price',
    methods: ['GET'],
    path: [lit('prices', true), param('amount', 'float'), param('currency', 'alpha')],
    reads: [],
  },
  {
    id: 'order',
    methods: ['GET'],
    path: [lit('orders', true), param('ref', 'uuid')],
    reads: ['db'],
    async: true,
  },
  {
    id: 'post',
    methods: ['POST'],
    path: [lit('posts', true), param('slug', 'slug')],
    reads: ['user'],
    async: true,
    bodyLimit: 64 * 1024,
  },
  { id: 'file', methods: ['GET'], path: [lit('files', true), param('rest', 'path')], reads: [] },
  {
    id: 'code',
    methods: ['GET'],
    path: [lit('codes', true), param('code', 're', '\\d{4}')],
    reads: ['session'],
  },
  {
    id: 'rename',
    methods: ['PUT'],
    path: [lit('users', true), param('user', 'int'), lit('name'), param('name', 'string')],
    reads: ['session'],
  },
  {
    id: 'chapter',
    methods: ['GET', 'HEAD'],
    path: [
      lit('books', true),
      param('book', 'int'),
      lit('chapters'),
      param('chapter', 'slug'),
      param('page', 'float'),
    ],
    reads: ['user'],
  },
  {
    id: 'logout',
    methods: ['DELETE'],
    path: [lit('sessions', true), param('id', 'uuid')],
    reads: ['db'],
    async: true,
  },
  {
    id: 'tag',
    methods: ['PATCH'],
    path: [lit('tags', true), param('tag', 'alpha'), param('count', 'int')],
    reads: ['user'],
  },
  { id: 'health', methods: ['GET'], path: [lit('health', true)], reads: ['session'] },
  {
    id: 'search',
    methods: ['GET'],
    path: [lit('search', true), param('q', 'string')],
    reads: ['db'],
    async: true,
  },
]

/** Whether a parameter kind is a number in the handler. */
export const isNumberKind = (kind) => kind === 'int' || kind === 'float'

/** What each group declares it needs, so mounting covers several combinations the app satisfies. */
const NEEDS = [
  ['session', 'user', 'db'],
  ['session'],
  ['user', 'session'],
  ['db'],
  ['session', 'db'],
  ['user', 'session', 'db'],
  ['db', 'user', 'session'],
  ['session', 'user', 'db'],
  ['user', 'db', 'session'],
  ['session', 'user', 'db'],
]

export const GROUPS = 10
/** The prefix and version the groups are mounted under, together: `/api/v1/bp<N>/…`. */
export const GROUP_PREFIX = '/api'
export const GROUP_VERSION = 1

/**
 * The whole app for `routeCount` routes: `{ app: Route[], groups: { name, needs, routes: Route[] }[] }`, where
 * a Route is `{ template, n, probe }`. `probe` marks the one route whose handler also carries a
 * `@ts-expect-error` line about its parameter's type, and the one group whose error handler carries one
 * about a context field nothing adds (the app's own middleware carries another).
 */
export function plan(routeCount) {
  if (!Number.isInteger(routeCount) || routeCount < GROUPS * 2) {
    throw new Error(`the app needs at least ${GROUPS * 2} routes, got ${routeCount}`)
  }
  const perGroup = Math.floor((routeCount * 0.8) / GROUPS)
  const appCount = routeCount - perGroup * GROUPS
  const routesFor = (needs, from, count) => {
    const usable = TEMPLATES.filter((t) => t.reads.every((field) => needs.includes(field)))
    return Array.from({ length: count }, (_, k) => ({ template: usable[k % usable.length], n: from + k }))
  }
  const app = routesFor(Object.keys(FIELDS), 100_000, appCount)
  app[0].probe = true
  if (app[0].template.id !== 'item')
    throw new Error('the probe expects the first app route to be an item route')
  const groups = Array.from({ length: GROUPS }, (_, b) => ({
    name: `bp${b}`,
    needs: NEEDS[b % NEEDS.length],
    routes: routesFor(NEEDS[b % NEEDS.length], b * 1000, perGroup),
    probe: b === 0,
  }))
  return { routeCount, appCount, perGroup, app, groups }
}

/** The literal text of a `{ lit }` segment for route number `n`. */
export const literal = (segment, n) => (segment.numbered ? `${segment.lit}${n}` : segment.lit)

/** The context-field types a list of fields needs, e.g. `['db', 'session']` → `DbCtx & SessionCtx`. */
export const ctxType = (fields) => fields.map((f) => FIELDS[f].type).join(' & ')

/** The distinct context types of some fields, sorted, for an import line. */
export const ctxImports = (fields) => [...new Set(fields.map((f) => FIELDS[f].type))].sort().join(', ')

/**
 * A generated project's files by name: the plugins, the app, and one file per group; each generator
 * supplies the three texts in its framework's idiom.
 *
 * @example
 * projectFiles(spec, PLUGINS, appFile, groupFile)['app.ts']
 */
export function projectFiles(p, plugins, appFile, groupFile) {
  const files = { 'plugins.ts': plugins, 'app.ts': appFile(p) }
  for (const g of p.groups) files[`${g.name}.ts`] = groupFile(g)
  return files
}
