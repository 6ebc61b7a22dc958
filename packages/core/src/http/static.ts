/**
 * `app.static()` and `file()`: the runtime-neutral half (options, handlers). The file system work is in
 * `static-files.ts`, imported on first use so the core still loads where there is no `node:fs`.
 */

import type { FileOptions } from '../node/static-files'
import { type NodeHalf, openNode } from '../node-door'
import type { BriskRequest } from './request'
import { type BriskResponse, redirect } from './response'

/** Options of `app.static()`. */
export interface StaticOptions {
  /** File(s) served for a directory, or `false`. @default 'index.html' */
  index?: string | readonly string[] | false
  /** `Cache-Control: max-age` in seconds. @default 0 */
  maxAge?: number
  /** Adds `immutable` to `Cache-Control` (for fingerprinted assets). @default false */
  immutable?: boolean
  /** Files or folders whose name starts with a dot: `'ignore'` (404), `'deny'` (403) or `'allow'`. @default 'ignore' */
  dotfiles?: 'ignore' | 'deny' | 'allow'
  /** Serve `file.br` / `file.gz` siblings when the client accepts that encoding. @default true */
  precompressed?: boolean
  /** Send `ETag` and answer `If-None-Match` with 304. @default true */
  etag?: boolean
  /** Send `Last-Modified` and answer `If-Modified-Since` with 304. @default true */
  lastModified?: boolean
  /** Files up to this size are read whole; larger ones are streamed. @default 65536 */
  bufferLimit?: number
  /** The route name for `urlFor` (the file path is the `path` parameter). */
  name?: string
}

/** Resolved static options. */
export interface ResolvedStaticOptions {
  readonly index: readonly string[]
  readonly cacheControl: string
  readonly dotfiles: 'ignore' | 'deny' | 'allow'
  readonly precompressed: boolean
  readonly etag: boolean
  readonly lastModified: boolean
  readonly bufferLimit: number
}

/**
 * Checks and resolves static options once, at registration.
 *
 * @example
 * resolveStaticOptions({ maxAge: 3600, immutable: true }).cacheControl // 'public, max-age=3600, immutable'
 */
export function resolveStaticOptions(options: StaticOptions): ResolvedStaticOptions {
  const maxAge = options.maxAge ?? 0
  if (!Number.isInteger(maxAge) || maxAge < 0)
    throw new TypeError('static(): maxAge must be a whole number of seconds ≥ 0')
  const dotfiles = options.dotfiles ?? 'ignore'
  if (!['ignore', 'deny', 'allow'].includes(dotfiles)) {
    throw new TypeError(
      `static(): dotfiles must be 'ignore', 'deny' or 'allow', got ${JSON.stringify(dotfiles)}`,
    )
  }
  const index =
    options.index === false
      ? []
      : typeof options.index === 'string'
        ? [options.index]
        : (options.index ?? ['index.html'])
  for (const name of index) {
    if (typeof name !== 'string' || name.length === 0 || /[/\\\0]/.test(name)) {
      throw new TypeError(`static(): index must be plain file names, got ${JSON.stringify(name)}`)
    }
  }
  return Object.freeze({
    index: Object.freeze([...index]),
    cacheControl: `public, max-age=${maxAge}${options.immutable ? ', immutable' : ''}`,
    dotfiles,
    precompressed: options.precompressed ?? true,
    etag: options.etag ?? true,
    lastModified: options.lastModified ?? true,
    bufferLimit: options.bufferLimit ?? 65_536,
  })
}

/** The node half with the file system loaded (`BRISK_ERR_RUNTIME_UNSUPPORTED` where there is none). */
function loadFiles(): Promise<NodeHalf> {
  return openNode('static')
}

/**
 * The handler behind `app.static()`: finds the file the `path` parameter names inside `folder` and serves it.
 *
 * @example
 * app.get('/assets/:path<path>', staticHandler('./public', resolveStaticOptions({})))
 */
export function staticHandler(
  folder: string,
  options: ResolvedStaticOptions,
): (req: BriskRequest<any, any>) => Promise<BriskResponse> {
  return async (req) => {
    const { locate, serveFile } = await loadFiles()
    const found = await locate(folder, encodedTail(req), options)
    // A folder is served at its URL with a slash, so the relative links of its index.html resolve inside it:
    // `/static` and `/static/docs` redirect there first, with 301 as nginx and serve-static answer. (A path
    // starting `//` never gets here as a folder, so the Location cannot be taken for another host.)
    if (found.folder && !req.path.endsWith('/')) return redirect(withSlash(req), 301)
    return serveFile(req, found.path, found.stats, options)
  }
}

/** The request's path with a slash added, and its query as sent. */
function withSlash(req: BriskRequest<any, any>): string {
  const mark = req.url.indexOf('?')
  return `${req.path}/${mark === -1 ? '' : req.url.slice(mark)}`
}

/**
 * The part of the (normalised, still encoded) request path that the route's `<path>` parameter took. The
 * decoded parameter cannot tell `a%2Fb` from `a/b`; the file lookup must, since no file name holds a `/`.
 * Every segment of the route before `<path>` takes exactly one segment of the path, so the tail starts
 * after as many slashes as the route pattern has.
 */
function encodedTail(req: BriskRequest<any, any>): string {
  const pattern = req.route?.path
  if ((req.params as { path?: string }).path === undefined || pattern === undefined) return ''
  let slashes = 0
  for (let i = 0; i < pattern.length; i++) if (pattern.charCodeAt(i) === 47) slashes++
  let at = 0
  for (let n = 0; n < slashes; n++) at = req.path.indexOf('/', at) + 1
  return req.path.slice(at)
}

/** Rejects at start-up when a static folder is missing. */
export async function checkStaticFolder(folder: string): Promise<void> {
  await (await loadFiles()).checkFolder(folder)
}

/**
 * A response that streams a file from disk, optionally as a download (node only).
 *
 * @example
 * app.get('/report', () => file('./reports/2026.pdf', { download: 'report.pdf' }))
 */
export async function file(path: string, options?: FileOptions): Promise<BriskResponse> {
  return (await loadFiles()).fileResponse(path, options)
}
