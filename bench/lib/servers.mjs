/**
 * The servers under test: every `servers/*.mjs` file not starting with `_`. Each exports
 * `framework = { name, package }` and `scenarios` (the names of the scenarios it implements), optionally
 * `runtime` (`'node'`, the default, `'bun'` or `'deno'`), and listens on `PORT` and prints `ready` when it is
 * run as a program. This module finds them, starts one as a child process on its runtime (pinned to a core),
 * and measures its cold start and idle memory on the way.
 */
import { spawn } from 'node:child_process'
import { readdirSync, readFileSync } from 'node:fs'
import { request } from 'node:http'
import { createServer } from 'node:net'
import { performance } from 'node:perf_hooks'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { rssKiB } from './proc.mjs'
import { RUNTIMES, runtimeCommand } from './runtimes.mjs'

const DIR = fileURLToPath(new URL('../servers/', import.meta.url))
const BENCH = fileURLToPath(new URL('..', import.meta.url))

/** The table's column order; servers not named here follow in name order. */
const ORDER = [
  'node-http',
  'brisk',
  'brisk-node',
  'brisk-fetch',
  'fastify',
  'hono',
  'express',
  'koa',
  'brisk-bun',
  'hono-bun',
  'elysia-bun',
  'brisk-deno',
  'hono-deno',
]

/** Loads what each server declares (importing a server file does not start it). */
export async function loadServers(dir = DIR) {
  const files = readdirSync(dir).filter((f) => f.endsWith('.mjs') && !f.startsWith('_'))
  const list = []
  for (const file of files) {
    const name = file.slice(0, -'.mjs'.length)
    let mod
    try {
      mod = await import(pathToFileURL(`${dir}/${file}`).href)
    } catch (error) {
      throw new Error(`servers/${file} does not load (is @brisk/core built?): ${error.message}`)
    }
    if (!Array.isArray(mod.scenarios) || typeof mod.framework?.name !== 'string') {
      throw new Error(`servers/${file} must export framework = { name, package } and scenarios = [names]`)
    }
    const runtime = mod.runtime ?? 'node'
    if (!Object.hasOwn(RUNTIMES, runtime)) {
      throw new Error(
        `servers/${file} exports runtime "${runtime}": it must be one of ${Object.keys(RUNTIMES).join(', ')}`,
      )
    }
    const pkg = mod.framework.package
    list.push({
      name,
      file: `${dir}/${file}`,
      title: mod.framework.name,
      package: pkg,
      version: versionOf(pkg),
      scenarios: mod.scenarios,
      runtime,
    })
  }
  const rank = (s) => (ORDER.includes(s.name) ? ORDER.indexOf(s.name) : ORDER.length)
  list.sort((a, b) => rank(a) - rank(b) || a.name.localeCompare(b.name))
  return list
}

/** The installed version of a package the bench depends on (node's own for `node:*`). */
export function versionOf(pkg) {
  if (pkg === undefined) return ''
  if (pkg.startsWith('node:')) return process.version.slice(1)
  try {
    return JSON.parse(readFileSync(`${BENCH}/node_modules/${pkg}/package.json`, 'utf8')).version
  } catch {
    return '?'
  }
}

/** A free loopback port (the kernel's choice). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const probe = createServer()
    probe.once('error', reject)
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address()
      probe.close(() => resolve(port))
    })
  })
}

/** One request over a fresh connection; resolves with the status, or rejects on a socket error. */
function probe(port, scenario) {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        method: scenario.method,
        path: scenario.path,
        headers: scenario.headers,
        agent: false,
      },
      (res) => {
        res.resume()
        res.on('end', () => resolve(res.statusCode))
        res.on('error', reject)
      },
    )
    req.setTimeout(2000, () => req.destroy(new Error('probe timed out')))
    req.on('error', reject)
    req.end(scenario.body)
  })
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

/**
 * Starts `server` on a free port with its runtime's binary (node, bun or deno), pinned to `cpu` with taskset
 * (which execs that binary, so the child's pid is the server's), waits for `ready`, reads the idle RSS, then
 * sends `first` (a scenario) until it succeeds.
 * Resolves with a handle: `{ pid, url, readyMs, coldStartMs, idleRssKiB, stop(), exited, log() }`.
 *
 * @example
 * const handle = await startServer(server, { cpu: 0, first: scenarios[0] })
 * await handle.stop()
 */
export async function startServer(server, { cpu, first, timeoutMs = 20_000 } = {}) {
  const port = await freePort()
  const run = runtimeCommand(server.runtime ?? 'node', server.file)
  const [command, args] =
    cpu === undefined ? [run.command, run.args] : ['taskset', ['-c', String(cpu), run.command, ...run.args]]
  const env = { ...process.env, ...run.env, PORT: String(port), NODE_ENV: 'production' }
  const t0 = performance.now()
  const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] })
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
  child.stderr.on('data', (chunk) => {
    log += chunk
  })

  const stop = async () => {
    if (exitInfo === null) {
      child.kill('SIGTERM')
      const timer = setTimeout(() => child.kill('SIGKILL'), 3000)
      await exited
      clearTimeout(timer)
    }
  }

  try {
    const readyMs = await new Promise((resolve, reject) => {
      let buffered = ''
      const timer = setTimeout(() => reject(new Error(`no "ready" within ${timeoutMs} ms`)), timeoutMs)
      child.stdout.on('data', (chunk) => {
        buffered += chunk
        log += chunk
        if (/^ready\b/m.test(buffered)) {
          clearTimeout(timer)
          resolve(performance.now() - t0)
        }
      })
      exited.then((info) => {
        clearTimeout(timer)
        reject(new Error(`exited (${info.signal ?? `code ${info.code}`}) before "ready"`))
      })
    })
    const idleRssKiB = rssKiB(child.pid)
    let coldStartMs = Number.NaN
    if (first !== undefined) {
      for (;;) {
        try {
          const status = await probe(port, first)
          if (status >= 200 && status < 400) {
            coldStartMs = performance.now() - t0
            break
          }
        } catch {
          // not answering yet: try again below
        }
        if (exitInfo !== null) throw new Error('exited before its first answer')
        if (performance.now() - t0 > timeoutMs) throw new Error(`no successful answer within ${timeoutMs} ms`)
        await sleep(5)
      }
    }
    return {
      pid: child.pid,
      url: `http://127.0.0.1:${port}`,
      readyMs,
      coldStartMs,
      idleRssKiB,
      stop,
      exited,
      log: () => log,
    }
  } catch (error) {
    await stop()
    throw new Error(`${server.name}: ${error.message}${log ? `\n--- its output ---\n${log.trim()}` : ''}`)
  }
}
