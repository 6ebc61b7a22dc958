#!/usr/bin/env node
/**
 * A side-by-side check for a busy machine: the servers named are all started at once (each pinned to core 0,
 * idle while another is loaded), and short wrk bursts rotate over them, A B C A B C …, so that a noisy stretch
 * of the machine falls on all of them alike. The figure is the same as run.mjs's (server CPU time per request
 * from /proc, all threads), summed over a server's bursts.
 *
 *   node runtimes/side-by-side.mjs --only brisk-deno,hono-deno [--routes /,/json] [--bursts 8] [--burst 1]
 *   node runtimes/side-by-side.mjs --dir /tmp/bundles --only base-bun,brisk-bun,hono-bun   # an A/B of builds
 *
 * run.mjs measures each server in a window of its own (every route of one server, then the next), which is
 * what its memory and start-up figures need; on a machine other people load at the same time, a few µs
 * between two servers can be the load of that window. Here each comparison is paired in time. Prints a
 * markdown table; writes nothing.
 */
import { setTimeout as sleep } from 'node:timers/promises'
import { parseArgs } from 'node:util'
import { checkServer } from '../lib/check.mjs'
import { clockTicksPerSecond, cpuTicks } from '../lib/proc.mjs'
import { formatUs } from '../lib/report.mjs'
import { loadScenarios, matchesRoute } from '../lib/scenarios.mjs'
import { loadServers, startServer } from '../lib/servers.mjs'
import { summarize } from '../lib/stats.mjs'
import { runWrk } from '../lib/wrk.mjs'

const USAGE = `Usage: node runtimes/side-by-side.mjs --only a,b[,c…] [--routes x,y] [--bursts N] [--burst S] [--connections C]
  --only a,b      servers (file names in servers/), all started at once; the first is the reference of the ratios
  --routes x,y    scenarios, as in run.mjs (default: every one all of them declare)
  --bursts N      rotations over the servers per route (default 8)
  --burst S       seconds of load per burst (default 1)
  --connections C wrk connections (default 100)
  --dir D         the server files' folder (default servers/): e.g. bundles of two builds of Brisk, to compare
                  a change with its base and with Hono in the same rotation`

/** The time the server gets to close wrk's connections before its CPU time is read (as in run.mjs). */
const SETTLE_MS = 150

function fail(message) {
  console.error(`side-by-side: ${message}\n${USAGE}`)
  process.exit(2)
}

function options() {
  let values
  try {
    values = parseArgs({
      options: {
        only: { type: 'string' },
        routes: { type: 'string' },
        bursts: { type: 'string', default: '8' },
        burst: { type: 'string', default: '1' },
        connections: { type: 'string', default: '100' },
        dir: { type: 'string' },
        help: { type: 'boolean', default: false },
      },
    }).values
  } catch (error) {
    fail(error.message)
  }
  if (values.help) {
    console.log(USAGE)
    process.exit(0)
  }
  const whole = (name) => {
    const n = Number(values[name])
    if (!Number.isInteger(n) || n < 1) fail(`--${name} must be a whole number ≥ 1`)
    return n
  }
  const list = (raw) =>
    raw
      ?.split(',')
      .map((s) => s.trim())
      .filter(Boolean)
  const only = list(values.only)
  if (!only || only.length < 2) fail('--only needs two servers or more')
  return {
    only,
    routes: list(values.routes),
    bursts: whole('bursts'),
    burst: whole('burst'),
    connections: whole('connections'),
    dir: values.dir,
  }
}

async function main() {
  const opts = options()
  const all = await loadServers(opts.dir)
  const servers = opts.only.map((name) => all.find((s) => s.name === name) ?? fail(`no server named ${name}`))
  const allScenarios = await loadScenarios()
  const shared = allScenarios.filter((sc) => servers.every((sv) => sv.scenarios.includes(sc.name)))
  const scenarios = opts.routes ? shared.filter((sc) => opts.routes.some((t) => matchesRoute(sc, t))) : shared
  if (scenarios.length === 0) fail('no scenario that every one of these servers declares matches --routes')

  const handles = []
  const stopAll = () => Promise.all(handles.map((h) => h.stop()))
  process.once('SIGINT', async () => {
    await stopAll()
    process.exit(130)
  })
  try {
    for (const server of servers) {
      const handle = await startServer(server, { cpu: 0, first: scenarios[0] })
      handles.push(handle)
      const wrong = (await checkServer(handle.url, scenarios)).filter((r) => !r.ok)
      if (wrong.length > 0) throw new Error(`${server.name} answers wrongly: ${JSON.stringify(wrong)}`)
    }
    const tick = 1e6 / clockTicksPerSecond()
    const wrk = { connections: opts.connections, pipeline: 1, cpu: 1 }
    const rows = []
    for (const scenario of scenarios) {
      // One warm-up run each, so that no server is measured while its JIT is still compiling this route.
      for (const handle of handles) await runWrk(scenario, handle.url, { ...wrk, duration: 2 })
      const sums = handles.map(() => ({ ticks: 0, requests: 0, bursts: [] }))
      for (let k = 0; k < opts.bursts; k++) {
        for (const [i, handle] of handles.entries()) {
          await sleep(SETTLE_MS)
          const before = cpuTicks(handle.pid)
          const report = await runWrk(scenario, handle.url, { ...wrk, duration: opts.burst })
          await sleep(SETTLE_MS)
          const ticks = cpuTicks(handle.pid) - before
          if (report.non2xx > 0) throw new Error(`${servers[i].name}: ${report.non2xx} non-2xx answers`)
          sums[i].ticks += ticks
          sums[i].requests += report.requests
          if (report.requests > 0) sums[i].bursts.push((ticks * tick) / report.requests)
        }
      }
      const us = sums.map((s) => (s.requests > 0 ? (s.ticks * tick) / s.requests : Number.NaN))
      rows.push({ scenario, us, sums })
      console.error(
        `${scenario.label.padEnd(42)} ${servers.map((s, i) => `${s.name} ${formatUs(us[i])}`).join('  ')}`,
      )
    }
    // Two builds of one framework (--dir) share a title: the file name tells their columns apart.
    const title = (s) =>
      servers.filter((o) => o.title === s.title).length > 1 ? `${s.title} [${s.name}]` : s.title
    const head = ['route', ...servers.map((s) => `${title(s)} µs/req (bursts min–max)`)]
    head.push(...servers.slice(1).map((s) => `${title(s)} ÷ ${title(servers[0])}`))
    const line = (cells) => `| ${cells.join(' | ')} |`
    const out = [line(head), line(head.map((_, i) => (i === 0 ? '---' : '---:')))]
    for (const { scenario, us, sums } of rows) {
      const cells = servers.map((_, i) => {
        const b = summarize(sums[i].bursts)
        return `${formatUs(us[i])} (${formatUs(b.min)}–${formatUs(b.max)})`
      })
      const ratios = servers.slice(1).map((_, j) => `${(us[j + 1] / us[0]).toFixed(2)}×`)
      out.push(line([`\`${scenario.label}\``, ...cells, ...ratios]))
    }
    console.log(out.join('\n'))
  } finally {
    await stopAll()
  }
}

await main()
