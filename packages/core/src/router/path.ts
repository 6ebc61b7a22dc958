/**
 * Route path patterns: parsing `/books/:id<int>` into segments, and the way back from segments
 * and values to a concrete URL path.
 */
import safeRegex from 'safe-regex2'
import { paramKinds } from './params'

/** The kinds a parameter segment can have; `string` is the kind of a bare `:name`. */
export type ParamKind = 'string' | 'int' | 'float' | 'uuid' | 'slug' | 'alpha' | 'path' | 're'

/** One `/`-separated piece of a route pattern. */
export type Segment =
  | { type: 'static'; value: string }
  | { type: 'param'; name: string; kind: ParamKind; pattern?: RegExp }

/**
 * Thrown when a route pattern cannot be parsed; the message quotes the pattern.
 *
 * @example
 * try { parsePath('/books/:id<integer>') } catch (err) { (err as RoutePatternError).code } // 'BRISK_ERR_ROUTE_PATTERN'
 */
export class RoutePatternError extends Error {
  readonly code = 'BRISK_ERR_ROUTE_PATTERN'
  /** The pattern that was rejected. */
  readonly pattern: string

  constructor(pattern: string, problem: string) {
    super(`Invalid route pattern "${pattern}": ${problem}`)
    this.name = 'RoutePatternError'
    this.pattern = pattern
  }
}

/**
 * Thrown by {@link buildPath} when a parameter is missing or does not fit its kind.
 *
 * @example
 * try { buildPath(parsePath('/books/:id<int>'), { id: 'abc' }) } catch (err) { (err as UrlParamsError).code } // 'BRISK_ERR_URL_PARAMS'
 */
export class UrlParamsError extends Error {
  readonly code = 'BRISK_ERR_URL_PARAMS'

  constructor(message: string) {
    super(message)
    this.name = 'UrlParamsError'
  }
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/
const DOT_SEGMENT = /^(?:\.|%2e){1,2}$/i
const NAMED_KINDS = 'int, float, uuid, slug, alpha, path, re:PATTERN'

/**
 * Parses a route pattern into its segments. The root `/` has no segments; a trailing slash is a
 * final empty static segment.
 *
 * @example
 * parsePath('/books/:id<int>')
 * // [{ type: 'static', value: 'books' }, { type: 'param', name: 'id', kind: 'int' }]
 */
export function parsePath(path: string): Segment[] {
  if (!path.startsWith('/')) throw new RoutePatternError(path, 'a route path must start with "/"')
  if (path === '/') return []
  const parts = path.slice(1).split('/')
  const seen = new Set<string>()
  return parts.map((part, index) => {
    if (DOT_SEGMENT.test(part)) {
      // Requests never hold one: dot segments are resolved before routing, so the route could never match.
      throw new RoutePatternError(path, `"${part}" is a dot segment, which no request path holds`)
    }
    if (!part.startsWith(':')) return { type: 'static', value: part }
    const segment = parseParam(path, part, index === parts.length - 1)
    if (seen.has(segment.name)) {
      throw new RoutePatternError(path, `parameter "${segment.name}" appears more than once`)
    }
    seen.add(segment.name)
    return segment
  })
}

function parseParam(path: string, part: string, isLast: boolean): Segment & { type: 'param' } {
  const open = part.indexOf('<')
  const name = open === -1 ? part.slice(1) : part.slice(1, open)
  // Params are a plain object (fast properties); `__proto__` would set its prototype instead of a value.
  if (name === '__proto__') throw new RoutePatternError(path, 'the parameter name "__proto__" is reserved')
  if (!IDENTIFIER.test(name)) {
    throw new RoutePatternError(
      path,
      `"${part}" has an invalid parameter name "${name}" (expected an identifier)`,
    )
  }
  if (open === -1) return { type: 'param', name, kind: 'string' }
  if (!part.endsWith('>')) {
    // Splitting on '/' is what cuts a regex containing a slash short, so say so.
    throw new RoutePatternError(path, `"${part}" is missing its closing ">" (a regex cannot contain "/")`)
  }
  const type = part.slice(open + 1, -1)
  if (type.startsWith('re:')) return { type: 'param', name, kind: 're', pattern: compile(path, part, type) }
  if (type === 'path' && !isLast) {
    throw new RoutePatternError(path, `"${part}" takes the rest of the path, so it must be the last segment`)
  }
  if (type === 're' || type === 'string' || !Object.hasOwn(paramKinds, type)) {
    throw new RoutePatternError(
      path,
      `"${part}" has an unknown type "${type}" (expected one of ${NAMED_KINDS})`,
    )
  }
  return { type: 'param', name, kind: type as ParamKind }
}

function compile(path: string, part: string, type: string): RegExp {
  const source = type.slice(3)
  if (source === '') throw new RoutePatternError(path, `"${part}" has an empty regex`)
  let pattern: RegExp
  try {
    // Anchored so that the pattern has to describe the whole segment, not just a part of it.
    pattern = new RegExp(`^(?:${source})$`)
  } catch (err) {
    throw new RoutePatternError(path, `"${part}" has an invalid regex: ${(err as Error).message}`)
  }
  // A client picks the input, so a regex that can backtrack exponentially ((x+x+)+y) would let one request
  // hold a worker for seconds. safe-regex2 (as find-my-way uses) refuses nested quantifiers; a regex it
  // cannot read, such as one with a lookbehind, is refused too.
  if (!safeRegex(source)) {
    throw new RoutePatternError(
      path,
      `"${part}" has a regex that may backtrack catastrophically (a quantifier inside a repeated group, or a form the safety check cannot read); rewrite it without nested quantifiers`,
    )
  }
  return pattern
}

/**
 * Writes segments back as a pattern, e.g. for error messages and route tables.
 *
 * @example
 * formatPath(parsePath('/books/:id<int>/')) // '/books/:id<int>/'
 */
export function formatPath(segments: readonly Segment[]): string {
  let out = ''
  for (const segment of segments) out += `/${formatSegment(segment)}`
  return out === '' ? '/' : out
}

function formatSegment(segment: Segment): string {
  if (segment.type === 'static') return segment.value
  if (segment.kind === 'string') return `:${segment.name}`
  if (segment.kind === 're') return `:${segment.name}<re:${segment.pattern!.source.slice(4, -2)}>`
  return `:${segment.name}<${segment.kind}>`
}

/**
 * Builds a concrete path from parsed segments and parameter values. Values are checked against
 * their kind and percent-encoded; a `<path>` value keeps its slashes.
 *
 * @example
 * buildPath(parsePath('/books/:id<int>/files/:rest<path>'), { id: 7, rest: 'a b/c.txt' })
 * // '/books/7/files/a%20b/c.txt'
 */
export function buildPath(segments: readonly Segment[], params: Record<string, unknown>): string {
  let out = ''
  for (const segment of segments) {
    if (segment.type === 'static') {
      out += `/${segment.value}`
      continue
    }
    const value = params[segment.name]
    if (value === undefined || value === null) {
      throw new UrlParamsError(
        `Cannot build "${formatPath(segments)}": parameter "${segment.name}" is missing`,
      )
    }
    const text = typeof value === 'string' || typeof value === 'number' ? String(value) : undefined
    if (text === undefined || !fits(segment, text)) {
      throw new UrlParamsError(
        `Cannot build "${formatPath(segments)}": parameter "${segment.name}" does not fit <${segment.kind}> (got ${describe(value)})`,
      )
    }
    out += `/${segment.kind === 'path' ? text.split('/').map(encodeURIComponent).join('/') : encodeURIComponent(text)}`
  }
  return out === '' ? '/' : out
}

function fits(segment: Segment & { type: 'param' }, text: string): boolean {
  if (segment.pattern !== undefined) return segment.pattern.test(text)
  return paramKinds[segment.kind].test(text)
}

function describe(value: unknown): string {
  return typeof value === 'string'
    ? JSON.stringify(value)
    : typeof value === 'number'
      ? String(value)
      : typeof value
}

/**
 * Joins path prefixes and paths with single slashes. The result keeps the trailing slash of the
 * last part, unless that part is just the root `/`.
 *
 * @example
 * joinPaths('/api', '/v1', 'books/') // '/api/v1/books/'
 * joinPaths('/', '/') // '/'
 */
export function joinPaths(...parts: Array<string | undefined>): string {
  const pieces: string[] = []
  let last = ''
  for (const part of parts) {
    if (part === undefined || part === '') continue
    last = part
    for (const piece of part.split('/')) if (piece !== '') pieces.push(piece)
  }
  const joined = `/${pieces.join('/')}`
  return joined !== '/' && last.length > 1 && last.endsWith('/') ? `${joined}/` : joined
}
