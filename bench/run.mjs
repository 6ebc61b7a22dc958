#!/usr/bin/env node
/**
 * The benchmark harness: the same routes on Brisk and its peers, measured in one run with rounds interleaved.
 *
 *   node run.mjs [--rounds 5] [--duration 5] [--warmup 1] [--warmup-requests 5000] [--connections 100] [--pipeline 1]
 *                [--only brisk,fastify] [--routes /,/json] [--write] [--note TEXT] [--trial]
 *   node run.mjs --smoke        1 round, 1 s, no warm-up: checks every answer, exits 0 only if all were right
 *
 * Per route, per framework: server CPU time per request (utime + stime from /proc around a wrk run, divided by
 * the requests wrk counted), req/s and p99 from the same run; per server: cold start and idle/after-run RSS.
 * See README.md for what each figure means.
 */
import { execFileSync, spawnSync } from 'node:child_process'
import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs'
import { availableParallelism, cpus, loadavg, release } from 'node:os'
import { parseArgs } from 'node:util'
import { checkServer } from './lib/check.mjs'
import { clockTicksPerSecond, cpuTicks, rssKiB } from './lib/proc.mjs'
import { renderMarkdown, writeResults } from './lib/report.mjs'
import { RUNTIMES, runtimeVersion } from './lib/runtimes.mjs'
import { loadScenarios, matchesRoute } from './lib/scenarios.mjs'
import { loadServers, startServer } from './lib/servers.mjs'
import { runWrk, WRK_TIMEOUT_S } from './lib/wrk.mjs'

const HERE = new URL('.', import.meta.url)
// After each wrk run the server still closes its connections: the CPU reading waits this long so that cost is
// counted (a smoke run only checks the harness, so it waits less).
const SETTLE_MS = 200
const SMOKE_SETTLE_MS = 50

const USAGE = `Usage: node run.mjs [options]
  --rounds N          rounds, interleaved across frameworks (default 5)
  --duration S        seconds of load per route and round, whole seconds (default 5)
  --warmup S          seconds of load per route before measuring, 0 for none (default 1)
  --warmup-requests N the warm-up is repeated until the server has answered at least N requests (default 5000)
  --connections C     wrk connections (default 100)
  --pipeline N        requests pipelined per connection (default 1: none)
  --only a,b          servers to run (file names in servers/: node-http, brisk, brisk-fetch, fastify, …,
                      brisk-bun, hono-bun, elysia-bun, brisk-deno, hono-deno on Bun and Deno)
  --routes x,y        scenarios to run, by path (/json), label path (/users/:id) or name (json)
  --smoke             short run (1 round, 1 s, no warm-up); exit code 0 only if every answer was right
                      and no request failed under load
  --write             write the results into RESULTS.md (between its markers)
  --note TEXT         a line to print above the results
  --trial             mark the results as a trial run
  --help              this text`

function fail(message) {
  console.error(`bench: ${message}`)
  process.exit(2)
}

function parseOptions(argv) {
  let parsed
  try {
    parsed = parseArgs({
      args: argv,
      options: {
        rounds: { type: 'string' },
        duration: { type: 'string' },
        warmup: { type: 'string' },
        'warmup-requests': { type: 'string' },
        connections: { type: 'string' },
        pipeline: { type: 'string' },
        only: { type: 'string' },
        routes: { type: 'string' },
        smoke: { type: 'boolean', default: false },
        write: { type: 'boolean', default: false },
        note: { type: 'string' },
        trial: { type: 'boolean', default: false },
        help: { type: 'boolean', default: false },
      },
    }).values
  } catch (error) {
    fail(`${error.message}\n${USAGE}`)
  }
  if (parsed.help) {
    console.log(USAGE)
    process.exit(0)
  }
  const int = (name, fallback, min) => {
    const raw = parsed[name]
    if (raw === undefined) return fallback
    const value = Number(raw)
    if (!Number.isInteger(value) || value < min)
      fail(`--${name} must be a whole number ≥ ${min}, got "${raw}"`)
    return value
  }
  const list = (raw) =>
    raw === undefined
      ? undefined
      : raw
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean)
  const smoke = parsed.smoke
  return {
    rounds: smoke ? 1 : int('rounds', 5, 1),
    duration: smoke ? 1 : int('duration', 5, 1),
    warmup: smoke ? 0 : int('warmup', 1, 0),
    warmupRequests: int('warmup-requests', 5000, 0),
    connections: int('connections', 100, 1),
    pipeline: int('pipeline', 1, 1),
    only: list(parsed.only),
    routes: list(parsed.routes),
    smoke,
    write: parsed.write,
    note: parsed.note,
    trial: parsed.trial,
  }
}

function hasTool(command, args) {
  const result = spawnSync(command, args, { stdio: 'ignore' })
  return result.error === undefined
}

/** The core's dist must exist; a dist older than the sources is measured, with a warning. */
function checkCoreBuild() {
  let entry
  try {
    entry = new URL(import.meta.resolve('@brisk/core'))
  } catch {
    fail('@brisk/core is not installed here: run `pnpm install` at the repository root')
  }
  if (!existsSync(entry)) fail('@brisk/core is not built: run `pnpm --filter @brisk/core build` first')
  const src = new URL('../packages/core/src/', HERE)
  if (!existsSync(src)) return
  const newest = (dir) =>
    readdirSync(dir, { withFileTypes: true, recursive: true })
      .filter((d) => d.isFile())
      .reduce((max, d) => Math.max(max, statSync(`${d.parentPath ?? d.path}/${d.name}`).mtimeMs), 0)
  if (newest(src) > statSync(entry).mtimeMs) {
    console.error(
      'bench: warning: packages/core/src is newer than its dist: `pnpm --filter @brisk/core build` to measure the current code',
    )
  }
}

function gitInfo() {
  try {
    const cwd = new URL('..', HERE)
    const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], {
      cwd,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim()
    const dirty = execFileSync('git', ['status', '--porcelain', '--', 'packages/core'], {
      cwd,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim()
    return `${head}${dirty ? ' (packages/core has uncommitted changes)' : ''}`
  } catch {
    return undefined
  }
}

function quote(arg) {
  return /^[\w./:,=@+-]+$/.test(arg) ? arg : `'${arg.replaceAll("'", "'\\''")}'`
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

/** A warm-up run is repeated until the server has answered `--warmup-requests`, but not more often than this. */
const MAX_WARMUP_RUNS = 10

/**
 * Starts a server, once more after a pause if it fails: on a shared machine its dependencies may be in the middle
 * of a rebuild (a dist folder cleaned by a concurrent `tsup`). A server that is really broken fails twice.
 */
async function startOrRetry(server, options) {
  try {
    return await startServer(server, options)
  } catch (error) {
    console.error(`bench: ${error.message.split('\n')[0]}: trying once more`)
    await sleep(3000)
    return await startServer(server, options)
  }
}

async function main() {
  const options = parseOptions(process.argv.slice(2))
  if (process.platform !== 'linux') fail('the CPU and memory figures come from /proc: run it on Linux')
  const missing = [
    hasTool('wrk', ['--version']) ? null : 'wrk',
    hasTool('taskset', ['-V']) ? null : 'taskset',
  ].filter(Boolean)
  if (missing.length > 0)
    fail(`${missing.join(' and ')} not found: run scripts/ensure-tools.sh (Debian/Ubuntu) or install by hand`)
  checkCoreBuild()

  const allScenarios = await loadScenarios()
  const allServers = await loadServers()
  const known = new Set(allScenarios.map((s) => s.name))
  let servers = allServers
  if (options.only) {
    const unknown = options.only.filter((n) => !allServers.some((s) => s.name === n))
    if (unknown.length > 0)
      fail(`no server named ${unknown.join(', ')} (there are: ${allServers.map((s) => s.name).join(', ')})`)
    servers = allServers.filter((s) => options.only.includes(s.name))
  }
  let scenarios = allScenarios
  if (options.routes) {
    const unknown = options.routes.filter((t) => !allScenarios.some((s) => matchesRoute(s, t)))
    if (unknown.length > 0)
      fail(
        `no scenario matches ${unknown.join(', ')} (there are: ${allScenarios.map((s) => s.label).join(', ')})`,
      )
    scenarios = allScenarios.filter((s) => options.routes.some((t) => matchesRoute(s, t)))
  }

  const parallel = availableParallelism()
  const serverCpu = 0
  const loadCpu = parallel >= 2 ? 1 : 0
  if (parallel < 2)
    console.error('bench: warning: one CPU only: the server and wrk share it, req/s and p99 mean little')

  const failures = []
  const notes = []
  for (const server of servers) {
    for (const name of server.scenarios) {
      if (!known.has(name))
        failures.push({
          server: server.name,
          scenario: name,
          detail: 'declared, but there is no such scenario in scenarios/',
        })
    }
  }
  const plan = (server) => scenarios.filter((s) => server.scenarios.includes(s.name))
  // The cold start's first request: the server's first scenario in table order (`GET /` for the core servers).
  const firstOf = (server) => allScenarios.find((s) => server.scenarios.includes(s.name))

  const settle = options.smoke ? SMOKE_SETTLE_MS : SETTLE_MS
  const perRound = servers.reduce(
    (sum, sv) => sum + plan(sv).length * (options.warmup + options.duration + (2 * settle) / 1000 + 0.3) + 1,
    0,
  )
  const minutes = Math.ceil(((servers.length * 1.5 + perRound * options.rounds) / 60) * 10) / 10
  console.error(
    `bench: ${servers.length} servers × ${scenarios.length} routes × ${options.rounds} rounds, ${options.duration} s each after ${options.warmup} s warm-up: about ${minutes} min`,
  )

  const active = new Set()
  process.once('SIGINT', async () => {
    console.error('\nbench: interrupted, stopping servers')
    await Promise.all([...active].map((h) => h.stop()))
    process.exit(130)
  })

  // Every answer is checked once, before anything of that server is measured: all the scenarios it declares,
  // whatever --routes selects. A full run checks every server first in a pass of its own (which also brings the
  // servers' files into the page cache, so the first round's cold start is no disk read); the smoke checks each
  // server in its one round, on the process it then measures.
  const broken = new Set()
  const checked = new Set()
  const check = async (server, handle) => {
    checked.add(server.name)
    const declared = allScenarios.filter((s) => server.scenarios.includes(s.name))
    for (const result of await checkServer(handle.url, declared)) {
      if (!result.ok) {
        broken.add(`${server.name}/${result.scenario}`)
        failures.push({ server: server.name, scenario: result.scenario, detail: result.detail })
      }
    }
    const bad = failures.filter((f) => f.server === server.name)
    console.error(
      `check ${server.name.padEnd(12)} ${bad.length === 0 ? 'ok' : `FAILED: ${bad.map((f) => f.scenario ?? 'start').join(', ')}`}`,
    )
  }
  if (!options.smoke) {
    for (const server of servers) {
      let handle
      try {
        handle = await startOrRetry(server, { cpu: serverCpu, first: firstOf(server) })
        active.add(handle)
        await check(server, handle)
      } catch (error) {
        broken.add(server.name)
        failures.push({ server: server.name, detail: `did not start: ${error.message}` })
        console.error(`check ${server.name.padEnd(12)} FAILED: did not start`)
      } finally {
        if (handle) {
          await handle.stop()
          active.delete(handle)
        }
      }
    }
  }

  const meta = {
    date: `${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC`,
    node: process.version,
    // The other runtimes the servers of this run use (Bun, Deno), with the versions of their npm packages.
    runtimes: [...new Set(servers.map((sv) => sv.runtime))]
      .filter((r) => r !== 'node')
      .map((r) => `${RUNTIMES[r]} ${runtimeVersion(r)}`),
    platform: `Linux ${release()}`,
    cpu: cpus()[0]?.model?.trim() ?? 'unknown',
    cores: parallel,
    clockTicks: clockTicksPerSecond(),
    command: `node run.mjs${process.argv
      .slice(2)
      .map((a) => ` ${quote(a)}`)
      .join('')}`,
    settings: { ...options, serverCpu, loadCpu },
    loadStart: loadavg()[0].toFixed(2),
    git: gitInfo(),
    trial: options.trial,
    note: options.note,
  }
  const runs = Object.fromEntries(
    scenarios.map((s) => [s.name, Object.fromEntries(servers.map((sv) => [sv.name, []]))]),
  )
  const starts = Object.fromEntries(servers.map((sv) => [sv.name, []]))
  const wrkOptions = { connections: options.connections, pipeline: options.pipeline, cpu: loadCpu }

  for (let round = 1; round <= options.rounds; round++) {
    for (const server of servers) {
      if (broken.has(server.name)) continue
      let handle
      try {
        handle = await startOrRetry(server, { cpu: serverCpu, first: firstOf(server) })
        active.add(handle)
        if (!checked.has(server.name)) await check(server, handle)
        const start = {
          readyMs: handle.readyMs,
          coldStartMs: handle.coldStartMs,
          idleRssKiB: handle.idleRssKiB,
          finalRssKiB: Number.NaN,
        }
        for (const scenario of plan(server)) {
          if (broken.has(`${server.name}/${scenario.name}`)) continue
          // Warm-up by count as well as by time: a slow framework on a busy core would otherwise be measured
          // while V8 is still compiling its hot paths.
          if (options.warmup > 0) {
            let warmed = 0
            const floor = Math.max(1, options.warmupRequests)
            for (let i = 0; i < MAX_WARMUP_RUNS && warmed < floor; i++) {
              const warm = await runWrk(scenario, handle.url, { ...wrkOptions, duration: options.warmup })
              warmed += warm.requests
            }
          }
          await sleep(settle)
          const before = cpuTicks(handle.pid)
          const report = await runWrk(scenario, handle.url, { ...wrkOptions, duration: options.duration })
          await sleep(settle)
          const ticks = cpuTicks(handle.pid) - before
          const usPerReq =
            report.requests > 0 ? ((ticks / clockTicksPerSecond()) * 1e6) / report.requests : Number.NaN
          const { output, ...figures } = report
          runs[scenario.name][server.name].push({ ...figures, ticks, usPerReq })
          const { timeout, ...hard } = report.socketErrors
          const errors = hard.connect + hard.read + hard.write
          if (report.non2xx > 0)
            failures.push({
              server: server.name,
              scenario: scenario.name,
              detail: `round ${round}: ${report.non2xx} non-2xx/3xx answers under load`,
            })
          if (errors > 0)
            failures.push({
              server: server.name,
              scenario: scenario.name,
              detail: `round ${round}: socket errors ${JSON.stringify(report.socketErrors)}`,
            })
          // A slow answer is not a wrong one: counted in req/s and CPU, missing from the latency figures.
          if (timeout > 0)
            notes.push({
              server: server.name,
              scenario: scenario.name,
              detail: `round ${round}: ${timeout} answers slower than wrk's ${WRK_TIMEOUT_S} s timeout`,
            })
          console.error(
            `round ${round}/${options.rounds} ${server.name.padEnd(12)} ${scenario.label.padEnd(42)} ${usPerReq.toFixed(1).padStart(7)} µs/req ${Math.round(report.rps).toString().padStart(7)} req/s  p99 ${report.p99Ms.toFixed(2)} ms`,
          )
        }
        start.finalRssKiB = rssKiB(handle.pid)
        starts[server.name].push(start)
      } catch (error) {
        failures.push({ server: server.name, detail: `round ${round}: ${error.message.split('\n')[0]}` })
        console.error(`round ${round}/${options.rounds} ${server.name}: ${error.message}`)
      } finally {
        if (handle) {
          await handle.stop()
          active.delete(handle)
        }
      }
    }
  }
  meta.loadEnd = loadavg()[0].toFixed(2)

  const results = {
    meta,
    servers,
    scenarios: scenarios.map(({ name, label }) => ({ name, label })),
    runs,
    starts,
    failures,
    notes,
  }
  const markdown = renderMarkdown(results)
  console.log(markdown)
  if (!options.smoke) {
    const stamp = new Date().toISOString().replace(/[:.]/g, '-').slice(0, 19)
    writeFileSync(new URL(`results-${stamp}.json`, HERE), `${JSON.stringify(results, null, 2)}\n`)
  }
  if (options.write && !options.smoke) {
    writeResults(new URL('RESULTS.md', HERE), markdown)
    console.error('bench: wrote RESULTS.md')
  }
  if (failures.length > 0) {
    console.error(`bench: ${failures.length} problem${failures.length === 1 ? '' : 's'}:`)
    for (const f of failures) console.error(`  ${f.server}${f.scenario ? ` ${f.scenario}` : ''}: ${f.detail}`)
    process.exitCode = 1
  } else if (options.smoke) {
    console.error('bench: smoke ok: every server answered every route correctly')
  }
  for (const n of notes) console.error(`bench: note: ${n.server} ${n.scenario}: ${n.detail}`)
}

await main()
