#!/usr/bin/env node
/**
 * The whole-app benchmark (issue 18): examples/showcase (Brisk) against its Fastify twin and a bare node:net
 * floor, on a realistic traffic mix, in memory mode and with Redis, one worker and two; then each route of the
 * mix alone, and the plugin routes (JWT HS256/ES256, session read+write, validated body, template page, CORS
 * preflight) against their @fastify/* equivalents. Rounds interleave the servers, each round on fresh
 * processes. What each figure means: README.md.
 *
 *   node showcase/run.mjs [--rounds 3] [--duration 3] [--warmup 1] [--write] …   (from bench/; --help)
 */
import { execFileSync, spawnSync } from 'node:child_process'
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { Agent, request } from 'node:http'
import { availableParallelism, cpus, loadavg, release, tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { clockTicksPerSecond, cpuTicks } from '../lib/proc.mjs'
import { startServer, versionOf } from '../lib/servers.mjs'
import { APPS, appPresent, startApp, stopAll } from './lib/apps.mjs'
import { captureAnswers, driveMix } from './lib/drive.mjs'
import { judgeMix, runMix } from './lib/load.mjs'
import { luaData, luaSingle, prepareClients } from './lib/mix.mjs'
import { PLUGINS } from './lib/plugins.mjs'
import { renderShowcase, writeShowcase } from './lib/report.mjs'
import { redisPid, treeRssKiB, treeTicks } from './lib/tree.mjs'

const HERE = fileURLToPath(new URL('.', import.meta.url))
const SETTLE_MS = 200

/** The configurations of the apps: memory needs one worker (the showcase refuses two without Redis). */
const CONFIGS = [
  { name: 'memory-1', title: 'memory, 1 worker', workers: 1, redis: false, cpus: '0' },
  { name: 'redis-1', title: 'Redis, 1 worker', workers: 1, redis: true, cpus: '0' },
  { name: 'redis-2', title: 'Redis, 2 workers', workers: 2, redis: true, cpus: '0,1' },
]

/** The routes of the mix run alone: a create and a delete go together, so that the list keeps its size. */
const ROUTE_RUNS = [
  ['books.list'],
  ['books.show'],
  ['page'],
  ['health'],
  ['auth.me'],
  ['books.create', 'books.delete'],
  ['books.invalid'],
  ['session.visits'],
  ['auth.refresh'],
  ['preflight'],
  ['notfound'],
]

/** The routes that need Redis in Redis mode: run alone there too. */
const REDIS_ROUTES = ['session.visits', 'auth.refresh']

const USAGE = `Usage: node showcase/run.mjs [options]   (in bench/)
  --rounds N            rounds, each on fresh processes, servers interleaved (default 3)
  --duration S          seconds of load per measured run (default 3)
  --warmup S            seconds of load before each mix run, not counted (default 2; 0: none)
  --route-warmup S      the same before each run of one route alone (default 1)
  --connections C       wrk connections without pipelining (default 100)
  --pipeline D          requests per write in the pipelined mix run (default 10; 1: no pipelined run)
  --pipeline-connections C   wrk connections of the pipelined run (default 25)
  --logins N            logins before each run: the clients' tokens and the refresh pool (default 24)
  --configs a,b         memory-1, redis-1, redis-2 (default all)
  --apps a,b            brisk, twin, floor (default all present)
  --routes a,b|none     routes run alone, by kind name, + joined (default all)
  --plugins a,b|none    plugin routes (default all: ${PLUGINS.map((p) => p.name).join(', ')})
  --smoke               1 round, 1 s, no warm-up, memory-1, the mix only; exit 0 only if every answer was right
  --write               write the results into ../RESULTS.md (its showcase section)
  --note TEXT           a line above the results
  --help                this text`

function fail(message) {
  console.error(`showcase bench: ${message}`)
  process.exit(2)
}

function options(argv) {
  let v
  try {
    v = parseArgs({
      args: argv,
      options: {
        rounds: { type: 'string' },
        duration: { type: 'string' },
        warmup: { type: 'string' },
        'route-warmup': { type: 'string' },
        connections: { type: 'string' },
        pipeline: { type: 'string' },
        'pipeline-connections': { type: 'string' },
        logins: { type: 'string' },
        configs: { type: 'string' },
        apps: { type: 'string' },
        routes: { type: 'string' },
        plugins: { type: 'string' },
        smoke: { type: 'boolean', default: false },
        write: { type: 'boolean', default: false },
        note: { type: 'string' },
        help: { type: 'boolean', default: false },
      },
    }).values
  } catch (error) {
    fail(`${error.message}\n${USAGE}`)
  }
  if (v.help) {
    console.log(USAGE)
    process.exit(0)
  }
  const int = (name, fallback, min) => {
    if (v[name] === undefined) return fallback
    const n = Number(v[name])
    if (!Number.isInteger(n) || n < min) fail(`--${name} must be a whole number ≥ ${min}`)
    return n
  }
  const list = (raw) =>
    raw
      ?.split(',')
      .map((s) => s.trim())
      .filter(Boolean)
  const pick = (raw, known, what) => {
    const wanted = list(raw)
    if (wanted === undefined) return undefined
    if (wanted.length === 1 && wanted[0] === 'none') return []
    for (const w of wanted)
      if (!known.includes(w)) fail(`no ${what} named ${w} (there are: ${known.join(', ')})`)
    return wanted
  }
  const smoke = v.smoke
  const configs = smoke
    ? ['memory-1']
    : (pick(
        v.configs,
        CONFIGS.map((c) => c.name),
        'config',
      ) ?? CONFIGS.map((c) => c.name))
  const routeNames = ROUTE_RUNS.map((r) => r.join('+'))
  return {
    rounds: smoke ? 1 : int('rounds', 3, 1),
    duration: smoke ? 1 : int('duration', 3, 1),
    warmup: smoke ? 0 : int('warmup', 2, 0),
    routeWarmup: smoke ? 0 : int('route-warmup', 1, 0),
    connections: int('connections', 100, 1),
    pipeline: smoke ? 1 : int('pipeline', 10, 1),
    pipelineConnections: int('pipeline-connections', 25, 1),
    logins: int('logins', smoke ? 8 : 24, 1),
    configs: CONFIGS.filter((c) => configs.includes(c.name)),
    apps: pick(v.apps, Object.keys(APPS), 'app') ?? Object.keys(APPS).filter(appPresent),
    routes: smoke ? [] : (pick(v.routes, routeNames, 'route') ?? routeNames),
    plugins: smoke
      ? []
      : (pick(
          v.plugins,
          PLUGINS.map((p) => p.name),
          'plugin',
        ) ?? PLUGINS.map((p) => p.name)),
    smoke,
    write: v.write,
    note: v.note,
  }
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))
const hasTool = (command, args) => spawnSync(command, args, { stdio: 'ignore' }).error === undefined

/** One request through `agent` (one kept-alive connection: the same worker each time). */
function send(url, agent, { method = 'GET', headers = {} } = {}) {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers, agent }, (res) => {
      let body = ''
      res.setEncoding('utf8')
      res.on('data', (c) => {
        body += c
      })
      res.on('end', () => resolve({ status: res.statusCode, body }))
      res.on('error', reject)
    })
    req.setTimeout(5000, () => req.destroy(new Error('timed out')))
    req.on('error', reject)
    req.end()
  })
}

/**
 * Deletes the books a run left beyond the seed's three (a create still in flight when wrk stopped, or whose
 * delete had not come yet), so that every run starts from the same list. With workers each has its own list:
 * the list is read and cleaned over several connections at once (each stays with one worker), until every
 * connection reads the seed only. Resolves with whether it got there.
 */
async function cleanBooks(url, token, lanes) {
  const auth = { authorization: `Bearer ${token}` }
  const agents = Array.from({ length: lanes }, () => new Agent({ keepAlive: true, maxSockets: 1 }))
  try {
    for (let pass = 0; pass < 5; pass++) {
      const dirty = await Promise.all(
        agents.map(async (agent) => {
          const { status, body } = await send(`${url}/api/v1/books`, agent)
          const extra = status === 200 ? JSON.parse(body).filter((b) => b.id > 3) : []
          for (const book of extra)
            await send(`${url}/api/v1/books/${book.id}`, agent, { method: 'DELETE', headers: auth })
          return extra.length > 0
        }),
      )
      if (!dirty.includes(true)) return true
    }
    return false
  } finally {
    for (const agent of agents) agent.destroy()
  }
}

/** CPU ticks of the app's processes, and of redis-server (counted apart), now. */
function ticksNow(app, redis) {
  return { app: treeTicks(app.pid).ticks, redis: redis?.pid === undefined ? 0 : cpuTicks(redis.pid) }
}

function gitHead() {
  try {
    const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: HERE, encoding: 'utf8' }).trim()
    const dirty = execFileSync(
      'git',
      ['status', '--porcelain', '--', ...MEASURED.map((p) => `packages/${p}/src`)],
      {
        cwd: fileURLToPath(new URL('../../', import.meta.url)),
        encoding: 'utf8',
      },
    ).trim()
    return `${head}${dirty ? ' (with uncommitted changes in the packages measured)' : ''}`
  } catch {
    return undefined
  }
}

/** The packages the showcase runs, from their dist: the figures are the dist's, whatever src says. */
const MEASURED = ['core', 'cors', 'jwt', 'openapi', 'session', 'templates']

/** When each measured package's dist entry was last built (a rebuild during the run is worth a note). */
function distTimes() {
  const root = fileURLToPath(new URL('../../packages/', import.meta.url))
  return MEASURED.map((p) => {
    try {
      return statSync(join(root, p, 'dist', 'index.js')).mtimeMs
    } catch {
      return 0
    }
  })
}

/** The packages whose dist is older than their src (the run measures the older code: say so). */
function staleDists() {
  const root = fileURLToPath(new URL('../../packages/', import.meta.url))
  const newest = (dir) =>
    readdirSync(dir, { withFileTypes: true, recursive: true })
      .filter((d) => d.isFile())
      .reduce((max, d) => Math.max(max, statSync(join(d.parentPath ?? d.path, d.name)).mtimeMs), 0)
  return MEASURED.filter((p) => {
    try {
      return newest(join(root, p, 'src')) > newest(join(root, p, 'dist'))
    } catch {
      return false
    }
  })
}

function quote(arg) {
  return /^[\w./:,=@+-]+$/.test(arg) ? arg : `'${arg.replaceAll("'", "'\\''")}'`
}

async function main() {
  const opt = options(process.argv.slice(2))
  if (process.platform !== 'linux') fail('the CPU and memory figures come from /proc: run it on Linux')
  for (const [tool, args] of [
    ['wrk', ['--version']],
    ['taskset', ['-V']],
  ])
    if (!hasTool(tool, args)) fail(`${tool} not found: run bench/scripts/ensure-tools.sh`)
  if (!opt.apps.includes('brisk')) fail('the Brisk showcase is needed: the floor replays its answers')
  const hz = clockTicksPerSecond()
  const dir = mkdtempSync(join(tmpdir(), 'brisk-showcase-bench-'))
  const dataFile = join(dir, 'data.lua')
  const answersFile = join(dir, 'answers.json')
  const failures = []
  const notes = []
  const problem = (where, detail) => {
    failures.push({ where, detail })
    console.error(`PROBLEM ${where}: ${detail}`)
  }
  process.once('SIGINT', async () => {
    console.error('\nshowcase bench: interrupted, stopping servers')
    await stopAll()
    process.exit(130)
  })

  let redis
  if (opt.configs.some((c) => c.redis)) {
    const { startRedisServer } = await import('@brisk/testing/services')
    redis = await startRedisServer()
  }
  /** A fresh, empty redis-server (same port), pinned to the load generator's core; its pid for the CPU figure. */
  const restartRedis = async () => {
    await redis.stop()
    await redis.start()
    redis.pid = redisPid(redis.port)
    if (redis.pid !== undefined) spawnSync('taskset', ['-pc', '1', String(redis.pid)], { stdio: 'ignore' })
  }

  // The floor replays the showcase's own answers: record them once, from a process not measured.
  {
    const brisk = await startApp('brisk', { cpus: '0' })
    try {
      const clients = await prepareClients(brisk.url, { logins: 2, sessions: 2 })
      writeFileSync(answersFile, JSON.stringify(await captureAnswers(brisk.url, clients)))
    } finally {
      await brisk.stop()
    }
  }

  const meta = {
    date: `${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC`,
    node: process.version,
    platform: `Linux ${release()}`,
    cpu: cpus()[0]?.model?.trim() ?? 'unknown',
    cores: availableParallelism(),
    command: `node showcase/run.mjs${process.argv
      .slice(2)
      .map((a) => ` ${quote(a)}`)
      .join('')}`,
    settings: opt,
    load: [
      loadavg()
        .map((l) => l.toFixed(2))
        .join(' / '),
    ],
    git: gitHead(),
    stale: staleDists(),
    built: distTimes(),
    note: opt.note,
    versions: {
      brisk: versionOf('@brisk/core'),
      fastify: versionOf('fastify'),
      redis:
        redis === undefined
          ? undefined
          : spawnSync('redis-server', ['--version'], { encoding: 'utf8' }).stdout.match(/v=(\S+)/)?.[1],
    },
  }
  const runs = {} // runs[config][run][app] = [figures per round]
  const starts = {} // starts[config][app] = [start figures per round]
  const checked = new Set()
  const broken = new Set()

  const measure = async (app, config, runName, { only, depth = 1, connections, clients, warmup }) => {
    const floor = app.name === 'floor'
    const cpu = 1
    const write = () => writeFileSync(dataFile, luaData({ clients, depth, only }))
    const after = async (report) => {
      clients.refresh = report.mix.pool
      if (!floor) {
        const missing = opt.logins - clients.refresh.length
        if (missing > 0)
          clients.refresh.push(...(await prepareClients(app.url, { logins: missing, sessions: 0 })).refresh)
        if (!(await cleanBooks(app.url, clients.access[0], 4 * config.workers)))
          notes.push({
            where: `${config.name} ${runName} ${app.name}`,
            detail: 'books left beyond the seed after the run',
          })
      } else clients.refresh = Array(opt.logins).fill('floor')
    }
    if (warmup > 0) {
      write()
      await after(await runMix(app.url, dataFile, { duration: warmup, connections, cpu }))
    }
    write()
    await sleep(SETTLE_MS)
    const before = ticksNow(app, config.redis ? redis : undefined)
    const report = await runMix(app.url, dataFile, { duration: opt.duration, connections, cpu })
    await sleep(SETTLE_MS)
    const used = ticksNow(app, config.redis ? redis : undefined)
    await after(report)
    const perReq = (ticks) => (report.requests > 0 ? ((ticks / hz) * 1e6) / report.requests : Number.NaN)
    const where = `${config.name} ${runName} ${app.name}`
    if (report.requests === 0)
      problem(where, `no answer counted: ${report.output.split('\n').slice(0, 12).join(' | ')}`)
    for (const p of judgeMix(report.mix, { inflight: connections * depth })) problem(where, p)
    const { timeout, ...hard } = report.socketErrors
    if (hard.connect + hard.read + hard.write > 0)
      problem(where, `socket errors ${JSON.stringify(report.socketErrors)}`)
    if (timeout > 0) notes.push({ where, detail: `${timeout} answers slower than 10 s` })
    const figures = {
      usPerReq: perReq(used.app - before.app),
      redisUsPerReq: config.redis ? perReq(used.redis - before.redis) : Number.NaN,
      rps: report.rps,
      // The latencies wrk recorded (a write to its last answer), its after-the-run correction undone by
      // mix.lua; wrk's printed figures are kept beside them (README, "The figures").
      p50Ms: report.p50Ms,
      p99Ms: report.p99Ms,
      wrkP50Ms: report.wrkP50Ms > 0 ? report.wrkP50Ms : Number.NaN,
      wrkP99Ms: report.wrkP99Ms > 0 ? report.wrkP99Ms : Number.NaN,
      latencyCount: report.latencyCount,
      requests: report.requests,
      load1: loadavg()[0],
      sent: report.mix.sent,
      statuses: report.mix.statuses,
      substituted: report.mix.substituted,
    }
    ;(((runs[config.name] ??= {})[runName] ??= {})[app.name] ??= []).push(figures)
    console.error(
      `${where.padEnd(40)} ${figures.usPerReq.toFixed(1).padStart(7)} µs/req${config.redis ? ` (+redis ${figures.redisUsPerReq.toFixed(1)})` : ''} ${Math.round(report.rps).toString().padStart(6)} req/s p50 ${report.p50Ms.toFixed(2)} p99 ${report.p99Ms.toFixed(2)} ms${Object.keys(report.mix.substituted).length ? ` subst ${JSON.stringify(report.mix.substituted)}` : ''}`,
    )
  }

  for (let round = 1; round <= opt.rounds; round++) {
    for (const config of opt.configs) {
      meta.load.push(loadavg()[0].toFixed(2))
      for (const name of opt.apps) {
        const key = `${config.name} ${name}`
        if (broken.has(key)) continue
        if (config.redis) await restartRedis()
        let app
        try {
          app = await startApp(name, {
            workers: config.workers,
            redisUrl: config.redis ? redis.url : undefined,
            cpus: config.cpus,
            env: name === 'floor' ? { FLOOR_ANSWERS: answersFile } : {},
          })
          const clients =
            name === 'floor'
              ? { access: ['floor'], refresh: Array(opt.logins).fill('floor'), cookies: ['sid=floor'] }
              : await prepareClients(app.url, { logins: opt.logins, sessions: 16 })
          if (!checked.has(key)) {
            checked.add(key)
            // Every kind checked answer by answer first, on the process then measured.
            const check = await driveMix(app.url, {
              clients,
              connections: 4,
              durationMs: opt.smoke ? 1000 : 500,
            })
            if (check.wrong > 0) {
              broken.add(key)
              for (const f of check.failures) problem(key, `${f.kind}: ${f.problem} ${f.body ?? ''}`)
              continue
            }
            console.error(
              `check ${key}: ok (${Object.values(check.sent).reduce((a, b) => a + b, 0)} answers)`,
            )
            if (name !== 'floor') await cleanBooks(app.url, clients.access[0], 4 * config.workers)
          }
          const mixRuns = [['mix', { depth: 1, connections: opt.connections }]]
          if (opt.pipeline > 1)
            mixRuns.push([
              `mix, pipelined ×${opt.pipeline}`,
              { depth: opt.pipeline, connections: opt.pipelineConnections },
            ])
          for (const [runName, how] of mixRuns)
            await measure(app, config, runName, { ...how, clients, warmup: opt.warmup })
          for (const route of opt.routes) {
            const only = route.split('+')
            if (config.redis && !only.some((k) => REDIS_ROUTES.includes(k))) continue
            // A refresh token is good once: no more refreshes in flight than tokens in the pool.
            const connections = only.includes('auth.refresh')
              ? Math.min(opt.connections, opt.logins)
              : opt.connections
            await measure(app, config, route, {
              only,
              depth: 1,
              connections,
              clients,
              warmup: opt.routeWarmup,
            })
          }
          const rss = treeRssKiB(app.pid)
          ;((starts[config.name] ??= {})[name] ??= []).push({
            coldStartMs: app.coldStartMs,
            idleRssKiB: app.idleRssKiB,
            processes: app.processes,
            finalRssKiB: rss.kib,
          })
        } catch (error) {
          problem(key, `round ${round}: ${error.message.split('\n').slice(0, 6).join(' | ')}`)
        } finally {
          await app?.stop()
        }
      }
    }
  }

  // The plugin routes, each against its @fastify/* equivalent, rounds interleaved.
  const plugins = {}
  for (let round = 1; round <= opt.rounds && opt.plugins.length > 0; round++) {
    meta.load.push(loadavg()[0].toFixed(2))
    for (const plugin of PLUGINS.filter((p) => opt.plugins.includes(p.name))) {
      if (plugin.redis && redis === undefined) {
        const { startRedisServer } = await import('@brisk/testing/services')
        redis = await startRedisServer()
      }
      for (const side of ['brisk', 'fastify']) {
        const where = `plugin ${plugin.name} ${side}`
        if (plugin.redis) await restartRedis()
        for (const [k, v] of Object.entries(plugin.env?.({ redisUrl: redis?.url }) ?? {})) process.env[k] = v
        let handle
        try {
          handle = await startServer({ name: `${plugin.name}-${side}`, file: plugin.files[side] }, { cpu: 0 })
          const req = await plugin.request(handle)
          const res = await fetch(new URL(req.path, handle.url), {
            method: req.method,
            headers: req.headers,
            body: req.body || undefined,
          })
          await res.text()
          if (res.status !== plugin.status)
            throw new Error(`answered ${res.status}, expected ${plugin.status}`)
          writeFileSync(dataFile, luaSingle(req))
          if (opt.warmup > 0)
            await runMix(handle.url, dataFile, { duration: opt.warmup, connections: 50, cpu: 1 })
          await sleep(SETTLE_MS)
          const before = { app: treeTicks(handle.pid).ticks, redis: plugin.redis ? cpuTicks(redis.pid) : 0 }
          const report = await runMix(handle.url, dataFile, {
            duration: opt.duration,
            connections: 50,
            cpu: 1,
          })
          await sleep(SETTLE_MS)
          const used = { app: treeTicks(handle.pid).ticks, redis: plugin.redis ? cpuTicks(redis.pid) : 0 }
          for (const p of judgeMix(report.mix, { expect: plugin.status })) problem(where, p)
          const perReq = (t) => ((t / hz) * 1e6) / report.requests
          const figures = {
            usPerReq: perReq(used.app - before.app),
            redisUsPerReq: plugin.redis ? perReq(used.redis - before.redis) : Number.NaN,
            rps: report.rps,
            p50Ms: report.p50Ms,
            p99Ms: report.p99Ms,
            wrkP50Ms: report.wrkP50Ms,
            wrkP99Ms: report.wrkP99Ms,
          }
          ;((plugins[plugin.name] ??= {})[side] ??= []).push(figures)
          console.error(
            `${where.padEnd(40)} ${figures.usPerReq.toFixed(1).padStart(7)} µs/req ${Math.round(report.rps).toString().padStart(6)} req/s p99 ${report.p99Ms.toFixed(2)} ms`,
          )
        } catch (error) {
          problem(where, `round ${round}: ${error.message.split('\n').slice(0, 4).join(' | ')}`)
        } finally {
          await handle?.stop()
        }
      }
    }
  }
  meta.load.push(
    loadavg()
      .map((l) => l.toFixed(2))
      .join(' / '),
  )
  const rebuilt = MEASURED.filter((_, i) => distTimes()[i] !== meta.built[i])
  if (rebuilt.length > 0)
    notes.push({
      where: 'build',
      detail: `rebuilt during the run: ${rebuilt.map((p) => `@brisk/${p}`).join(', ')} (later rounds measured newer code)`,
    })
  await redis?.stop()
  rmSync(dir, { recursive: true, force: true })

  const results = { meta, configs: opt.configs, apps: opt.apps, runs, starts, plugins, failures, notes }
  const markdown = renderShowcase(results)
  console.log(markdown)
  if (!opt.smoke) {
    const stamp = new Date().toISOString().replace(/[:.]/g, '-').slice(0, 19)
    writeFileSync(join(HERE, `results-${stamp}.json`), `${JSON.stringify(results, null, 2)}\n`)
  }
  if (opt.write && !opt.smoke) {
    writeShowcase(fileURLToPath(new URL('../RESULTS.md', import.meta.url)), markdown)
    console.error('showcase bench: wrote RESULTS.md')
  }
  if (failures.length > 0) {
    console.error(`showcase bench: ${failures.length} problem${failures.length === 1 ? '' : 's'}`)
    process.exitCode = 1
  } else if (opt.smoke) console.error('showcase bench: smoke ok: every answer was right')
}

await main()
