/**
 * The plugin's options, checked and turned into settings once at registration, and the rule by which a
 * blueprint's settings are laid over the app's.
 */
import { statSync } from 'node:fs'
import { resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { BriskError, type BriskRequest } from '@brisk/core'
import type { Environment, Extension } from 'nunjucks'

/**
 * A filter: `{{ value | name(arg) }}` calls `fn(value, arg)`. A function declared `async` is registered as
 * an asynchronous filter, so `{{ id | load_author }}` waits for it.
 *
 * @example
 * const shout: TemplateFilter = (value: string) => value.toUpperCase()
 */
export type TemplateFilter = (value: any, ...args: any[]) => unknown

/**
 * A test: `{% if value is name(arg) %}` calls `fn(value, arg)`.
 *
 * @example
 * const even: TemplateTest = (n: number) => n % 2 === 0
 */
export type TemplateTest = (value: any, ...args: any[]) => boolean

/**
 * Adds values to the context of every render for a request (Flask's context processors). Values that are
 * promises are awaited before rendering.
 *
 * @example
 * const user: ContextProcessor = (req) => ({ user: req.ctx.user })
 */
export type ContextProcessor = (
  req: BriskRequest<any, any>,
) => Record<string, unknown> | Promise<Record<string, unknown>>

/**
 * A folder of templates: a path (relative to the working directory) or a `file:` URL.
 *
 * @example
 * const folder: TemplateFolder = new URL('./templates', import.meta.url)
 */
export type TemplateFolder = string | URL

/**
 * Options of `app.use(templates, …)` and `bp.use(templates, …)`. A blueprint's registration is laid over
 * the app's: its folders are searched first, its filters, globals and tests win over the app's of the same
 * name, and options it leaves out are the app's.
 *
 * @example
 * app.use(templates, { folders: [new URL('./templates', import.meta.url)], filters: { shout: (s: string) => s.toUpperCase() } })
 */
export interface TemplatesOptions {
  /** Where templates are looked up, in order. @default `'templates'` on the app when it gives no `sources`, none on a blueprint (the app's are searched after the blueprint's own in any case) */
  folders?: TemplateFolder | readonly TemplateFolder[]
  /**
   * Templates held in memory, by name (`{ 'layout.html': '<!doctype html>…' }`), searched before the folders.
   * For runtimes without files on disk (Cloudflare Workers) or a bundle that carries its templates. They
   * are compiled once, at start-up: a syntax error stops the start.
   */
  sources?: Readonly<Record<string, string>>
  /** Escape every `{{ value }}` for HTML; `{{ value | safe }}` opts out. @default true */
  autoescape?: boolean
  /** Filters by name; plain or `async` functions. */
  filters?: Record<string, TemplateFilter>
  /** Values and functions every template sees. A function that returns a promise needs `| await`: `{{ stats() | await }}`. */
  globals?: Record<string, unknown>
  /** Tests by name, for `{% if x is name %}`. */
  tests?: Record<string, TemplateTest>
  /** Nunjucks extensions (custom tags) by name. */
  extensions?: Record<string, Extension>
  /** Values added to the context of every render, from the request. Runs after the app's own processors. */
  context?: ContextProcessor
  /** Keep compiled templates in memory; when false, every render reads and compiles the file again. @default `!app.config.dev` */
  cache?: boolean
  /** Drop the first newline after a block tag. @default false */
  trimBlocks?: boolean
  /** Strip leading whitespace before a block tag on its line. @default false */
  lstripBlocks?: boolean
  /** Throw on `{{ missing }}` instead of printing nothing. @default false */
  throwOnUndefined?: boolean
  /** Other delimiters than `{{ }}`, `{% %}` and `{# #}`, e.g. for templates that also hold client-side templates. */
  tags?: {
    blockStart?: string
    blockEnd?: string
    variableStart?: string
    variableEnd?: string
    commentStart?: string
    commentEnd?: string
  }
  /** Called with the Nunjucks environment once it is built, for anything the options above do not cover. */
  configure?: (env: Environment) => void
}

/** Options after checking: absolute folders and lists that merge. */
export interface Settings {
  readonly folders: readonly string[]
  readonly sources: ReadonlyMap<string, string>
  readonly autoescape: boolean | undefined
  readonly filters: Readonly<Record<string, TemplateFilter>>
  readonly globals: Readonly<Record<string, unknown>>
  readonly tests: Readonly<Record<string, TemplateTest>>
  readonly extensions: Readonly<Record<string, Extension>>
  readonly context: readonly ContextProcessor[]
  readonly cache: boolean | undefined
  readonly trimBlocks: boolean | undefined
  readonly lstripBlocks: boolean | undefined
  readonly throwOnUndefined: boolean | undefined
  readonly tags: TemplatesOptions['tags']
  readonly configure: readonly ((env: Environment) => void)[]
}

/**
 * Checks options and resolves folders; a folder that does not exist fails here, at start-up, rather than as
 * a 500 on the first request.
 *
 * @example
 * resolveSettings({ folders: 'views' }, 'app "shop"', ['templates'])
 */
export function resolveSettings(
  options: TemplatesOptions | undefined,
  where: string,
  defaultFolders: readonly TemplateFolder[],
): Settings {
  const o = options ?? {}
  if (typeof o !== 'object') throw new TypeError(`@brisk/templates on ${where}: options must be an object`)
  const sources = checkSources(o.sources, where)
  // With templates in memory and no folders named, the default folder is not looked for: a runtime without
  // files on disk has none.
  const fallback = o.sources === undefined ? defaultFolders : []
  const given = o.folders === undefined ? fallback : Array.isArray(o.folders) ? o.folders : [o.folders]
  const folders = (given as readonly TemplateFolder[]).map((folder) => checkFolder(folder, where))
  for (const [kind, map] of [
    ['filters', o.filters],
    ['tests', o.tests],
  ] as const) {
    for (const [name, fn] of Object.entries(map ?? {})) {
      if (typeof fn !== 'function') {
        throw new TypeError(
          `@brisk/templates on ${where}: ${kind}.${name} must be a function, got ${typeof fn}`,
        )
      }
    }
  }
  for (const key of ['context', 'configure'] as const) {
    if (o[key] !== undefined && typeof o[key] !== 'function') {
      throw new TypeError(`@brisk/templates on ${where}: ${key} must be a function, got ${typeof o[key]}`)
    }
  }
  return {
    folders,
    sources,
    autoescape: o.autoescape,
    filters: { ...o.filters },
    globals: { ...o.globals },
    tests: { ...o.tests },
    extensions: { ...o.extensions },
    context: o.context === undefined ? [] : [o.context],
    cache: o.cache,
    trimBlocks: o.trimBlocks,
    lstripBlocks: o.lstripBlocks,
    throwOnUndefined: o.throwOnUndefined,
    tags: o.tags,
    configure: o.configure === undefined ? [] : [o.configure],
  }
}

/**
 * A blueprint's settings over the app's: its folders first, its names win, its context processors run last.
 *
 * @example
 * const forBlueprint = layer(appSettings, blueprintSettings)
 */
export function layer(outer: Settings | undefined, inner: Settings): Settings {
  if (outer === undefined) return inner
  return {
    folders: [...inner.folders, ...outer.folders.filter((f) => !inner.folders.includes(f))],
    sources: new Map([...outer.sources, ...inner.sources]),
    autoescape: inner.autoescape ?? outer.autoescape,
    filters: { ...outer.filters, ...inner.filters },
    globals: { ...outer.globals, ...inner.globals },
    tests: { ...outer.tests, ...inner.tests },
    extensions: { ...outer.extensions, ...inner.extensions },
    context: [...outer.context, ...inner.context],
    cache: inner.cache ?? outer.cache,
    trimBlocks: inner.trimBlocks ?? outer.trimBlocks,
    lstripBlocks: inner.lstripBlocks ?? outer.lstripBlocks,
    throwOnUndefined: inner.throwOnUndefined ?? outer.throwOnUndefined,
    tags: inner.tags ?? outer.tags,
    configure: [...outer.configure, ...inner.configure],
  }
}

function checkFolder(folder: TemplateFolder, where: string): string {
  if (typeof folder !== 'string' && !(folder instanceof URL)) {
    throw new TypeError(
      `@brisk/templates on ${where}: a folder must be a path or a file: URL, got ${typeof folder}`,
    )
  }
  const path = resolve(folder instanceof URL ? fileURLToPath(folder) : folder)
  let isFolder = false
  try {
    isFolder = statSync(path).isDirectory()
  } catch {
    // A missing folder is reported just below, with the option that named it.
  }
  if (!isFolder) {
    throw new BriskError(
      'BRISK_ERR_TEMPLATE_FOLDER',
      `@brisk/templates on ${where}: the template folder ${path} does not exist or is not a folder` +
        ' (where the runtime has no files on disk, as on Cloudflare Workers, give the templates as `sources`)',
    )
  }
  return path
}

function checkSources(sources: unknown, where: string): Map<string, string> {
  const checked = new Map<string, string>()
  if (sources === undefined) return checked
  if (typeof sources !== 'object' || sources === null || Array.isArray(sources)) {
    throw new TypeError(
      `@brisk/templates on ${where}: sources must be an object of template names and their text`,
    )
  }
  for (const [name, text] of Object.entries(sources)) {
    if (typeof text !== 'string') {
      throw new TypeError(
        `@brisk/templates on ${where}: sources["${name}"] must be the template's text, got ${typeof text}`,
      )
    }
    checked.set(name, text)
  }
  return checked
}
