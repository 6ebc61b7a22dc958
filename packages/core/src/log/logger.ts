/**
 * The logger interface: the subset of pino's API that Brisk calls, so a pino instance fits as it is.
 */
import { prettyLine } from './pretty-log'

/** A pino-compatible logger: each level takes an object of fields and/or a message. */
export interface Logger {
  error(obj: object | string, msg?: string): void
  warn(obj: object | string, msg?: string): void
  info(obj: object | string, msg?: string): void
  debug(obj: object | string, msg?: string): void
}

/** How the default logger writes: `pretty` lines for people (development mode) or JSON lines. */
export interface ConsoleLoggerOptions {
  /** Readable one-line entries instead of JSON (`new Brisk()` turns it on in development mode). @default false */
  pretty?: boolean
  /** ANSI colours in pretty lines. @default stderr is a terminal and `NO_COLOR` is unset */
  colours?: boolean
}

function write(
  format: Required<ConsoleLoggerOptions>,
  level: string,
  obj: object | string,
  msg?: string,
): void {
  const fields: Record<string, unknown> = typeof obj === 'string' ? { msg: obj } : { ...obj, msg }
  const err = fields.err
  // Error objects serialise to `{}`; keep what is useful for an operator.
  if (err instanceof Error) fields.err = { type: err.name, message: err.message, stack: err.stack }
  const time = Date.now()
  console.error(
    format.pretty
      ? prettyLine(level, fields, time, format.colours)
      : JSON.stringify({ level, time, ...fields }),
  )
}

/** How much the default logger writes: each level includes the ones after it; `silent` writes nothing. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent'

const RANK: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3, silent: 4 }

/** Whether a string names a log level. @example isLogLevel('info') // true */
export function isLogLevel(value: unknown): value is LogLevel {
  return typeof value === 'string' && Object.hasOwn(RANK, value)
}

const ignore = (): void => {}

/** Whether stderr is a terminal that wants colours. A runtime without `process` (workerd) has none. */
function onTerminal(): boolean {
  const host = (globalThis as { process?: Partial<NodeJS.Process> }).process
  return host?.stderr?.isTTY === true && !host.env?.NO_COLOR
}

/**
 * The default logger: JSON lines on stderr, from `level` up, or readable lines with `{ pretty: true }`
 * (what an app in development mode uses). `true` is `'debug'` and `false` is `'warn'`, as the boolean form
 * used to mean (verbose or not).
 *
 * @example
 * const app = new Brisk({ logger: consoleLogger('debug', { pretty: true }) })
 */
export function consoleLogger(
  level: LogLevel | boolean = 'info',
  options: ConsoleLoggerOptions = {},
): Logger {
  const rank = RANK[level === true ? 'debug' : level === false ? 'warn' : level]
  if (rank === undefined) throw new TypeError(`consoleLogger(): unknown level ${JSON.stringify(level)}`)
  const format = {
    pretty: options.pretty === true,
    colours: options.colours ?? onTerminal(),
  }
  const at =
    (name: Exclude<LogLevel, 'silent'>) =>
    (obj: object | string, msg?: string): void =>
      write(format, name, obj, msg)
  return {
    error: rank <= RANK.error ? at('error') : ignore,
    warn: rank <= RANK.warn ? at('warn') : ignore,
    info: rank <= RANK.info ? at('info') : ignore,
    debug: rank <= RANK.debug ? at('debug') : ignore,
  }
}
