/**
 * The benchmark app written for Brisk: `definePlugin<Options, Ctx>` plugins, typed path parameters
 * (`:id<int>` is a number in `req.params`), blueprints that declare what they need from `req.ctx`, mounted as
 * one group. Imports `@brisk/core` (resolved by run.mjs to the package's built `dist/index.d.ts`).
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

export const name = 'Brisk'

/** `/items3/:id<int>`, `/codes5/:code<re:\d{4}>` (as TypeScript source: the backslash doubled), … */
function briskPath(route) {
  return route.template.path
    .map((s) => {
      if (s.lit !== undefined) return `/${literal(s, route.n)}`
      if (s.kind === 'string') return `/:${s.param}`
      if (s.kind === 're') return `/:${s.param}<re:${s.pattern.replaceAll('\\', '\\\\')}>`
      return `/:${s.param}<${s.kind}>`
    })
    .join('')
}

const HANDLERS = {
  item: (s, p, probe) =>
    probe
      ? `${s}.get('${p}', (req) => {
  // @ts-expect-error: an <int> parameter is a number
  const probe: string = req.params.id
  return { id: req.params.id, double: req.params.id * 2, probe }
})`
      : `${s}.get('${p}', (req) => ({ id: req.params.id, double: req.params.id * 2 }))`,
  price: (s, p) =>
    `${s}.get('${p}', (req) => ({ amount: req.params.amount.toFixed(2), currency: req.params.currency.toUpperCase() }))`,
  order: (s, p) =>
    `${s}.get('${p}', async (req) => ({ ref: req.params.ref, rows: await req.ctx.db.query<{ id: number }>('select', [req.params.ref]) }))`,
  post: (s, p, _, t) => `${s}.post('${p}', { bodyLimit: ${t.bodyLimit} }, async (req) => {
  const body = await req.json<{ title: string }>()
  return json({ slug: req.params.slug, title: body.title, by: req.ctx.user.name }, 201)
})`,
  file: (s, p) => `${s}.get('${p}', (req) => text(req.params.rest.split('/').join(' / ')))`,
  code: (s, p) =>
    `${s}.get('${p}', (req) => ({ code: req.params.code.padStart(4, '0'), session: req.ctx.session.id }))`,
  rename: (s, p) =>
    `${s}.put('${p}', (req) => ({ user: req.params.user + 1, name: req.params.name.trim(), visits: req.ctx.session.visits }))`,
  chapter: (s, p, _, t) => `${s}.route({
  methods: ${JSON.stringify(t.methods).replaceAll('"', "'").replaceAll(',', ', ')},
  path: '${p}',
  handler: (req) => ({ book: req.params.book, chapter: req.params.chapter, page: Math.floor(req.params.page), user: req.ctx.user.id }),
})`,
  logout: (s, p) => `${s}.delete('${p}', async (req) => {
  const row = await req.ctx.db.one<{ id: string }>('delete', [req.params.id])
  return row === undefined ? json({ missing: req.params.id }, 404) : empty()
})`,
  tag: (s, p) => `${s}.patch('${p}', (req) =>
  req.ctx.user.scopes.includes('write')
    ? { tag: req.params.tag, count: req.params.count, scopes: req.ctx.user.scopes.length }
    : json({ error: 'forbidden' }, 403),
)`,
  health: (s, p) =>
    `${s}.get('${p}', (req) => ({ ok: true, path: req.path, session: req.ctx.session.data }))`,
  search: (s, p) =>
    `${s}.get('${p}', async (req) => ({ q: req.params.q, page: req.query.page, hits: await req.ctx.db.query<{ id: number; title: string }>('search', [req.params.q]) }))`,
}

function routes(scope, list) {
  return list
    .map((r) => `${HANDLERS[r.template.id](scope, briskPath(r), r.probe === true, r.template)}\n`)
    .join('')
}

const PLUGINS = `import { definePlugin, json } from '@brisk/core'

${CTX_TYPES}
export const session = definePlugin<{ secret: string; maxAge?: number }, SessionCtx>({
  name: 'session',
  register(scope, options) {
    scope.onRequest((req) => {
      const sid = req.headers['x-session-id']
      req.ctx.session = { id: typeof sid === 'string' ? sid : options.secret.slice(0, 0), visits: 0, data: {} }
    })
  },
})

export const auth = definePlugin<{ realm?: string } | undefined, AuthCtx>({
  name: 'auth',
  dependencies: ['session'],
  register(scope, options) {
    scope.onRequest((req) => {
      if (req.headers.authorization === undefined) {
        return json({ error: 'unauthorized', realm: options?.realm ?? 'api' }, 401)
      }
      req.ctx.user = { id: 1, name: 'ada', scopes: ['read', 'write'] }
      return undefined
    })
  },
})

export const db = definePlugin<{ url: string; pool?: number }, DbCtx>({
  name: 'db',
  register(scope, options) {
    const client: Db = {
      async query() {
        return []
      },
      async one() {
        return undefined
      },
    }
    scope.beforeStart(() => {
      void options.url
    })
    scope.onRequest((req) => {
      req.ctx.db = client
    })
  },
})
`

const PROBE_GROUP = `
  // @ts-expect-error: the blueprint does not declare \`nope\`
  void req.ctx.nope`

function groupFile(group) {
  return `import { Blueprint, empty, json, NotFound, text } from '@brisk/core'
import type { ${ctxImports(group.needs)} } from './plugins'

export const ${group.name} = new Blueprint<{ ctx: ${ctxType(group.needs)} }>('${group.name}', { prefix: '/${group.name}' })

${group.name}.onError(NotFound, (err, req) => {${group.probe ? PROBE_GROUP : ''}
  return json({ blueprint: '${group.name}', missing: req.path, status: err.status }, 404)
})

${routes(group.name, group.routes)}`
}

function appFile(p) {
  const names = p.groups.map((g) => g.name)
  return `import { Blueprint, Brisk, empty, HTTPError, json, text } from '@brisk/core'
${names.map((n) => `import { ${n} } from './${n}'`).join('\n')}
import { auth, db, session } from './plugins'

export const app = new Brisk({ name: 'bench' })
  .use(session, { secret: 'x'.repeat(32), maxAge: 3600 })
  .use(auth, { realm: 'api' })
  .use(db, { url: 'postgres://localhost/bench' })

app.onRequest((req) => {
  if (req.ctx.session.visits > 1000) return json({ error: 'slow down', user: req.ctx.user.name }, 429)
  // @ts-expect-error: no plugin adds \`nope\` to req.ctx
  void req.ctx.nope
  return undefined
})
app.onResponse((req, res) => {
  res.header('x-session', req.ctx.session.id)
})
app.onError(HTTPError, (err, req) => json({ error: err.message, path: req.path }, err.status))

app.blueprint(Blueprint.group([${names.join(', ')}], { prefix: '${GROUP_PREFIX}', version: ${GROUP_VERSION} }))

${routes('app', p.app)}`
}

/** The project's source files, by name. */
export const generate = (p) => projectFiles(p, PLUGINS, appFile, groupFile)

/** Route registrations in the generated text (a GET+HEAD `route()` counts once). */
export const countRoutes = (text) =>
  (text.match(/^(app|bp\d+)\.(get|post|put|patch|delete|route)\(/gm) ?? []).length
