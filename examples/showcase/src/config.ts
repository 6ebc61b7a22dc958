/**
 * The showcase's configuration, read from the environment once at start-up. Anything wrong is a
 * `ConfigError` whose one-line message names the variable, so `main.ts` can print it and exit 1 before
 * listening; nothing here reads the environment later.
 */

/** What the app and its entry point need, typed and checked. */
export interface ShowcaseConfig {
  /** `PORT`: where to listen. @default 8000 */
  readonly port: number
  /** `HOST`: the address to listen on. @default '127.0.0.1' */
  readonly host: string
  /** `WORKERS`: worker processes sharing the port. @default 1 */
  readonly workers: number
  /** `JWT_SECRET`: signs access tokens (HS256) and, through a derived key, session ids. */
  readonly jwtSecret: string
  /** `REDIS_URL`: where sessions and refresh tokens live; `undefined` keeps them in memory. */
  readonly redisUrl: string | undefined
  /** `CORS_ORIGINS`: the origins that may call `/api/…` from a browser. @default ['http://localhost:5173'] */
  readonly corsOrigins: readonly string[]
  /** Development mode (error details in responses, access log): only with `NODE_ENV=development`. */
  readonly dev: boolean
  /** Lines to print once at start-up (e.g. the development secret is in use). */
  readonly warnings: readonly string[]
}

/**
 * A bad environment: the message is one line, fit for stderr as it is.
 *
 * @example
 * try { readConfig(process.env) } catch (error) { if (error instanceof ConfigError) console.error(error.message) }
 */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'ConfigError'
  }
}

/**
 * The development secret used when `JWT_SECRET` is unset. It is public (it is in this file), so anyone can
 * sign tokens for an app that runs with it: the start-up warning says to set `JWT_SECRET`.
 */
export const DEV_JWT_SECRET = 'brisk-showcase-development-secret-do-not-deploy'

/** The origin a Vite dev server has by default: the front end most people try the API from. */
const DEFAULT_CORS_ORIGINS = ['http://localhost:5173']

/** An unset variable and an empty one mean the same thing: `FOO=` in a shell or an `.env` file. */
function value(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const raw = env[name]
  return raw === undefined || raw.trim() === '' ? undefined : raw.trim()
}

/** A whole number written in decimal digits only (`Number('1e3')` and `Number(' 4 ')` would pass otherwise). */
function integer(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = value(env, name)
  if (raw === undefined) return fallback
  const n = /^\d+$/.test(raw) ? Number(raw) : Number.NaN
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    const range = name === 'WORKERS' ? 'a positive integer' : `an integer from ${min} to ${max}`
    throw new ConfigError(`${name} must be ${range}, got ${JSON.stringify(env[name])}`)
  }
  return n
}

/** `CORS_ORIGINS`: each item must be an origin exactly as browsers send it (no path, no trailing slash). */
function origins(env: NodeJS.ProcessEnv): string[] {
  const raw = value(env, 'CORS_ORIGINS')
  if (raw === undefined) return [...DEFAULT_CORS_ORIGINS]
  const list = raw
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '')
  for (const item of list) {
    let origin: string | undefined
    try {
      const url = new URL(item)
      if (url.protocol === 'http:' || url.protocol === 'https:') origin = url.origin
    } catch {}
    if (origin !== item) {
      throw new ConfigError(
        `CORS_ORIGINS must be a comma-separated list of origins such as http://localhost:5173 (scheme, host and port, no path), got ${JSON.stringify(item)}`,
      )
    }
  }
  return list
}

/**
 * Reads and checks the environment. Throws a {@link ConfigError} for any bad value, among them a `WORKERS`
 * that is not a positive integer and `WORKERS` above 1 without `REDIS_URL` (each worker would keep its own
 * sessions and refresh tokens).
 *
 * @example
 * const config = readConfig({ PORT: '8080', CORS_ORIGINS: 'https://app.example' })
 * config.port // 8080
 */
export function readConfig(env: NodeJS.ProcessEnv = process.env): ShowcaseConfig {
  const warnings: string[] = []
  const port = integer(env, 'PORT', 8000, 0, 65535)
  const host = value(env, 'HOST') ?? '127.0.0.1'
  const workers = integer(env, 'WORKERS', 1, 1, 1024)

  const redisUrl = value(env, 'REDIS_URL')
  if (redisUrl !== undefined) {
    let ok = false
    try {
      const url = new URL(redisUrl)
      ok = (url.protocol === 'redis:' || url.protocol === 'rediss:') && url.hostname !== ''
    } catch {}
    // The URL may hold a password: name the variable, never echo its value.
    if (!ok) throw new ConfigError('REDIS_URL must be a redis:// or rediss:// URL with a host')
  }
  if (workers > 1 && redisUrl === undefined) {
    throw new ConfigError(
      `WORKERS=${workers} needs REDIS_URL: sessions and refresh tokens must be shared between the workers (set REDIS_URL, or run one worker)`,
    )
  }

  // Taken as it is, spaces included: trimming would change the key.
  let jwtSecret = env.JWT_SECRET === '' ? undefined : env.JWT_SECRET
  if (jwtSecret === undefined) {
    jwtSecret = DEV_JWT_SECRET
    warnings.push(
      'warning: JWT_SECRET is not set; using the public development secret (set JWT_SECRET in production)',
    )
  } else if (Buffer.byteLength(jwtSecret) < 32) {
    // RFC 7518 §3.2: an HS256 key has at least 256 bits. The secret's value is never printed.
    throw new ConfigError(`JWT_SECRET must be at least 32 bytes, got ${Buffer.byteLength(jwtSecret)}`)
  }

  return {
    port,
    host,
    workers,
    jwtSecret,
    redisUrl,
    corsOrigins: origins(env),
    dev: env.NODE_ENV === 'development',
    warnings,
  }
}
