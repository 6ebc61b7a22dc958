/**
 * The session benchmark: `GET /session/visits` (read the session, count, write it back) on Brisk with
 * @brisk/session and on Fastify with @fastify/session + @fastify/cookie, with each one's memory store and with
 * Redis, in one run. Each figure is the server's CPU time per request (from /proc, all threads), median over
 * rounds, as in run.mjs. Every connection of wrk sends the cookie of one session established first, as a
 * logged-in browser would.
 *
 *   node bench/session/session-run.mjs [--rounds 3] [--duration 5] [--connections 50]
 *
 * Needs wrk, taskset, redis-server, and @brisk/core and @brisk/session built.
 */
import { spawn } from 'node:child_process'
import { createServer } from 'node:net'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { clockTicksPerSecond, cpuTicks } from '../lib/proc.mjs'
import { startServer } from '../lib/servers.mjs'
import { median } from '../lib/stats.mjs'
import { runWrk } from '../lib/wrk.mjs'

const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '3' },
    duration: { type: 'string', default: '5' },
    connections: { type: 'string', default: '50' },
  },
})
const rounds = Number(values.rounds)
const duration = Number(values.duration)
const connections = Number(values.connections)
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address()
      server.close(() => resolve(port))
    })
  })
}

async function startRedis() {
  const port = await freePort()
  const child = spawn(
    'taskset',
    [
      '-c',
      '1',
      'redis-server',
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
    ],
    { stdio: 'ignore' },
  )
  for (let i = 0; i < 200; i++) {
    const up = await new Promise((resolve) => {
      const socket = createServer().listen(port, '127.0.0.1')
      socket.once('listening', () => socket.close(() => resolve(false)))
      socket.once('error', () => resolve(true)) // taken: redis listens
    })
    if (up) break
    await sleep(25)
  }
  return { url: `redis://127.0.0.1:${port}`, stop: () => child.kill('SIGKILL') }
}

const SERVERS = [
  { name: 'brisk', file: fileURLToPath(new URL('./session-brisk.mjs', import.meta.url)) },
  { name: 'fastify', file: fileURLToPath(new URL('./session-fastify.mjs', import.meta.url)) },
]
const STORES = ['memory', 'redis']

const redis = await startRedis()
process.env.REDIS_URL = redis.url
const ticks = clockTicksPerSecond()
const results = {} // `${store} ${server}` → [cpu µs per request]
const rps = {}
try {
  for (let round = 1; round <= rounds; round++) {
    for (const store of STORES) {
      process.env.STORE = store
      for (const server of SERVERS) {
        const key = `${store} ${server.name}`
        const handle = await startServer(server, { cpu: 0 })
        try {
          const first = await fetch(`${handle.url}/session/visits`)
          const line = first.headers.getSetCookie().find((l) => l.startsWith('sid='))
          if (first.status !== 200 || line === undefined) throw new Error(`${key}: no session cookie`)
          const cookie = line.slice(0, line.indexOf(';'))
          const scenario = { path: '/session/visits', headers: { cookie } }
          await runWrk(scenario, handle.url, { duration: 2, connections, cpu: 1 }) // warm-up
          await sleep(300)
          const before = cpuTicks(handle.pid)
          const run = await runWrk(scenario, handle.url, { duration, connections, cpu: 1 })
          await sleep(300)
          const after = cpuTicks(handle.pid)
          if (run.non2xx > 0) throw new Error(`${key}: ${run.non2xx} answers were not 2xx`)
          const check = await (await fetch(`${handle.url}/session/visits`, { headers: { cookie } })).json()
          if (!(check.visits > 1))
            throw new Error(`${key}: the session did not count (${JSON.stringify(check)})`)
          const us = (((after - before) / ticks) * 1e6) / run.requests
          ;(results[key] ??= []).push(us)
          ;(rps[key] ??= []).push(run.rps)
          console.log(`round ${round} ${key}: ${us.toFixed(1)} µs/request, ${Math.round(run.rps)} req/s`)
        } finally {
          await handle.stop()
        }
      }
    }
  }
} finally {
  redis.stop()
}

console.log(
  '\n| store | Brisk CPU µs/req | Fastify CPU µs/req | Brisk × Fastify | Brisk req/s | Fastify req/s |',
)
console.log('|---|---|---|---|---|---|')
for (const store of STORES) {
  const b = median(results[`${store} brisk`])
  const f = median(results[`${store} fastify`])
  console.log(
    `| ${store} | ${b.toFixed(1)} | ${f.toFixed(1)} | ${(b / f).toFixed(2)}× | ${Math.round(median(rps[`${store} brisk`]))} | ${Math.round(median(rps[`${store} fastify`]))} |`,
  )
}
