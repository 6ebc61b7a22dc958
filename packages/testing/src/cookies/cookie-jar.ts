/**
 * The client's cookie jar: stores what responses set and sends back what a browser would, by domain, path,
 * expiry and `Secure` (RFC 6265 §5.3 and §5.4). Where it deliberately differs from RFC 6265 or from the
 * http-state suite, the README says so.
 * https://www.rfc-editor.org/rfc/rfc6265#section-5.3
 */
import { cookieDomain, defaultPath, domainMatch, pathMatch } from './cookie-match'
import { parseSetCookie, readValue, type SetCookie } from './set-cookie'

/** A cookie in the jar. */
export interface JarCookie {
  readonly name: string
  /** The value as the server reads it: without surrounding double quotes, percent-decoded. */
  readonly value: string
  /** The host (host-only cookie) or domain it is sent to. */
  readonly domain: string
  /** True when it is sent to `domain` exactly, not to its subdomains (no `Domain` attribute). */
  readonly hostOnly: boolean
  readonly path: string
  /** When it expires; undefined for a session cookie, which lives as long as the jar. */
  readonly expires: Date | undefined
  readonly secure: boolean
  readonly httpOnly: boolean
  readonly sameSite: 'Strict' | 'Lax' | 'None' | undefined
}

/** Options of {@link CookieJar.set}. */
export interface CookieSetOptions {
  /** Send it to this domain and its subdomains. @default the origin's host only */
  domain?: string
  /** @default '/' */
  path?: string
  expires?: Date
  /** Seconds from now; 0 or less deletes it. Wins over `expires`. */
  maxAge?: number
  /** Only sent when the origin is `https`. @default false */
  secure?: boolean
  /** @default false */
  httpOnly?: boolean
  /** `'None'` requires `secure: true`, as browsers do. */
  sameSite?: 'Strict' | 'Lax' | 'None'
}

interface Stored {
  name: string
  /** The value as received, double quotes included: what is sent back. */
  raw: string
  domain: string
  hostOnly: boolean
  path: string
  expires: number | undefined
  secure: boolean
  httpOnly: boolean
  sameSite: 'Strict' | 'Lax' | 'None' | undefined
  /** Creation order. */
  created: number
}

interface Target {
  readonly host: string
  readonly path: string
  readonly secure: boolean
}

/** The last instant a `Date` can hold; a longer `Max-Age` is cut to it (RFC 6265 §5.2.1 allows it). */
const LATEST = 8.64e15

/**
 * Cookies kept across requests. Each client has one (`client.cookies`); clients made with `withHeaders`
 * share it.
 *
 * @example
 * const jar = new CookieJar('https://shop.example')
 * jar.store('sid=abc; Path=/; Secure', '/login')
 * jar.header('/cart') // 'sid=abc'
 */
export class CookieJar {
  /** The origin that paths given to the jar are relative to, and whose host `set()` uses. */
  readonly origin: string
  #cookies: Stored[] = []
  #seq = 0

  constructor(origin = 'http://localhost') {
    let url: URL
    try {
      url = new URL(origin)
    } catch {
      throw new TypeError(
        `CookieJar: origin must be an absolute URL like 'http://localhost', got ${JSON.stringify(origin)}`,
      )
    }
    this.origin = url.origin
  }

  /**
   * Stores the cookies of `Set-Cookie` header values, as if they came in the response to `url` (a path on
   * the origin, or an absolute URL). Cookies whose `Domain` does not fit the host are ignored, as a browser
   * does; an expired one deletes its namesake.
   *
   * @example
   * jar.store(res.headers.getSetCookie(), '/login')
   */
  store(setCookie: string | readonly string[], url = '/'): void {
    const target = this.#target(url)
    for (const line of typeof setCookie === 'string' ? [setCookie] : setCookie) {
      const parsed = parseSetCookie(line)
      if (parsed !== null) this.#receive(parsed, target)
    }
  }

  /**
   * The `Cookie` header the jar sends to `url` (a path on the origin, or an absolute URL); `''` when none.
   * Longer paths come first, then older cookies (RFC 6265 §5.4).
   *
   * @example
   * jar.header('/admin') // 'admin_sid=1; sid=2'
   */
  header(url = '/'): string {
    return this.#matching(this.#target(url))
      .map((c) => `${c.name}=${c.raw}`)
      .join('; ')
  }

  /**
   * The value of a cookie: the one sent to `options.url` when given, else any live cookie of that name (the
   * one with the longest path first).
   *
   * @example
   * client.cookies.get('sid') // 'abc'
   */
  get(name: string, options: { url?: string } = {}): string | undefined {
    const found = this.getAll(options.url).find((c) => c.name === name)
    return found?.value
  }

  /**
   * Every live cookie, or those sent to `url` when given, longest path first.
   *
   * @example
   * expect(client.cookies.getAll().map((c) => c.name)).toEqual(['sid'])
   */
  getAll(url?: string): JarCookie[] {
    const list = url === undefined ? this.#live().sort(byPathThenAge) : this.#matching(this.#target(url))
    return list.map(publicCookie)
  }

  /**
   * Puts a cookie in the jar as the origin would have set it. The value is percent-encoded the way
   * `@brisk/core` encodes cookie values, so the server reads back exactly `value`. Throws a `TypeError` on
   * an invalid name and on `sameSite: 'None'` without `secure`, a cookie browsers refuse.
   *
   * @example
   * client.cookies.set('theme', 'dark')
   * client.cookies.set('sid', 'abc', { path: '/admin', secure: true })
   */
  set(name: string, value: string, options: CookieSetOptions = {}): void {
    if (typeof name !== 'string' || !/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(name)) {
      throw new TypeError(`cookies.set(): ${JSON.stringify(name)} is not a valid cookie name`)
    }
    if (options.sameSite === 'None' && options.secure !== true) {
      throw new TypeError(`cookies.set(): cookie "${name}" has sameSite 'None', which requires secure: true`)
    }
    const host = new URL(this.origin).hostname
    const domain = options.domain?.replace(/^\./, '').toLowerCase()
    this.#put({
      name,
      raw: encodeURIComponent(value),
      domain: domain ?? host,
      hostOnly: domain === undefined,
      path: options.path ?? '/',
      expires: expiry(options.maxAge, options.expires, Date.now()),
      secure: options.secure === true,
      httpOnly: options.httpOnly === true,
      sameSite: options.sameSite,
      created: 0,
    })
  }

  /**
   * Removes the cookies called `name` (only those on `domain` / `path` when given); returns how many went.
   *
   * @example
   * client.cookies.delete('sid')
   */
  delete(name: string, options: { domain?: string; path?: string } = {}): number {
    const domain = options.domain?.replace(/^\./, '').toLowerCase()
    const before = this.#cookies.length
    this.#cookies = this.#cookies.filter(
      (c) =>
        !(
          c.name === name &&
          (domain === undefined || c.domain === domain) &&
          (options.path === undefined || c.path === options.path)
        ),
    )
    return before - this.#cookies.length
  }

  /** Empties the jar. @example client.cookies.clear() */
  clear(): void {
    this.#cookies = []
  }

  /** How many live cookies the jar holds. @example expect(client.cookies.size).toBe(0) */
  get size(): number {
    return this.#live().length
  }

  #target(url: string): Target {
    let parsed: URL
    try {
      parsed = url.startsWith('/') ? new URL(url, this.origin) : new URL(url)
    } catch {
      throw new TypeError(
        `CookieJar: expected a path starting with "/" or an absolute URL, got ${JSON.stringify(url)}`,
      )
    }
    return {
      host: parsed.hostname.toLowerCase(),
      path: parsed.pathname || '/',
      secure: parsed.protocol === 'https:' || parsed.protocol === 'wss:',
    }
  }

  #receive(cookie: SetCookie, target: Target): void {
    const where = cookieDomain(target.host, cookie.domain)
    if (where === null) return
    // RFC 6265bis §5.7: browsers refuse SameSite=None without Secure.
    if (cookie.sameSite === 'None' && !cookie.secure) return
    this.#put({
      name: cookie.name,
      raw: cookie.rawValue,
      domain: where.domain,
      hostOnly: where.hostOnly,
      path: cookie.path ?? defaultPath(target.path),
      expires: expiry(cookie.maxAge, cookie.expires, Date.now()),
      secure: cookie.secure,
      httpOnly: cookie.httpOnly,
      sameSite: cookie.sameSite,
      created: 0,
    })
  }

  #put(cookie: Stored): void {
    const at = this.#cookies.findIndex(
      (c) => c.name === cookie.name && c.domain === cookie.domain && c.path === cookie.path,
    )
    if (cookie.expires !== undefined && cookie.expires <= Date.now()) {
      if (at !== -1) this.#cookies.splice(at, 1) // Max-Age=0 or a past Expires: the server's way to delete
      return
    }
    if (at !== -1) {
      cookie.created = this.#cookies[at]!.created // a replaced cookie keeps its age (§5.3 step 11)
      this.#cookies[at] = cookie
    } else {
      cookie.created = this.#seq++ // creation order, which a clock could not tell within one millisecond
      this.#cookies.push(cookie)
    }
  }

  #live(): Stored[] {
    const now = Date.now()
    this.#cookies = this.#cookies.filter((c) => c.expires === undefined || c.expires > now)
    return [...this.#cookies]
  }

  #matching(target: Target): Stored[] {
    return this.#live()
      .filter(
        (c) =>
          (c.hostOnly ? c.domain === target.host : domainMatch(target.host, c.domain)) &&
          pathMatch(target.path, c.path) &&
          (!c.secure || target.secure),
      )
      .sort(byPathThenAge)
  }
}

function expiry(maxAge: number | undefined, expires: Date | undefined, now: number): number | undefined {
  // Max-Age wins over Expires (§5.3 step 3); 0 or less means "already expired" (§5.2.2).
  if (maxAge !== undefined) return maxAge <= 0 ? 0 : Math.min(now + maxAge * 1000, LATEST)
  if (expires !== undefined) return expires.getTime()
  return undefined
}

function byPathThenAge(a: Stored, b: Stored): number {
  return b.path.length - a.path.length || a.created - b.created
}

function publicCookie(c: Stored): JarCookie {
  return {
    name: c.name,
    value: readValue(c.raw),
    domain: c.domain,
    hostOnly: c.hostOnly,
    path: c.path,
    expires: c.expires === undefined ? undefined : new Date(c.expires),
    secure: c.secure,
    httpOnly: c.httpOnly,
    sameSite: c.sameSite,
  }
}
