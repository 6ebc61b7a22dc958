#!/usr/bin/env node
/**
 * CPU profiles of examples/showcase, one route at a time and the mix (bench/profile/README.md).
 *
 *   node bench/profile/profile.mjs [--routes page,session,…|all] [--duration 5] [--warmup 2] [--connections 50]
 *                                  [--pipeline 1]
 *                                  [--out DIR] [--entry BUNDLE.mjs] [--top 25]
 *
 * For each route: start the showcase (memory mode, NODE_ENV=production, pinned to core 0), log in, warm up,
 * profile a measured wrk run (wrk on core 1), stop. Writes DIR/<route>.cpuprofile and DIR/<route>.md (the
 * summary) and prints a table of CPU µs per request (measured with the profiler on, so a little high).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { cpuMicros, credentials, loadAverage, ROUTES, startShowcase, wrkRoute } from './showcase.mjs'
import { report, summarize } from './summarize.mjs'

const args = process.argv.slice(2)
const opt = (name, fallback) => {
  const i = args.indexOf(name)
  return i === -1 ? fallback : args[i + 1]
}
const routes = opt('--routes', 'all') === 'all' ? ROUTES : opt('--routes').split(',')
const duration = Number(opt('--duration', '5'))
const warmup = Number(opt('--warmup', '2'))
const connections = Number(opt('--connections', '50'))
const pipeline = Number(opt('--pipeline', '1'))
const top = Number(opt('--top', '25'))
const entry = opt('--entry') === undefined ? undefined : resolve(opt('--entry'))
const out = resolve(opt('--out', `/tmp/brisk-profile/${new Date().toISOString().replace(/[:.]/g, '-')}`))
mkdirSync(out, { recursive: true })

const rows = []
for (const route of routes) {
  const file = join(out, `${route}.cpuprofile`)
  const server = await startShowcase({ entry, cpu: 0, profileOut: file })
  try {
    // A refresh token is single-use: the warm-up and the measured run get 16 tokens each.
    const refreshing = route === 'refresh' || route.startsWith('mix')
    const creds = await credentials(server.base, { logins: refreshing ? 32 : 1 })
    const fresh = (route) =>
      route === 'refresh' || route.startsWith('mix')
        ? { ...creds, refresh: creds.refresh.splice(0, 16) }
        : creds
    if (warmup > 0)
      await wrkRoute(server.base, route, fresh(route), { duration: warmup, connections, cpu: 1, pipeline })
    await new Promise((r) => setTimeout(r, 300))
    let mark = server.output().length
    server.signal('SIGUSR2')
    await server.waitFor('profile started', mark)
    const load = loadAverage()
    const before = cpuMicros([server.pid])
    const run = await wrkRoute(server.base, route, fresh(route), { duration, connections, cpu: 1, pipeline })
    await new Promise((r) => setTimeout(r, 200))
    const cpu = cpuMicros([server.pid]) - before
    mark = server.output().length
    server.signal('SIGUSR2')
    await server.waitFor('profile written', mark)
    const summary = summarize(JSON.parse(readFileSync(file, 'utf8')))
    const text = report(summary, { top, requests: run.requests })
    writeFileSync(
      join(out, `${route}.md`),
      `# ${route}\n\n${run.requests} requests, ${run.non2xx} non-2xx, load ${load}\n\n${text}\n`,
    )
    rows.push({
      route,
      requests: run.requests,
      non2xx: run.non2xx,
      rps: run.rps,
      cpu: cpu / run.requests,
      load,
    })
    console.log(
      `${route}: ${(cpu / run.requests).toFixed(1)} µs/req (${run.requests} requests, ${run.non2xx} non-2xx) → ${join(out, `${route}.md`)}`,
    )
  } finally {
    await server.stop()
  }
}
console.log(`\n| route | CPU µs/req (profiler on) | req/s | non-2xx | load |\n|---|---:|---:|---:|---|`)
for (const r of rows)
  console.log(`| ${r.route} | ${r.cpu.toFixed(1)} | ${r.rps.toFixed(0)} | ${r.non2xx} | ${r.load} |`)
console.log(`\nprofiles and summaries in ${out}`)
