/**
 * The three servers of the showcase benchmark, started as their users start them, each in a process group
 * of its own: Brisk's showcase (`node --import tsx src/main.ts` in examples/showcase), its Fastify twin
 * (`node bench/showcase/twin/main.mjs`) and the `node:net` floor. Starting one measures its cold start
 * (spawn → first 200 from `GET /health` on a fresh connection) and its idle memory (all its processes).
 */
import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { request } from 'node:http'
import { performance } from 'node:perf_hooks'
import { fileURLToPath } from 'node:url'
import { freePort } from '../../lib/servers.mjs'
import { JWT_SECRET, ORIGIN } from './mix.mjs'
import { treePids, treeRssKiB } from './tree.mjs'

const here = (path) => fileURLToPath(new URL(path, import.meta.url))

/** The servers, by name: how each is run, and its column's title. */
export const APPS = {
  brisk: {
    title: 'Brisk showcase',
    command: [process.execPath, '--import', 'tsx', 'src/main.ts'],
    cwd: here('../../../examples/showcase/'),
  },
  twin: {
    title: 'Fastify twin',
    command: [process.execPath, here('../twin/main.mjs')],
    cwd: here('../twin/'),
  },
  floor: {
    title: 'node:net floor',
    command: [process.execPath, here('../floor.mjs')],
    cwd: here('../'),
  },
}

/**
 * Whether the app's entry file is there (the twin may not be, in a checkout that predates it).
 *
 * @example
 * appPresent('twin') // true once bench/showcase/twin/main.mjs exists
 */
export function appPresent(name) {
  const app = APPS[name]
  return existsSync(
    app.command.at(-1).startsWith('/') ? app.command.at(-1) : `${app.cwd}/${app.command.at(-1)}`,
  )
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

/** One GET on a fresh connection; resolves with the status, rejects on a socket error. */
function probe(port, path) {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, agent: false }, (res) => {
      res.resume()
      res.on('end', () => resolve(res.statusCode))
      res.on('error', reject)
    })
    req.setTimeout(2000, () => req.destroy(new Error('probe timed out')))
    req.on('error', reject)
    req.end()
  })
}

/**
 * Starts app `name` on a free loopback port with `workers` workers (and Redis at `redisUrl`, if given), pinned
 * to `cpus` (a taskset list such as `0` or `0,1`). Resolves once `GET /health` answers 200 and every worker
 * process is there, with a handle:
 * `{ name, pid, url, coldStartMs, idleRssKiB, processes, stop(), log() }`.
 *
 * @example
 * const app = await startApp('brisk', { workers: 1, cpus: '0' })
 * await app.stop()
 */
export async function startApp(name, { workers = 1, redisUrl, cpus, env = {}, timeoutMs = 30_000 } = {}) {
  const app = APPS[name]
  const port = await freePort()
  const [command, ...args] = cpus === undefined ? app.command : ['taskset', '-c', cpus, ...app.command]
  const fullEnv = {
    ...process.env,
    PORT: String(port),
    HOST: '127.0.0.1',
    WORKERS: String(workers),
    JWT_SECRET,
    CORS_ORIGINS: ORIGIN,
    NODE_ENV: 'production',
    ...env,
  }
  if (redisUrl === undefined) delete fullEnv.REDIS_URL
  else fullEnv.REDIS_URL = redisUrl
  const t0 = performance.now()
  // A group of its own, so that stopping it reaches the workers too (taskset execs node: the pid is node's).
  const child = spawn(command, args, {
    cwd: app.cwd,
    env: fullEnv,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let log = ''
  let exitInfo = null
  const exited = new Promise((resolve) => {
    child.on('exit', (code, signal) => {
      exitInfo = { code, signal }
      resolve(exitInfo)
    })
  })
  child.on('error', (error) => {
    log += `\n${error.message}`
  })
  child.stdout.on('data', (chunk) => {
    log += chunk
  })
  child.stderr.on('data', (chunk) => {
    log += chunk
  })
  const stop = async () => {
    if (exitInfo !== null) return
    try {
      process.kill(-child.pid, 'SIGTERM')
    } catch {}
    const timer = setTimeout(() => {
      try {
        process.kill(-child.pid, 'SIGKILL')
      } catch {}
    }, 5000)
    await exited
    clearTimeout(timer)
  }
  running.add(stop)
  const handle = { name, title: app.title, pid: child.pid, url: `http://127.0.0.1:${port}`, log: () => log }
  handle.stop = async () => {
    running.delete(stop)
    await stop()
  }
  try {
    for (;;) {
      try {
        if ((await probe(port, '/health')) === 200) break
      } catch {
        // not listening yet
      }
      if (exitInfo !== null) throw new Error(`exited (${exitInfo.signal ?? `code ${exitInfo.code}`})`)
      if (performance.now() - t0 > timeoutMs) throw new Error(`no 200 from /health within ${timeoutMs} ms`)
      await sleep(5)
    }
    handle.coldStartMs = performance.now() - t0
    // With workers, /health answers once the first listens: wait for all of them (a primary and its workers).
    const expected = workers > 1 ? workers + 1 : 1
    while (treePids(child.pid).length < expected) {
      if (performance.now() - t0 > timeoutMs) throw new Error(`fewer than ${expected} processes`)
      await sleep(20)
    }
    await sleep(workers > 1 ? 1000 : 300)
    const rss = treeRssKiB(child.pid)
    handle.idleRssKiB = rss.kib
    handle.processes = rss.processes
    return handle
  } catch (error) {
    await handle.stop()
    throw new Error(`${name}: ${error.message}${log ? `\n--- its output ---\n${log.trim()}` : ''}`)
  }
}

/** Every app still running, stopped when the runner stops: none is left behind. */
const running = new Set()

/**
 * Stops every app this process started and has not stopped yet.
 *
 * @example
 * after(() => stopAll())
 */
export async function stopAll() {
  await Promise.all([...running].map((stop) => stop()))
}

process.once('exit', () => {
  for (const stop of running) stop()
})
