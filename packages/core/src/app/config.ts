/**
 * The app's configuration: options given to `new Brisk()`, else `BRISK_*` environment variables, else
 * defaults. Checked once, at construction, with errors that name the option or variable at fault.
 */
import { parseBytes } from '../http/body-parse'
import type { TrustProxy } from '../http/client-ip'
import { isProblemType } from '../http/errors'
import { type MultipartLimits, type ResolvedMultipartLimits, resolveMultipartLimits } from '../http/multipart'
import { isLogLevel, type Logger, type LogLevel } from '../log/logger'

/** Options of `new Brisk()`. Each has a `BRISK_*` variable (in brackets) used when the option is not given. */
export interface BriskOptions {
  /** The app's name, used in logs and errors [BRISK_NAME]. @default 'brisk' */
  name?: string
  /** Development mode: error details in responses, access log [BRISK_DEV]. @default `NODE_ENV === 'development'` */
  dev?: boolean
  /** Largest request body, in bytes or as `'1mb'`; past it, 413 [BRISK_BODY_LIMIT]. @default '1mb' */
  bodyLimit?: number | string
  /** Whether a trailing slash must match exactly [BRISK_STRICT_SLASHES]. @default false */
  strictSlashes?: boolean
  /** Trust `Forwarded` / `X-Forwarded-*`: `true`, or the number of proxies in front [BRISK_TRUST_PROXY]. @default false */
  trustProxy?: TrustProxy
  /** A pino-compatible logger. @default JSON lines on stderr, from `logLevel` up */
  logger?: Logger
  /**
   * What the default logger writes (a `logger` you pass has its own level) [BRISK_LOG_LEVEL]; `'silent'` turns
   * it off. @default `'debug'` in dev mode, `'warn'` when `NODE_ENV` is `test` (quiet test runs), else `'info'`
   */
  logLevel?: LogLevel
  /** One log line per request (method, path, status, duration, request id) at `info` [BRISK_ACCESS_LOG]. @default `dev` */
  accessLog?: boolean
  /** Milliseconds a client has to send a whole request; then 408 [BRISK_REQUEST_TIMEOUT]. @default 30000 */
  requestTimeout?: number
  /** Milliseconds a client has to send its headers [BRISK_HEADERS_TIMEOUT]. @default 10000 */
  headersTimeout?: number
  /** Milliseconds an idle keep-alive connection stays open [BRISK_KEEP_ALIVE_TIMEOUT]. @default 5000 */
  keepAliveTimeout?: number
  /**
   * Milliseconds a client may take no byte of a response that waits to be sent before Brisk's server cuts the
   * connection (a peer that does not read); a client that reads slowly is never cut [BRISK_SEND_TIMEOUT].
   * @default 30000
   */
  sendTimeout?: number
  /** Largest total size of the request headers, in bytes; past it, 431 [BRISK_MAX_HEADER_SIZE]. @default 16384 */
  maxHeaderSize?: number
  /** Milliseconds `close()` waits for in-flight requests and tasks [BRISK_SHUTDOWN_TIMEOUT]. @default 10000 */
  shutdownTimeout?: number
  /**
   * The HTTP server `listen()` runs: Brisk's own HTTP/1.1 server, or `node:http` for code that needs node's
   * request and response objects [BRISK_SERVER]. @default 'brisk'
   */
  server?: 'brisk' | 'node'
  /** Limits for `multipart/form-data` bodies (files, sizes, counts). */
  multipart?: MultipartLimits
  /**
   * Where the problem types of this app's errors live: an error without its own `type` is sent with
   * `type: problemTypeBase + code`, e.g. `'https://example.com/problems/'` gives
   * `https://example.com/problems/BRISK_ERR_NOT_FOUND` [BRISK_PROBLEM_TYPE_BASE]. @default none: `'about:blank'`
   */
  problemTypeBase?: string
  /** Where `BRISK_*` variables are read from. @default `process.env` (none on runtimes without it) */
  env?: Record<string, string | undefined>
}

/** The resolved configuration of an app (`app.config`). */
export interface BriskConfig {
  readonly name: string
  readonly dev: boolean
  readonly bodyLimit: number
  readonly strictSlashes: boolean
  readonly trustProxy: TrustProxy
  readonly accessLog: boolean
  readonly logLevel: LogLevel
  readonly requestTimeout: number
  readonly headersTimeout: number
  readonly keepAliveTimeout: number
  readonly sendTimeout: number
  readonly maxHeaderSize: number
  readonly shutdownTimeout: number
  readonly server: 'brisk' | 'node'
  readonly multipart: ResolvedMultipartLimits
  readonly problemTypeBase: string | undefined
  /** Every other `BRISK_*` variable, without the prefix: `BRISK_DB_URL` is `vars.DB_URL`. */
  readonly vars: Readonly<Record<string, string>>
}

const KNOWN = new Set([
  'NAME',
  'DEV',
  'BODY_LIMIT',
  'STRICT_SLASHES',
  'TRUST_PROXY',
  'ACCESS_LOG',
  'REQUEST_TIMEOUT',
  'HEADERS_TIMEOUT',
  'KEEP_ALIVE_TIMEOUT',
  'SEND_TIMEOUT',
  'MAX_HEADER_SIZE',
  'SERVER',
  'SHUTDOWN_TIMEOUT',
  'LOG_LEVEL',
  'PROBLEM_TYPE_BASE',
])

function processEnv(): Record<string, string | undefined> {
  return (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env ?? {}
}

function flag(value: string, variable: string): boolean {
  const v = value.trim().toLowerCase()
  if (['1', 'true', 'yes', 'on'].includes(v)) return true
  if (['0', 'false', 'no', 'off', ''].includes(v)) return false
  throw new TypeError(`${variable} must be true or false (1/0, yes/no, on/off), got ${JSON.stringify(value)}`)
}

function wholeNumber(value: number | string, what: string): number {
  const n = typeof value === 'number' ? value : Number(value.trim())
  if (!Number.isFinite(n) || n < 0 || (typeof value === 'string' && value.trim() === '')) {
    throw new TypeError(`${what} must be a number ≥ 0, got ${JSON.stringify(value)}`)
  }
  return n
}

/**
 * Resolves options over `BRISK_*` variables over defaults.
 *
 * @example
 * resolveConfig({ env: { BRISK_BODY_LIMIT: '64kb' } }).bodyLimit // 65536
 */
export function resolveConfig(options: BriskOptions): BriskConfig {
  if (options === null || typeof options !== 'object')
    throw new TypeError('new Brisk(): options must be an object')
  const env = options.env ?? processEnv()
  const fromEnv = (key: string): string | undefined => env[`BRISK_${key}`]
  const pick = <T>(
    given: T | undefined,
    key: string,
    parse: (raw: string, variable: string) => T,
    fallback: T,
  ): T => {
    if (given !== undefined) return given
    const raw = fromEnv(key)
    return raw === undefined ? fallback : parse(raw, `BRISK_${key}`)
  }
  const ms = (key: string, option: keyof BriskOptions, fallback: number): number => {
    const given = options[option] as number | undefined
    if (given !== undefined) return wholeNumber(given, `new Brisk(): ${option}`)
    const raw = fromEnv(key)
    return raw === undefined ? fallback : wholeNumber(raw, `BRISK_${key}`)
  }
  const trustProxy = pick<TrustProxy>(
    options.trustProxy,
    'TRUST_PROXY',
    (raw, variable) => {
      if (/^\d+$/.test(raw.trim())) return Number(raw)
      return flag(raw, variable)
    },
    false,
  )
  if (typeof trustProxy !== 'boolean' && !(Number.isInteger(trustProxy) && trustProxy >= 0)) {
    throw new TypeError('new Brisk(): trustProxy must be true, false, or a number of proxies')
  }
  const dev = pick(options.dev, 'DEV', flag, env.NODE_ENV === 'development')
  const vars: Record<string, string> = {}
  for (const name of Object.keys(env)) {
    if (!name.startsWith('BRISK_')) continue
    const key = name.slice(6)
    if (!KNOWN.has(key) && env[name] !== undefined) vars[key] = env[name]!
  }
  return Object.freeze({
    name: pick(options.name, 'NAME', (raw) => raw, 'brisk'),
    dev,
    bodyLimit: parseBytes(pick<number | string>(options.bodyLimit, 'BODY_LIMIT', (raw) => raw, '1mb')),
    strictSlashes: pick(options.strictSlashes, 'STRICT_SLASHES', flag, false),
    trustProxy,
    accessLog: pick(options.accessLog, 'ACCESS_LOG', flag, dev),
    logLevel: logLevel(
      pick<string>(
        options.logLevel,
        'LOG_LEVEL',
        (raw) => raw.trim(),
        dev ? 'debug' : env.NODE_ENV === 'test' ? 'warn' : 'info',
      ),
      options.logLevel === undefined ? 'BRISK_LOG_LEVEL' : 'new Brisk(): logLevel',
    ),
    requestTimeout: ms('REQUEST_TIMEOUT', 'requestTimeout', 30_000),
    headersTimeout: ms('HEADERS_TIMEOUT', 'headersTimeout', 10_000),
    keepAliveTimeout: ms('KEEP_ALIVE_TIMEOUT', 'keepAliveTimeout', 5_000),
    sendTimeout: ms('SEND_TIMEOUT', 'sendTimeout', 30_000),
    maxHeaderSize: ms('MAX_HEADER_SIZE', 'maxHeaderSize', 16_384),
    shutdownTimeout: ms('SHUTDOWN_TIMEOUT', 'shutdownTimeout', 10_000),
    server: serverKind(pick<string>(options.server, 'SERVER', (raw) => raw.trim(), 'brisk')),
    multipart: resolveMultipartLimits(options.multipart),
    problemTypeBase: typeBase(
      pick<string | undefined>(options.problemTypeBase, 'PROBLEM_TYPE_BASE', (raw) => raw.trim(), undefined),
      options.problemTypeBase === undefined ? 'BRISK_PROBLEM_TYPE_BASE' : 'new Brisk(): problemTypeBase',
    ),
    vars: Object.freeze(vars),
  })
}

function typeBase(value: string | undefined, what: string): string | undefined {
  if (value === undefined) return undefined
  if (isProblemType(value)) return value
  throw new TypeError(
    `${what} must be a URI (e.g. 'https://example.com/problems/'), got ${JSON.stringify(value)}`,
  )
}

function logLevel(value: string, what: string): LogLevel {
  if (isLogLevel(value)) return value
  throw new TypeError(
    `${what} must be 'debug', 'info', 'warn', 'error' or 'silent', got ${JSON.stringify(value)}`,
  )
}

function serverKind(value: string): 'brisk' | 'node' {
  if (value === 'brisk' || value === 'node') return value
  throw new TypeError(`new Brisk(): server must be 'brisk' or 'node', got ${JSON.stringify(value)}`)
}
