/**
 * Rendering for a request: the context every template sees, promises in it resolved, Nunjucks' callback
 * turned into a promise and its errors into ours.
 */
import { type BriskRequest, type BriskResponse, html, type ResponseInit } from '@brisk/core'
import nunjucks from 'nunjucks'
import { fromNunjucks } from './errors'
import { type Renderer, rendererFor } from './registry'

/**
 * The values a handler gives a template. Top-level values that are promises are awaited before rendering.
 *
 * @example
 * const context: TemplateContext = { title: 'Books', books: db.books() }
 */
export type TemplateContext = Record<string, unknown>

/**
 * Renders a template into an HTML response (`text/html; charset=utf-8`). Templates see the context, the
 * plugin's globals, `request`, `url_for` / `urlFor` and, when a session plugin filled `req.ctx.session`,
 * `session`. A missing template or a failing render rejects with a 500 error that shows its details in
 * development mode only.
 *
 * @example
 * app.get('/books/:id<int>', async (req) => render(req, 'books/show.html', { book: await books.get(req.params.id) }))
 * app.post('/books', async (req) => render(req, 'books/form.html', { errors }, { status: 422 }))
 */
export async function render(
  req: BriskRequest<any, any>,
  name: string,
  context: TemplateContext = {},
  init?: ResponseInit | number,
): Promise<BriskResponse> {
  return html(await renderToString(req, name, context), init)
}

/**
 * Renders a template to a string, with the same context as {@link render}: for an e-mail body, or a
 * fragment sent inside JSON.
 *
 * @example
 * const body = await renderToString(req, 'mail/welcome.txt', { user })
 */
export async function renderToString(
  req: BriskRequest<any, any>,
  name: string,
  context: TemplateContext = {},
): Promise<string> {
  if (typeof name !== 'string' || name === '') {
    throw new TypeError(`render(): the template name must be a non-empty string, got ${JSON.stringify(name)}`)
  }
  const renderer = rendererFor(req)
  return run(renderer, name, await contextFor(renderer, req, context))
}

async function contextFor(
  renderer: Renderer,
  req: BriskRequest<any, any>,
  given: TemplateContext,
): Promise<TemplateContext> {
  const urlFor = renderer.urlFor
  let context: TemplateContext = { request: req, url_for: urlFor, urlFor }
  // A session plugin puts the session on `req.ctx.session`; without one, `session` stays out of the context
  // so that `{% if session %}` tells the two apart.
  const session = (req.ctx as { session?: unknown }).session
  if (session !== undefined) context.session = session
  for (const processor of renderer.settings.context) context = { ...context, ...(await processor(req)) }
  context = { ...context, ...given }
  const pending: Promise<void>[] = []
  for (const key of Object.keys(context)) {
    const value = context[key]
    if (isThenable(value)) {
      pending.push(
        Promise.resolve(value).then((resolved) => {
          context[key] = resolved
        }),
      )
    }
  }
  // Awaited together so that a second rejection is not left unhandled while the first one is thrown.
  if (pending.length > 0) await Promise.all(pending)
  return context
}

function run(renderer: Renderer, name: string, context: TemplateContext): Promise<string> {
  return new Promise((resolve, reject) => {
    // With a callback, Nunjucks renders asynchronously, which async filters and `| await` need.
    renderer.env.render(name, context, (error, out) => {
      if (error) reject(fromNunjucks(error, name, renderer.loader))
      else resolve(out ?? '')
    })
  })
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    value !== null &&
    (typeof value === 'object' || typeof value === 'function') &&
    typeof (value as { then?: unknown }).then === 'function'
  )
}

/**
 * Marks a string as safe HTML so autoescaping leaves it as it is; for filters and globals that build markup
 * themselves (escape what they interpolate).
 *
 * @example
 * const filters = { badge: (n: number) => markSafe(`<span class="badge">${Number(n)}</span>`) }
 */
export function markSafe(value: string): nunjucks.runtime.SafeString {
  return new nunjucks.runtime.SafeString(value)
}
