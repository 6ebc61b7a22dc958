/**
 * An app as its users run it: a real process (`node --import tsx src/main.ts`), on a free loopback port,
 * ready once a path answers 200, signalled alone or with its whole process group (a terminal's Ctrl-C and
 * systemd's stop reach every process of the group, workers included), and never left behind by the tests.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { request } from 'node:http'
import { TestClientError } from '../errors'
import { freePort } from './free-port'
import { killWithThisProcess } from './orphan-guard'

/** What {@link startAppProcess} runs, and how it knows the app is ready. */
export interface AppProcessOptions {
  /** Arguments of the command, e.g. `['--import', 'tsx', 'src/main.ts']`. */
  args: string[]
  /** The program to run. @default process.execPath (the `node` running the tests) */
  command?: string
  /** Working directory. @default process.cwd() */
  cwd?: string
  /**
   * Variables on top of the test process's own; `undefined` removes one (`{ NODE_ENV: undefined }`).
   * `PORT` and `HOST` are always set: to the values given here, or to a free port and `127.0.0.1`.
   */
  env?: Record<string, string | undefined>
  /**
   * The path that must answer 200 before the promise resolves; `null` does not wait (for a process that is
   * expected to refuse to start: await `exited` and read `output()`). @default '/'
   */
  readyPath?: string | null
  /**
   * Output that must have appeared too (stdout or stderr), e.g. `/listening on/`: with workers, a ready path
   * may answer as soon as the first worker listens, while the line comes once they all do.
   */
  readyOutput?: RegExp
  /** Milliseconds to wait for the ready path; then the group is killed and the start fails. @default 10_000 */
  timeout?: number
  /** Milliseconds `stop()` waits after SIGTERM before it sends SIGKILL to the group. @default 5_000 */
  grace?: number
}

/** How a process ended: its exit code, or the signal that ended it. */
export interface AppProcessExit {
  code: number | null
  signal: NodeJS.Signals | null
}

/** A running (or ended) app process started by {@link startAppProcess}. */
export interface AppProcess {
  /** `http://<HOST>:<PORT>`, e.g. `http://127.0.0.1:41234`. */
  readonly url: string
  readonly port: number
  /** The pid of the process started; it leads its own process group, so it is the group's id too. */
  readonly pid: number
  /** Whether the process started has not exited yet (its workers are not counted). */
  readonly running: boolean
  /** Resolves once the process started has exited, never rejects. */
  readonly exited: Promise<AppProcessExit>
  /** stdout and stderr so far, interleaved as they arrived. */
  output(): string
  /** stdout so far. */
  stdout(): string
  /** stderr so far. */
  stderr(): string
  /**
   * Sends `signal` to the process, or to its whole process group with `{ group: true }`. Returns whether it
   * was sent (false when nothing was left to signal, and always once `stop()` has ended the group).
   */
  kill(signal?: NodeJS.Signals, options?: { group?: boolean }): boolean
  /**
   * SIGTERM to the group, SIGKILL to the group after the grace if the process has not exited, and SIGKILL to
   * whatever of the group is still there once it has. Resolves with how it ended; calling it again is harmless.
   */
  stop(): Promise<AppProcessExit>
}

// Every group this process started and did not stop: killed by an exit hook when the test process exits
// normally (the guard of orphan-guard.ts covers the other ways it can end).
const groups = new Set<number>()
let exitHook = false

function signalGroup(pid: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(-pid, signal)
    return true
  } catch {
    return false // no process left in the group
  }
}

/** One GET on a new connection; resolves with the status, or 0 when there was no answer. */
function probe(url: string, ms: number): Promise<number> {
  return new Promise((resolve) => {
    const req = request(url, { agent: false, timeout: ms }, (res) => {
      res.resume()
      res.once('end', () => resolve(res.statusCode ?? 0))
      res.once('error', () => resolve(0))
    })
    req.once('timeout', () => req.destroy())
    req.once('error', () => resolve(0))
    req.end()
  })
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

/** `stdout+stderr` for an error message, the end of it when long. */
function tail(text: string): string {
  const shown = text.length > 4000 ? `…${text.slice(-4000)}` : text
  return shown.trim() === '' ? '(no output)' : shown.trimEnd()
}

/**
 * Starts an app as a real process in its own process group, on a free loopback port (`PORT` and `HOST` are
 * set unless `env` gives them), and resolves once `readyPath` answers 200 (and its output matches
 * `readyOutput`, when given). If the process exits first, or
 * the timeout passes, it rejects with a `TestClientError` (`BRISK_TEST_ERR_SERVICE`) that shows the output,
 * and nothing is left running. Whatever the tests do, the group is killed when the test process exits.
 *
 * @example
 * const app = await startAppProcess({
 *   args: ['--import', 'tsx', 'src/main.ts'], cwd: 'examples/showcase',
 *   env: { WORKERS: '2', REDIS_URL: redis.url }, readyPath: '/health', timeout: 20_000,
 * })
 * await fetch(`${app.url}/health`)
 * app.kill('SIGTERM', { group: true })  // as Ctrl-C or systemd would
 * expect(await app.exited).toEqual({ code: 0, signal: null })
 * await app.stop()                      // in afterEach: harmless once it has exited
 */
export async function startAppProcess(options: AppProcessOptions): Promise<AppProcess> {
  if (!Array.isArray(options?.args) || options.args.some((arg) => typeof arg !== 'string')) {
    throw new TestClientError(
      'BRISK_TEST_ERR_OPTIONS',
      'startAppProcess(): `args` must be an array of strings',
    )
  }
  const command = options.command ?? process.execPath
  const readyPath = options.readyPath === undefined ? '/' : options.readyPath
  if (readyPath !== null && !readyPath.startsWith('/')) {
    throw new TestClientError(
      'BRISK_TEST_ERR_OPTIONS',
      `startAppProcess(): readyPath must start with "/", got ${JSON.stringify(readyPath)}`,
    )
  }
  const timeout = options.timeout ?? 10_000
  const grace = options.grace ?? 5_000
  const given = options.env ?? {}
  if (given.PORT !== undefined && !/^[1-9][0-9]*$/.test(given.PORT)) {
    // PORT=0 would let the app pick a port this side cannot know.
    throw new TestClientError(
      'BRISK_TEST_ERR_OPTIONS',
      `startAppProcess(): env.PORT must be a port number, got ${JSON.stringify(given.PORT)}`,
    )
  }
  const port = given.PORT === undefined ? await freePort() : Number(given.PORT)
  const env: Record<string, string> = {}
  // PORT and HOST are always set: `PORT: undefined` cannot take away the port that `url` names.
  const host = given.HOST === undefined || given.HOST === '' ? '127.0.0.1' : given.HOST
  for (const [name, value] of Object.entries({ ...process.env, ...given, PORT: String(port), HOST: host })) {
    if (value !== undefined) env[name] = value
  }
  // `0.0.0.0` and `::` listen on every address, loopback included: ask there.
  const ask =
    host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '[::1]' : host.includes(':') ? `[${host}]` : host
  const url = `http://${ask}:${port}`

  const child: ChildProcess = spawn(command, options.args, {
    cwd: options.cwd,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true, // its own process group: tests can signal all of it, as a terminal does
  })
  let all = ''
  let out = ''
  let err = ''
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    all += chunk
    out += chunk
  })
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
    all += chunk
    err += chunk
  })
  let spawnError: Error | undefined
  const exited = new Promise<AppProcessExit>((resolve) => {
    child.once('error', (error) => {
      spawnError = error
      if (child.pid === undefined) resolve({ code: null, signal: null })
    })
    child.once('exit', (code, signal) => {
      // Its last lines may still be in the pipes: wait for them, but not for workers that outlived it and
      // hold the same pipes open.
      const timer = setTimeout(() => resolve({ code, signal }), 500)
      child.once('close', () => {
        clearTimeout(timer)
        resolve({ code, signal })
      })
    })
  })
  let ended = false
  void exited.then(() => {
    ended = true
  })
  const pid = child.pid
  let dismiss = (): void => {}
  if (pid !== undefined) {
    groups.add(pid)
    if (!exitHook) {
      exitHook = true
      process.once('exit', () => {
        for (const group of groups) signalGroup(group, 'SIGKILL')
      })
    }
    // The exit hook does not run when Vitest ends its worker, nor on a crash: the guard does.
    dismiss = killWithThisProcess(pid, { group: true })
    void exited.then(() => {
      // Nothing left in the group: nothing to guard (and its id may be reused by another group later).
      if (!signalGroup(pid, 0)) {
        groups.delete(pid)
        dismiss()
      }
    })
  }

  let stopping: Promise<AppProcessExit> | undefined
  const stop = (): Promise<AppProcessExit> => {
    stopping ??= (async () => {
      if (pid === undefined) return exited
      if (!ended) signalGroup(pid, 'SIGTERM')
      const timer = setTimeout(() => signalGroup(pid, 'SIGKILL'), grace)
      const result = await exited
      clearTimeout(timer)
      signalGroup(pid, 'SIGKILL') // workers that outlived the process started: a test must not leak them
      groups.delete(pid)
      dismiss()
      return result
    })()
    return stopping
  }

  const app: AppProcess = {
    url,
    port,
    pid: pid ?? -1,
    get running() {
      return pid !== undefined && !ended
    },
    exited,
    output: () => all,
    stdout: () => out,
    stderr: () => err,
    kill(signal = 'SIGTERM', killOptions = {}) {
      if (pid === undefined) return false
      // Once the group is known to be over (stopped, or found empty), its id may already name someone else's
      // group, and a zombie left in it still takes signals: nothing is sent.
      if (killOptions.group === true) return groups.has(pid) && signalGroup(pid, signal)
      return !ended && child.kill(signal)
    },
    stop,
  }

  const fail = async (why: string): Promise<never> => {
    await stop()
    throw new TestClientError(
      'BRISK_TEST_ERR_SERVICE',
      `${[command, ...options.args].join(' ')} ${why}; its output:\n${tail(all)}`,
      { cause: spawnError },
    )
  }
  if (pid === undefined) {
    await exited
    return fail(`could not be started (${spawnError?.message ?? 'no pid'})`)
  }
  const readyOutput = options.readyOutput
  if (readyPath === null && readyOutput === undefined) return app

  const waitingFor = [
    readyPath === null ? '' : `${url}${readyPath} to answer 200`,
    readyOutput === undefined ? '' : `output matching ${readyOutput}`,
  ]
    .filter(Boolean)
    .join(' and ')
  const deadline = Date.now() + timeout
  let answered = readyPath === null
  for (;;) {
    if (ended) {
      const { code, signal } = await exited
      return fail(`exited (${signal ?? `code ${code}`}) while waiting for ${waitingFor}`)
    }
    const left = deadline - Date.now()
    if (left <= 0) return fail(`timed out after ${timeout} ms waiting for ${waitingFor}`)
    if (!answered) answered = (await probe(`${url}${readyPath}`, Math.min(1_000, left))) === 200
    if (readyOutput !== undefined) readyOutput.lastIndex = 0 // a /g or /y pattern keeps a position
    if (answered && (readyOutput === undefined || readyOutput.test(all))) return app
    await Promise.race([sleep(50), exited])
  }
}
