/**
 * The `brisk` command line as data: what the arguments and the environment ask for, checked, with no side
 * effects, so every rule about flags is unit-tested without spawning a process.
 */
import { parseArgs } from 'node:util'

/** The usage text that `brisk --help` prints. */
export const USAGE = `Usage: brisk <command> <app> [options]

Commands:
  serve <app>          Serve the app over HTTP
  routes <app>         Print the app's route table (the app is not started)

<app> is a module path relative to the current folder, with an optional export
name after a colon: ./app.js or ./src/server.js:api. Without a name, brisk takes
the "app" export, else the default export. The export is an app, or a function
that returns one (a factory, sync or async), which brisk calls once.

Options of serve:
  -p, --port <port>    Port to listen on, 0 for a free one (default: $PORT or 8000)
      --host <host>    Address to bind (default: $HOST or 127.0.0.1)
  -w, --workers <n>    Worker processes sharing the port (default: $WORKERS or 1)
      --dev            Development mode: NODE_ENV=development (detailed errors),
                       and a restart whenever a file in the app's folder changes

Options of routes:
      --json           Print the routes as JSON

  -h, --help           Show this help
  -v, --version        Show the version of @brisk/core

Examples:
  brisk serve ./app.js --port 8080 --workers 4
  brisk serve ./src/server.js:api --dev
  brisk routes ./app.js --json
`

/** Where the app lives: a module path (relative to the current folder) and, optionally, the export to take. */
export interface AppTarget {
  /** The module path as given, e.g. `./app.js`. */
  readonly module: string
  /** The export named after the colon, if any. */
  readonly exportName: string | undefined
}

/** `brisk serve`: everything needed to call `app.listen()`. */
export interface ServeCommand {
  readonly kind: 'serve'
  readonly target: AppTarget
  readonly port: number
  readonly host: string
  readonly workers: number
  readonly dev: boolean
}

/** `brisk routes`. */
export interface RoutesCommand {
  readonly kind: 'routes'
  readonly target: AppTarget
  readonly json: boolean
}

/** What one run of `brisk` is asked to do. */
export type CliCommand =
  | { readonly kind: 'help' }
  | { readonly kind: 'version' }
  | ServeCommand
  | RoutesCommand

/**
 * A mistake in what the user typed or configured: printed as `brisk: <message>`, and the process exits 1.
 *
 * @example
 * throw new CliError('--port must be a port number from 0 to 65535, got "http"', { usage: true })
 */
export class CliError extends Error {
  /** Whether the usage text should follow the message. */
  readonly usage: boolean

  constructor(message: string, options: { usage?: boolean; cause?: unknown } = {}) {
    super(message, { cause: options.cause })
    this.name = 'CliError'
    this.usage = options.usage ?? false
  }
}

type Env = Readonly<Record<string, string | undefined>>

const SERVE_OPTIONS = {
  port: { type: 'string', short: 'p' },
  host: { type: 'string' },
  workers: { type: 'string', short: 'w' },
  dev: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const

const ROUTES_OPTIONS = {
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const

/**
 * Reads `brisk`'s arguments (without `node` and the script) and the environment into a command. Flags win
 * over `PORT`, `HOST` and `WORKERS`; anything unknown or out of range throws a {@link CliError}.
 *
 * @example
 * parseCommandLine(['serve', './app.js:api', '--port', '0'], { WORKERS: '4' })
 * // { kind: 'serve', target: { module: './app.js', exportName: 'api' }, port: 0, host: '127.0.0.1', workers: 4, dev: false }
 */
export function parseCommandLine(argv: readonly string[], env: Env = {}): CliCommand {
  const [command, ...rest] = argv
  if (command === undefined) throw new CliError('no command given', { usage: true })
  if (command === '-h' || command === '--help' || command === 'help') return { kind: 'help' }
  if (command === '-v' || command === '--version') return { kind: 'version' }
  if (command === 'serve') {
    const { values, target } = parseFlags(command, rest, SERVE_OPTIONS)
    if (values.help) return { kind: 'help' }
    // An empty variable (`PORT=` in a compose file) means "not set", not "bad value".
    const fromEnv = (name: string): string | undefined => (env[name] === '' ? undefined : env[name])
    return {
      kind: 'serve',
      target: parseTarget(required(command, target)),
      port: parsePort(values.port ?? fromEnv('PORT'), values.port === undefined ? 'PORT' : '--port'),
      host: parseHost(values.host ?? fromEnv('HOST'), values.host === undefined ? 'HOST' : '--host'),
      workers: parseWorkers(
        values.workers ?? fromEnv('WORKERS'),
        values.workers === undefined ? 'WORKERS' : '--workers',
      ),
      dev: values.dev ?? false,
    }
  }
  if (command === 'routes') {
    const { values, target } = parseFlags(command, rest, ROUTES_OPTIONS)
    if (values.help) return { kind: 'help' }
    return { kind: 'routes', target: parseTarget(required(command, target)), json: values.json ?? false }
  }
  if (command.startsWith('-')) throw new CliError(`unknown option ${command}`, { usage: true })
  throw new CliError(`unknown command "${command}"`, { usage: true })
}

/**
 * Splits `./app.js:api` into the module and the export. Only a trailing `:identifier` counts as an export, so
 * a Windows drive (`C:\app.js`) or a colon inside a folder name stays part of the path.
 *
 * @example
 * parseTarget('./src/server.js:api') // { module: './src/server.js', exportName: 'api' }
 * parseTarget('./app.js')            // { module: './app.js', exportName: undefined }
 */
export function parseTarget(spec: string): AppTarget {
  const match = /^(.+):([A-Za-z_$][\w$]*)$/.exec(spec)
  // `C:app` would be a drive-relative path, not an export of module "C".
  if (match === null || /^[A-Za-z]$/.test(match[1]!)) return { module: spec, exportName: undefined }
  return { module: match[1]!, exportName: match[2]! }
}

function parseFlags<O extends typeof SERVE_OPTIONS | typeof ROUTES_OPTIONS>(
  command: string,
  args: string[],
  options: O,
) {
  try {
    const { values, positionals } = parseArgs({ args, options, strict: true, allowPositionals: true })
    if (positionals.length > 1) {
      throw new CliError(`${command} takes one app, got ${positionals.length}: ${positionals.join(' ')}`, {
        usage: true,
      })
    }
    return { values, target: positionals[0] }
  } catch (error) {
    if (error instanceof CliError) throw error
    throw new CliError(flagMessage(command, options, error as Error & { code?: string }), {
      usage: true,
      cause: error,
    })
  }
}

/** node's parseArgs messages explain its own syntax at length; say what went wrong in one line. */
function flagMessage(
  command: string,
  options: Readonly<Record<string, { readonly type: string; readonly short?: string }>>,
  error: Error & { code?: string },
): string {
  const quoted = /'([^']+)'/.exec(error.message)?.[1] ?? ''
  // Messages name `-p`, `--port` or `-p, --port <value>`: always show the long spelling.
  const short = /^-(\w)$/.exec(quoted)?.[1]
  const long = Object.keys(options).find((name) => short !== undefined && options[name]!.short === short)
  const flag = long !== undefined ? `--${long}` : (/--[\w-]+/.exec(quoted)?.[0] ?? quoted)
  if (error.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') return `unknown option ${flag} for ${command}`
  if (error.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
    if (error.message.includes('does not take')) return `${flag} does not take a value`
    // `--port -1`: parseArgs will not take a value that looks like a flag.
    if (error.message.includes('ambiguous'))
      return `${flag} needs a value; for one that starts with "-", write ${flag}=<value>`
    return `${flag} needs a value`
  }
  return error.message
}

function required(command: string, target: string | undefined): string {
  if (target === undefined || target === '') {
    throw new CliError(`${command} needs the app's module, e.g. brisk ${command} ./app.js`, { usage: true })
  }
  return target
}

function parsePort(value: string | undefined, source: string): number {
  if (value === undefined) return 8000
  const port = /^\d{1,5}$/.test(value.trim()) ? Number(value) : Number.NaN
  if (!(port >= 0 && port <= 65535)) {
    throw new CliError(`${source} must be a port number from 0 to 65535, got "${value}"`)
  }
  return port
}

function parseHost(value: string | undefined, source: string): string {
  if (value === undefined) return '127.0.0.1'
  if (value.trim() === '') throw new CliError(`${source} must be an address to bind, got an empty string`)
  return value.trim()
}

function parseWorkers(value: string | undefined, source: string): number {
  if (value === undefined) return 1
  const workers = /^\d+$/.test(value.trim()) ? Number(value) : Number.NaN
  if (!(Number.isSafeInteger(workers) && workers >= 1)) {
    throw new CliError(`${source} must be a whole number of worker processes, 1 or more, got "${value}"`)
  }
  return workers
}
