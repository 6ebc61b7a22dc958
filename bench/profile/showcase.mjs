/**
 * Starting examples/showcase for profiling and A/B runs, logging in, and loading it with wrk and
 * `mix.lua`. Used by `profile.mjs` and `ab.mjs`.
 */
import { spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { clockTicksPerSecond, cpuTicks } from '../lib/proc.mjs'
import { freePort } from '../lib/servers.mjs'
import { parseWrk } from '../lib/wrk.mjs'

export const SHOWCASE = fileURLToPath(new URL('../../examples/showcase/', import.meta.url))
const MIX = fileURLToPath(new URL('./mix.lua', import.meta.url))
const HOOK = fileURLToPath(new URL('./cpu-hook.mjs', import.meta.url))

/** The routes `mix.lua` knows, one by one, then the mix of them all. */
export const ROUTES = [
  'page',
  'hello',
  'create',
  'session',
  'preflight',
  'list',
  'show',
  'me',
  'missing',
  'mix',
]

/** A 32-byte secret, so the app starts without its development-secret warning. */
export const SECRET = 'perf-profile-secret-0123456789abcdef'

/**
 * Starts the showcase on a free port: from its sources through tsx (`entry` undefined: the packages' `source`
 * condition, so profiles name the .ts files) or from a bundle made by `bundle.mjs`. Pinned to `cpu` when given.
 *
 * @example
 * const server = await startShowcase({ cpu: 0 }); …; await server.stop()
 */
export async function startShowcase({ entry, cpu, profileOut, workers = 1, env = {} } = {}) {
  const port = await freePort()
  const nodeArgs = []
  if (profileOut !== undefined) nodeArgs.push('--import', HOOK)
  if (entry === undefined) nodeArgs.push('--conditions=source', '--import', 'tsx', 'src/main.ts')
  else nodeArgs.push(entry)
  const [command, argv] =
    cpu === undefined
      ? [process.execPath, nodeArgs]
      : ['taskset', ['-c', String(cpu), process.execPath, ...nodeArgs]]
  const child = spawn(command, argv, {
    cwd: SHOWCASE,
    env: {
      ...process.env,
      ...env,
      PORT: String(port),
      HOST: '127.0.0.1',
      NODE_ENV: 'production',
      JWT_SECRET: SECRET,
      WORKERS: String(workers),
      BRISK_PROFILE_OUT: profileOut ?? '',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let out = ''
  child.stdout.on('data', (c) => {
    out += c
  })
  child.stderr.on('data', (c) => {
    out += c
  })
  const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })))
  const deadline = Date.now() + 30_000
  while (!out.includes('showcase: listening on')) {
    if (child.exitCode !== null) throw new Error(`the showcase exited with ${child.exitCode}:\n${out}`)
    if (Date.now() > deadline) {
      child.kill('SIGKILL')
      throw new Error(`the showcase did not start in 30 s:\n${out}`)
    }
    await new Promise((r) => setTimeout(r, 50))
  }
  const base = `http://127.0.0.1:${port}`
  return {
    pid: child.pid,
    base,
    /** All the output so far. */
    output: () => out,
    /** Waits for a line of output (e.g. `profile written`) after `from` characters. */
    async waitFor(text, from = 0, ms = 20_000) {
      const until = Date.now() + ms
      while (!out.slice(from).includes(text)) {
        if (Date.now() > until) throw new Error(`no "${text}" from the showcase:\n${out}`)
        await new Promise((r) => setTimeout(r, 50))
      }
    },
    signal: (name) => child.kill(name),
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM')
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000)
      await exited
      clearTimeout(timer)
    },
  }
}

/** The server's process and its children (the workers, with `workers` > 1), whose CPU time is summed. */
export function processTree(pid) {
  const pids = [pid]
  try {
    const children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim()
    for (const child of children.split(/\s+/)) if (child !== '') pids.push(Number(child))
  } catch {}
  return pids
}

/** CPU time (µs) used so far by `pids` together. */
export function cpuMicros(pids) {
  let ticks = 0
  for (const pid of pids) ticks += cpuTicks(pid)
  return (ticks * 1e6) / clockTicksPerSecond()
}

/**
 * Logs in as alice `logins` times (the first access token, with books:write, and every refresh token) and
 * opens a session (its `sid=…` cookie). Each login costs an scrypt (about 50 ms).
 *
 * @example
 * const { token, cookie, refresh } = await credentials('http://127.0.0.1:8000', { logins: 32 })
 */
export async function credentials(base, { logins = 1 } = {}) {
  const login = async () => {
    const auth = await fetch(`${base}/auth`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'alice', password: 'wonderland' }),
    })
    if (auth.status !== 200) throw new Error(`POST /auth answered ${auth.status}`)
    return await auth.json()
  }
  const pairs = []
  for (let i = 0; i < logins; i++) pairs.push(await login())
  const token = pairs[0].access_token
  const refresh = pairs.map((p) => p.refresh_token)
  const visit = await fetch(`${base}/session/visits`)
  const setCookie = visit.headers.get('set-cookie') ?? ''
  const cookie = /^(sid=[^;]+)/.exec(setCookie)?.[1]
  if (cookie === undefined) throw new Error(`GET /session/visits set no sid cookie: ${setCookie}`)
  return { token, cookie, refresh }
}

/**
 * wrk's figures with `p99Ms` of the latencies wrk recorded (mix.lua's `LATENCY` line: wrk's after-the-run
 * correction undone, see bench/showcase/README.md, "The figures"); wrk's printed p99 stays as `wrkP99Ms`.
 * Without the line (no latency recorded), `p99Ms` is NaN.
 *
 * @example
 * withRecordedLatency({ p99Ms: 0 }, 'LATENCY {"count":900,"p50":2100,"p99":8450}\n').p99Ms // 8.45
 */
export function withRecordedLatency(figures, output) {
  const m = /^LATENCY (\{.*\})\s*$/m.exec(output)
  const recorded = m === null ? undefined : JSON.parse(m[1])
  return {
    ...figures,
    wrkP99Ms: figures.p99Ms,
    p99Ms: recorded === undefined ? Number.NaN : recorded.p99 / 1000,
    p50Ms: recorded === undefined ? Number.NaN : recorded.p50 / 1000,
    output,
  }
}

/**
 * Runs wrk with `mix.lua` on `route` for `duration` seconds (pinned to `cpu` when given) and parses its report.
 *
 * @example
 * const r = await wrkRoute(base, 'page', creds, { duration: 3, connections: 50, cpu: 1 })
 */
export function wrkRoute(
  base,
  route,
  { token, cookie, refresh = [] },
  { duration, connections = 50, cpu, pipeline = 1 },
) {
  // A refresh token is single-use: refreshes alone use one connection per token, so none is sent as a `me`.
  if (route === 'refresh' && refresh.length > 0) connections = Math.min(connections, refresh.length)
  const args = ['-t1', `-c${connections}`, `-d${duration}s`, '--timeout', '10s', '--latency', '-s', MIX, base]
  args.push('--', route, token, cookie, 'http://localhost:5173', refresh.join(','), String(pipeline))
  args.push(String(connections))
  const [command, argv] = cpu === undefined ? ['wrk', args] : ['taskset', ['-c', String(cpu), 'wrk', ...args]]
  return new Promise((resolve, reject) => {
    const child = spawn(command, argv, { stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    child.stdout.on('data', (c) => {
      out += c
    })
    child.stderr.on('data', (c) => {
      out += c
    })
    const timer = setTimeout(() => child.kill('SIGKILL'), (duration + 30) * 1000)
    child.on('close', (code) => {
      clearTimeout(timer)
      if (code !== 0) return reject(new Error(`wrk exited with ${code}:\n${out}`))
      try {
        resolve(withRecordedLatency(parseWrk(out), out))
      } catch (error) {
        reject(error)
      }
    })
  })
}

/** The 1, 5 and 15-minute load averages, as /proc/loadavg says. */
export function loadAverage() {
  return readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')
}
