/**
 * Serving files from disk (node only): the folder check that keeps every request inside its folder,
 * conditional requests (If-Match / If-Unmodified-Since → 412, ETag / Last-Modified → 304), single byte
 * ranges (206 / 416), precompressed siblings, and streaming for large files. Loaded on first use by `app.static()` and `file()`.
 */
import type { Stats } from 'node:fs'
import mime from 'mime'
import { BadRequest, BriskError, Forbidden, HTTPError, NotFound } from '../http/errors'
import type { BriskRequest } from '../http/request'
import { headerValue } from '../http/request'
import { BriskResponse } from '../http/response'
import type { ResolvedStaticOptions } from '../http/static'
import { builtins } from './builtins'

/**
 * Fails at start-up, with the path in the message, when a static folder is missing.
 *
 * @example
 * await checkFolder('./public')
 */
export async function checkFolder(folder: string): Promise<void> {
  const info = await builtins.fsPromises.stat(folder).catch(() => undefined)
  if (!info?.isDirectory()) {
    throw new BriskError(
      'BRISK_ERR_STATIC_FOLDER',
      `static(): ${builtins.path.resolve(folder)} is not a folder`,
    )
  }
}

/**
 * The file a request for `relative` inside `root` names, or an HTTP error. `relative` is still
 * percent-encoded (the normalised request path after the route's prefix), and each segment is decoded here
 * once. Every way out of the folder is refused: `..` and `.` segments (dot segments, `%2e` included, were
 * resolved before routing, so these can only come from a caller), an encoded `/` or `\` inside a segment
 * (`..%2fsecret`: no file name holds one), backslashes, empty segments (`//etc`), NUL bytes (400), and
 * symlinks whose target lies outside the folder. A doubly encoded `%252e` is the literal name `%2e`. A
 * trailing slash names a folder, so `file.html/` is a 404. `folder` says the path named a folder (its index
 * file was found).
 */
export async function locate(
  root: string,
  relative: string,
  options: ResolvedStaticOptions,
): Promise<{ path: string; stats: Stats; folder: boolean }> {
  const segments = relative === '' ? [] : relative.split('/').map(decodeSegment)
  if (segments.some((segment) => segment.includes('\0'))) throw new BadRequest('The path has a NUL byte')
  const folderOnly = segments.at(-1) === ''
  if (folderOnly) segments.pop()
  for (const segment of segments) {
    if (segment === '' || segment.includes('/') || segment.includes('\\')) throw new NotFound()
    if (segment === '.' || segment === '..') throw new NotFound()
    if (segment.startsWith('.') && options.dotfiles !== 'allow') {
      if (options.dotfiles === 'deny') throw new Forbidden()
      throw new NotFound()
    }
  }
  const realRoot = await builtins.fsPromises.realpath(root)
  const inside = (candidate: string): boolean =>
    candidate === realRoot || candidate.startsWith(realRoot + builtins.path.sep)
  let path = await builtins.fsPromises
    .realpath(builtins.path.join(realRoot, ...segments))
    .catch(() => undefined)
  if (path === undefined || !inside(path)) throw new NotFound()
  let stats = await builtins.fsPromises.stat(path)
  const folder = stats.isDirectory()
  if (folder) {
    const dir = path
    path = undefined
    for (const name of options.index) {
      const candidate = await builtins.fsPromises
        .realpath(builtins.path.join(dir, name))
        .catch(() => undefined)
      if (candidate === undefined || !inside(candidate)) continue
      const candidateStats = await builtins.fsPromises.stat(candidate)
      if (candidateStats.isFile()) {
        path = candidate
        stats = candidateStats
        break
      }
    }
    if (path === undefined) throw new NotFound()
  } else if (folderOnly) {
    throw new NotFound() // `file.html/` asks for a folder
  }
  if (!stats.isFile()) throw new NotFound()
  return { path, stats, folder }
}

function decodeSegment(segment: string): string {
  if (segment.indexOf('%') === -1) return segment
  try {
    return decodeURIComponent(segment)
  } catch {
    throw new BadRequest('The path has a malformed percent-encoding')
  }
}

/**
 * Serves one file for a request: conditional requests, a single byte range, precompressed siblings, HEAD.
 *
 * @example
 * return serveFile(req, '/srv/public/app.js', await stat('/srv/public/app.js'), options)
 */
export async function serveFile(
  req: BriskRequest<any, any>,
  path: string,
  stats: Stats,
  options: ResolvedStaticOptions,
): Promise<BriskResponse> {
  const headers: Record<string, string> = {
    'content-type': contentType(path),
    'accept-ranges': 'bytes',
    'cache-control': options.cacheControl,
  }
  const tag = `W/"${stats.size.toString(16)}-${Math.floor(stats.mtimeMs).toString(16)}"`
  if (options.lastModified) headers['last-modified'] = stats.mtime.toUTCString()

  let served = path
  let size = stats.size
  const range = headerValue(req.headers.range)
  if (options.precompressed) {
    const sibling = await precompressed(path, headerValue(req.headers['accept-encoding']))
    if (sibling.any) headers.vary = 'Accept-Encoding'
    // A range applies to the bytes sent; keep it simple and serve ranges from the identity file only.
    if (sibling.found !== undefined && range === undefined) {
      served = sibling.found.path
      size = sibling.found.size
      headers['content-encoding'] = sibling.found.encoding
    }
  }
  const etag = headers['content-encoding'] ? `${tag.slice(0, -1)}-${headers['content-encoding']}"` : tag
  if (options.etag) headers.etag = etag

  // RFC 9110 §13.2.2: If-Match / If-Unmodified-Since first (412), then If-None-Match / If-Modified-Since (304).
  if (preconditionFails(req, etag, stats, options)) {
    throw new HTTPError(412, "The file does not meet the request's If-Match or If-Unmodified-Since", {
      code: 'BRISK_ERR_PRECONDITION_FAILED',
    })
  }
  if (notModified(req, etag, stats, options)) return new BriskResponse(null, 304, notModifiedHeaders(headers))

  let start = 0
  let end = size - 1
  let status = 200
  if (range !== undefined && size > 0 && ifRangeHolds(req, stats)) {
    const parsed = parseRange(range, size)
    if (parsed === 'unsatisfiable') {
      throw new HTTPError(416, `The range is outside the file (${size} bytes)`, {
        headers: { 'content-range': `bytes */${size}` },
      })
    }
    if (parsed !== undefined) {
      ;[start, end] = parsed
      status = 206
      headers['content-range'] = `bytes ${start}-${end}/${size}`
    }
  }
  const length = size === 0 ? 0 : end - start + 1
  headers['content-length'] = String(length)
  if (req.method === 'HEAD' || length === 0) return new BriskResponse(null, status, headers)
  if (length <= options.bufferLimit) {
    const bytes = await builtins.fsPromises.readFile(served)
    return new BriskResponse(status === 206 ? bytes.subarray(start, end + 1) : bytes, status, headers)
  }
  const stream = builtins.stream.Readable.toWeb(
    builtins.fs.createReadStream(served, { start, end }),
  ) as ReadableStream<Uint8Array>
  return new BriskResponse(stream, status, headers)
}

/** Options of `file()`. */
export interface FileOptions {
  /** Send as a download: `true` uses the file's own name, a string gives another. @default false */
  download?: boolean | string
  /** Overrides the content type guessed from the extension. */
  contentType?: string
  /** Status of the response. @default 200 */
  status?: number
}

/**
 * A response that streams a file, optionally as a download (`Content-Disposition: attachment`).
 *
 * @example
 * return fileResponse('./reports/2026.pdf', { download: 'report.pdf' })
 */
export async function fileResponse(path: string, options: FileOptions = {}): Promise<BriskResponse> {
  const stats = await builtins.fsPromises.stat(path).catch(() => undefined)
  if (!stats?.isFile()) throw new NotFound('File not found')
  const headers: Record<string, string> = {
    'content-type': options.contentType ?? contentType(path),
    'content-length': String(stats.size),
    'last-modified': stats.mtime.toUTCString(),
  }
  if (options.download) {
    headers['content-disposition'] = contentDisposition(
      typeof options.download === 'string' ? options.download : builtins.path.basename(path),
    )
  }
  const stream = builtins.stream.Readable.toWeb(
    builtins.fs.createReadStream(path),
  ) as ReadableStream<Uint8Array>
  return new BriskResponse(stats.size === 0 ? null : stream, options.status ?? 200, headers)
}

/**
 * A `Content-Disposition: attachment` value with an ASCII fallback and the UTF-8 name (RFC 6266 §4.3).
 *
 * @example
 * contentDisposition('résumé.pdf') // `attachment; filename="r_sum_.pdf"; filename*=UTF-8''r%C3%A9sum%C3%A9.pdf`
 */
export function contentDisposition(filename: string): string {
  const fallback = filename.replace(/[^\x20-\x7e]|["\\%]/g, '_')
  const encoded = encodeURIComponent(filename).replace(
    /['()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  )
  return fallback === filename
    ? `attachment; filename="${filename}"`
    : `attachment; filename="${fallback}"; filename*=UTF-8''${encoded}`
}

function contentType(path: string): string {
  const type = mime.getType(path) ?? 'application/octet-stream'
  const textual =
    type.startsWith('text/') ||
    type === 'application/javascript' ||
    type === 'application/json' ||
    type.endsWith('+xml') ||
    type.endsWith('+json')
  return textual ? `${type}; charset=utf-8` : type
}

const ENCODINGS = [
  { encoding: 'br', suffix: '.br' },
  { encoding: 'gzip', suffix: '.gz' },
] as const

async function precompressed(
  path: string,
  accept: string | undefined,
): Promise<{ any: boolean; found: { path: string; size: number; encoding: string } | undefined }> {
  let any = false
  let found: { path: string; size: number; encoding: string } | undefined
  for (const { encoding, suffix } of ENCODINGS) {
    const sibling = await builtins.fsPromises.stat(path + suffix).catch(() => undefined)
    if (!sibling?.isFile()) continue
    any = true
    if (found === undefined && accepts(accept, encoding))
      found = { path: path + suffix, size: sibling.size, encoding }
  }
  return { any, found }
}

// RFC 9110 §12.5.3: an encoding is acceptable when listed (or matched by `*`) with a q above 0.
function accepts(header: string | undefined, encoding: string): boolean {
  if (header === undefined) return false
  let star = false
  for (const part of header.split(',')) {
    const [name = '', ...params] = part.trim().toLowerCase().split(';')
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='))
    const ok = q === undefined || Number(q.slice(2)) > 0
    if (name === encoding) return ok
    if (name === '*') star = ok
  }
  return star
}

// RFC 9110 §15.4.5: a 304 carries the validators and caching fields a 200 would, but no representation
// metadata such as Content-Type (nor Accept-Ranges or Content-Encoding, which describe a body it lacks).
function notModifiedHeaders(headers: Record<string, string>): Record<string, string> {
  const kept: Record<string, string> = {}
  for (const name of ['cache-control', 'etag', 'last-modified', 'vary']) {
    const value = headers[name]
    if (value !== undefined) kept[name] = value
  }
  return kept
}

// If-Match uses the strong comparison (RFC 9110 §13.1.1), which a weak tag never passes: with Brisk's weak
// tags only `*` holds. If-Unmodified-Since counts only without If-Match and with Last-Modified on; a date that
// does not parse is ignored (§13.1.4).
function preconditionFails(
  req: BriskRequest<any, any>,
  etag: string,
  stats: Stats,
  options: ResolvedStaticOptions,
): boolean {
  const match = headerValue(req.headers['if-match'])
  if (match !== undefined) {
    if (match.trim() === '*') return false
    return !(options.etag && !etag.startsWith('W/') && match.split(',').some((item) => item.trim() === etag))
  }
  const since = headerValue(req.headers['if-unmodified-since'])
  if (since === undefined || !options.lastModified) return false
  const time = Date.parse(since)
  return !Number.isNaN(time) && Math.floor(stats.mtimeMs / 1000) > Math.floor(time / 1000)
}

function notModified(
  req: BriskRequest<any, any>,
  etag: string,
  stats: Stats,
  options: ResolvedStaticOptions,
): boolean {
  const noneMatch = headerValue(req.headers['if-none-match'])
  // RFC 9110 §13.2.2: If-None-Match, when present, decides; If-Modified-Since is then ignored.
  if (noneMatch !== undefined) return options.etag && etagListHas(noneMatch, etag)
  const since = headerValue(req.headers['if-modified-since'])
  if (since === undefined || !options.lastModified) return false
  const time = Date.parse(since)
  return !Number.isNaN(time) && Math.floor(stats.mtimeMs / 1000) <= Math.floor(time / 1000)
}

// Weak comparison (RFC 9110 §8.8.3.2): W/ prefixes are ignored.
function etagListHas(list: string, etag: string): boolean {
  if (list.trim() === '*') return true
  const bare = etag.replace(/^W\//, '')
  return list.split(',').some((item) => item.trim().replace(/^W\//, '') === bare)
}

// RFC 9110 §13.1.5: our tags are weak and a weak tag never validates a range, so only a date can.
function ifRangeHolds(req: BriskRequest<any, any>, stats: Stats): boolean {
  const condition = headerValue(req.headers['if-range'])
  if (condition === undefined) return true
  if (condition.startsWith('"') || condition.startsWith('W/')) return false
  const time = Date.parse(condition)
  return !Number.isNaN(time) && Math.floor(stats.mtimeMs / 1000) === Math.floor(time / 1000)
}

/** One `bytes=` range; several ranges or bad syntax are ignored (a full 200), as RFC 9110 §14.2 allows. */
function parseRange(header: string, size: number): [number, number] | 'unsatisfiable' | undefined {
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim())
  if (match === null) return undefined
  const [, first = '', last = ''] = match
  if (first === '' && last === '') return undefined
  if (first === '') {
    const suffix = Number(last)
    if (suffix === 0) return 'unsatisfiable'
    return [Math.max(size - suffix, 0), size - 1]
  }
  const start = Number(first)
  const end = last === '' ? size - 1 : Math.min(Number(last), size - 1)
  if (last !== '' && Number(last) < start) return undefined
  if (start >= size) return 'unsatisfiable'
  return [start, end]
}
