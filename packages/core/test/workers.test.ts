/**
 * Real processes: the fixture app is started with `node`, as users run it, against the built core.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { afterEach, describe, expect, it } from 'vitest'
import { getURL } from './_helpers'

const fixture = fileURLToPath(new URL('./fixtures/workers-app.mjs', import.meta.url))
const running: ChildProcess[] = []

afterEach(() => {
  for (const child of running.splice(0)) if (child.exitCode === null) child.kill('SIGKILL')
})

interface Started {
  child: ChildProcess
  url: string
  output: () => string
  exited: Promise<number | null>
}

async function start(env: Record<string, string>): Promise<Started> {
  const child = spawn(process.execPath, [fixture], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  running.push(child)
  let out = ''
  child.stdout!.on('data', (chunk: Buffer) => {
    out += chunk.toString()
  })
  child.stderr!.on('data', (chunk: Buffer) => {
    out += chunk.toString()
  })
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no "listening" line in 15 s; output:\n${out}`)), 15_000)
    const check = (): void => {
      const match = /listening (http:\/\/\S+)/.exec(out)
      if (match) {
        clearTimeout(timer)
        resolve(match[1]!)
      }
    }
    child.stdout!.on('data', check)
    child.once('exit', () => reject(new Error(`exited before listening:\n${out}`)))
  })
  return { child, url, output: () => out, exited }
}

/** One request on a new connection, so the cluster may hand it to any worker. */
async function get(url: string, timeout = 10_000): Promise<{ status: number; body: any }> {
  const res = await getURL(url, timeout)
  return { status: res.status, body: JSON.parse(res.body) }
}

/**
 * A client that retries once: node's cluster may hand a just-accepted connection to a worker in the very
 * moment it dies, and that connection is lost (the contract allows a connection accepted but not read to fail).
 */
async function getRetry(url: string): Promise<{ status: number; body: any }> {
  try {
    return await get(url, 2_000)
  } catch {
    return get(url, 5_000)
  }
}

async function pids(url: string, n: number): Promise<Set<number>> {
  const seen = new Set<number>()
  for (let i = 0; i < n; i++) seen.add((await getRetry(`${url}/pid`)).body.pid)
  return seen
}

describe('listen({ workers })', () => {
  it('serves from several worker processes on one port, survives a killed worker, and drains on SIGTERM', async () => {
    const app = await start({ WORKERS: '3', SLOW_MS: '1500' })
    const first = await pids(app.url, 30)
    expect(first.size).toBeGreaterThanOrEqual(2)
    expect(first.has(app.child.pid!)).toBe(false) // the primary serves nothing

    // Kill one worker outright: the others keep answering, and a new worker replaces it within 5 s.
    const victim = [...first][0]!
    process.kill(victim, 'SIGKILL')
    for (let i = 0; i < 10; i++) expect((await getRetry(`${app.url}/pid`)).status).toBe(200)
    const deadline = Date.now() + 5_000
    let replaced = false
    while (Date.now() < deadline && !replaced) {
      const now = await pids(app.url, 12)
      replaced = [...now].some((pid) => !first.has(pid))
      if (!replaced) await new Promise((resolve) => setTimeout(resolve, 200))
    }
    expect(replaced).toBe(true)

    // A slow request in flight when SIGTERM arrives still gets its answer; then everything exits 0.
    const slow = get(`${app.url}/slow`)
    await new Promise((resolve) => setTimeout(resolve, 300))
    app.child.kill('SIGTERM')
    expect(await slow).toMatchObject({ status: 200, body: { done: true } })
    expect(await app.exited).toBe(0)
    const out = app.output()
    expect(out.match(/mainStart/g)).toHaveLength(1)
    expect(out.match(/mainStop/g)).toHaveLength(1)
    expect(out.match(/afterStop/g)!.length).toBeGreaterThanOrEqual(3) // every live worker ran its stop listeners
    expect(out.match(/beforeStart/g)!.length).toBeGreaterThanOrEqual(4) // 3 workers and the replacement
  }, 40_000)

  it('drains a slow request on SIGTERM in a single process, runs the stop listeners, and exits 0', async () => {
    const app = await start({ WORKERS: '1', SLOW_MS: '800' })
    const slow = get(`${app.url}/slow`)
    await new Promise((resolve) => setTimeout(resolve, 200))
    app.child.kill('SIGTERM')
    expect(await slow).toMatchObject({ status: 200, body: { done: true, pid: app.child.pid } })
    expect(await app.exited).toBe(0)
    const out = app.output()
    expect(out).toMatch(/mainStart/)
    expect(out).toMatch(/afterStop/)
    expect(out).toMatch(/mainStop/)
  }, 20_000)

  it('exits 0 on SIGINT too', async () => {
    const app = await start({ WORKERS: '2' })
    app.child.kill('SIGINT')
    expect(await app.exited).toBe(0)
  }, 20_000)
})
