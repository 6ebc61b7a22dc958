/**
 * The benchmark app written for Hono 4: middleware made with `createMiddleware<{ Variables: … }>()` from
 * `hono/factory` (one factory per "plugin", taking its options), an app typed
 * `new Hono<{ Variables: SessionCtx & AuthCtx & DbCtx }>()`, and 10 sub-apps (each typed with the variables it
 * needs) mounted with `route()` on an `api` app that is mounted at `/api/v1`.
 *
 * Hono has no typed parameter kinds: `c.req.param('id')` is typed from the path literal (the key must be in the
 * path) and is always a string, so number parameters are converted in the handler. The kinds' constraints are
 * written as Hono's regex parameters (`:id{-?[0-9]+}`), so the same requests match as in Brisk.
 */
import {
  CTX_TYPES,
  ctxImports,
  ctxType,
  GROUP_PREFIX,
  GROUP_VERSION,
  literal,
  projectFiles,
} from './spec.mjs'

export const name = 'Hono'

// Hono's `{…}` patterns for Brisk's kinds, as TypeScript source (backslashes doubled). None contains `/`.
const PATTERNS = {
  int: '-?[0-9]+',
  float: '-?[0-9]+\\\\.?[0-9]*',
  alpha: '[A-Za-z]+',
  uuid: '[0-9a-fA-F-]{36}',
  slug: '[a-z0-9-]+',
  path: '.+',
}

function honoPath(route) {
  return route.template.path
    .map((s) => {
      if (s.lit !== undefined) return `/${literal(s, route.n)}`
      if (s.kind === 'string') return `/:${s.param}`
      const pattern = s.kind === 're' ? s.pattern.replaceAll('\\', '\\\\') : PATTERNS[s.kind]
      return `/:${s.param}{${pattern}}`
    })
    .join('')
}

const HANDLERS = {
  item: (s, p, probe) =>
    probe
      ? `${s}.get('${p}', (c) => {
  const id = Number(c.req.param('id'))
  // @ts-expect-error: \`nope\` is not a parameter of this path
  const probe: string = c.req.param('nope')
  return c.json({ id, double: id * 2, probe })
})`
      : `${s}.get('${p}', (c) => {
  const id = Number(c.req.param('id'))
  return c.json({ id, double: id * 2 })
})`,
  price: (s, p) =>
    `${s}.get('${p}', (c) => c.json({ amount: Number(c.req.param('amount')).toFixed(2), currency: c.req.param('currency').toUpperCase() }))`,
  order: (s, p) => `${s}.get('${p}', async (c) => {
  const ref = c.req.param('ref')
  return c.json({ ref, rows: await c.var.db.query<{ id: number }>('select', [ref]) })
})`,
  post: (s, p, _, t) => `${s}.post('${p}', bodyLimit({ maxSize: ${t.bodyLimit} }), async (c) => {
  const body = await c.req.json<{ title: string }>()
  return c.json({ slug: c.req.param('slug'), title: body.title, by: c.var.user.name }, 201)
})`,
  file: (s, p) => `${s}.get('${p}', (c) => c.text(c.req.param('rest').split('/').join(' / ')))`,
  code: (s, p) =>
    `${s}.get('${p}', (c) => c.json({ code: c.req.param('code').padStart(4, '0'), session: c.var.session.id }))`,
  rename: (s, p) =>
    `${s}.put('${p}', (c) => c.json({ user: Number(c.req.param('user')) + 1, name: c.req.param('name').trim(), visits: c.var.session.visits }))`,
  chapter: (s, p, _, t) =>
    `${s}.on(${JSON.stringify(t.methods).replaceAll('"', "'").replaceAll(',', ', ')}, '${p}', (c) =>
  c.json({ book: Number(c.req.param('book')), chapter: c.req.param('chapter'), page: Math.floor(Number(c.req.param('page'))), user: c.var.user.id }),
)`,
  logout: (s, p) => `${s}.delete('${p}', async (c) => {
  const id = c.req.param('id')
  const row = await c.var.db.one<{ id: string }>('delete', [id])
  return row === undefined ? c.json({ missing: id }, 404) : c.body(null, 204)
})`,
  tag: (s, p) => `${s}.patch('${p}', (c) =>
  c.var.user.scopes.includes('write')
    ? c.json({ tag: c.req.param('tag'), count: Number(c.req.param('count')), scopes: c.var.user.scopes.length })
    : c.json({ error: 'forbidden' }, 403),
)`,
  health: (s, p) =>
    `${s}.get('${p}', (c) => c.json({ ok: true, path: c.req.path, session: c.var.session.data }))`,
  search: (s, p) => `${s}.get('${p}', async (c) => {
  const q = c.req.param('q')
  return c.json({ q, page: c.req.query('page'), hits: await c.var.db.query<{ id: number; title: string }>('search', [q]) })
})`,
}

function routes(scope, list) {
  return list
    .map((r) => `${HANDLERS[r.template.id](scope, honoPath(r), r.probe === true, r.template)}\n`)
    .join('')
}

const PLUGINS = `import { createMiddleware } from 'hono/factory'

${CTX_TYPES}
export const session = (options: { secret: string; maxAge?: number }) =>
  createMiddleware<{ Variables: SessionCtx }>(async (c, next) => {
    c.set('session', { id: c.req.header('x-session-id') ?? options.secret.slice(0, 0), visits: 0, data: {} })
    await next()
  })

export const auth = (options?: { realm?: string }) =>
  createMiddleware<{ Variables: AuthCtx }>(async (c, next) => {
    if (c.req.header('authorization') === undefined) {
      return c.json({ error: 'unauthorized', realm: options?.realm ?? 'api' }, 401)
    }
    c.set('user', { id: 1, name: 'ada', scopes: ['read', 'write'] })
    await next()
  })

export const db = (options: { url: string; pool?: number }) => {
  const client: Db = {
    async query() {
      return []
    },
    async one() {
      return undefined
    },
  }
  void options.url
  return createMiddleware<{ Variables: DbCtx }>(async (c, next) => {
    c.set('db', client)
    await next()
  })
}
`

const PROBE_GROUP = `
  // @ts-expect-error: the sub-app's variables do not include \`nope\`
  void c.var.nope`

function groupFile(group) {
  return `import { Hono } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import { HTTPException } from 'hono/http-exception'
import type { ${ctxImports(group.needs)} } from './plugins'

export const ${group.name} = new Hono<{ Variables: ${ctxType(group.needs)} }>()

${group.name}.onError((err, c) => {${group.probe ? PROBE_GROUP : ''}
  if (err instanceof HTTPException && err.status === 404) {
    return c.json({ blueprint: '${group.name}', missing: c.req.path, status: err.status }, 404)
  }
  throw err
})

${routes(group.name, group.routes)}`
}

function appFile(p) {
  const names = p.groups.map((g) => g.name)
  return `import { Hono } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import { HTTPException } from 'hono/http-exception'
${names.map((n) => `import { ${n} } from './${n}'`).join('\n')}
import { type AuthCtx, auth, type DbCtx, db, type SessionCtx, session } from './plugins'

type AppEnv = { Variables: SessionCtx & AuthCtx & DbCtx }

export const app = new Hono<AppEnv>()

app.use(session({ secret: 'x'.repeat(32), maxAge: 3600 }))
app.use(auth({ realm: 'api' }))
app.use(db({ url: 'postgres://localhost/bench' }))
app.use(async (c, next) => {
  if (c.var.session.visits > 1000) return c.json({ error: 'slow down', user: c.var.user.name }, 429)
  // @ts-expect-error: no middleware sets \`nope\`
  void c.var.nope
  await next()
  c.header('x-session', c.var.session.id)
})
app.onError((err, c) => c.json({ error: err.message, path: c.req.path }, err instanceof HTTPException ? err.status : 500))

const api = new Hono<AppEnv>()
${names.map((n) => `api.route('/${n}', ${n})`).join('\n')}
app.route('${GROUP_PREFIX}/v${GROUP_VERSION}', api)

${routes('app', p.app)}`
}

/** The project's source files, by name. */
export const generate = (p) => projectFiles(p, PLUGINS, appFile, groupFile)

/** Route registrations in the generated text (a GET+HEAD `on()` counts once). */
export const countRoutes = (text) =>
  (text.match(/^(app|bp\d+)\.(get|post|put|patch|delete|on)\(/gm) ?? []).length
