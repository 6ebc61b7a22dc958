/**
 * `brisk serve --dev`: a supervisor that runs the server in a child process and replaces that process when a
 * file in the app's folder changes. A new process is the only complete reload of ES modules: Node cannot
 * drop a module from its cache, and the app may hold sockets, timers and connections besides.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { type AddressInfo, createServer } from 'node:net'
import { dirname, relative, resolve } from 'node:path'
import { CliError, type ServeCommand } from './cli-args'
import { watchTree } from './cli-watch'

/** Set in the server process that a `--dev` supervisor started. */
export const DEV_CHILD_ENV = 'BRISK_DEV_CHILD'

/** How long a server gets to close gracefully on a reload before it is killed. */
const STOP_TIMEOUT = 5000
/** One save is often several events (write, rename, chmod): wait for the burst to end. */
const DEBOUNCE = 100

/** Where the supervisor runs from. */
export interface SuperviseOptions {
  /** The CLI script the children run (the built `cli.js`). */
  readonly cli: string
  /** The folder the app's path is relative to. @default process.cwd() */
  readonly cwd?: string
  /** Where status lines go. @default console.log */
  readonly log?: (line: string) => void
}

interface Child {
  readonly proc: ChildProcess
  stopping: Promise<void> | null
}

/**
 * The arguments of the server process a `--dev` supervisor starts: the same command without `--dev`, and with
 * every value explicit so that each restart serves on the same port.
 *
 * @example
 * devChildArgs(command, 8000) // ['serve', './app.js', '--port', '8000', '--host', '127.0.0.1', '--workers', '1']
 */
export function devChildArgs(command: ServeCommand, port: number): string[] {
  const { module, exportName } = command.target
  return [
    'serve',
    exportName === undefined ? module : `${module}:${exportName}`,
    '--port',
    String(port),
    '--host',
    command.host,
    '--workers',
    String(command.workers),
  ]
}

/**
 * Runs `command` in a child process with `NODE_ENV=development`, restarts it when a file in the app's folder
 * changes, and on SIGTERM or SIGINT stops it and exits 0. Resolves once the first child is started.
 *
 * @example
 * await superviseDev(parseCommandLine(['serve', './app.js', '--dev']) as ServeCommand, { cli: process.argv[1]! })
 */
export async function superviseDev(command: ServeCommand, options: SuperviseOptions): Promise<void> {
  const cwd = options.cwd ?? process.cwd()
  const log = options.log ?? ((line: string) => console.log(line))
  const path = resolve(cwd, command.target.module)
  if (!existsSync(path)) throw new CliError(`${command.target.module} not found (looked for ${path})`)
  const root = dirname(path)
  // Port 0 would give each restart another port: pick one now and keep it.
  const port = command.port === 0 ? await freePort(command.host) : command.port
  const argv = [...process.execArgv, options.cli, ...devChildArgs(command, port)]
  const env = { ...process.env, NODE_ENV: 'development', [DEV_CHILD_ENV]: '1' }

  let current: Child | null = null
  let closing = false
  let restarting = false
  let again = false
  let changed: string[] = []
  let timer: ReturnType<typeof setTimeout> | undefined

  const start = (): void => {
    const proc = spawn(process.execPath, argv, {
      cwd,
      env,
      // The IPC channel lets the server notice when the supervisor dies, so it never outlives it. Its own process
      // group keeps a terminal's Ctrl-C (sent to the whole group) from reaching it besides our SIGTERM.
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      detached: true,
      windowsHide: true,
    })
    const child: Child = { proc, stopping: null }
    current = child
    proc.on('error', (error) => log(`brisk: could not start the app: ${error.message}`))
    proc.on('exit', (code, signal) => {
      if (child.stopping === null && !closing) {
        log(`brisk: the app exited (${signal ?? `code ${code}`}); it restarts when a file changes`)
      }
    })
  }

  const restart = async (): Promise<void> => {
    if (restarting) {
      again = true // a change during a restart: the new process may have read the old file
      return
    }
    restarting = true
    do {
      again = false
      log(`brisk: ${describeChanges(root, changed)}, restarting`)
      changed = []
      if (current !== null) await stop(current)
      if (closing) break
      start()
    } while (again)
    restarting = false
  }

  const watcher = watchTree(root, (file) => {
    if (!changed.includes(file)) changed.push(file)
    clearTimeout(timer)
    timer = setTimeout(() => void restart(), DEBOUNCE)
  })

  const shutdown = async (): Promise<void> => {
    if (closing) return
    closing = true
    clearTimeout(timer)
    watcher.close()
    if (current !== null) await stop(current)
    process.exit(0)
  }
  for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) process.on(signal, () => void shutdown())

  log(`brisk: development mode, restarting on changes in ${relative(cwd, root) || '.'}`)
  start()
}

/**
 * `app.js changed`, or `app.js and 2 other files changed`. An atomic save (sed -i, many editors) writes a
 * temporary file and renames it over the real one: name a file that still exists, which is the real one.
 */
function describeChanges(root: string, changed: readonly string[]): string {
  const existing = changed.filter((file) => existsSync(resolve(root, file)))
  const [shown = 'a file', ...others] = existing.length > 0 ? existing : changed
  const more = others.length
  return more === 0 ? `${shown} changed` : `${shown} and ${more} other file${more === 1 ? '' : 's'} changed`
}

/** SIGTERM for a graceful close, SIGKILL (to the whole group: cluster workers too) if it takes too long. */
function stop(child: Child): Promise<void> {
  const { proc } = child
  child.stopping ??= new Promise<void>((done) => {
    if (proc.pid === undefined || proc.exitCode !== null || proc.signalCode !== null) return done()
    const timer = setTimeout(() => {
      try {
        process.kill(process.platform === 'win32' ? proc.pid! : -proc.pid!, 'SIGKILL')
      } catch {
        proc.kill('SIGKILL')
      }
    }, STOP_TIMEOUT)
    proc.once('exit', () => {
      clearTimeout(timer)
      done()
    })
    proc.kill('SIGTERM')
  })
  return child.stopping
}

function freePort(host: string): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer()
    server.once('error', fail)
    server.listen(0, host, () => {
      const { port } = server.address() as AddressInfo
      server.close(() => done(port))
    })
  })
}
