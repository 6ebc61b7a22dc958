/**
 * Cookie header parsing and `Set-Cookie` serialization.
 * https://www.rfc-editor.org/rfc/rfc6265
 */

const SEMI = 0x3b
const SPACE = 0x20
const TAB = 0x09
const QUOTE = 0x22

/** Options for {@link serializeCookie}; each maps to one `Set-Cookie` attribute. */
export interface CookieOptions {
  /** `Domain` attribute; omitted by default, which makes a host-only cookie. */
  domain?: string
  /** `Path` attribute; omitted by default (the browser uses the request path's directory). */
  path?: string
  /** `Expires` attribute; omitted by default (a session cookie). */
  expires?: Date
  /** `Max-Age` attribute in seconds, floored to an integer; omitted by default. */
  maxAge?: number
  /** `HttpOnly` flag. @default false */
  httpOnly?: boolean
  /** `Secure` flag. @default false */
  secure?: boolean
  /** `SameSite` attribute, emitted capitalized; omitted by default. */
  sameSite?: 'Strict' | 'Lax' | 'None' | 'strict' | 'lax' | 'none'
  /** `Partitioned` flag (CHIPS); requires `secure`. @default false */
  partitioned?: boolean
  /** `Priority` attribute (a Chromium extension); omitted by default. */
  priority?: 'Low' | 'Medium' | 'High'
}

/**
 * Parse a `Cookie` request header into a name → value map.
 *
 * The first occurrence of a name wins (RFC 6265 §5.4 orders longer paths first, so the first
 * is the most specific). Values are percent-decoded only when they contain `%`, and kept raw
 * when the escape is malformed. The result has a null prototype, so `__proto__` is plain data.
 * Never throws.
 *
 * @example
 * parseCookies('sid=abc; theme="dark"; name=J%C3%B6rg')
 * // { sid: 'abc', theme: 'dark', name: 'Jörg' }
 */
export function parseCookies(header: string | undefined): Record<string, string> {
  const out: Record<string, string> = Object.create(null)
  if (!header) return out
  const len = header.length
  let pos = 0
  while (pos < len) {
    let end = header.indexOf(';', pos)
    if (end === -1) end = len
    const eq = header.indexOf('=', pos)
    if (eq === -1) break // no pair after this point can have a value
    if (eq > end) {
      // A pair without `=` is ignored (RFC 6265 §5.2 step 2 in the user-agent algorithm).
      pos = end + 1
      continue
    }
    let nameStart = pos
    let nameEnd = eq
    while (nameStart < nameEnd && isOWS(header.charCodeAt(nameStart))) nameStart++
    while (nameEnd > nameStart && isOWS(header.charCodeAt(nameEnd - 1))) nameEnd--
    if (nameStart < nameEnd) {
      const name = header.slice(nameStart, nameEnd)
      if (out[name] === undefined) {
        let valStart = eq + 1
        let valEnd = end
        while (valStart < valEnd && isOWS(header.charCodeAt(valStart))) valStart++
        while (valEnd > valStart && isOWS(header.charCodeAt(valEnd - 1))) valEnd--
        // cookie-value may be wrapped in DQUOTEs (RFC 6265 §4.1.1); they are not part of the value.
        if (
          valEnd - valStart >= 2 &&
          header.charCodeAt(valStart) === QUOTE &&
          header.charCodeAt(valEnd - 1) === QUOTE
        ) {
          valStart++
          valEnd--
        }
        out[name] = decode(header.slice(valStart, valEnd))
      }
    }
    pos = end + 1
  }
  return out
}

/**
 * Build a `Set-Cookie` header value.
 *
 * The value is encoded with `encodeURIComponent`, so any string round-trips through
 * {@link parseCookies}. Throws a `TypeError` on a name that is not an RFC 6265 token, a domain
 * or path containing `;` or control characters, invalid numbers or dates, and on attribute
 * combinations browsers reject (`SameSite=None` or `Partitioned` without `Secure`, and the
 * `__Secure-` / `__Host-` prefix rules).
 *
 * @example
 * serializeCookie('sid', 'a b', { httpOnly: true, secure: true, sameSite: 'lax', maxAge: 3600 })
 * // 'sid=a%20b; Max-Age=3600; HttpOnly; Secure; SameSite=Lax'
 */
export function serializeCookie(name: string, value: string, options?: CookieOptions): string {
  if (!isToken(name)) {
    throw new TypeError(`Invalid cookie name ${JSON.stringify(name)}: must be a non-empty RFC 6265 token`)
  }
  let encoded: string
  try {
    encoded = encodeURIComponent(value)
  } catch {
    throw new TypeError(`Invalid value for cookie "${name}": contains a lone surrogate`)
  }
  let str = `${name}=${encoded}`
  if (options === undefined) {
    checkPrefix(name, false, undefined, undefined)
    return str
  }
  const { domain, path, expires, maxAge, sameSite, priority } = options
  const secure = options.secure === true

  if (domain !== undefined) {
    checkAttribute('domain', domain)
    str += `; Domain=${domain}`
  }
  if (path !== undefined) {
    checkAttribute('path', path)
    str += `; Path=${path}`
  }
  if (expires !== undefined) {
    if (!(expires instanceof Date) || Number.isNaN(expires.getTime())) {
      throw new TypeError(`Invalid expires for cookie "${name}": must be a valid Date`)
    }
    str += `; Expires=${expires.toUTCString()}`
  }
  if (maxAge !== undefined) {
    if (typeof maxAge !== 'number' || !Number.isFinite(maxAge)) {
      throw new TypeError(`Invalid maxAge for cookie "${name}": must be a finite number of seconds`)
    }
    str += `; Max-Age=${Math.floor(maxAge)}`
  }
  if (options.httpOnly === true) str += '; HttpOnly'
  if (secure) str += '; Secure'
  if (sameSite !== undefined) {
    const normalized = SAME_SITE[sameSite]
    if (normalized === undefined) {
      throw new TypeError(`Invalid sameSite for cookie "${name}": expected 'Strict', 'Lax' or 'None'`)
    }
    // Browsers reject SameSite=None without Secure (RFC 6265bis §5.6.7 / Chrome since 2020).
    if (normalized === 'None' && !secure) {
      throw new TypeError(`Cookie "${name}" has SameSite=None, which requires secure: true`)
    }
    str += `; SameSite=${normalized}`
  }
  if (options.partitioned === true) {
    // CHIPS: https://developer.mozilla.org/en-US/docs/Web/Privacy/Privacy_sandbox/Partitioned_cookies
    if (!secure) throw new TypeError(`Cookie "${name}" is Partitioned, which requires secure: true`)
    str += '; Partitioned'
  }
  if (priority !== undefined) {
    if (priority !== 'Low' && priority !== 'Medium' && priority !== 'High') {
      throw new TypeError(`Invalid priority for cookie "${name}": expected 'Low', 'Medium' or 'High'`)
    }
    str += `; Priority=${priority}`
  }
  checkPrefix(name, secure, domain, path)
  return str
}

const SAME_SITE: Record<string, 'Strict' | 'Lax' | 'None'> = Object.assign(Object.create(null), {
  Strict: 'Strict',
  strict: 'Strict',
  Lax: 'Lax',
  lax: 'Lax',
  None: 'None',
  none: 'None',
})

// tchar from RFC 9110 §5.6.2, which RFC 6265 §4.1.1 cookie-name refers to (via RFC 2616 token).
const TCHAR = new Uint8Array(128)
for (let c = 0x30; c <= 0x39; c++) TCHAR[c] = 1
for (let c = 0x41; c <= 0x5a; c++) TCHAR[c] = 1
for (let c = 0x61; c <= 0x7a; c++) TCHAR[c] = 1
for (const ch of "!#$%&'*+-.^_`|~") TCHAR[ch.charCodeAt(0)] = 1

function isToken(s: string): boolean {
  const len = s.length
  if (len === 0) return false
  for (let i = 0; i < len; i++) {
    const c = s.charCodeAt(i)
    if (c >= 128 || TCHAR[c] === 0) return false
  }
  return true
}

function checkAttribute(attr: 'domain' | 'path', v: string): void {
  if (v.length === 0) throw new TypeError(`Invalid cookie ${attr}: must not be empty`)
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i)
    // A `;` would start a new attribute; control characters are forbidden by RFC 6265 §4.1.1 av-octet.
    if (c === SEMI || c < 0x20 || c === 0x7f) {
      throw new TypeError(
        `Invalid cookie ${attr} ${JSON.stringify(v)}: must not contain ';' or control characters`,
      )
    }
  }
}

// Cookie prefixes, matched case-insensitively as browsers now do (RFC 6265bis §4.1.3).
function checkPrefix(name: string, secure: boolean, domain?: string, path?: string): void {
  if (name.charCodeAt(0) !== 0x5f || name.charCodeAt(1) !== 0x5f) return
  const lower = name.toLowerCase()
  if (lower.startsWith('__secure-')) {
    if (!secure)
      throw new TypeError(`Cookie "${name}" uses the __Secure- prefix, which requires secure: true`)
  } else if (lower.startsWith('__host-')) {
    if (!secure || path !== '/' || domain !== undefined) {
      throw new TypeError(
        `Cookie "${name}" uses the __Host- prefix, which requires secure: true, path: '/' and no domain`,
      )
    }
  }
}

function isOWS(c: number): boolean {
  return c === SPACE || c === TAB
}

function decode(s: string): string {
  if (s.indexOf('%') === -1) return s
  try {
    return decodeURIComponent(s)
  } catch {
    return s
  }
}
