/**
 * The benchmark app written for Fastify 5: plugins are `FastifyPluginAsync<Options>` functions that decorate the
 * request, with the fields declared by augmenting `FastifyRequest` (`declare module 'fastify'`), and marked with
 * `Symbol.for('skip-override')` (what `fastify-plugin` does; it is not installed here) so that their hooks apply
 * to the whole app. The 10 groups are plugins registered with a prefix inside one plugin registered at
 * `/api/v1`. Routes give their types through the route generic: `get<{ Params: { id: number } }>(…)`.
 *
 * Fastify keeps path parameters as strings unless a schema says otherwise, so routes with number parameters
 * also carry a params schema (Ajv then converts them, and `Params: { id: number }` is true at run time); the
 * other kinds' constraints are find-my-way regex parameters (`:ref(^[0-9a-fA-F-]{36}$)`). The rest of a path is
 * Fastify's wildcard `*`, read as `req.params['*']`.
 */
import { CTX_TYPES, GROUP_PREFIX, GROUP_VERSION, isNumberKind, literal, projectFiles } from './spec.mjs'

export const name = 'Fastify'

// find-my-way regex parameters for the kinds a schema does not check, as TypeScript source.
const PATTERNS = {
  alpha: '^[A-Za-z]+$',
  uuid: '^[0-9a-fA-F-]{36}$',
  slug: '^[a-z0-9-]+$',
}

function fastifyPath(route) {
  return route.template.path
    .map((s) => {
      if (s.lit !== undefined) return `/${literal(s, route.n)}`
      if (s.kind === 'path') return '/*'
      if (s.kind === 're') return `/:${s.param}(^${s.pattern.replaceAll('\\', '\\\\')}$)`
      if (PATTERNS[s.kind] !== undefined) return `/:${s.param}(${PATTERNS[s.kind]})`
      return `/:${s.param}`
    })
    .join('')
}

/** The route generic's `Params` member, e.g. `Params: { id: number; name: string }` (empty when none). */
function paramsType(template) {
  const members = template.path
    .filter((s) => s.param !== undefined)
    .map((s) => `${s.kind === 'path' ? "'*'" : s.param}: ${isNumberKind(s.kind) ? 'number' : 'string'}`)
  return members.length === 0 ? '' : `Params: { ${members.join('; ')} }`
}

/** `schema: { params: … }` for routes with number parameters, else ''. */
function schema(template) {
  const numbers = template.path.filter((s) => s.param !== undefined && isNumberKind(s.kind))
  if (numbers.length === 0) return ''
  const props = numbers.map((s) => `${s.param}: { type: '${s.kind === 'int' ? 'integer' : 'number'}' }`)
  return `schema: { params: { type: 'object', properties: { ${props.join(', ')} }, required: [${numbers.map((s) => `'${s.param}'`).join(', ')}] } }`
}

/** `<{ Params: …; Body: … }>` for a template, with extra members. */
function generic(template, ...extra) {
  const members = [paramsType(template), ...extra].filter((m) => m !== '')
  return members.length === 0 ? '' : `<{ ${members.join('; ')} }>`
}

/** `'path', { schema, … }, ` or `'path', ` */
function head(template, p, ...options) {
  const opts = [schema(template), ...options].filter((o) => o !== '')
  return opts.length === 0 ? `'${p}', ` : `'${p}', { ${opts.join(', ')} }, `
}

const HANDLERS = {
  item: (s, p, probe, t) =>
    probe
      ? `${s}.get${generic(t)}(${head(t, p)}(req) => {
  // @ts-expect-error: the route generic says \`id\` is a number
  const probe: string = req.params.id
  return { id: req.params.id, double: req.params.id * 2, probe }
})`
      : `${s}.get${generic(t)}(${head(t, p)}(req) => ({ id: req.params.id, double: req.params.id * 2 }))`,
  price: (s, p, _, t) =>
    `${s}.get${generic(t)}(${head(t, p)}(req) => ({ amount: req.params.amount.toFixed(2), currency: req.params.currency.toUpperCase() }))`,
  order: (s, p, _, t) =>
    `${s}.get${generic(t)}(${head(t, p)}async (req) => ({ ref: req.params.ref, rows: await req.db.query<{ id: number }>('select', [req.params.ref]) }))`,
  post: (
    s,
    p,
    _,
    t,
  ) => `${s}.post${generic(t, 'Body: { title: string }')}(${head(t, p, `bodyLimit: ${t.bodyLimit}`)}async (req, reply) => {
  reply.code(201)
  return { slug: req.params.slug, title: req.body.title, by: req.user.name }
})`,
  file: (s, p, _, t) =>
    `${s}.get${generic(t)}(${head(t, p)}(req, reply) => reply.type('text/plain').send(req.params['*'].split('/').join(' / ')))`,
  code: (s, p, _, t) =>
    `${s}.get${generic(t)}(${head(t, p)}(req) => ({ code: req.params.code.padStart(4, '0'), session: req.session.id }))`,
  rename: (s, p, _, t) =>
    `${s}.put${generic(t)}(${head(t, p)}(req) => ({ user: req.params.user + 1, name: req.params.name.trim(), visits: req.session.visits }))`,
  chapter: (s, p, _, t) => `${s}.route${generic(t)}({
  method: ${JSON.stringify(t.methods).replaceAll('"', "'").replaceAll(',', ', ')},
  url: '${p}',
  ${schema(t)},
  handler: (req) => ({ book: req.params.book, chapter: req.params.chapter, page: Math.floor(req.params.page), user: req.user.id }),
})`,
  logout: (s, p, _, t) => `${s}.delete${generic(t)}(${head(t, p)}async (req, reply) => {
  const row = await req.db.one<{ id: string }>('delete', [req.params.id])
  if (row === undefined) return reply.code(404).send({ missing: req.params.id })
  return reply.code(204).send()
})`,
  tag: (s, p, _, t) => `${s}.patch${generic(t)}(${head(t, p)}(req, reply) =>
  req.user.scopes.includes('write')
    ? { tag: req.params.tag, count: req.params.count, scopes: req.user.scopes.length }
    : reply.code(403).send({ error: 'forbidden' }),
)`,
  health: (s, p, _, t) =>
    `${s}.get${generic(t)}(${head(t, p)}(req) => ({ ok: true, path: req.url, session: req.session.data }))`,
  search: (s, p, _, t) =>
    `${s}.get${generic(t, 'Querystring: { page?: string }')}(${head(t, p)}async (req) => ({ q: req.params.q, page: req.query.page, hits: await req.db.query<{ id: number; title: string }>('search', [req.params.q]) }))`,
}

function routes(scope, list, indent = '') {
  return list
    .map((r) => HANDLERS[r.template.id](scope, fastifyPath(r), r.probe === true, r.template))
    .map((code) => `${code.replace(/^/gm, indent)}\n`)
    .join('')
}

const PLUGINS = `import type { FastifyPluginAsync, FastifyPluginOptions } from 'fastify'

${CTX_TYPES}
/**
 * What fastify-plugin does (not installed here): a plugin marked this way is not encapsulated, so the
 * decorators and hooks it adds apply to the app that registers it.
 */
function shared<O extends FastifyPluginOptions>(plugin: FastifyPluginAsync<O>): FastifyPluginAsync<O> {
  return Object.assign(plugin, { [Symbol.for('skip-override')]: true })
}

declare module 'fastify' {
  interface FastifyRequest {
    session: SessionCtx['session']
  }
}

export const session = shared<{ secret: string; maxAge?: number }>(async (app, options) => {
  app.decorateRequest('session')
  app.addHook('onRequest', async (req) => {
    const sid = req.headers['x-session-id']
    req.session = { id: typeof sid === 'string' ? sid : options.secret.slice(0, 0), visits: 0, data: {} }
  })
})

declare module 'fastify' {
  interface FastifyRequest {
    user: AuthCtx['user']
  }
}

export const auth = shared<{ realm?: string }>(async (app, options) => {
  app.decorateRequest('user')
  app.addHook('onRequest', async (req, reply) => {
    if (req.headers.authorization === undefined) {
      return reply.code(401).send({ error: 'unauthorized', realm: options.realm ?? 'api' })
    }
    req.user = { id: 1, name: 'ada', scopes: ['read', 'write'] }
  })
})

declare module 'fastify' {
  interface FastifyRequest {
    db: DbCtx['db']
  }
}

export const db = shared<{ url: string; pool?: number }>(async (app, options) => {
  const client: Db = {
    async query() {
      return []
    },
    async one() {
      return undefined
    },
  }
  app.addHook('onReady', async () => {
    void options.url
  })
  app.decorateRequest('db')
  app.addHook('onRequest', async (req) => {
    req.db = client
  })
})
`

const PROBE_GROUP = `
    // @ts-expect-error: no plugin decorates the request with \`nope\`
    void req.nope`

function groupFile(group) {
  return `import type { FastifyError, FastifyPluginAsync } from 'fastify'

/** Declared needs: ${group.needs.join(', ')} (Fastify's request decorations are global: it cannot check them). */
export const ${group.name}: FastifyPluginAsync = async (app) => {
  app.setErrorHandler<FastifyError>((error, req, reply) => {${group.probe ? PROBE_GROUP : ''}
    if (error.statusCode === 404) {
      return reply.code(404).send({ blueprint: '${group.name}', missing: req.url, status: error.statusCode })
    }
    throw error
  })

${routes('app', group.routes, '  ')}}
`
}

function appFile(p) {
  const names = p.groups.map((g) => g.name)
  return `import Fastify, { type FastifyError } from 'fastify'
${names.map((n) => `import { ${n} } from './${n}'`).join('\n')}
import { auth, db, session } from './plugins'

export const app = Fastify()

app.register(session, { secret: 'x'.repeat(32), maxAge: 3600 })
app.register(auth, { realm: 'api' })
app.register(db, { url: 'postgres://localhost/bench' })

app.addHook('onRequest', async (req, reply) => {
  if (req.session.visits > 1000) return reply.code(429).send({ error: 'slow down', user: req.user.name })
  // @ts-expect-error: no plugin decorates the request with \`nope\`
  void req.nope
})
app.addHook('onSend', async (req, reply, payload) => {
  reply.header('x-session', req.session.id)
  return payload
})
app.setErrorHandler<FastifyError>((error, req, reply) =>
  reply.code(error.statusCode ?? 500).send({ error: error.message, path: req.url }),
)

app.register(
  async (api) => {
${names.map((n) => `    api.register(${n}, { prefix: '/${n}' })`).join('\n')}
  },
  { prefix: '${GROUP_PREFIX}/v${GROUP_VERSION}' },
)

${routes('app', p.app)}`
}

/** The project's source files, by name. */
export const generate = (p) => projectFiles(p, PLUGINS, appFile, groupFile)

/** Route registrations in the generated text (a GET+HEAD `route()` counts once). */
export const countRoutes = (text) =>
  (text.match(/^\s*app\.(get|post|put|patch|delete|route)[<(]/gm) ?? []).length
