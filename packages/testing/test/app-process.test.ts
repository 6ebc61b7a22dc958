import { execFile } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { request } from 'node:http'
import { fileURLToPath } from 'node:url'
import { afterEach, describe, expect, it } from 'vitest'
import { TestClientError } from '../src/index'
import { type AppProcess, type AppProcessOptions, startAppProcess } from '../src/services'

const fixture = fileURLToPath(new URL('./fixtures/app-process.mjs', import.meta.url))
const owner = fileURLToPath(new URL('./fixtures/app-process-owner.mjs', import.meta.url))
const started: AppProcess[] = []

afterEach(async () => {
  await Promise.all(started.splice(0).map((app) => app.stop()))
})

async function start(env: Record<string, string | undefined>, more: Partial<AppProcessOptions> = {}) {
  const app = await startAppProcess({ args: [fixture], env, readyPath: '/ready', ...more })
  started.push(app)
  return app
}

function get(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent: false, timeout: 5_000 }, (res) => {
      let body = ''
      res.setEncoding('utf8').on('data', (chunk: string) => {
        body += chunk
      })
      res.on('end', () => resolve({ status: res.statusCode!, body }))
    })
    req.on('timeout', () => req.destroy(new Error('timed out')))
    req.on('error', reject)
    req.end()
  })
}

/** Whether `pid` is running (a zombie, dead but not yet reaped by whoever adopted it, is not). */
function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z'
  } catch {
    return false
  }
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

/** Waits (at most 3 s) for the fixture to print its helper's pid. */
async function helperOf(app: AppProcess): Promise<number> {
  const deadline = Date.now() + 3_000
  let match = /^helper (\d+)$/m.exec(app.output())
  while (match === null && Date.now() < deadline) {
    await sleep(20)
    match = /^helper (\d+)$/m.exec(app.output())
  }
  expect(match, app.output()).not.toBe(null)
  return Number(match![1])
}

/** Whether `pid` is gone within 3 s. */
async function gone(pid: number): Promise<boolean> {
  const deadline = Date.now() + 3_000
  while (alive(pid) && Date.now() < deadline) await sleep(20)
  return !alive(pid)
}

describe('startAppProcess()', () => {
  it('starts the process on a free loopback port and resolves once the ready path answers 200', async () => {
    const app = await start({ FIXTURE: 'serve', READY_AFTER: '400', EXTRA: 'given', NODE_ENV: undefined })
    expect(app.url).toBe(`http://127.0.0.1:${app.port}`)
    expect(app.running).toBe(true)
    expect((await get(`${app.url}/ready`)).status).toBe(200) // it waited through the 503s
    const env = JSON.parse((await get(`${app.url}/env`)).body)
    expect(env).toEqual({
      PORT: String(app.port),
      HOST: '127.0.0.1',
      NODE_ENV: null,
      EXTRA: 'given',
      cwd: process.cwd(),
    })
    expect(app.stdout()).toContain(`fixture serve ${app.pid}`)
    expect(app.stderr()).toContain(`listening ${app.port}`)
    expect(app.stdout()).not.toContain('listening')
    expect(app.output()).toContain(`fixture serve ${app.pid}`)
    expect(app.output()).toContain(`listening ${app.port}`)
  })

  it('signals the process alone, or its whole group, and reports how it exited', async () => {
    const one = await start({ FIXTURE: 'serve' })
    const helper = await helperOf(one)
    expect(one.kill('SIGINT')).toBe(true)
    expect(await one.exited).toEqual({ code: 0, signal: null })
    expect(one.running).toBe(false)
    expect(one.output()).toContain('got SIGINT')
    expect(alive(helper)).toBe(true) // only the process was told: its helper (same group) is still there
    expect(one.kill('SIGTERM')).toBe(false)

    const two = await start({ FIXTURE: 'serve' })
    const helper2 = await helperOf(two)
    const slow = get(`${two.url}/slow`)
    await sleep(100)
    expect(two.kill('SIGTERM', { group: true })).toBe(true)
    expect(await slow).toEqual({ status: 200, body: 'done' })
    expect(await two.exited).toEqual({ code: 0, signal: null })
    expect(two.output()).toContain('got SIGTERM')
    expect(await gone(helper2)).toBe(true)

    await one.stop() // and stop() finishes off what the process left in its group
    expect(await gone(helper)).toBe(true)
  })

  it('stop() sends SIGTERM to the group, SIGKILL after the grace, and can be called again', async () => {
    const app = await start({ FIXTURE: 'stubborn' }, { grace: 300 })
    const helper = await helperOf(app)
    const [first, second] = await Promise.all([app.stop(), app.stop()])
    expect(first).toEqual({ code: null, signal: 'SIGKILL' })
    expect(second).toBe(first)
    expect(await app.stop()).toBe(first)
    expect(app.output()).toContain('got SIGTERM')
    expect(await gone(helper)).toBe(true)
    expect(app.kill('SIGTERM', { group: true })).toBe(false)
  })

  it('rejects with the output when the process exits before it is ready', async () => {
    const error = await startAppProcess({ args: [fixture], env: { FIXTURE: 'refuse' } }).catch((e) => e)
    expect(error).toBeInstanceOf(TestClientError)
    expect(error.code).toBe('BRISK_TEST_ERR_SERVICE')
    expect(error.message).toMatch(
      /exited \(code 3\) while waiting for http:\/\/127\.0\.0\.1:\d+\/ to answer 200/,
    )
    expect(error.message).toContain('fixture: WORKERS must be a positive integer')
  })

  it('rejects with the output, and kills the group, when the ready path does not answer in time', async () => {
    const error = await startAppProcess({
      args: [fixture],
      env: { FIXTURE: 'serve', READY_AFTER: '60000' },
      readyPath: '/ready',
      timeout: 800,
    }).catch((e) => e)
    expect(error).toBeInstanceOf(TestClientError)
    expect(error.code).toBe('BRISK_TEST_ERR_SERVICE')
    expect(error.message).toMatch(
      /timed out after 800 ms waiting for http:\/\/127\.0\.0\.1:\d+\/ready to answer 200/,
    )
    const pid = Number(/fixture serve (\d+)/.exec(error.message)![1])
    const helper = Number(/helper (\d+)/.exec(error.message)![1])
    expect(await gone(pid)).toBe(true)
    expect(await gone(helper)).toBe(true)
  })

  it('waits for a line of output as well, or instead', async () => {
    const both = await start({ FIXTURE: 'serve' }, { readyOutput: /^listening \d+$/m })
    expect(both.stderr()).toContain(`listening ${both.port}`)
    const line = await start(
      { FIXTURE: 'serve', READY_AFTER: '60000' },
      { readyPath: null, readyOutput: /^listening/m },
    )
    expect(line.stderr()).toContain(`listening ${line.port}`)
    expect((await get(`${line.url}/ready`)).status).toBe(503) // the path was not waited for
    const error = await startAppProcess({
      args: [fixture],
      env: { FIXTURE: 'serve' },
      readyPath: '/ready',
      readyOutput: /never printed/,
      timeout: 600,
    }).catch((e) => e)
    expect(error.code).toBe('BRISK_TEST_ERR_SERVICE')
    expect(error.message).toMatch(
      /waiting for http:\/\/127\.0\.0\.1:\d+\/ready to answer 200 and output matching \/never printed\//,
    )
  })

  it('does not wait with readyPath null, for a process expected to refuse to start', async () => {
    const app = await start({ FIXTURE: 'refuse' }, { readyPath: null })
    expect(await app.exited).toEqual({ code: 3, signal: null })
    expect(app.stderr()).toBe('fixture: WORKERS must be a positive integer\n')
    expect(app.stdout()).toBe(`fixture refuse ${app.pid}\n`)
  })

  it('rejects a program that cannot be run', async () => {
    const error = await startAppProcess({ command: '/no/such/program', args: [] }).catch((e) => e)
    expect(error).toBeInstanceOf(TestClientError)
    expect(error.code).toBe('BRISK_TEST_ERR_SERVICE')
    expect(error.message).toMatch(/could not be started \(.*ENOENT/)
  })

  it('refuses bad options before starting anything', async () => {
    for (const options of [
      { args: 'src/main.ts' },
      { args: [fixture], readyPath: 'health' },
      { args: [fixture], env: { PORT: '0' } },
    ]) {
      await expect(startAppProcess(options as never)).rejects.toMatchObject({
        code: 'BRISK_TEST_ERR_OPTIONS',
      })
    }
  })

  it('uses the PORT and HOST that env gives, and sets them when it does not', async () => {
    const first = await start({ FIXTURE: 'serve' })
    const port = first.port
    await first.stop()
    const app = await start({ FIXTURE: 'serve', PORT: String(port), HOST: '0.0.0.0' })
    expect(app.url).toBe(`http://127.0.0.1:${port}`)
    expect(JSON.parse((await get(`${app.url}/env`)).body)).toMatchObject({
      PORT: String(port),
      HOST: '0.0.0.0',
    })
    // Removing them is not possible: the url would name a port the app does not know.
    const kept = await start({ FIXTURE: 'serve', PORT: undefined, HOST: undefined })
    expect(JSON.parse((await get(`${kept.url}/env`)).body)).toMatchObject({
      PORT: String(kept.port),
      HOST: '127.0.0.1',
    })
  })

  // The owner runs the built package (`pnpm build` first; the test pipeline does).
  for (const how of ['exit', 'kill'] as const) {
    it(`kills the group when the test process ends without stopping it (${how === 'exit' ? 'process.exit()' : 'SIGKILL, as Vitest ends a worker'})`, async () => {
      const printed = await new Promise<string>((resolve) =>
        execFile(
          process.execPath,
          [owner],
          { timeout: 15_000, env: { ...process.env, HOW: how } },
          (_error, stdout) => resolve(stdout),
        ),
      )
      const [, pid, helper] = /started (\d+) (\d+)/.exec(printed)!.map(Number)
      expect(await gone(pid!)).toBe(true) // it ignores SIGTERM: this was the SIGKILL
      expect(await gone(helper!)).toBe(true)
    })
  }
})
