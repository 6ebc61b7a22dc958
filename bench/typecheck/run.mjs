#!/usr/bin/env node
/**
 * Type-checking cost of the same app in Brisk, Hono 4 and Fastify 5.
 *
 * Generates one app three times (spec.mjs describes it; gen-brisk.mjs, gen-hono.mjs and gen-fastify.mjs write
 * it in each framework's idiom) into `.generated/` (git-ignored): 300 routes with typed path parameters, three
 * plugins that add typed fields to the per-request context, 10 route groups mounted together. Each project is
 * checked whole, framework types included, with `tsc --noEmit --extendedDiagnostics` and the repo's
 * tsconfig.base.json; rounds are interleaved (B H F, B H F, …) so that all three see the same load.
 *
 * Brisk is resolved through its BUILT types (`packages/core/dist/index.d.ts`, copied into the generated
 * project as a package at the start of the run), not through the `source` condition the workspace uses:
 * Hono and Fastify are checked from their published `.d.ts` files too. Build the core first
 * (`pnpm --filter @brisk/core build`, or pass `--build`).
 *
 * Before timing, every project must type-check with no errors, and each carries `@ts-expect-error` lines (a
 * context field no plugin adds, a parameter of the wrong type or name): if the types stopped flowing (an
 * `any` somewhere), those lines would be unused and tsc would fail the run.
 *
 *   node typecheck/run.mjs [--rounds 5] [--routes 300] [--only brisk,hono,fastify] [--build] [--write]
 */
import { execFileSync, spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import * as brisk from './gen-brisk.mjs'
import * as fastify from './gen-fastify.mjs'
import * as hono from './gen-hono.mjs'
import { plan as makePlan } from './spec.mjs'

const HERE = path.dirname(fileURLToPath(import.meta.url))
const BENCH = path.resolve(HERE, '..')
const REPO = path.resolve(BENCH, '..')
const OUT = path.join(HERE, '.generated')
const CORE = path.join(REPO, 'packages', 'core')
const RESULTS = path.join(BENCH, 'RESULTS.md')
const START = '<!-- typecheck:start -->'
const END = '<!-- typecheck:end -->'
const TIME = '/usr/bin/time'

const USAGE = `Usage: node typecheck/run.mjs [options]   (from bench/)
  --rounds N      timed rounds, interleaved across the frameworks (default 5)
  --routes N      routes in the generated app (default 300)
  --only a,b      frameworks to run: brisk, hono, fastify (default all three)
  --build         build @brisk/core first (pnpm --filter @brisk/core build)
  --write         put the table into RESULTS.md between ${START} and ${END}
  --help          this text`

function fail(message) {
  console.error(`typecheck: ${message}`)
  process.exit(1)
}

let values
try {
  ;({ values } = parseArgs({
    options: {
      rounds: { type: 'string', default: '5' },
      routes: { type: 'string', default: '300' },
      only: { type: 'string', default: 'brisk,hono,fastify' },
      build: { type: 'boolean', default: false },
      write: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  }))
} catch (error) {
  console.error(`${error.message}\n\n${USAGE}`)
  process.exit(2)
}
if (values.help) {
  console.log(USAGE)
  process.exit(0)
}
const rounds = Number(values.rounds)
const routeCount = Number(values.routes)
if (!Number.isInteger(rounds) || rounds < 1) fail('--rounds must be a positive integer')

const GENERATORS = { brisk, hono, fastify }
const chosen = values.only.split(',').map((s) => s.trim().toLowerCase())
for (const key of chosen) if (!(key in GENERATORS)) fail(`--only: unknown framework "${key}"`)
const frameworks = Object.keys(GENERATORS).filter((key) => chosen.includes(key))

// ── Tools ───────────────────────────────────────────────────────────────────────────────────────────────────

const requireRepo = createRequire(path.join(REPO, 'package.json'))
const requireBench = createRequire(path.join(BENCH, 'package.json'))
const tsDir = path.dirname(requireRepo.resolve('typescript/package.json'))
const tscBin = path.join(tsDir, 'bin', 'tsc')
const tsVersion = JSON.parse(readFileSync(path.join(tsDir, 'package.json'), 'utf8')).version

/** The version of a package as the bench package resolves it (its package.json, read from disk). */
function versionOf(pkg) {
  let dir = path.dirname(requireBench.resolve(pkg))
  while (
    !existsSync(path.join(dir, 'package.json')) ||
    readJson(path.join(dir, 'package.json')).name !== pkg
  ) {
    const up = path.dirname(dir)
    if (up === dir) return '?'
    dir = up
  }
  return readJson(path.join(dir, 'package.json')).version
}
const readJson = (file) => JSON.parse(readFileSync(file, 'utf8'))

/** Whether GNU time works here: it gives the child's own user + system CPU time and its peak RSS. */
function haveTime() {
  if (!existsSync(TIME)) return false
  const probe = path.join(os.tmpdir(), `typecheck-time-${process.pid}`)
  const r = spawnSync(TIME, ['-f', '%U %S %M', '-o', probe, 'true'])
  const ok = r.status === 0 && existsSync(probe) && /^[\d.]+ [\d.]+ \d+\s*$/.test(readFileSync(probe, 'utf8'))
  rmSync(probe, { force: true })
  return ok
}
const timed = haveTime()
if (!timed) {
  console.warn(
    `typecheck: ${TIME} (GNU time) is missing: CPU time is replaced by tsc's wall-clock "Total time". ` +
      'Install it with bash bench/scripts/ensure-tools.sh (Debian package "time").',
  )
}

// ── Brisk's built types ─────────────────────────────────────────────────────────────────────────────────────

if (values.build) {
  console.log('building @brisk/core …')
  execFileSync('pnpm', ['--filter', '@brisk/core', 'build'], { cwd: REPO, stdio: 'inherit' })
}

/** The newest modification time of the files under `dir`. */
function newest(dir) {
  let latest = 0
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) latest = Math.max(latest, statSync(path.join(entry.parentPath, entry.name)).mtimeMs)
  }
  return latest
}

/**
 * Copies `packages/core/dist/*.d.ts` into the Brisk project as `node_modules/@brisk/core`, with an `exports`
 * map that has only `types`: the project then checks against the built declarations, as an app that installed
 * the package would. A copy, so that a rebuild of the core during the run (other work on the machine) cannot
 * change or remove them between rounds.
 */
function snapshotBriskTypes(projectDir) {
  const dist = path.join(CORE, 'dist')
  if (!existsSync(path.join(dist, 'index.d.ts'))) {
    fail(
      `${path.relative(REPO, dist)}/index.d.ts is missing: run pnpm --filter @brisk/core build (or pass --build)`,
    )
  }
  const target = path.join(projectDir, 'node_modules', '@brisk', 'core')
  mkdirSync(path.join(target, 'dist'), { recursive: true })
  const hash = createHash('sha256')
  const declarations = readdirSync(dist).filter((f) => f.endsWith('.d.ts'))
  for (const file of declarations.sort()) {
    const text = readFileSync(path.join(dist, file), 'utf8')
    // A bare import other than node:… would not resolve from the copy.
    for (const [, spec] of text.matchAll(/(?:from|import)\s*\(?\s*['"]([^'"]+)['"]/g)) {
      if (!spec.startsWith('.') && !spec.startsWith('node:')) {
        fail(`dist/${file} imports "${spec}": the copy of Brisk's types cannot resolve it`)
      }
    }
    writeFileSync(path.join(target, 'dist', file), text)
    hash.update(file).update(text)
  }
  const core = readJson(path.join(CORE, 'package.json'))
  writeFileSync(
    path.join(target, 'package.json'),
    `${JSON.stringify({ name: core.name, version: core.version, type: 'module', exports: { '.': { types: './dist/index.d.ts' } } }, null, 2)}\n`,
  )
  const builtAt = statSync(path.join(dist, 'index.d.ts')).mtimeMs
  return {
    version: core.version,
    sha: hash.digest('hex').slice(0, 12),
    builtAt: new Date(builtAt),
    stale: newest(path.join(CORE, 'src')) > builtAt,
  }
}

// ── The projects ────────────────────────────────────────────────────────────────────────────────────────────

const plan = makePlan(routeCount)

/** Writes one project: tsconfig.json (the repo's base, without the `source` condition) and the sources. */
function writeProject(key) {
  const dir = path.join(OUT, key)
  rmSync(dir, { recursive: true, force: true })
  mkdirSync(dir, { recursive: true })
  const tsconfig = {
    extends: path.relative(dir, path.join(REPO, 'tsconfig.base.json')).split(path.sep).join('/'),
    compilerOptions: { customConditions: [], noEmit: true, incremental: false },
    include: ['*.ts'],
  }
  writeFileSync(path.join(dir, 'tsconfig.json'), `${JSON.stringify(tsconfig, null, 2)}\n`)
  const files = GENERATORS[key].generate(plan)
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, name), text)
  const count = Object.values(files).reduce((n, text) => n + GENERATORS[key].countRoutes(text), 0)
  if (count !== plan.routeCount) fail(`${key}: generated ${count} routes, expected ${plan.routeCount}`)
  return dir
}

mkdirSync(OUT, { recursive: true })
const dirs = {}
for (const key of frameworks) dirs[key] = writeProject(key)
const briskTypes = frameworks.includes('brisk') ? snapshotBriskTypes(dirs.brisk) : undefined

/** Checks which framework declarations a project loads: Brisk's copy of dist, never core's sources. */
function checkResolution(key) {
  const r = spawnSync(process.execPath, [tscBin, '-p', dirs[key], '--listFilesOnly'], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  })
  if (r.status !== 0) fail(`${key}: tsc --listFilesOnly failed:\n${r.stdout}${r.stderr}`)
  const files = r.stdout.split('\n').filter(Boolean)
  const has = (part) => files.some((f) => f.includes(part))
  const expected = {
    brisk: `.generated/brisk/node_modules/@brisk/core/dist/index.d.ts`,
    hono: '/node_modules/hono/dist/types/',
    fastify: '/node_modules/fastify/fastify.d.ts',
  }[key]
  if (!has(expected)) fail(`${key}: the project does not load ${expected}`)
  if (has(`${path.join('packages', 'core', 'src')}/`)) fail(`${key}: the project loads @brisk/core's sources`)
  return files.length
}
for (const key of frameworks) checkResolution(key)

// ── tsc ─────────────────────────────────────────────────────────────────────────────────────────────────────

/** One `tsc --noEmit --extendedDiagnostics` of a project: its figures, or the run fails on any error. */
function tsc(key) {
  const timeFile = path.join(OUT, `.time-${key}`)
  const command = [process.execPath, tscBin, '-p', dirs[key], '--noEmit', '--extendedDiagnostics']
  const r = timed
    ? spawnSync(TIME, ['-f', '%U %S %M', '-o', timeFile, ...command], {
        encoding: 'utf8',
        maxBuffer: 64 << 20,
      })
    : spawnSync(command[0], command.slice(1), { encoding: 'utf8', maxBuffer: 64 << 20 })
  const output = `${r.stdout ?? ''}${r.stderr ?? ''}`
  if (r.status !== 0 || /error TS\d+/.test(output)) {
    // A type error (or an unused @ts-expect-error) means the figures would measure the wrong thing.
    console.error(
      output
        .split('\n')
        .filter((l) => !/^[A-Z][\w ]+:\s+[\d.]+/.test(l))
        .join('\n'),
    )
    fail(`${key}: tsc reported errors in ${path.relative(BENCH, dirs[key])} (exit ${r.status})`)
  }
  const read = (label) => {
    const m = output.match(new RegExp(`^${label}:\\s+([\\d.]+)`, 'm'))
    if (m === null) fail(`${key}: no "${label}" in tsc --extendedDiagnostics output`)
    return Number(m[1])
  }
  const figures = {
    check: read('Check time'),
    total: read('Total time'),
    types: read('Types'),
    instantiations: read('Instantiations'),
    memory: read('Memory used') / 1024, // MiB (tsc prints K)
    files: read('Files'),
    linesTs: read('Lines of TypeScript'),
    linesDts: read('Lines of Definitions'),
  }
  if (timed) {
    const last = readFileSync(timeFile, 'utf8').trim().split('\n').at(-1)
    const [user, system, rssKiB] = last.split(' ').map(Number)
    rmSync(timeFile, { force: true })
    figures.cpu = user + system
    figures.rss = rssKiB / 1024
  } else {
    figures.cpu = figures.total
    figures.rss = Number.NaN
  }
  return figures
}

const loads = []
const startedAt = new Date()
const loadStart = os.loadavg()
const samples = Object.fromEntries(frameworks.map((key) => [key, []]))

// One untimed run each: the zero-error check, and the files into the page cache.
for (const key of frameworks) {
  const f = tsc(key)
  console.log(
    `${GENERATORS[key].name}: no errors (${f.files} files, ${f.linesTs} lines of TypeScript, ${f.linesDts} of declarations)`,
  )
}
for (let round = 1; round <= rounds; round++) {
  const line = []
  for (const key of frameworks) {
    loads.push(os.loadavg()[0])
    const f = tsc(key)
    samples[key].push(f)
    line.push(`${GENERATORS[key].name} ${f.cpu.toFixed(2)}s`)
  }
  console.log(`round ${round}/${rounds}: ${line.join(', ')} (load ${os.loadavg()[0].toFixed(2)})`)
}
const loadEnd = os.loadavg()

// ── Report ──────────────────────────────────────────────────────────────────────────────────────────────────

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b)
  const mid = s.length >> 1
  return s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2
}
const stat = (key, figure) => {
  const xs = samples[key].map((s) => s[figure])
  return { median: median(xs), min: Math.min(...xs), max: Math.max(...xs) }
}
for (const key of frameworks) {
  for (const figure of ['types', 'instantiations']) {
    const { min, max } = stat(key, figure)
    if (min !== max) fail(`${key}: ${figure} differ between runs (${min}–${max}): the projects changed?`)
  }
}

const int = (x) => Math.round(x).toLocaleString('en-US')
const ROWS = [
  timed
    ? { label: 'tsc CPU time (user + sys), s', figure: 'cpu', fmt: (x) => x.toFixed(2), spread: true }
    : {
        label: 'tsc Total time (wall clock: no GNU time), s',
        figure: 'cpu',
        fmt: (x) => x.toFixed(2),
        spread: true,
      },
  { label: 'Check time (wall clock), s', figure: 'check', fmt: (x) => x.toFixed(2), spread: true },
  { label: 'Total time (wall clock), s', figure: 'total', fmt: (x) => x.toFixed(2), spread: true },
  { label: 'Types', figure: 'types', fmt: int },
  { label: 'Instantiations', figure: 'instantiations', fmt: int },
  { label: 'Memory used (tsc heap), MiB', figure: 'memory', fmt: (x) => x.toFixed(0), spread: true },
  ...(timed ? [{ label: 'Peak RSS, MiB', figure: 'rss', fmt: (x) => x.toFixed(0), spread: true }] : []),
  { label: 'Files', figure: 'files', fmt: int },
  { label: 'Lines of TypeScript (the app)', figure: 'linesTs', fmt: int },
  { label: 'Lines of declarations (libs + framework)', figure: 'linesDts', fmt: int },
]

const versions = {
  brisk: `Brisk ${briskTypes?.version ?? ''}`,
  hono: `Hono ${versionOf('hono')}`,
  fastify: `Fastify ${versionOf('fastify')}`,
}
const ratios = frameworks.includes('brisk') ? frameworks.filter((k) => k !== 'brisk') : []

function table() {
  const head = [
    'figure',
    ...frameworks.map((k) => versions[k]),
    ...ratios.map((k) => `Brisk / ${GENERATORS[k].name}`),
  ]
  const lines = [
    `| ${head.join(' | ')} |`,
    `| --- | ${head
      .slice(1)
      .map(() => '---:')
      .join(' | ')} |`,
  ]
  for (const row of ROWS) {
    const cells = frameworks.map((key) => {
      const s = stat(key, row.figure)
      return row.spread ? `${row.fmt(s.median)} (${row.fmt(s.min)}–${row.fmt(s.max)})` : row.fmt(s.median)
    })
    const ratioCells = ratios.map(
      (key) => `${(stat('brisk', row.figure).median / stat(key, row.figure).median).toFixed(2)}×`,
    )
    lines.push(`| ${row.label} | ${[...cells, ...ratioCells].join(' | ')} |`)
  }
  return lines.join('\n')
}

const fmtLoad = (l) => l.map((x) => x.toFixed(2)).join(' / ')
const commandLine = `node typecheck/run.mjs ${process.argv.slice(2).join(' ')}`.trim()
const cpuModel = os.cpus()[0]?.model.trim() ?? 'unknown CPU'
const summary = [
  `- Command: \`${commandLine}\` (in \`bench/\`), ${startedAt.toISOString().slice(0, 16).replace('T', ' ')} UTC`,
  `- TypeScript ${tsVersion}, Node ${process.version}, ${os.type()} ${os.release()}; CPU: ${cpuModel} (${os.cpus().length} cores)`,
  `- App: ${plan.routeCount} routes with typed path parameters (${plan.appCount} on the app, ${plan.groups.length} groups × ${plan.perGroup} mounted together under \`/api/v1\`), 3 plugins adding typed request-context fields; the same paths in all three`,
  `- \`tsc --noEmit --extendedDiagnostics\`, repo's tsconfig.base.json (strict, ES2022, moduleResolution Bundler, skipLibCheck) without the \`source\` condition; one untimed run each (must have zero errors), then ${rounds} rounds interleaved (${frameworks.map((k) => GENERATORS[k].name).join(', ')}, …)`,
  ...(briskTypes
    ? [
        `- Brisk checked from its built \`dist/index.d.ts\` (sha256 ${briskTypes.sha}…, built ${briskTypes.builtAt.toISOString().slice(0, 16).replace('T', ' ')} UTC${briskTypes.stale ? '; **older than some file in packages/core/src**' : ''}); Hono and Fastify from their published declarations`,
      ]
    : []),
  `- ${timed ? "CPU time: user + system time of the whole tsc process, from GNU time (node start-up and loading TypeScript included, and V8's GC and compiler threads, which is why it exceeds the wall-clock Total time)" : 'No GNU time here: the first row is wall-clock time'}; figures are medians over rounds, (min–max) beside them; ratios are of the medians`,
  `- Load average (1 min) before each timed run: median ${median(loads).toFixed(2)} (${Math.min(...loads).toFixed(2)}–${Math.max(...loads).toFixed(2)}); 1/5/15-min load at start ${fmtLoad(loadStart)}, at end ${fmtLoad(loadEnd)}`,
]
const markdown = `### Run of ${startedAt.toISOString().slice(0, 16).replace('T', ' ')} UTC\n\n${summary.join('\n')}\n\n${table()}\n`

console.log('')
console.log(markdown)
if (Math.max(...loads) > os.cpus().length) {
  console.log(
    `note: the machine was busy (1-min load up to ${Math.max(...loads).toFixed(1)} on ${os.cpus().length} cores); wall-clock times are inflated more than CPU time`,
  )
}

function writeResults(markdownBlock) {
  let text = existsSync(RESULTS) ? readFileSync(RESULTS, 'utf8') : '# Benchmark results\n'
  if (!text.includes(START) || !text.includes(END) || text.indexOf(END) < text.indexOf(START)) {
    text = `${text.trimEnd()}\n\n## Type-checking\n\nWritten by \`node typecheck/run.mjs --write\` in \`bench/\` (\`pnpm --filter brisk-bench typecheck --write\`): the same app written for Brisk, Hono and Fastify, each checked whole by \`tsc\`; it replaces only the part between the two markers below. How the apps are made and what the figures mean: [typecheck/README.md](typecheck/README.md).\n\n${START}\n${END}\n`
  }
  const start = text.indexOf(START) + START.length
  const end = text.indexOf(END)
  writeFileSync(RESULTS, `${text.slice(0, start)}\n${markdownBlock.trim()}\n${text.slice(end)}`)
}
if (values.write) {
  writeResults(markdown)
  console.log(`written to ${path.relative(process.cwd(), RESULTS) || RESULTS}`)
}
