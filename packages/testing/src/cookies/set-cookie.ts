/**
 * `Set-Cookie` parsing the way a user agent does it (RFC 6265 §5.2): lenient, never throwing, ignoring
 * attributes it cannot read instead of refusing the whole cookie.
 * https://www.rfc-editor.org/rfc/rfc6265#section-5.2
 */
import { parseCookieDate } from './cookie-date'

/** One `Set-Cookie` line, parsed. */
export interface SetCookie {
  /** The cookie's name. */
  readonly name: string
  /** The value as the server reads it back: without surrounding double quotes, percent-decoded (as `@brisk/core` does). */
  readonly value: string
  /** The value as it was on the wire, double quotes included; this is what the jar sends back. */
  readonly rawValue: string
  /** `Domain`, lower-cased and without a leading dot; undefined for a host-only cookie. */
  readonly domain: string | undefined
  /** `Path`, when it is a valid one (starts with `/`). */
  readonly path: string | undefined
  /** `Expires`, when it is a cookie-date (RFC 6265 §5.1.1, read in UTC). */
  readonly expires: Date | undefined
  /** `Max-Age` in seconds, when it is an integer; 0 or less deletes the cookie. */
  readonly maxAge: number | undefined
  readonly secure: boolean
  readonly httpOnly: boolean
  /** `SameSite`, spelled `Strict`, `Lax` or `None` whatever its case; undefined when absent or another value. */
  readonly sameSite: 'Strict' | 'Lax' | 'None' | undefined
  readonly partitioned: boolean
}

const SAME_SITE = new Map<string, 'Strict' | 'Lax' | 'None'>([
  ['strict', 'Strict'],
  ['lax', 'Lax'],
  ['none', 'None'],
])

/**
 * Whether a line has a control character other than HTAB. Such a line is dropped whole (RFC 6265bis §5.6 step 1, what
 * browsers do today): a NUL or CR kept in a value would be sent back, and Node refuses to send it.
 */
function hasControl(line: string): boolean {
  for (let i = 0; i < line.length; i++) {
    const code = line.charCodeAt(i)
    if ((code < 0x20 && code !== 0x09) || code === 0x7f) return true
  }
  return false
}

/** Removes the spaces and tabs (WSP) around a string, and only those (RFC 6265 §5.2 step 4). */
function trimWsp(s: string): string {
  let start = 0
  let end = s.length
  while (start < end && (s[start] === ' ' || s[start] === '\t')) start++
  while (end > start && (s[end - 1] === ' ' || s[end - 1] === '\t')) end--
  return s.slice(start, end)
}

/**
 * Parses one `Set-Cookie` header value; `null` when it has no `name=value` pair to keep.
 *
 * @example
 * parseSetCookie('sid=abc; Path=/; Max-Age=60; HttpOnly')
 * // { name: 'sid', value: 'abc', path: '/', maxAge: 60, httpOnly: true, … }
 */
export function parseSetCookie(line: string): SetCookie | null {
  if (hasControl(line)) return null
  const parts = line.split(';')
  const pair = parts[0]!
  const eq = pair.indexOf('=')
  // RFC 6265 drops a pair without "=" or with an empty name; 6265bis would keep it as a nameless cookie,
  // which no server sends on purpose and the http-state suite expects dropped.
  if (eq === -1) return null
  const name = trimWsp(pair.slice(0, eq))
  if (name === '') return null
  // Quotes stay: a browser sends `foo="bar"` back as it came (http-state VALUE0002).
  const rawValue = trimWsp(pair.slice(eq + 1))
  let domain: string | undefined
  let path: string | undefined
  let expires: Date | undefined
  let maxAge: number | undefined
  let secure = false
  let httpOnly = false
  let sameSite: SetCookie['sameSite']
  let partitioned = false
  // Where an attribute repeats, the last readable one wins (§5.3 step 3 reads "the last attribute").
  for (let i = 1; i < parts.length; i++) {
    const part = parts[i]!
    const at = part.indexOf('=')
    const key = trimWsp(at === -1 ? part : part.slice(0, at)).toLowerCase()
    const value = at === -1 ? '' : trimWsp(part.slice(at + 1))
    switch (key) {
      case 'domain':
        // §5.2.3: an empty value is ignored; `Domain=.` leaves "" (host-only), overriding an earlier Domain.
        if (value !== '') domain = value.replace(/^\./, '').toLowerCase() || undefined
        break
      case 'path':
        // An empty path or one that does not start with "/" stands for the default path (§5.2.4).
        path = value.startsWith('/') ? value : undefined
        break
      case 'expires':
        expires = parseCookieDate(value) ?? expires
        break
      case 'max-age':
        // §5.2.2: a DIGIT or "-" first, then only DIGITs.
        if (/^-?\d+$/.test(value)) maxAge = Number(value)
        break
      case 'secure':
        secure = true
        break
      case 'httponly':
        httpOnly = true
        break
      case 'samesite':
        // RFC 6265bis §5.6.7: any other value is the "Default" enforcement, the same as no attribute.
        sameSite = SAME_SITE.get(value.toLowerCase())
        break
      case 'partitioned':
        partitioned = true
        break
    }
  }
  return {
    name,
    value: readValue(rawValue),
    rawValue,
    domain,
    path,
    expires,
    maxAge,
    secure,
    httpOnly,
    sameSite,
    partitioned,
  }
}

/**
 * The value a server reads from a cookie value as sent: one pair of surrounding double quotes removed (they
 * are not part of it, RFC 6265 §4.1.1), then percent-decoded, as `@brisk/core`'s `parseCookies` does.
 *
 * @example
 * readValue('"J%C3%B6rg"') // 'Jörg'
 */
export function readValue(raw: string): string {
  const unquoted = raw.length >= 2 && raw.startsWith('"') && raw.endsWith('"') ? raw.slice(1, -1) : raw
  return decode(unquoted)
}

/**
 * Percent-decodes like `@brisk/core`'s cookie parser: only when there is a `%`, keeping malformed escapes.
 *
 * @example
 * decode('J%C3%B6rg') // 'Jörg'
 */
export function decode(value: string): string {
  if (!value.includes('%')) return value
  try {
    return decodeURIComponent(value)
  } catch {
    return value
  }
}
