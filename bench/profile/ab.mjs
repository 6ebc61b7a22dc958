#!/usr/bin/env node
/**
 * A bounded A/B run of a change: the showcase bundled twice, with the Brisk packages' sources at a git ref (A)
 * and as they are in the working tree (B), measured interleaved (A B, B A, A B, … with each server started
 * afresh per round), by the server's CPU time per request from /proc (never wall time).
 *
 *   node bench/profile/ab.mjs [--base HEAD] [--files a.ts,b.ts] [--routes show,missing,…] [--rounds 4]
 *                             [--duration 3] [--warmup 2] [--connections 50] [--pipeline 1]
 *
 * --files: only these files (paths from the repository's root) are taken from the base ref for A; the rest is
 * the working tree in both, so others' work in progress in the same tree is in A and B alike.
 *
 * The server runs on core 0, wrk on core 1, as in bench/run.mjs. Prints the median and min–max per route and
 * variant, B/A, and the load average at the start and end (the machine is shared: read the ratio through
 * the spread).
 */
import { mkdirSync } from 'node:fs'
import { bundleShowcase } from './bundle.mjs'
import { cpuMicros, credentials, loadAverage, startShowcase, wrkRoute } from './showcase.mjs'

const args = process.argv.slice(2)
const opt = (name, fallback) => {
  const i = args.indexOf(name)
  return i === -1 ? fallback : args[i + 1]
}
const base = opt('--base', 'HEAD')
const files = opt('--files')?.split(',')
const routes = opt('--routes', 'show,missing,session,me,create,preflight,page,mix').split(',')
const rounds = Number(opt('--rounds', '4'))
const duration = Number(opt('--duration', '3'))
const warmup = Number(opt('--warmup', '2'))
const connections = Number(opt('--connections', '50'))
const pipeline = Number(opt('--pipeline', '1'))

const dir = '/tmp/brisk-perf'
mkdirSync(dir, { recursive: true })
const stamp = process.pid
const variants = [
  { name: `A (${base})`, entry: await bundleShowcase(`${dir}/ab-${stamp}-a.mjs`, { ref: base, files }) },
  { name: 'B (working tree)', entry: await bundleShowcase(`${dir}/ab-${stamp}-b.mjs`) },
]
const results = variants.map(() => Object.fromEntries(routes.map((r) => [r, []])))
const p99s = variants.map(() => Object.fromEntries(routes.map((r) => [r, []])))
const loads = [loadAverage()]
const sleep = (ms) => new Promise((r) => setTimeout(r, ms))

for (let round = 0; round < rounds; round++) {
  const order = round % 2 === 0 ? [0, 1] : [1, 0]
  for (const v of order) {
    const server = await startShowcase({ entry: variants[v].entry, cpu: 0 })
    try {
      // A refresh token is single-use: every wrk run that refreshes gets 16 tokens of its own.
      const refreshing = routes.filter((r) => r === 'refresh' || r.startsWith('mix')).length
      const creds = await credentials(server.base, { logins: Math.max(1, refreshing * 32) })
      const fresh = (route) =>
        route === 'refresh' || route.startsWith('mix')
          ? { ...creds, refresh: creds.refresh.splice(0, 16) }
          : creds
      for (const route of routes) {
        if (warmup > 0)
          await wrkRoute(server.base, route, fresh(route), {
            duration: warmup,
            connections,
            cpu: 1,
            pipeline,
          })
        await sleep(300)
        const before = cpuMicros([server.pid])
        const run = await wrkRoute(server.base, route, fresh(route), {
          duration,
          connections,
          cpu: 1,
          pipeline,
        })
        await sleep(300)
        const perReq = (cpuMicros([server.pid]) - before) / run.requests
        results[v][route].push(perReq)
        p99s[v][route].push(run.p99Ms)
        process.stderr.write(
          `round ${round + 1} ${variants[v].name} ${route}: ${perReq.toFixed(1)} µs/req, p99 ${run.p99Ms} ms, ${run.non2xx} non-2xx of ${run.requests}\n`,
        )
      }
    } finally {
      await server.stop()
    }
  }
}
loads.push(loadAverage())

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b)
  const m = s.length >> 1
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2
}
const cell = (xs) => `${median(xs).toFixed(1)} (${Math.min(...xs).toFixed(1)}–${Math.max(...xs).toFixed(1)})`
console.log(
  `\nA = ${base}, B = working tree; ${rounds} rounds × ${duration} s, ${connections} connections${pipeline > 1 ? ` × ${pipeline} pipelined` : ''}; load average ${loads[0]} → ${loads[1]}\n`,
)
console.log(`| route | A µs/req | B µs/req | B/A | A p99 ms | B p99 ms |\n|---|---:|---:|---:|---:|---:|`)
for (const route of routes) {
  const a = results[0][route]
  const b = results[1][route]
  const [pa, pb] = [p99s[0][route], p99s[1][route]]
  console.log(
    `| ${route} | ${cell(a)} | ${cell(b)} | ${(median(b) / median(a)).toFixed(2)} | ${cell(pa)} | ${cell(pb)} |`,
  )
}
