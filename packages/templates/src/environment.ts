/**
 * Builds a Nunjucks environment from settings: the loader, filters (plain and async), tests, globals,
 * extensions, and the `await` filter for promises that templates produce themselves.
 */
import { BriskError } from '@brisk/core'
import nunjucks, { type ILoader } from 'nunjucks'
import { fromNunjucks } from './errors'
import { FolderLoader } from './loader'
import type { Settings, TemplateFilter } from './options'

/** An environment and its loader (the loader names templates in error messages). */
export interface BuiltEnvironment {
  readonly env: nunjucks.Environment
  readonly loader: FolderLoader
}

type Callback = (error: unknown, value?: unknown) => void

/**
 * Builds the environment for one scope. `dev` decides the cache when the settings leave it open.
 *
 * @example
 * const { env } = buildEnvironment(settings, app.config.dev)
 */
export function buildEnvironment(settings: Settings, dev: boolean): BuiltEnvironment {
  const cache = settings.cache ?? !dev
  const loader = new FolderLoader(settings.folders, !cache, settings.sources)
  // The typings say a loader's getSource never returns null; Nunjucks reads null as "not in this loader".
  const env = new nunjucks.Environment(loader as unknown as ILoader, {
    autoescape: settings.autoescape ?? true,
    throwOnUndefined: settings.throwOnUndefined ?? false,
    trimBlocks: settings.trimBlocks ?? false,
    lstripBlocks: settings.lstripBlocks ?? false,
    // Nunjucks' `dev` only keeps the original error (with its position and cause) instead of a copy of its
    // message; our own error decides what a client sees, so keep the details for it and for the logs.
    dev: true,
    ...(settings.tags === undefined ? {} : { tags: settings.tags }),
  })
  env.addFilter('await', awaitFilter, true)
  for (const [name, fn] of Object.entries(settings.filters)) {
    if (isAsync(fn)) {
      const filter = callbackFilter(fn)
      guarded.add(filter)
      env.addFilter(name, filter, true)
    } else {
      env.addFilter(name, fn)
    }
  }
  for (const [name, fn] of Object.entries(settings.tests)) {
    // addTest is missing from the typings; it is part of Nunjucks' documented API.
    ;(env as unknown as { addTest(name: string, fn: (...args: any[]) => boolean): void }).addTest(name, fn)
  }
  for (const [name, value] of Object.entries(settings.globals)) env.addGlobal(name, value)
  for (const [name, extension] of Object.entries(settings.extensions)) env.addExtension(name, extension)
  for (const configure of settings.configure) configure(env)
  guardAddedAsyncFilters(env)
  return { env, loader }
}

/**
 * Compiles every template held in memory, at start-up, into the environment's cache. A syntax error stops the
 * start rather than failing a request later. And Nunjucks compiles a template into a function with
 * `new Function`, which Cloudflare Workers allow only while the module loads: compiled then, the templates
 * render at request time with no code generation at all; compiled later, the start fails with a message
 * that says what to do.
 *
 * @example
 * compileSources(buildEnvironment(settings, false), 'app "shop"')
 */
export function compileSources({ env, loader }: BuiltEnvironment, where: string): void {
  for (const name of loader.sources.keys()) {
    try {
      env.getTemplate(name, true)
    } catch (error) {
      const cause = (error as { cause?: unknown }).cause ?? error
      if (cause instanceof EvalError) {
        throw new BriskError(
          'BRISK_ERR_TEMPLATE_CODEGEN',
          `@brisk/templates on ${where}: this runtime refuses to compile template "${name}" now (${cause.message}). ` +
            'Nunjucks compiles templates with new Function, which Cloudflare Workers allow only while the module ' +
            'loads: start the app there, with `await app.ready()` at the top level of the Worker module',
          { cause: error },
        )
      }
      throw new BriskError(
        'BRISK_ERR_TEMPLATE_SOURCE',
        `@brisk/templates on ${where}: ${fromNunjucks(error, name, loader).message}`,
        { cause: error },
      )
    }
  }
}

/**
 * `{{ promise | await }}`: Nunjucks calls globals synchronously, so a global (or a method of a context value)
 * that returns a promise gives the template a promise; this async filter waits for it.
 */
function awaitFilter(value: unknown, callback: Callback): void {
  Promise.resolve(value).then(
    (resolved) => resume(callback, null, resolved),
    (error: unknown) => resume(callback, error),
  )
}

// Only functions declared `async` are known to be asynchronous without calling them; a plain function that
// returns a promise can still be awaited in the template with `| await`.
function isAsync(fn: TemplateFilter): boolean {
  return (fn as { [Symbol.toStringTag]?: string })[Symbol.toStringTag] === 'AsyncFunction'
}

/** Adapts an `async` filter to Nunjucks' callback style (the callback comes after the filter's arguments). */
function callbackFilter(fn: TemplateFilter): (...args: unknown[]) => void {
  return function (this: unknown, ...args: unknown[]): void {
    const callback = args.pop() as Callback
    // The filter's `this` is the Nunjucks context (`this.ctx`, `this.env`), as for a plain filter.
    ;(fn.apply(this, args as [unknown, ...unknown[]]) as Promise<unknown>).then(
      (value: unknown) => resume(callback, null, value),
      (error: unknown) => resume(callback, error),
    )
  }
}

// The async filters whose callback is already called through `resume` (ours).
const guarded = new WeakSet<object>([awaitFilter])

/**
 * Async filters that `configure` added with Nunjucks' own `addFilter(name, fn, true)` call Nunjucks back
 * themselves, from a timer or a promise, where an error thrown by the rest of the template would escape
 * just as it did from ours (from a timer: an uncaught exception). Their callback goes through `resume`
 * too, when it comes later; called before the filter returned, it is still inside the template's
 * try/catch, which knows the line, and is left as it is. Nothing changes for a template without them.
 */
function guardAddedAsyncFilters(env: nunjucks.Environment): void {
  const { asyncFilters, filters } = env as unknown as {
    asyncFilters: string[]
    filters: Record<string, (...args: unknown[]) => unknown>
  }
  for (const name of asyncFilters) {
    const fn = filters[name]
    if (typeof fn !== 'function' || guarded.has(fn)) continue
    const filter = function (this: unknown, ...args: unknown[]): unknown {
      const callback = args.pop() as Callback
      let returned = false
      args.push((error: unknown, value?: unknown) => {
        if (returned) resume(callback, error, value)
        else callback(error, value)
      })
      try {
        return fn.apply(this, args)
      } finally {
        returned = true
      }
    }
    guarded.add(filter)
    filters[name] = filter
  }
}

/**
 * Hands an async filter's outcome to Nunjucks. The callback is the compiled rest of the template: it renders
 * everything after the filter, and what that throws (`{{ x | slow }}{{ missing() }}`: `missing` is undefined)
 * is no longer inside the try/catch of the template's root function, which returned long ago. Left alone,
 * it would reject the promise this runs in, unhandled, and the render would never call back: a request
 * never answered. So it is given back to the same callback as an error, whose first step hands it to the
 * template's callback, and from there up to the render's own, which answers it like any render error.
 *
 * That calls the filter's callback twice (a value, then an error), the second time only after the first
 * threw; the error path does nothing but pass the error on, and the render's callback keeps the first
 * outcome it gets (see `run` in render.ts): once a page was rendered (a macro's body does not wait for its
 * filters, so its page may be finished before the filter's value arrives), a later error changes nothing.
 *
 * @example
 * promise.then((value) => resume(callback, null, value), (error) => resume(callback, error))
 */
function resume(callback: Callback, error: unknown, value?: unknown): void {
  try {
    callback(error, value)
  } catch (thrown) {
    callback(thrown)
  }
}
