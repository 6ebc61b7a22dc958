/**
 * `pnpm start` as a new user runs it: only the packages the showcase imports are built, and a Ctrl-C (SIGINT
 * to the whole foreground group: pnpm, the launcher, the app) or a SIGTERM to pnpm alone ends it with exit 0
 * and no pnpm error lines. The build is skipped here (BRISK_START_SKIP_BUILD=1): turbo's `^build` of this
 * package's devDependencies has built every package before these tests run.
 */
import { spawn } from 'node:child_process'
import { request } from 'node:http'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { startAppProcess } from '@brisk/testing/services'
import { afterEach, describe, expect, it } from 'vitest'
import { runtimeWorkspaceDeps } from './runtime-deps.mjs'
import { relayStops } from './signal-relay.mjs'
import { startCommand } from './start.mjs'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const started = []

afterEach(async () => {
  await Promise.all(started.splice(0).map((app) => app.stop()))
})

/** The root's start command, or the launcher alone, in its own process group, ready once /health answers. */
async function start(args, command = process.execPath) {
  const app = await startAppProcess({
    command,
    args,
    cwd: root,
    // A secret, so the development-secret warning stays out; NODE_ENV as on a machine where nobody set it.
    env: {
      BRISK_START_SKIP_BUILD: '1',
      JWT_SECRET: 'start-test-secret-0123456789abcdef',
      NODE_ENV: undefined,
    },
    readyPath: '/health',
    readyOutput: /listening on/,
    timeout: 30_000,
    grace: 8_000,
  })
  started.push(app)
  return app
}

/** Whether a GET /health gets any answer (false once nothing listens). */
function answers(url) {
  return new Promise((resolve) => {
    const req = request(`${url}/health`, { agent: false, timeout: 2_000 }, (res) => {
      res.resume()
      res.once('end', () => resolve(true))
    })
    req.once('timeout', () => req.destroy())
    req.once('error', () => resolve(false))
    req.end()
  })
}

/** The lines pnpm prints when a script fails, or any other error line. */
const errorLines = (output) => output.split('\n').filter((line) => /ELIFECYCLE|ERR/.test(line))

describe('runtimeWorkspaceDeps()', () => {
  it('names what the showcase imports at run time, and not its test tools', () => {
    expect(runtimeWorkspaceDeps(root, 'showcase')).toEqual([
      '@brisk/core',
      '@brisk/cors',
      '@brisk/jwt',
      '@brisk/openapi',
      '@brisk/session',
      '@brisk/templates',
    ])
  })

  it('follows dependencies of dependencies, and refuses a name that is not in the workspace', () => {
    expect(runtimeWorkspaceDeps(root, 'hello')).toEqual(['@brisk/core'])
    expect(runtimeWorkspaceDeps(root, '@brisk/session')).toEqual(['@brisk/core']) // a peer dependency
    expect(() => runtimeWorkspaceDeps(root, 'no-such-package')).toThrow(/not a package of the workspace/)
  })
})

describe('startCommand()', () => {
  it('runs node as the node running the launcher, and other tools from the example', () => {
    expect(startCommand('node --import tsx src/main.ts', '/x')).toEqual({
      command: process.execPath,
      args: ['--import', 'tsx', 'src/main.ts'],
    })
    expect(startCommand('tsx app.ts', join(root, 'examples/hello'))).toEqual({
      command: join(root, 'examples/hello/node_modules/.bin/tsx'),
      args: ['app.ts'],
    })
  })

  it('refuses shell syntax, which it would not run as meant', () => {
    expect(() => startCommand('tsx app.ts && echo hi', '/x')).toThrow(/plain command/)
  })
})

describe('relayStops()', () => {
  it('passes on the first signal, drops its echo, and passes on a later one (the second Ctrl-C)', async () => {
    // A child in its own group that prints each signal it gets, and stays alive.
    const child = spawn(
      process.execPath,
      [
        '-e',
        "for (const s of ['SIGINT', 'SIGTERM']) process.on(s, () => console.log(s)); setInterval(() => {}, 1000); console.log('ready')",
      ],
      { detached: true, stdio: ['ignore', 'pipe', 'inherit'] },
    )
    let heard = ''
    const ready = new Promise((resolve) => {
      child.stdout.setEncoding('utf8').on('data', (text) => {
        heard += text
        if (heard.includes('ready')) resolve()
      })
    })
    const relay = relayStops(() => child, { echoMs: 500 })
    try {
      await ready
      process.kill(process.pid, 'SIGINT') // the terminal's Ctrl-C
      await new Promise((resolve) => setTimeout(resolve, 50))
      process.kill(process.pid, 'SIGINT') // pnpm passing the same Ctrl-C on
      await new Promise((resolve) => setTimeout(resolve, 1_200))
      process.kill(process.pid, 'SIGTERM') // a stop asked for again, later
      const deadline = Date.now() + 5_000
      while (heard.split('\n').filter((line) => /^SIG/.test(line)).length < 2 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 20))
      }
      await new Promise((resolve) => setTimeout(resolve, 200)) // room for a third, which must not come
      expect(heard.split('\n').filter((line) => /^SIG/.test(line))).toEqual(['SIGINT', 'SIGTERM'])
      expect(relay.stopped()).toBe('SIGINT')
    } finally {
      relay.dispose()
      child.kill('SIGKILL')
    }
  })
})

describe('pnpm start', () => {
  it('ends with exit 0 and no pnpm error lines when the whole group gets SIGINT (Ctrl-C)', async () => {
    const app = await start(['start'], 'pnpm')
    expect(app.output()).toMatch(/showcase: listening on http:\/\/127\.0\.0\.1:\d+/)
    app.kill('SIGINT', { group: true })
    expect(await app.exited).toEqual({ code: 0, signal: null })
    expect(errorLines(app.output())).toEqual([])
    expect(await answers(app.url)).toBe(false)
  }, 45_000)

  it('ends with exit 0 when pnpm alone gets SIGTERM (a process manager)', async () => {
    const app = await start(['start'], 'pnpm')
    app.kill('SIGTERM')
    expect(await app.exited).toEqual({ code: 0, signal: null })
    expect(errorLines(app.output())).toEqual([])
    expect(await answers(app.url)).toBe(false)
  }, 45_000)

  it('stops the app when the launcher is killed outright (SIGKILL), rather than leave it serving', async () => {
    const app = await start([join(root, 'scripts/start.mjs'), 'showcase'])
    app.kill('SIGKILL')
    expect(await app.exited).toEqual({ code: null, signal: 'SIGKILL' })
    // The app, in its own group, hears a SIGTERM from the guard and drains: polled, bounded.
    const deadline = Date.now() + 15_000
    while ((await answers(app.url)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100))
    expect(await answers(app.url)).toBe(false)
  }, 45_000)
})
