#!/usr/bin/env node
/**
 * Times `tsc` on a generated app with 300 routes, as DESIGN.md asks ("keep the types cheap for the compiler").
 *
 * The app is what a user of Brisk would write: 3 plugins made with `definePlugin` that add ctx fields, 10
 * blueprints in files of their own that declare what they need and are mounted as one group, and routes that
 * use every kind of typed parameter and read `req.params` and `req.ctx`. It is written into `.tsc-bench/`
 * (git-ignored) inside this package, so `import … from '@brisk/core'` resolves the way it does in the
 * workspace: the package's own `exports` map, `source` condition, straight to `src/index.ts`. That means
 * the timings include checking the core's sources; an app that imports nothing but the core is timed as
 * well (the baseline), and the difference is what the 300 routes cost.
 *
 *   node scripts/tsc-300.mjs [--runs 3] [--routes 300]
 */
import { execFileSync } from 'node:child_process'
import { mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'

const here = path.dirname(fileURLToPath(import.meta.url))
const pkg = path.resolve(here, '..')
const out = path.join(pkg, '.tsc-bench')
const require = createRequire(path.join(pkg, 'package.json'))
const tscBin = path.join(path.dirname(require.resolve('typescript/package.json')), 'bin', 'tsc')
const tsVersion = require('typescript/package.json').version

const { values } = parseArgs({
  options: { runs: { type: 'string', default: '3' }, routes: { type: 'string', default: '300' } },
})
const runs = Number(values.runs)
const routeCount = Number(values.routes)
const BLUEPRINTS = 10
if (!Number.isInteger(runs) || runs < 1) throw new Error('--runs must be a positive integer')
if (!Number.isInteger(routeCount) || routeCount < BLUEPRINTS * 2)
  throw new Error(`--routes must be ≥ ${BLUEPRINTS * 2}`)

// ── The generated app ───────────────────────────────────────────────────────────────────────────────────

const PLUGINS = `import { definePlugin } from '@brisk/core'

export interface SessionCtx {
  session: { id: string; visits: number; data: Record<string, unknown> }
}
export interface AuthCtx {
  user: { id: number; name: string; scopes: readonly string[] }
}
export interface DbCtx {
  db: { query<T>(sql: string, args?: readonly unknown[]): Promise<T[]>; one<T>(sql: string, args?: readonly unknown[]): Promise<T | undefined> }
}

export const session = definePlugin<{ secret: string; maxAge?: number }, SessionCtx>({
  name: 'session',
  core: '>=26.11.0',
  register(scope, options) {
    scope.onRequest((req) => {
      Object.assign(req.ctx, { session: { id: req.cookies.sid ?? options.secret.slice(0, 0), visits: 0, data: {} } })
    })
  },
})

export const auth = definePlugin<{ realm?: string } | undefined, AuthCtx>({
  name: 'auth',
  dependencies: ['session'],
  register(scope, options) {
    scope.onRequest((req) => {
      if (req.headers.authorization === undefined) return { error: 'unauthorized', realm: options?.realm ?? 'api' }
      Object.assign(req.ctx, { user: { id: 1, name: 'ada', scopes: ['read'] } })
      return undefined
    })
  },
})

export const db = definePlugin<{ url: string; pool?: number }, DbCtx>({
  name: 'db',
  register(scope, options) {
    const client: DbCtx['db'] = {
      async query() { return [] },
      async one() { return undefined },
    }
    scope.beforeStart(() => { void options.url })
    scope.onRequest((req) => { Object.assign(req.ctx, { db: client }) })
  },
})
`

// Each route template takes (n, scope) and returns a registration statement. Together they use every
// parameter kind, the three registration forms, options, async handlers and response helpers.
const ROUTES = [
  (n, s) => `${s}.get('/items${n}/:id<int>', (req) => ({ id: req.params.id, double: req.params.id * 2 }))`,
  (n, s) =>
    `${s}.get('/prices${n}/:amount<float>/:currency<alpha>', (req) => ({ amount: req.params.amount.toFixed(2), currency: req.params.currency.toUpperCase() }))`,
  (n, s) =>
    `${s}.get('/orders${n}/:ref<uuid>', { name: 'order${n}' }, async (req) => ({ ref: req.params.ref, rows: await req.ctx.db.query<{ id: number }>('select 1', [req.params.ref]) }))`,
  (n, s) => `${s}.post('/posts${n}/:slug<slug>', { bodyLimit: '64kb' }, async (req) => {
    const body = await req.json<{ title: string }>()
    return json({ slug: req.params.slug, title: body.title, by: req.ctx.user.name }, 201)
  })`,
  (n, s) => `${s}.get('/files${n}/:rest<path>', (req) => text(req.params.rest.split('/').join(' / ')))`,
  (n, s) =>
    `${s}.get('/codes${n}/:code<re:\\\\d{4}>', (req) => ({ code: req.params.code.padStart(4, '0'), session: req.ctx.session.id }))`,
  (n, s) =>
    `${s}.put('/users${n}/:user<int>/name/:name', (req) => ({ user: req.params.user + 1, name: req.params.name.trim(), visits: req.ctx.session.visits }))`,
  (n, s) => `${s}.route({
    methods: ['GET', 'HEAD'],
    path: '/books${n}/:book<int>/chapters/:chapter<slug>/:page<float>',
    version: 2,
    handler: (req) => ({ book: req.params.book, chapter: req.params.chapter, page: Math.floor(req.params.page), user: req.ctx.user.id }),
  })`,
  (n, s) => `${s}.delete('/sessions${n}/:id<uuid>', async (req) => {
    const row = await req.ctx.db.one<{ id: string }>('delete', [req.params.id])
    return row === undefined ? json({ missing: req.params.id }, 404) : empty()
  })`,
  (n, s) =>
    `${s}.patch('/tags${n}/:tag<alpha>/:count<int>', { name: 'tag${n}' }, (req) => ({ tag: req.params.tag, count: req.params.count, scopes: req.ctx.user.scopes.length }))`,
  (n, s) => `${s}.get('/health${n}', (req) => ({ ok: true, path: req.path, session: req.ctx.session.data }))`,
  (n, s) =>
    `${s}.get('/search${n}/:q', async (req) => ({ q: req.params.q, page: req.query.page, hits: await req.ctx.db.query<{ id: number; title: string }>('search', [req.params.q]) }))`,
]

// What each blueprint declares it needs, so mounting exercises every combination the app can satisfy.
const NEEDS = [
  'SessionCtx & AuthCtx & DbCtx',
  'SessionCtx',
  'AuthCtx & SessionCtx',
  'DbCtx',
  'SessionCtx & DbCtx',
  'AuthCtx & SessionCtx & DbCtx',
  'DbCtx & AuthCtx & SessionCtx',
  'SessionCtx & AuthCtx & DbCtx',
  'AuthCtx & DbCtx & SessionCtx',
  'SessionCtx & AuthCtx & DbCtx',
]
// Route templates read only fields their scope has: templates that read ctx need these fields.
const READS = [
  [],
  [],
  ['db'],
  ['user'],
  [],
  ['session'],
  ['session'],
  ['user'],
  ['db'],
  ['user'],
  ['session'],
  ['db'],
]
const FIELD = { session: 'SessionCtx', user: 'AuthCtx', db: 'DbCtx' }

function routesFor(scope, needs, from, count) {
  const lines = []
  const usable = ROUTES.map((_, i) => i).filter((i) =>
    READS[i].every((field) => needs.includes(FIELD[field])),
  )
  for (let k = 0; k < count; k++) lines.push(`${ROUTES[usable[k % usable.length]](from + k, scope)}\n`)
  return lines.join('')
}

function blueprintFile(b, count) {
  const needs = NEEDS[b % NEEDS.length]
  const types = [...new Set(needs.split(' & '))].sort().join(', ')
  return `import { Blueprint, empty, json, NotFound, text } from '@brisk/core'
import type { ${types} } from './plugins'

export const bp${b} = new Blueprint<{ ctx: ${needs} }>('bp${b}', { prefix: '/bp${b}' })

bp${b}.onError(NotFound, (err, req) => json({ blueprint: 'bp${b}', missing: req.path, status: err.status }, 404))

${routesFor(`bp${b}`, needs, b * 1000, count)}`
}

function appFile(appRoutes) {
  const imports = Array.from({ length: BLUEPRINTS }, (_, b) => `import { bp${b} } from './bp${b}'`).join('\n')
  const members = Array.from({ length: BLUEPRINTS }, (_, b) => `bp${b}`).join(', ')
  return `import { Blueprint, Brisk, empty, json, MethodNotAllowed, text } from '@brisk/core'
${imports}
import { auth, db, session } from './plugins'

export const app = new Brisk({ name: 'bench' })
  .use(session, { secret: 'x'.repeat(32), maxAge: 3600 })
  .use(auth, { realm: 'api' })
  .use(db, { url: 'postgres://localhost/bench' })

app.onRequest((req) => {
  if (req.ctx.session.visits > 1000) return json({ error: 'slow down', user: req.ctx.user.name }, 429)
  return undefined
})
app.onResponse((req, res) => {
  res.header('x-session', req.ctx.session.id)
})
app.onError(MethodNotAllowed, (err, req) => json({ allowed: err.allowed, path: req.path }, 405))

app.blueprint(Blueprint.group([${members}], { prefix: '/api', version: 1 }))

${routesFor('app', 'SessionCtx & AuthCtx & DbCtx', 100_000, appRoutes)}`
}

function baselineFile() {
  return `import { Brisk } from '@brisk/core'

export const app = new Brisk({ name: 'baseline' })
`
}

function writeProject(dir, files) {
  rmSync(dir, { recursive: true, force: true })
  mkdirSync(dir, { recursive: true })
  const tsconfig = {
    extends: path.relative(dir, path.resolve(pkg, '../../tsconfig.base.json')).split(path.sep).join('/'),
    compilerOptions: { noEmit: true, incremental: false },
    include: ['*.ts'],
  }
  writeFileSync(path.join(dir, 'tsconfig.json'), `${JSON.stringify(tsconfig, null, 2)}\n`)
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, name), text)
}

const perBlueprint = Math.floor((routeCount * 0.8) / BLUEPRINTS)
const appRoutes = routeCount - perBlueprint * BLUEPRINTS
const appDir = path.join(out, `app-${routeCount}`)
const files = { 'plugins.ts': PLUGINS, 'app.ts': appFile(appRoutes) }
for (let b = 0; b < BLUEPRINTS; b++) files[`bp${b}.ts`] = blueprintFile(b, perBlueprint)
writeProject(appDir, files)
const baseDir = path.join(out, 'baseline')
writeProject(baseDir, { 'app.ts': baselineFile() })

const written = Object.values(files)
  .join('\n')
  .match(/\.(get|post|put|patch|delete|route)\(/g).length
if (written !== routeCount) throw new Error(`generated ${written} routes, expected ${routeCount}`)

// ── Timing ──────────────────────────────────────────────────────────────────────────────────────────────

// tsc's own timings are wall-clock, which a busy machine inflates; the process's CPU time (user + system) is
// printed beside them, read by a tiny wrapper when tsc exits.
const CPU_WRAPPER = `process.on('exit', () => { const u = process.cpuUsage(); require('node:fs').writeSync(1, '\\nCPU time: ' + ((u.user + u.system) / 1e6).toFixed(2) + 's\\n') })
process.argv = [process.argv[0], ${JSON.stringify(tscBin)}, ...process.argv.slice(1)]
require(${JSON.stringify(tscBin)})`

function tsc(dir) {
  let output
  try {
    output = execFileSync(
      process.execPath,
      ['-e', CPU_WRAPPER, '--', '-p', dir, '--noEmit', '--extendedDiagnostics'],
      {
        encoding: 'utf8',
        maxBuffer: 64 * 1024 * 1024,
      },
    )
  } catch (error) {
    // A type error in the generated app means the numbers would measure the wrong thing.
    process.stderr.write(String(error.stdout ?? '') + String(error.stderr ?? ''))
    throw new Error(`tsc reported errors in ${dir}`)
  }
  const read = (label) => {
    const m = output.match(new RegExp(`^${label}:\\s+([\\d.]+)`, 'm'))
    if (m === null) throw new Error(`no "${label}" in tsc --extendedDiagnostics output`)
    return Number(m[1])
  }
  return {
    check: read('Check time'),
    total: read('Total time'),
    cpu: read('CPU time'),
    types: read('Types'),
    instantiations: read('Instantiations'),
    files: read('Files'),
    memory: read('Memory used'),
  }
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b)
  const mid = s.length >> 1
  return s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2
}

function summarise(samples) {
  return {
    check: median(samples.map((s) => s.check)),
    total: median(samples.map((s) => s.total)),
    cpu: median(samples.map((s) => s.cpu)),
    checks: samples.map((s) => s.check),
    totals: samples.map((s) => s.total),
    types: samples[0].types,
    instantiations: samples[0].instantiations,
    files: samples[0].files,
    memory: median(samples.map((s) => s.memory)),
  }
}

// Interleaved, so that both see the same load on a busy machine.
const appSamples = []
const baseSamples = []
for (let i = 0; i < runs; i++) {
  appSamples.push(tsc(appDir))
  baseSamples.push(tsc(baseDir))
}
const app = summarise(appSamples)
const base = summarise(baseSamples)
const s = (x) => `${x.toFixed(2)}s`
const list = (xs) => xs.map((x) => x.toFixed(2)).join(', ')

const load = os.loadavg()[0]
console.log(
  `TypeScript ${tsVersion}, Node ${process.version}, ${os.cpus().length} CPUs, load average ${load.toFixed(1)}`,
)
console.log(
  `app: ${routeCount} routes (${appRoutes} on the app, ${BLUEPRINTS} blueprints × ${perBlueprint} in one group), 3 plugins`,
)
console.log(`tsc --noEmit --extendedDiagnostics, ${runs} run(s) each, medians`)
console.log('')
console.log('|                  | check time | total time | CPU time | types  | instantiations | memory |')
console.log('|------------------|-----------:|-----------:|---------:|-------:|---------------:|-------:|')
const row = (name, r) =>
  [
    name.padEnd(16),
    s(r.check).padStart(10),
    s(r.total).padStart(10),
    s(r.cpu).padStart(8),
    String(r.types).padStart(6),
    String(r.instantiations).padStart(14),
    `${Math.round(r.memory / 1024)}MB`.padStart(6),
  ].join(' | ')
console.log(`| ${row(`${routeCount}-route app`, app)} |`)
console.log(`| ${row('core alone', base)} |`)
const diff = {}
for (const key of ['check', 'total', 'cpu', 'types', 'instantiations', 'memory'])
  diff[key] = app[key] - base[key]
console.log(`| ${row('difference', diff)} |`)
console.log('')
console.log(`runs, check time: app [${list(app.checks)}], core alone [${list(base.checks)}]`)
console.log(`runs, total time: app [${list(app.totals)}], core alone [${list(base.totals)}]`)
console.log(`generated into ${path.relative(process.cwd(), appDir) || '.'}`)
if (load > os.cpus().length)
  console.log(`note: the machine was busy (load ${load.toFixed(1)}); wall-clock times are inflated`)
