/**
 * `Set-Cookie` parsing the way a user agent does it (RFC 6265 §5.2): lenient, never throwing, ignoring
 * attributes it cannot read instead of refusing the whole cookie.
 * https://www.rfc-editor.org/rfc/rfc6265#section-5.2
 */

/** One `Set-Cookie` line, parsed. */
export interface SetCookie {
  /** The cookie's name. */
  readonly name: string
  /** The value, percent-decoded (as `@brisk/core` reads cookies). */
  readonly value: string
  /** The value as it was on the wire. */
  readonly rawValue: string
  /** `Domain`, lower-cased and without a leading dot; undefined for a host-only cookie. */
  readonly domain: string | undefined
  /** `Path`, when it is a valid one (starts with `/`). */
  readonly path: string | undefined
  /** `Expires`, when it is a readable date. */
  readonly expires: Date | undefined
  /** `Max-Age` in seconds, when it is an integer; 0 or less deletes the cookie. */
  readonly maxAge: number | undefined
  readonly secure: boolean
  readonly httpOnly: boolean
  /** `SameSite` as written (`Strict`, `Lax`, `None`), if present. */
  readonly sameSite: string | undefined
  readonly partitioned: boolean
}

/**
 * Parses one `Set-Cookie` header value; `null` when it has no `name=value` pair to keep.
 *
 * @example
 * parseSetCookie('sid=abc; Path=/; Max-Age=60; HttpOnly')
 * // { name: 'sid', value: 'abc', path: '/', maxAge: 60, httpOnly: true, … }
 */
export function parseSetCookie(line: string): SetCookie | null {
  const parts = line.split(';')
  const pair = parts[0]!
  const eq = pair.indexOf('=')
  // 6265bis accepts a pair without "=" as a nameless cookie; no server sends one on purpose, so drop it.
  if (eq === -1) return null
  const name = pair.slice(0, eq).trim()
  if (name === '') return null
  let rawValue = pair.slice(eq + 1).trim()
  if (rawValue.length >= 2 && rawValue.startsWith('"') && rawValue.endsWith('"'))
    rawValue = rawValue.slice(1, -1)
  let domain: string | undefined
  let path: string | undefined
  let expires: Date | undefined
  let maxAge: number | undefined
  let secure = false
  let httpOnly = false
  let sameSite: string | undefined
  let partitioned = false
  for (let i = 1; i < parts.length; i++) {
    const part = parts[i]!
    const at = part.indexOf('=')
    const key = (at === -1 ? part : part.slice(0, at)).trim().toLowerCase()
    const value = at === -1 ? '' : part.slice(at + 1).trim()
    switch (key) {
      case 'domain': {
        const d = value.replace(/^\./, '').toLowerCase()
        if (d !== '') domain = d
        break
      }
      case 'path':
        // A path that does not start with "/" falls back to the default path (§5.2.4).
        path = value.startsWith('/') ? value : undefined
        break
      case 'expires': {
        const time = Date.parse(value)
        if (!Number.isNaN(time)) expires = new Date(time)
        break
      }
      case 'max-age':
        if (/^-?\d+$/.test(value)) maxAge = Number(value)
        break
      case 'secure':
        secure = true
        break
      case 'httponly':
        httpOnly = true
        break
      case 'samesite':
        sameSite = value || undefined
        break
      case 'partitioned':
        partitioned = true
        break
    }
  }
  return {
    name,
    value: decode(rawValue),
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
