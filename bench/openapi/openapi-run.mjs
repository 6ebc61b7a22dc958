/**
 * The OpenAPI validation benchmark: `POST /books` with a JSON body checked against the showcase's book schema,
 * on Brisk with @brisk/openapi and on Fastify with its route schema (both Ajv), and `POST /plain` (no schema)
 * on each, in one run. Each figure is the server's CPU time per request (from /proc, all threads), median over
 * rounds, as in run.mjs; rounds interleave the servers.
 *
 *   node bench/openapi/openapi-run.mjs [--rounds 3] [--duration 3] [--connections 50]
 *
 * Needs wrk, taskset, and @brisk/core and @brisk/openapi built (`pnpm --filter @brisk/openapi build`).
 */
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { clockTicksPerSecond, cpuTicks } from '../lib/proc.mjs'
import { startServer } from '../lib/servers.mjs'
import { median } from '../lib/stats.mjs'
import { runWrk } from '../lib/wrk.mjs'
import { BODY } from './openapi-book.mjs'

const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '3' },
    duration: { type: 'string', default: '3' },
    connections: { type: 'string', default: '50' },
  },
})
const rounds = Number(values.rounds)
const duration = Number(values.duration)
const connections = Number(values.connections)
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

const SERVERS = [
  { name: 'brisk', file: fileURLToPath(new URL('./openapi-brisk.mjs', import.meta.url)) },
  { name: 'fastify', file: fileURLToPath(new URL('./openapi-fastify.mjs', import.meta.url)) },
]
const ROUTES = ['/books', '/plain']
const ticks = clockTicksPerSecond()
const results = {} // `${route} ${server}` → [cpu µs per request]
const rps = {}

for (let round = 1; round <= rounds; round++) {
  for (const server of SERVERS) {
    const handle = await startServer(server, { cpu: 0 })
    try {
      // Both refuse a bad book (the bench would measure nothing if they did not validate).
      const bad = await fetch(`${handle.url}/books`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ title: '', author: 'x', year: '1969' }),
      })
      if (bad.status !== (server.name === 'brisk' ? 422 : 400))
        throw new Error(`${server.name}: a bad book got ${bad.status}`)
      for (const path of ROUTES) {
        const key = `${path} ${server.name}`
        const scenario = { path, method: 'POST', body: BODY, headers: { 'content-type': 'application/json' } }
        await runWrk(scenario, handle.url, { duration: 1, connections, cpu: 1 }) // warm-up
        await sleep(300)
        const before = cpuTicks(handle.pid)
        const run = await runWrk(scenario, handle.url, { duration, connections, cpu: 1 })
        await sleep(300)
        const after = cpuTicks(handle.pid)
        if (run.non2xx > 0) throw new Error(`${key}: ${run.non2xx} answers were not 2xx`)
        const us = (((after - before) / ticks) * 1e6) / run.requests
        ;(results[key] ??= []).push(us)
        ;(rps[key] ??= []).push(run.rps)
        console.log(`round ${round} ${key}: ${us.toFixed(1)} µs/request, ${Math.round(run.rps)} req/s`)
      }
    } finally {
      await handle.stop()
    }
  }
}

console.log(
  '\n| route | Brisk CPU µs/req | Fastify CPU µs/req | Brisk × Fastify | Brisk req/s | Fastify req/s |',
)
console.log('|---|---|---|---|---|---|')
for (const path of ROUTES) {
  const b = median(results[`${path} brisk`])
  const f = median(results[`${path} fastify`])
  console.log(
    `| \`POST ${path}\` | ${b.toFixed(1)} | ${f.toFixed(1)} | ${(b / f).toFixed(2)}× | ${Math.round(median(rps[`${path} brisk`]))} | ${Math.round(median(rps[`${path} fastify`]))} |`,
  )
}
