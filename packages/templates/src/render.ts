/**
 * Rendering for a request: the context (see context.ts), Nunjucks' callback turned into the text, or a
 * promise of it when the render had to wait, and its errors into ours.
 */
import { type BriskRequest, type BriskResponse, html, type ResponseInit } from '@brisk/core'
import nunjucks from 'nunjucks'
import { contextFor, type TemplateContext } from './context'
import { fromNunjucks } from './errors'
import { RenderFrame } from './frame'
import { type Renderer, rendererFor } from './registry'

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
  checkName(name)
  return html(await renderNow(req, name, context), init)
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
  checkName(name)
  return renderNow(req, name, context)
}

/**
 * What the `template` route option and `template()` answer with: {@link render}, but synchronous when nothing
 * in the context or the template has to be waited for (no promise in it, no async filter), so that the route
 * answers in the same turn of the event loop, as a JSON route does.
 *
 * @example
 * return renderResponse(req, 'books/list.html', { books })
 */
export function renderResponse(
  req: BriskRequest<any, any>,
  name: string,
  context: TemplateContext,
): BriskResponse | Promise<BriskResponse> {
  const out = renderNow(req, name, context)
  return typeof out === 'string' ? html(out) : out.then(toHtml)
}

function toHtml(out: string): BriskResponse {
  return html(out)
}

function checkName(name: unknown): void {
  if (typeof name !== 'string' || name === '') {
    throw new TypeError(`render(): the template name must be a non-empty string, got ${JSON.stringify(name)}`)
  }
}

function renderNow(
  req: BriskRequest<any, any>,
  name: string,
  given: TemplateContext,
): string | Promise<string> {
  const renderer = rendererFor(req)
  const context = contextFor(renderer, req, given)
  return context instanceof Promise
    ? context.then((ready) => run(renderer, name, ready))
    : run(renderer, name, context)
}

/** Nunjucks' `Template.render` with the parent frame its typings leave out. */
interface FramedTemplate {
  render(context: object, parentFrame: object, callback: (error: unknown, out?: string) => void): void
}

/**
 * Renders through Nunjucks' callback API, which async filters and `| await` need, but returns the text itself
 * when the callback came before `render` returned: with a loader that reads synchronously (ours) and no
 * async filter, Nunjucks renders a page, its layouts and includes synchronously. `Environment.render` would
 * still hand the result over through `asap` (a `setImmediate`), one turn of the event loop later; a
 * template rendered with a parent frame calls back directly (what Nunjucks does for includes), so each render
 * gets a fresh empty frame as its parent (a {@link RenderFrame}, whose children set variables more cheaply). Errors take the same way as before: the callback's error becomes
 * ours, and what the loader throws is thrown as it is.
 */
function run(renderer: Renderer, name: string, context: TemplateContext): string | Promise<string> {
  let done = false
  let out = ''
  let failure: unknown
  let resolve: ((out: string) => void) | undefined
  let reject: ((error: unknown) => void) | undefined
  const finish = (error: unknown, result?: string): void => {
    // The first answer wins, as it did with a promise (Nunjucks may call back twice after an error).
    if (done) return
    done = true
    if (error) failure = fromNunjucks(error, name, renderer.loader)
    else out = result ?? ''
    if (resolve !== undefined) {
      if (error) reject!(failure)
      else resolve(out)
    }
  }
  renderer.env.getTemplate(name, false, (error, template) => {
    if (error) finish(error)
    else (template as unknown as FramedTemplate).render(context, new RenderFrame(), finish)
  })
  if (done) {
    if (failure !== undefined) throw failure
    return out
  }
  return new Promise((ok, fail) => {
    resolve = ok
    reject = fail
  })
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
