/**
 * The one normal form of a request path, applied before routing so that every guard, middleware, route and
 * static lookup sees the same path for every spelling of one URL.
 *
 * The form (RFC 3986 §6.2.2): percent-escapes of unreserved characters (`A-Z a-z 0-9 - . _ ~`) are decoded,
 * every other escape has upper-case hex, characters a path may not hold raw (space, `[ ] | { } ^ \`` …, and
 * anything outside ASCII) are percent-encoded, and dot segments are resolved as RFC 3986 §5.2.4 does. An
 * encoded `/` (`%2F`) stays encoded: it is part of a segment, never a separator. A malformed escape, or a
 * `..` that would climb above the root, makes the path unusable (400).
 */

const SLASH = 47
const PERCENT = 37
const HASH = 35

/** ASCII characters a path may hold as they are: RFC 3986 pchar without escapes, and `/`. */
const RAW = new Uint8Array(128)
/** The unreserved characters, whose escapes mean the same as the characters themselves. */
const UNRESERVED = new Uint8Array(128)
for (const c of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~') {
  RAW[c.charCodeAt(0)] = 1
  UNRESERVED[c.charCodeAt(0)] = 1
}
for (const c of "!$&'()*+,;=:@/") RAW[c.charCodeAt(0)] = 1

/**
 * What makes a path need work: a character outside RAW (`%` included), or a whole `.` / `..` segment
 * (`.well-known` and `a..b` need none). One regex scan, cheaper than a loop over the characters in V8.
 */
const NEEDS_WORK = /[^A-Za-z0-9\-._~!$&'()*+,;=:@/]|\/\.\.?(?:\/|$)/

const HEX: readonly string[] = Array.from({ length: 256 }, (_, i) =>
  i.toString(16).toUpperCase().padStart(2, '0'),
)
const utf8 = new TextDecoder('utf-8', { fatal: true })

/**
 * The normal form of a request path (no query), or `null` when the path is unusable: a malformed escape
 * (`%zz`, `%4`), raw text that is not valid Unicode, or a `..` above the root. A path that needs no change,
 * the common case, is returned as it is after one scan, without allocating.
 *
 * @example
 * normalizePath('/books/7') // '/books/7' (the same string)
 * normalizePath('/%61dmin/./keys%2ftxt') // '/admin/keys%2Ftxt'
 * normalizePath('/a[1]/caf%c3%a9') // '/a%5B1%5D/caf%C3%A9'
 * normalizePath('/../etc/passwd') // null
 */
export function normalizePath(path: string): string | null {
  return NEEDS_WORK.test(path) ? rebuild(path) : path
}

function rebuild(raw: string): string | null {
  // A fragment is never part of the path (`new Request()` keeps it in `url`; RFC 9112 forbids it in a target).
  const hash = raw.indexOf('#')
  const path = hash === -1 ? raw : raw.slice(0, hash)
  if (path.charCodeAt(0) !== SLASH) return path // `*` and the like: nothing a route can match
  const parts = path.slice(1).split('/')
  const out: string[] = []
  for (let i = 0; i < parts.length; i++) {
    const segment = canonicalSegment(parts[i]!, true)
    if (segment === null) return null
    const last = i === parts.length - 1
    if (segment === '.' || segment === '..') {
      // RFC 3986 §5.2.4 would quietly stay at the root; nginx refuses instead, and so do we (400).
      if (segment === '..' && out.pop() === undefined) return null
      if (last) out.push('') // `/a/b/..` is the folder `/a/`
      continue
    }
    out.push(segment)
  }
  return `/${out.join('/')}`
}

/**
 * One path segment in normal form, or `null` when it has a malformed escape or is not valid Unicode.
 * `bytes` says that characters U+0080–U+00FF may be raw bytes (a server reads the target as latin1): a run of
 * them that is valid UTF-8 is encoded byte for byte, anything else as the UTF-8 of its characters.
 *
 * @example
 * canonicalSegment('%7e%41b%2f', true) // '~Ab%2F'
 * canonicalSegment('café', false) // 'caf%C3%A9'
 */
export function canonicalSegment(segment: string, bytes: boolean): string | null {
  let out = ''
  let from = 0 // start of the run copied unchanged
  const length = segment.length
  for (let i = 0; i < length; ) {
    const c = segment.charCodeAt(i)
    if (c === PERCENT) {
      const byte = hexByte(segment, i + 1)
      if (byte === -1) return null
      out +=
        segment.slice(from, i) +
        (byte < 128 && UNRESERVED[byte] === 1 ? String.fromCharCode(byte) : `%${HEX[byte]}`)
      i += 3
      from = i
    } else if (c < 128) {
      if (RAW[c] === 0 || c === SLASH) {
        out += `${segment.slice(from, i)}%${HEX[c]}`
        from = i + 1
      }
      i++
    } else {
      let end = i + 1
      while (end < length && segment.charCodeAt(end) >= 128) end++
      const encoded = encodeText(segment.slice(i, end), bytes)
      if (encoded === null) return null
      out += segment.slice(from, i) + encoded
      i = end
      from = end
    }
  }
  return from === 0 ? segment : out + segment.slice(from)
}

function encodeText(run: string, bytes: boolean): string | null {
  if (bytes) {
    const octets = new Uint8Array(run.length)
    let fits = true
    for (let i = 0; i < run.length && fits; i++) {
      const c = run.charCodeAt(i)
      octets[i] = c
      fits = c <= 0xff
    }
    if (fits && isUtf8(octets)) {
      let out = ''
      for (const octet of octets) out += `%${HEX[octet]}`
      return out
    }
  }
  try {
    return encodeURIComponent(run)
  } catch {
    return null // a lone surrogate
  }
}

function isUtf8(octets: Uint8Array): boolean {
  try {
    utf8.decode(octets)
    return true
  } catch {
    return false
  }
}

function hexByte(text: string, at: number): number {
  if (at + 2 > text.length) return -1
  const high = hexDigit(text.charCodeAt(at))
  const low = hexDigit(text.charCodeAt(at + 1))
  return high === -1 || low === -1 ? -1 : high * 16 + low
}

function hexDigit(c: number): number {
  if (c >= 48 && c <= 57) return c - 48
  if (c >= 65 && c <= 70) return c - 55
  if (c >= 97 && c <= 102) return c - 87
  return -1
}

const LONE_PERCENT = /%(?![0-9A-Fa-f]{2})/g

/**
 * A route pattern's static segment in the normal form requests arrive in, so that the router can compare
 * the two as strings. A `%` that starts no escape is a literal percent sign (`%25`).
 *
 * @example
 * patternSegment('café') // 'caf%C3%A9'
 * patternSegment('%7euser') // '~user'
 * patternSegment('100%') // '100%25'
 */
export function patternSegment(segment: string): string {
  const normal = canonicalSegment(segment.replace(LONE_PERCENT, '%25'), false)
  if (normal === null)
    throw new TypeError(`The route segment ${JSON.stringify(segment)} is not valid Unicode`)
  return normal
}

/**
 * Why a request path was refused, for the 400's message: a target that is neither a path nor a valid
 * absolute URL, a `..` above the root, or a malformed escape (also one that is not UTF-8 once decoded).
 *
 * @example
 * pathProblem('/a/../../b') // 'The path climbs above the root with ".."'
 */
export function pathProblem(path: string): string {
  if (path.charCodeAt(0) !== SLASH) return 'The request target is malformed'
  const hash = path.indexOf('#')
  let depth = 0
  for (const part of (hash === -1 ? path : path.slice(0, hash)).slice(1).split('/')) {
    const segment = canonicalSegment(part, true)
    if (segment === null) return 'The path has a malformed percent-encoding'
    if (segment === '..') depth--
    else if (segment !== '.') depth++
    if (depth < 0) return 'The path climbs above the root with ".."'
  }
  return 'The path has a malformed percent-encoding'
}

/**
 * The request target rebuilt around a normalised path: the query as sent, and no fragment (a `#` before
 * the `?` makes what follows part of the fragment, not a query). `mark` is where the query starts, or -1.
 *
 * @example
 * originTarget('/%61?x=1#top', 4, '/a') // '/a?x=1'
 */
export function originTarget(target: string, mark: number, path: string): string {
  if (mark === -1 || target.lastIndexOf('#', mark) !== -1) return path
  const hash = target.indexOf('#', mark)
  return path + (hash === -1 ? target.slice(mark) : target.slice(mark, hash))
}

const SCHEME = /^https?$/i
// host (a name, IPv4, or a bracketed IP literal) and an optional port; no userinfo (RFC 9110 §4.2.4).
const AUTHORITY = /^(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9\-._~!$&'()*+,;=%]+)(?::\d*)?$/

/**
 * An absolute-form request target (`http://host/path?query`, RFC 9112 §3.2.2) split into the origin-form
 * target and the authority, which then stands for the Host header. `undefined` when the target is not in
 * absolute form (it starts with `/`, or is `*`); `null` when it is, but malformed: an unknown scheme, an empty
 * or bad authority, userinfo, or a fragment.
 *
 * @example
 * absoluteTarget('http://example.com:8080/a?b=1') // { target: '/a?b=1', host: 'example.com:8080' }
 * absoluteTarget('HTTP://example.com?next=/admin') // { target: '/?next=/admin', host: 'example.com' }
 * absoluteTarget('http:///admin') // null
 */
export function absoluteTarget(target: string): { target: string; host: string } | null | undefined {
  const colon = target.indexOf('://')
  if (colon === -1 || target.charCodeAt(0) === SLASH) return undefined
  if (!SCHEME.test(target.slice(0, colon)) || target.indexOf('#') !== -1) return null
  const start = colon + 3
  let end = start
  while (end < target.length) {
    const c = target.charCodeAt(end)
    if (c === SLASH || c === 63 /* ? */ || c === HASH) break
    end++
  }
  const host = target.slice(start, end)
  if (!AUTHORITY.test(host)) return null
  const rest = target.slice(end)
  return { target: rest === '' ? '/' : rest.charCodeAt(0) === SLASH ? rest : `/${rest}`, host }
}
