/**
 * The twin's configuration, read from the environment once at start-up, with the same variables, defaults and
 * refusals as examples/showcase/src/config.ts (the contract's "Starting it"): a bad value is a ConfigError
 * whose one-line message names the variable, printed by main.mjs before anything listens.
 */

/**
 * A bad environment; the message is one line, fit for stderr as it is.
 *
 * @example
 * try { readConfig(process.env) } catch (error) { if (error instanceof ConfigError) console.error(error.message) }
 */
export class ConfigError extends Error {
  constructor(message) {
    super(message)
    this.name = 'ConfigError'
  }
}

/** The showcase's public development secret, used when JWT_SECRET is unset (with a warning), as there. */
export const DEV_JWT_SECRET = 'brisk-showcase-development-secret-do-not-deploy'

const DEFAULT_CORS_ORIGINS = ['http://localhost:5173']

/** An unset variable and an empty one mean the same thing. */
function value(env, name) {
  const raw = env[name]
  return raw === undefined || raw.trim() === '' ? undefined : raw.trim()
}

/** A whole number in decimal digits only, within [min, max]. */
function integer(env, name, fallback, min, max) {
  const raw = value(env, name)
  if (raw === undefined) return fallback
  const n = /^\d+$/.test(raw) ? Number(raw) : Number.NaN
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    const range = name === 'WORKERS' ? 'a positive integer' : `an integer from ${min} to ${max}`
    throw new ConfigError(`${name} must be ${range}, got ${JSON.stringify(env[name])}`)
  }
  return n
}

/** CORS_ORIGINS: each item an origin exactly as browsers send it. */
function origins(env) {
  const raw = value(env, 'CORS_ORIGINS')
  if (raw === undefined) return [...DEFAULT_CORS_ORIGINS]
  const list = raw
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '')
  for (const item of list) {
    let origin
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
 * Reads and checks the environment; throws a ConfigError for any bad value.
 *
 * @example
 * readConfig({ PORT: '8080' }).port // 8080
 */
export function readConfig(env = process.env) {
  const warnings = []
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
    if (!ok) throw new ConfigError('REDIS_URL must be a redis:// or rediss:// URL with a host')
  }
  if (workers > 1 && redisUrl === undefined) {
    throw new ConfigError(
      `WORKERS=${workers} needs REDIS_URL: sessions and refresh tokens must be shared between the workers (set REDIS_URL, or run one worker)`,
    )
  }

  let jwtSecret = env.JWT_SECRET === '' ? undefined : env.JWT_SECRET
  if (jwtSecret === undefined) {
    jwtSecret = DEV_JWT_SECRET
    warnings.push(
      'warning: JWT_SECRET is not set; using the public development secret (set JWT_SECRET in production)',
    )
  } else if (Buffer.byteLength(jwtSecret) < 32) {
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
