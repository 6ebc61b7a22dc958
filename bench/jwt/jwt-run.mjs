/**
 * The JWT benchmark: CPU per request of a JWT-protected route on Brisk (@brisk/jwt) and on Fastify
 * (@fastify/jwt), HS256 and ES256, side by side in one run. Each server is pinned to core 0 and wrk to core 1
 * (as bench/run.mjs does); every request carries the same valid token, as a client between two logins does.
 *
 *   node bench/jwt/jwt-run.mjs [--rounds 3] [--duration 5] [--connections 50]
 *
 * Needs wrk and taskset (bench/scripts/ensure-tools.sh) and @brisk/core and @brisk/jwt built.
 */
import { spawn, spawnSync } from 'node:child_process'
import { createServer } from 'node:net'
import { fileURLToPath } from 'node:url'
import { clockTicksPerSecond, cpuTicks } from '../lib/proc.mjs'
import { es256Pair } from './keys.mjs'

const args = process.argv.slice(2)
const option = (name, fallback) => {
  const i = args.indexOf(`--${name}`)
  return i === -1 ? fallback : Number(args[i + 1])
}
const rounds = option('rounds', 3)
const duration = option('duration', 5)
const connections = option('connections', 50)
const here = (file) => fileURLToPath(new URL(file, import.meta.url))
const servers = [
  ['Brisk + @brisk/jwt', here('./jwt-brisk.mjs'), {}],
  ['Brisk + @brisk/jwt, cacheSize: 0', here('./jwt-brisk.mjs'), { CACHE: '0' }],
  ['Fastify + @fastify/jwt', here('./jwt-fastify.mjs'), {}],
  ['Fastify + @fastify/jwt, cache: true', here('./jwt-fastify.mjs'), { CACHE: '1' }],
]
const pair = es256Pair()
const hz = clockTicksPerSecond()

function freePort() {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address()
      s.close(() => resolve(port))
    })
  })
}

async function start(file, alg, extraEnv) {
  const port = await freePort()
  const child = spawn('taskset', ['-c', '0', process.execPath, file], {
    env: {
      ...process.env,
      PORT: String(port),
      ALG: alg,
      ES256_PRIVATE: pair.privateKey,
      ES256_PUBLIC: pair.publicKey,
      NODE_ENV: 'production',
      ...extraEnv,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  let out = ''
  const token = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${file} not ready: ${out}`)), 20_000)
    child.stdout.on('data', (chunk) => {
      out += chunk
      const match = /token (\S+)\nready/.exec(out)
      if (match) {
        clearTimeout(timer)
        resolve(match[1])
      }
    })
    child.once('exit', () => reject(new Error(`${file} exited: ${out}`)))
  })
  return { child, port, token }
}

function wrk(url, token, seconds) {
  const res = spawnSync(
    'taskset',
    [
      '-c',
      '1',
      'wrk',
      '-t1',
      `-c${connections}`,
      `-d${seconds}s`,
      '-H',
      `authorization: Bearer ${token}`,
      url,
    ],
    { encoding: 'utf8' },
  )
  const requests = Number(/(\d+) requests in/.exec(res.stdout)?.[1] ?? 0)
  const non2xx = Number(/Non-2xx or 3xx responses: (\d+)/.exec(res.stdout)?.[1] ?? 0)
  return { requests, non2xx, rps: Number(/Requests\/sec:\s+([\d.]+)/.exec(res.stdout)?.[1] ?? 0) }
}

const results = {}
for (let round = 0; round < rounds; round++) {
  for (const alg of ['HS256', 'ES256']) {
    for (const [name, file, extraEnv] of servers) {
      const { child, port, token } = await start(file, alg, extraEnv)
      const url = `http://127.0.0.1:${port}/protected`
      const check = await fetch(url, { headers: { authorization: `Bearer ${token}` } })
      const refused = await fetch(url)
      if (check.status !== 200 || refused.status !== 401)
        throw new Error(`${name} ${alg}: ${check.status}/${refused.status}`)
      wrk(url, token, 1) // warm-up
      const before = cpuTicks(child.pid)
      const run = wrk(url, token, duration)
      await new Promise((r) => setTimeout(r, 200))
      const used = cpuTicks(child.pid) - before
      if (run.non2xx > 0) throw new Error(`${name} ${alg}: ${run.non2xx} answers were not 2xx`)
      const us = (used / hz / run.requests) * 1e6
      ;(results[`${alg} ${name}`] ??= []).push({ us, rps: run.rps })
      child.kill('SIGTERM')
      await new Promise((r) => child.once('exit', r))
    }
  }
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
console.log(
  `\n${rounds} rounds × ${duration} s, wrk -c${connections}, Node ${process.version}; medians (min–max)\n`,
)
console.log('| route | server | CPU µs/request | × Fastify | req/s |')
console.log('|---|---|---:|---:|---:|')
for (const alg of ['HS256', 'ES256']) {
  const fastify = median(results[`${alg} Fastify + @fastify/jwt`].map((r) => r.us))
  for (const [name] of servers) {
    const rs = results[`${alg} ${name}`]
    const us = rs.map((r) => r.us)
    const m = median(us)
    console.log(
      `| GET /protected (${alg}) | ${name} | ${m.toFixed(1)} (${Math.min(...us).toFixed(1)}–${Math.max(...us).toFixed(1)}) | ${(m / fastify).toFixed(2)}× | ${Math.round(median(rs.map((r) => r.rps)))} |`,
    )
  }
}
