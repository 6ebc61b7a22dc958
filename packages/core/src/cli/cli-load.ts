/**
 * Finding the app for `brisk serve` and `brisk routes`: import the user's module and pick the export that is
 * a Brisk app, or explain precisely why none is.
 */
import { existsSync } from 'node:fs'
import { resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import type { RouteInfo } from '../app/route-info'
import type { AppTarget } from './cli-args'
import { CliError } from './cli-args'

/**
 * What the CLI needs from an app. It is checked by shape, not with `instanceof Brisk`: the user's module may
 * import its own copy of @brisk/core (another version, another `node_modules`) than the one running the CLI.
 */
export interface CliApp {
  listen(options: {
    port: number
    host: string
    workers?: number
    log?: boolean
  }): Promise<{ port: number; host: string; url: string }>
  routes(): readonly RouteInfo[]
  ready(): Promise<void>
  /** Registers plugins and compiles routes without running listeners (absent from apps of older cores). */
  compile?(): Promise<void>
  close(): Promise<void>
  readonly config?: { readonly name?: string }
  readonly server?: unknown
}

/** An app found in a module, and where it was found. */
export interface LoadedApp {
  readonly app: CliApp
  /** The module's absolute path. */
  readonly path: string
  /** The export the app came from. */
  readonly exportName: string
}

/**
 * Whether a value looks like a Brisk app: an object with `listen` and `routes` methods.
 *
 * @example
 * isBriskApp(new Brisk()) // true
 * isBriskApp({})          // false
 */
export function isBriskApp(value: unknown): value is CliApp {
  const app = value as Partial<CliApp> | null
  return (
    typeof app === 'object' &&
    app !== null &&
    typeof app.listen === 'function' &&
    typeof app.routes === 'function'
  )
}

/**
 * Imports `target.module` (relative to `cwd`) and returns its app: the named export if one was given, else
 * the `app` export, else the default export. Each may be an app or a factory function that returns one (sync or
 * async), called once. Throws a {@link CliError} that names the module and its exports when there is no app.
 *
 * @example
 * const { app } = await loadApp({ module: './app.js', exportName: undefined }, process.cwd())
 */
export async function loadApp(target: AppTarget, cwd: string): Promise<LoadedApp> {
  const path = resolve(cwd, target.module)
  if (!existsSync(path)) throw new CliError(`${target.module} not found (looked for ${path})`)
  let namespace: Record<string, unknown>
  try {
    namespace = await import(pathToFileURL(path).href)
  } catch (error) {
    throw importError(target.module, error as Error & { code?: string })
  }
  const found = Object.keys(namespace)
  const listed = found.length > 0 ? `its exports: ${found.join(', ')}` : 'it has no exports'
  if (target.exportName !== undefined) {
    const name = target.exportName
    if (!(name in namespace)) throw new CliError(`${target.module} has no export named "${name}" (${listed})`)
    const value = namespace[name]
    const app = await appOf(value, name, target.module)
    if (app === undefined) {
      throw new CliError(
        `the export "${name}" of ${target.module} is not a Brisk app but ${describe(value)} (${listed})`,
      )
    }
    return { app, path, exportName: name }
  }
  for (const name of ['app', 'default']) {
    const app = await appOf(namespace[name], name, target.module)
    if (app !== undefined) return { app, path, exportName: name }
  }
  const others = found.filter((name) => isBriskApp(namespace[name]))
  const classes = found.filter((name) => isAppClass(namespace[name]))
  const hint =
    others.length > 0
      ? `; to use the app in "${others[0]}", run brisk with ${target.module}:${others[0]}`
      : classes.length > 0
        ? `; "${classes[0]}" is the Brisk class: export an app made with new ${classes[0]}()`
        : ''
  throw new CliError(
    `${target.module} exports no Brisk app: expected an export named "app" or a default export that is new Brisk() (${listed})${hint}`,
  )
}

function importError(module: string, error: Error & { code?: string }): CliError {
  // Node cannot import TypeScript by itself before v22.6; say how to add a loader instead of the bare code.
  if (error.code === 'ERR_UNKNOWN_FILE_EXTENSION') {
    return new CliError(
      `node cannot import ${module} by itself; add a loader, e.g. NODE_OPTIONS="--import tsx" brisk …`,
      { cause: error },
    )
  }
  const detail = error instanceof Error ? (error.stack ?? error.message) : String(error)
  return new CliError(`could not import ${module}:\n${detail}`, { cause: error })
}

/**
 * The app an export stands for: the app itself, or what a factory function returns (`export default function
 * createApp() { … }`, sync or async), called once with no arguments. `undefined` for anything else.
 */
async function appOf(value: unknown, name: string, module: string): Promise<CliApp | undefined> {
  if (isBriskApp(value)) return value
  if (!isFactory(value)) return undefined
  let made: unknown
  try {
    made = await value()
  } catch (error) {
    const detail = error instanceof Error ? (error.stack ?? error.message) : String(error)
    throw new CliError(`the factory "${name}" of ${module} threw:\n${detail}`, { cause: error })
  }
  if (isBriskApp(made)) return made
  throw new CliError(
    `the export "${name}" of ${module} is a function, taken for an app factory, but it returned ${describe(made)}, not a Brisk app`,
  )
}

/** A plain (or async) function, not a class: what a factory looks like. */
function isFactory(value: unknown): value is () => unknown {
  return (
    typeof value === 'function' &&
    !/^class\b/.test(Function.prototype.toString.call(value)) &&
    !isAppClass(value)
  )
}

/** The class rather than an instance: `export { Brisk }` or `export default Brisk`. */
function isAppClass(value: unknown): boolean {
  const proto = (value as { prototype?: Partial<CliApp> } | null)?.prototype
  return (
    typeof value === 'function' && typeof proto?.listen === 'function' && typeof proto.routes === 'function'
  )
}

function describe(value: unknown): string {
  if (value === null) return 'null'
  if (typeof value === 'function')
    return /^class\b/.test(Function.prototype.toString.call(value)) ? 'a class' : 'a function'
  if (typeof value === 'object') return `an object (${value.constructor?.name ?? 'no prototype'})`
  return typeof value === 'undefined' ? 'undefined' : `a ${typeof value}`
}
