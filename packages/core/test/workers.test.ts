/**
 * Real processes and real signals: the fixture app is started with `node` (or `brisk serve`), as users run
 * it, against the built core. Each process is spawned `detached`, so it leads its own process group and a
 * test can signal the whole group, as a terminal's Ctrl-C or systemd's stop does.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createServer, type Server } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterEach, describe, expect, it } from 'vitest'
import { getURL } from './_helpers'

const fixture = fileURLToPath(new URL('./fixtures/workers-app.mjs', import.meta.url))
const cli = fileURLToPath(new URL('../dist/cli.js', import.meta.url))
const running: ChildProcess[] = []
const cleanups: (() => void)[] = []

afterEach(() => {
  for (const child of running.splice(0)) {
    // The whole group: a test that failed half-way must not leave workers behind.
    if (child.exitCode === null && child.signalCode === null) killGroup(child, 'SIGKILL')
  }
  for (const cleanup of cleanups.splice(0)) cleanup()
})

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    process.kill(-child.pid!, signal)
  } catch {} // already gone
}

interface Started {
  child: ChildProcess
  output: () => string
  /** Resolves with the exit code, or the signal's name; rejects after 15 s. */
  exited: Promise<number | string>
  /** Every pid the process printed with a line that starts with `word` (the fixture's hooks print them). */
  pids: (word: string) => number[]
}

/** Runs the fixture as a script (`node workers-app.mjs`), or under `brisk serve` when `args` are given. */
function launch(env: Record<string, string>, args?: string[]): Started {
  const clean = { ...process.env }
  for (const name of ['PORT', 'WORKERS', 'BRISK_WORKER', 'NODE_ENV', 'LISTEN', 'FAIL', 'STATIC', 'FAIL_IF'])
    delete clean[name]
  const argv = args === undefined ? [fixture] : [cli, 'serve', fixture, ...args]
  const child = spawn(process.execPath, argv, {
    env: { ...clean, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  })
  running.push(child)
  let out = ''
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    out += chunk
  })
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
    out += chunk
  })
  const exited = new Promise<number | string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`still running after 15 s; output:\n${out}`)), 15_000)
    child.once('exit', (code, signal) => {
      clearTimeout(timer)
      resolve(code ?? signal ?? 'unknown')
    })
  })
  exited.catch(() => {}) // awaited by the tests that care; the others must not see an unhandled rejection
  const pids = (word: string): number[] =>
    [...out.matchAll(new RegExp(`^${word} (\\d+)$`, 'gm'))].map((match) => Number(match[1]))
  return { child, output: () => out, exited, pids }
}

/** {@link launch}, then waits for the "listening" line (the fixture's own, or the CLI's). */
async function start(env: Record<string, string>, args?: string[]): Promise<Started & { url: string }> {
  const app = launch(env, args)
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`not listening in 15 s; output:\n${app.output()}`)),
      15_000,
    )
    const check = (): void => {
      const match = /listening (?:on )?(http:\/\/\S+)/.exec(app.output())
      if (match) {
        clearTimeout(timer)
        resolve(match[1]!)
      }
    }
    app.child.stdout!.on('data', check)
    app.child.once('exit', () => reject(new Error(`exited before listening:\n${app.output()}`)))
  })
  return { ...app, url }
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

async function pidsServing(url: string, n: number): Promise<Set<number>> {
  const seen = new Set<number>()
  for (let i = 0; i < n; i++) seen.add((await getRetry(`${url}/pid`)).body.pid)
  return seen
}

async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  await new Promise((resolve) => server.close(resolve))
  return port
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

/** The pids that are still running 2 s from now at the latest (an exiting process may take a moment). */
async function leftovers(pids: number[]): Promise<number[]> {
  const deadline = Date.now() + 2_000
  while (pids.some(alive) && Date.now() < deadline) await sleep(50)
  return pids.filter(alive)
}

/**
 * Four slow requests (two per worker, round-robin), each started in its worker (the fixture prints "slow <pid>"
 * as a handler begins) before this resolves: the drain must answer every one of them.
 */
async function inFlight(app: Started & { url: string }): Promise<Promise<{ status: number; body: any }>[]> {
  const before = app.pids('slow').length
  const slow = Array.from({ length: 4 }, () => get(`${app.url}/slow`))
  const deadline = Date.now() + 5_000
  while (app.pids('slow').length < before + 4 && Date.now() < deadline) await sleep(20)
  expect(app.pids('slow').length - before, app.output()).toBe(4)
  return slow
}

function expectDrained(answers: { status: number; body: any }[], workers: number[]): void {
  expect(answers).toHaveLength(4)
  for (const answer of answers) {
    expect(answer.status).toBe(200)
    expect(answer.body.done).toBe(true)
    expect(workers).toContain(answer.body.pid)
  }
}

const count = (text: string, part: string): number => text.split(part).length - 1

describe('listen({ workers })', () => {
  it('serves from several worker processes on one port, survives a killed worker, and drains on SIGTERM', async () => {
    const app = await start({ WORKERS: '3', SLOW_MS: '1500' })
    const first = await pidsServing(app.url, 30)
    expect(first.size).toBeGreaterThanOrEqual(2)
    expect(first.has(app.child.pid!)).toBe(false) // the primary serves nothing

    // Kill one worker outright: the others keep answering, and a new worker replaces it within 5 s.
    const victim = [...first][0]!
    process.kill(victim, 'SIGKILL')
    for (let i = 0; i < 10; i++) expect((await getRetry(`${app.url}/pid`)).status).toBe(200)
    const deadline = Date.now() + 5_000
    let replaced = false
    while (Date.now() < deadline && !replaced) {
      const now = await pidsServing(app.url, 12)
      replaced = [...now].some((pid) => !first.has(pid))
      if (!replaced) await sleep(200)
    }
    expect(replaced).toBe(true)
    expect(app.output()).toMatch(/worker exited; starting a new one/)

    // A slow request in flight when SIGTERM arrives still gets its answer; then everything exits 0.
    const slow = get(`${app.url}/slow`)
    await sleep(300)
    app.child.kill('SIGTERM')
    expect(await slow).toMatchObject({ status: 200, body: { done: true } })
    expect(await app.exited).toBe(0)
    const out = app.output()
    expect(out.match(/mainStart/g)).toHaveLength(1)
    expect(out.match(/mainStop/g)).toHaveLength(1)
    expect(out.match(/afterStop/g)!.length).toBeGreaterThanOrEqual(3) // every live worker ran its stop listeners
    // listen() logged one line for the whole cluster, from the primary, with the worker count.
    const logged = out.split('\n').filter((line) => line.includes('listening on'))
    expect(logged).toHaveLength(1)
    expect(JSON.parse(logged[0]!)).toMatchObject({
      level: 'info',
      url: app.url,
      workers: 3,
      msg: `Brisk app "workers-fixture" listening on ${app.url} (3 workers)`,
    })
    expect(out.match(/beforeStart/g)!.length).toBeGreaterThanOrEqual(4) // 3 workers and the replacement
  }, 40_000)

  it('drains a slow request on SIGTERM in a single process, runs the stop listeners, and exits 0', async () => {
    const app = await start({ WORKERS: '1', SLOW_MS: '800' })
    const slow = get(`${app.url}/slow`)
    await sleep(200)
    app.child.kill('SIGTERM')
    expect(await slow).toMatchObject({ status: 200, body: { done: true, pid: app.child.pid } })
    expect(await app.exited).toBe(0)
    const out = app.output()
    expect(out).toMatch(/mainStart/)
    expect(out).toMatch(/afterStop/)
    expect(out).toMatch(/mainStop/)
  }, 20_000)

  it('replaces every worker when they all die at once, instead of exiting with nothing left to serve', async () => {
    // A fixed port: with none left, node's cluster closes the shared socket, and port 0 would pick a new one.
    const app = await start({ WORKERS: '2', PORT: String(await freePort()) })
    const first = app.pids('beforeStart')
    for (const pid of first) process.kill(pid, 'SIGKILL')
    const deadline = Date.now() + 5_000
    let answer: { status: number; body: any } | undefined
    while (answer === undefined && Date.now() < deadline) {
      answer = await get(`${app.url}/pid`, 1_000).catch(() => undefined) // refused until a new worker listens
      if (answer === undefined) await sleep(100)
    }
    expect(app.child.exitCode).toBe(null)
    expect(answer?.status).toBe(200)
    const now = await pidsServing(app.url, 6)
    expect([...now].every((pid) => !first.includes(pid))).toBe(true)
    app.child.kill('SIGTERM')
    expect(await app.exited).toBe(0)
  }, 20_000)

  it('exits 0 on SIGINT too', async () => {
    const app = await start({ WORKERS: '2' })
    app.child.kill('SIGINT')
    expect(await app.exited).toBe(0)
  }, 20_000)
})

describe('listen({ workers }) on SIGINT / SIGTERM', () => {
  // Each worker hears the group's signal and then its primary's SIGTERM: it must drain once, not cut.
  for (const [what, signal, target] of [
    ['Ctrl-C (SIGINT to the process group)', 'SIGINT', 'group'],
    ['a SIGTERM to the process group (systemd, a container stop)', 'SIGTERM', 'group'],
    ['a SIGTERM to the primary alone (kill <pid>)', 'SIGTERM', 'primary'],
  ] as const) {
    it(`answers every in-flight request and exits 0 on ${what}`, async () => {
      const app = await start({ WORKERS: '2', SLOW_MS: '1500' })
      const workers = app.pids('beforeStart')
      const slow = await inFlight(app)
      if (target === 'group') killGroup(app.child, signal)
      else app.child.kill(signal)
      expectDrained(await Promise.all(slow), workers)
      expect(await app.exited).toBe(0)
      expect(app.pids('afterStop').sort()).toEqual([...workers].sort())
      expect(app.output().match(/mainStop/g)).toHaveLength(1)
      expect(await leftovers(workers)).toEqual([])
    }, 20_000)
  }

  it('answers every in-flight request and exits 0 on Ctrl-C under brisk serve --workers 2', async () => {
    const app = await start({ LISTEN: '0', SLOW_MS: '1500' }, ['--port', '0', '--workers', '2'])
    const workers = app.pids('beforeStart')
    const slow = await inFlight(app)
    killGroup(app.child, 'SIGINT')
    expectDrained(await Promise.all(slow), workers)
    expect(await app.exited).toBe(0)
    expect(app.pids('afterStop').sort()).toEqual([...workers].sort())
    expect(await leftovers(workers)).toEqual([])
  }, 20_000)

  it('drains once in a worker told again and again (SIGINT and SIGTERM, from the group and directly)', async () => {
    const app = await start({ WORKERS: '2', SLOW_MS: '2000' })
    const workers = app.pids('beforeStart')
    const slow = await inFlight(app)
    killGroup(app.child, 'SIGTERM')
    for (let i = 0; i < 3; i++) {
      await sleep(150)
      for (const pid of workers) process.kill(pid, i % 2 === 0 ? 'SIGINT' : 'SIGTERM') // all still draining
    }
    expectDrained(await Promise.all(slow), workers)
    expect(await app.exited).toBe(0)
    expect(app.pids('afterStop').sort()).toEqual([...workers].sort())
  }, 20_000)

  it('exits 1 at once, workers and all, on a second Ctrl-C during the drain', async () => {
    const app = await start({ WORKERS: '2', SLOW_MS: '5000' })
    const workers = app.pids('beforeStart')
    const slow = (await inFlight(app)).map((p) =>
      p.then(
        (answer) => answer.status,
        () => 'cut',
      ),
    )
    killGroup(app.child, 'SIGINT')
    await sleep(300)
    killGroup(app.child, 'SIGINT')
    expect(await app.exited).toBe(1)
    expect(app.output()).toMatch(/second signal while stopping: exiting without waiting/)
    expect(await leftovers(workers)).toEqual([])
    // The operator asked not to wait: the 5 s requests were cut, not answered.
    expect(await Promise.all(slow)).toEqual(['cut', 'cut', 'cut', 'cut'])
  }, 20_000)
})

describe('listen({ workers }) when a worker cannot start', () => {
  let busy: Server | undefined
  const busyPort = async (): Promise<number> => {
    const server = createServer()
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    busy = server
    cleanups.push(() => server.close())
    return (server.address() as { port: number }).port
  }
  const tempDir = (): string => {
    const dir = mkdtempSync(join(tmpdir(), 'brisk-workers-'))
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }))
    return dir
  }
  const missing = (): string => join(tempDir(), 'no-such-folder')

  /** Runs to the end; the output must hold `message` once, and no worker may be left running. */
  async function expectFailedStart(app: Started, message: string | RegExp): Promise<string> {
    const code = await app.exited
    const out = app.output()
    expect(code, out).toBe(1)
    if (typeof message === 'string') expect(count(out, message), out).toBe(1)
    else expect(out).toMatch(message)
    expect(out).not.toMatch(/starting a new one/)
    expect(out).not.toMatch(/^listening/m)
    const workers = app.pids('beforeStart')
    expect(workers.length, out).toBeGreaterThanOrEqual(1)
    expect(await leftovers(workers)).toEqual([])
    return out
  }

  it('rejects listen() with EADDRINUSE when the port is taken (node app.mjs)', async () => {
    const port = await busyPort()
    const app = launch({ WORKERS: '2', PORT: String(port) })
    const out = await expectFailedStart(app, `bind EADDRINUSE 127.0.0.1:${port}`)
    expect(out).toMatch(/code: 'EADDRINUSE'/)
    expect(busy?.listening).toBe(true)
  }, 20_000)

  it('rejects listen() with the error of a beforeStart listener that throws (node app.mjs)', async () => {
    const app = launch({ WORKERS: '2', FAIL: 'beforeStart' })
    await expectFailedStart(app, 'fixture: the database is not there')
    expect(app.output().match(/mainStop/g)).toHaveLength(1) // mainStart ran, so mainStop undoes it
  }, 20_000)

  it('rejects listen() with BRISK_ERR_STATIC_FOLDER for a missing static folder (node app.mjs)', async () => {
    const folder = missing()
    const app = launch({ WORKERS: '2', STATIC: folder })
    const out = await expectFailedStart(app, `static(): ${folder} is not a folder`)
    expect(out).toMatch(/BRISK_ERR_STATIC_FOLDER/)
  }, 20_000)

  it('rejects listen() with BRISK_ERR_WORKER_START when a worker exits before it listens (node app.mjs)', async () => {
    const app = launch({ WORKERS: '2', FAIL: 'exit' })
    const out = await expectFailedStart(app, /exited with code 3 before it was listening/)
    expect(out).toMatch(/code: 'BRISK_ERR_WORKER_START'/)
  }, 20_000)

  it('exits 1 with BRISK_ERR_LISTENING when the app calls listen() twice (node app.mjs)', async () => {
    const app = launch({ WORKERS: '2', LISTEN: '2' })
    const code = await app.exited
    const out = app.output()
    expect(code, out).toBe(1)
    expect(count(out, 'listen(): the app is already listening'), out).toBe(1)
    expect(out).not.toMatch(/starting a new one/)
    expect(await leftovers(app.pids('beforeStart'))).toEqual([])
  }, 20_000)

  it('exits 1 from brisk serve --workers 2 when the port is taken', async () => {
    const port = await busyPort()
    const app = launch({ LISTEN: '0' }, ['--port', String(port), '--workers', '2'])
    await expectFailedStart(app, `brisk: port ${port} on 127.0.0.1 is already in use`)
  }, 20_000)

  it('exits 1 from brisk serve --workers 2 when a beforeStart listener throws', async () => {
    const app = launch({ LISTEN: '0', FAIL: 'beforeStart' }, ['--port', '0', '--workers', '2'])
    const out = await expectFailedStart(app, 'fixture: the database is not there')
    expect(count(out, 'brisk: the app failed to start')).toBe(1)
  }, 20_000)

  it('exits 1 from brisk serve --workers 2 for a missing static folder', async () => {
    const folder = missing()
    const app = launch({ LISTEN: '0', STATIC: folder }, ['--port', '0', '--workers', '2'])
    await expectFailedStart(app, `static(): ${folder} is not a folder`)
  }, 20_000)

  it('exits 1 from brisk serve --workers 2 when the module calls listen() itself', async () => {
    const app = launch({ LISTEN: '1', WORKERS: '2' }, ['--port', '0', '--workers', '2'])
    const code = await app.exited
    const out = app.output()
    expect(code, out).toBe(1)
    expect(count(out, 'already started its server when imported'), out).toBe(1)
    expect(out).not.toMatch(/starting a new one/)
    expect(await leftovers(app.pids('beforeStart'))).toEqual([])
  }, 20_000)

  it('stops the whole server and exits 1 when a replacement worker cannot start', async () => {
    const marker = join(tempDir(), 'fail-now')
    const app = await start({ WORKERS: '2', FAIL_IF: marker })
    const workers = app.pids('beforeStart')
    writeFileSync(marker, '')
    process.kill(workers[0]!, 'SIGKILL')
    expect(await app.exited).toBe(1)
    const out = app.output()
    expect(out).toMatch(/worker exited; starting a new one/) // the first death is an ordinary crash
    expect(count(out, 'a new worker could not start; stopping the server')).toBe(1)
    expect(count(out, '"message":"fixture: the replacement found the marker file"')).toBe(1)
    expect(out.match(/mainStop/g)).toHaveLength(1)
    expect(await leftovers(app.pids('beforeStart'))).toEqual([])
  }, 20_000)
})
