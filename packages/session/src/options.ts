/**
 * The plugin's options, checked and turned into settings once, at registration: cookie attributes become
 * one precomputed string, so the request path only concatenates.
 */
import { BriskResponse, type CookieOptions } from '@brisk/core'
import { CookieStore } from './cookie-store'
import { SessionError } from './errors'
import { MemoryStore } from './memory-store'
import type { Store } from './store'

/** The session cookie's attributes. */
export interface SessionCookieOptions {
  /** The cookie's name. @default 'sid' */
  name?: string
  /** `Path`. @default '/' */
  path?: string
  /** `Domain`; leave it out for a host-only cookie (the safest). @default none */
  domain?: string
  /** `HttpOnly`: scripts cannot read the cookie. @default true */
  httpOnly?: boolean
  /** `SameSite`; `'None'` needs `secure: true`. @default 'Lax' */
  sameSite?: 'Strict' | 'Lax' | 'None' | 'strict' | 'lax' | 'none'
  /**
   * `Secure`: `'auto'` sets it when the request came over HTTPS (`req.protocol`, which trusts
   * `X-Forwarded-Proto` only with the app's `trustProxy`); `true` always; `false` never.
   * @default 'auto'
   */
  secure?: boolean | 'auto'
  /** `Max-Age` in seconds; `null` makes a cookie the browser drops when it closes. @default the `ttl` */
  maxAge?: number | null
}

/**
 * Options of `app.use(session, …)`.
 *
 * @example
 * app.use(session, {
 *   secret: [process.env.SESSION_SECRET!, process.env.OLD_SESSION_SECRET!],
 *   store: new RedisStore({ client: new Redis(process.env.REDIS_URL!) }),
 *   cookie: { secure: true },
 *   ttl: 7 * 24 * 3600,
 *   rolling: true,
 * })
 */
export interface SessionOptions {
  /**
   * The secret that signs session ids (and encrypts the cookie store), at least 32 bytes; or a list, the
   * first signing and all of them verifying, to rotate secrets without logging everyone out.
   */
  secret: string | readonly string[]
  /** Where sessions are kept. @default new MemoryStore() */
  store?: Store | CookieStore
  /** The session cookie. */
  cookie?: SessionCookieOptions
  /**
   * Renew the session (store time to live and cookie) on every request that reads it, so it expires `ttl`
   * after its last use rather than after it was created. @default false
   */
  rolling?: boolean
  /** Seconds a session lives in its store after it was written (or renewed). @default 86400 (a day) */
  ttl?: number
  /** Milliseconds a store call may take before the request gets a 503. @default 1000 */
  storeTimeout?: number
}

/** The options once checked. */
export interface Settings {
  readonly secrets: readonly string[]
  readonly store: Store | null
  readonly cookieStore: boolean
  readonly name: string
  /** `; Max-Age=…; Path=/; HttpOnly; SameSite=Lax`: every attribute but `Secure`. */
  readonly attributes: string
  /** The attributes of the cookie that clears it. */
  readonly clearing: string
  readonly secure: boolean | 'auto'
  readonly rolling: boolean
  readonly ttlMs: number
  readonly storeTimeout: number
}

const KNOWN = new Set(['secret', 'store', 'cookie', 'rolling', 'ttl', 'storeTimeout'])
const KNOWN_COOKIE = new Set(['name', 'path', 'domain', 'httpOnly', 'sameSite', 'secure', 'maxAge'])

/**
 * Checks the options (not the secrets' length: that depends on development mode, see `checkSecrets`).
 *
 * @example
 * const settings = resolveSettings({ secret }, 'app "shop"')
 */
export function resolveSettings(options: SessionOptions | undefined, where: string): Settings {
  const fail = (message: string): never => {
    throw new SessionError('BRISK_SESSION_ERR_OPTIONS', `@brisk/session on ${where}: ${message}`)
  }
  if (options === null || typeof options !== 'object') fail('options with a `secret` are required')
  const o = options as SessionOptions
  for (const key of Object.keys(o)) if (!KNOWN.has(key)) fail(`unknown option "${key}"`)
  const secrets = typeof o.secret === 'string' ? [o.secret] : o.secret
  if (!Array.isArray(secrets) || secrets.length === 0 || !secrets.every((s) => typeof s === 'string')) {
    throw new SessionError(
      'BRISK_SESSION_ERR_SECRET',
      `@brisk/session on ${where}: \`secret\` must be a string or a non-empty list of strings`,
    )
  }
  const ttl = o.ttl ?? 86_400
  if (typeof ttl !== 'number' || !Number.isFinite(ttl) || ttl <= 0)
    fail(`ttl must be a positive number of seconds, got ${String(o.ttl)}`)
  const storeTimeout = o.storeTimeout ?? 1000
  if (typeof storeTimeout !== 'number' || !Number.isFinite(storeTimeout) || storeTimeout <= 0)
    fail(`storeTimeout must be a positive number of milliseconds, got ${String(o.storeTimeout)}`)
  if (o.rolling !== undefined && typeof o.rolling !== 'boolean') fail('rolling must be a boolean')
  const store = o.store ?? new MemoryStore()
  const cookieStore = store instanceof CookieStore
  if (!cookieStore && !isStore(store))
    fail('store must be a Store (get, set, destroy, touch) or a CookieStore')

  const c = o.cookie ?? {}
  if (typeof c !== 'object' || c === null) fail('cookie must be an object')
  for (const key of Object.keys(c)) if (!KNOWN_COOKIE.has(key)) fail(`unknown cookie option "${key}"`)
  const secure = c.secure ?? 'auto'
  if (secure !== 'auto' && typeof secure !== 'boolean') fail("cookie.secure must be true, false or 'auto'")
  const maxAge = c.maxAge === undefined ? ttl : c.maxAge
  if (maxAge !== null && (typeof maxAge !== 'number' || !Number.isFinite(maxAge) || maxAge <= 0))
    fail(`cookie.maxAge must be a positive number of seconds or null, got ${String(c.maxAge)}`)
  const name = c.name ?? 'sid'
  const attributes = {
    path: c.path ?? '/',
    domain: c.domain,
    httpOnly: c.httpOnly ?? true,
    sameSite: c.sameSite ?? 'Lax',
  }
  let line: string
  let clearLine: string
  try {
    // 'auto' counts as secure for the checks; SameSite=None must be secure on every request.
    if (attributes.sameSite.toLowerCase() === 'none' && secure !== true)
      fail("cookie.sameSite 'None' needs cookie.secure: true")
    if (/^__(host|secure)-/i.test(name) && secure !== true)
      fail(`the cookie name ${name} needs cookie.secure: true (browsers refuse it without Secure)`)
    line = cookieLine(name, { ...attributes, secure: secure !== false, maxAge: maxAge ?? undefined })
    clearLine = cookieLine(name, { ...attributes, secure: secure !== false, maxAge: 0, expires: new Date(0) })
  } catch (error) {
    if (error instanceof SessionError) throw error
    throw new SessionError(
      'BRISK_SESSION_ERR_OPTIONS',
      `@brisk/session on ${where}: ${(error as Error).message}`,
      {
        cause: error,
      },
    )
  }
  const withoutSecure = line.slice(name.length + 1).replace('; Secure', '')
  const clearing = clearLine.slice(name.length + 1).replace('; Secure', '')
  return {
    secrets,
    store: cookieStore ? null : (store as Store),
    cookieStore,
    name,
    attributes: withoutSecure,
    clearing,
    secure,
    rolling: o.rolling ?? false,
    ttlMs: ttl * 1000,
    storeTimeout,
  }
}

/**
 * Refuses secrets shorter than 32 bytes (UTF-8), or only warns in development mode, where a short secret
 * keeps a demo running.
 *
 * @example
 * checkSecrets(settings.secrets, app.dev, app.log, 'app "shop"')
 */
export function checkSecrets(
  secrets: readonly string[],
  dev: boolean,
  warn: (message: string) => void,
  where: string,
): void {
  const encoder = new TextEncoder()
  secrets.forEach((secret, index) => {
    const bytes = encoder.encode(secret).length
    if (bytes >= 32) return
    const message = `@brisk/session on ${where}: secret ${secrets.length > 1 ? `#${index + 1} ` : ''}has ${bytes} bytes; at least 32 are needed (e.g. \`openssl rand -base64 32\`)`
    if (!dev) throw new SessionError('BRISK_SESSION_ERR_SECRET', message)
    warn(`${message}; accepted in development mode only`)
  })
}

// Core's own serialiser (through a response) checks the name, the attributes and the prefix rules.
function cookieLine(name: string, options: CookieOptions): string {
  const line = new BriskResponse().setCookie(name, '', options).headers['set-cookie']!
  return (line as string[])[0]!
}

function isStore(store: unknown): store is Store {
  const s = store as Record<string, unknown>
  return (
    s !== null &&
    typeof s === 'object' &&
    typeof s.get === 'function' &&
    typeof s.set === 'function' &&
    typeof s.destroy === 'function' &&
    typeof s.touch === 'function'
  )
}
