/**
 * The errors a render can end in. Each is a 500 that is never exposed: in development mode the default error
 * page shows the message (template, line, column); outside it the client sees only "Internal Server Error"
 * and the log gets the message with the Nunjucks error as `cause`.
 */
import { HTTPError } from '@brisk/core'
import type { FolderLoader } from './loader'

/**
 * A template (the one asked for, or one it extends, includes or imports) is in none of the folders.
 *
 * @example
 * app.onError(TemplateNotFound, (err) => text(`missing ${err.template}`, 500))
 */
export class TemplateNotFound extends HTTPError {
  /** The missing template's name. */
  readonly template: string
  /** The template that asked for it, when it was not the one given to `render`. */
  readonly from: string | undefined

  constructor(template: string, from?: string, options: { cause?: unknown } = {}) {
    const via = from === undefined ? '' : ` (asked for by "${from}")`
    super(500, `Template "${template}" was not found in the template folders${via}`, {
      code: 'BRISK_ERR_TEMPLATE_NOT_FOUND',
      expose: false,
      cause: options.cause,
    })
    this.template = template
    this.from = from
  }
}

/**
 * A template failed to compile (a syntax error) or to render (a filter threw, a call failed, …).
 * `line` and `column` are 1-based, and absent when Nunjucks does not know them (it tracks positions of
 * syntax errors and of function calls, not of filters).
 *
 * @example
 * app.onError(TemplateRenderError, (err) => text(`${err.template}:${err.line}`, 500))
 */
export class TemplateRenderError extends HTTPError {
  /** The template the error is in (a layout or an included file, maybe). */
  readonly template: string
  /** The template given to `render`. */
  readonly rendering: string
  readonly line: number | undefined
  readonly column: number | undefined

  constructor(
    at: {
      template: string
      rendering: string
      line?: number | undefined
      column?: number | undefined
      reason: string
    },
    options: { cause?: unknown } = {},
  ) {
    const where =
      at.line === undefined
        ? 'at a line Nunjucks does not know'
        : at.column === undefined
          ? `at Line ${at.line}`
          : `at Line ${at.line}, Column ${at.column}`
    const via = at.rendering === at.template ? '' : ` (rendering "${at.rendering}")`
    super(500, `Template "${at.template}" failed ${where}${via}: ${at.reason}`, {
      code: 'BRISK_ERR_TEMPLATE_RENDER',
      expose: false,
      cause: options.cause,
    })
    this.template = at.template
    this.rendering = at.rendering
    this.line = at.line
    this.column = at.column
  }
}

/**
 * `render()` (or a `template` route) ran for a request whose app and blueprint never registered the plugin.
 *
 * @example
 * throw notRegistered('books')
 */
export function notRegistered(blueprint: string | undefined): HTTPError {
  const where = blueprint === undefined ? 'the app' : `the app or blueprint "${blueprint}"`
  return new HTTPError(
    500,
    `@brisk/templates is not registered on ${where}: call use(templates, { folders })`,
    {
      code: 'BRISK_ERR_TEMPLATES_NOT_REGISTERED',
      expose: false,
    },
  )
}

// A line of a Nunjucks error message that names a template file: `(/abs/path.html) [Line 3, Column 7]`,
// sometimes after "Template render error: ". Paths may hold parentheses, hence the anchored end.
const PATH_LINE = /^\s*(?:Template render error: )?\((.+?)\)(?: \[Line \d+(?:, Column \d+)?\])?\s*$/
const NOT_FOUND = /^(?:Error: )?template not found: (.+)$/

interface NunjucksError {
  message?: unknown
  lineno?: unknown
  colno?: unknown
  cause?: unknown
}

/**
 * Turns what Nunjucks reported into one of the errors above, naming templates by their names in the
 * folders (never by server paths).
 *
 * @example
 * env.render(name, ctx, (err, out) => (err ? reject(fromNunjucks(err, name, loader)) : resolve(out)))
 */
export function fromNunjucks(error: unknown, rendering: string, loader: FolderLoader): HTTPError {
  if (error instanceof HTTPError) return error
  const e = (error ?? {}) as NunjucksError
  const message = typeof e.message === 'string' ? e.message : String(error)
  // Nunjucks prefixes the message with one `(path)` line per template it went through, innermost last.
  const lines = message.split('\n')
  let innermost: string | undefined
  const rest: string[] = []
  for (const line of lines) {
    const match = PATH_LINE.exec(line)
    if (match !== null) innermost = match[1]
    else if (line.trim() !== '') rest.push(line.trim())
  }
  const template = innermost === undefined ? rendering : (loader.nameOf(innermost) ?? rendering)
  const cause = e.cause instanceof Error ? e.cause : undefined
  const reason = cause?.message ?? rest.join(' ')
  const missing = NOT_FOUND.exec(reason)
  if (missing !== null) {
    const name = missing[1]!
    return new TemplateNotFound(name, innermost === undefined ? undefined : template, { cause: error })
  }
  return new TemplateRenderError(
    { template, rendering, ...position(e, cause !== undefined), reason },
    { cause: error },
  )
}

/**
 * Nunjucks' position of an error, 1-based. The parser reports positions 1-based; the runtime reports them
 * 0-based (an error raised while rendering is the one that carries a `cause`), and 0:0 means "not known".
 */
function position(e: NunjucksError, runtime: boolean): { line?: number; column?: number } {
  const line = typeof e.lineno === 'number' ? e.lineno : undefined
  const column = typeof e.colno === 'number' ? e.colno : undefined
  if (line === undefined) return {}
  if (runtime) {
    if (line === 0 && (column === undefined || column === 0)) return {}
    return { line: line + 1, ...(column === undefined ? {} : { column: column + 1 }) }
  }
  return line > 0 ? { line, ...(column === undefined || column < 1 ? {} : { column }) } : {}
}
