/**
 * The plugin interface: a named, versioned registration function.
 *
 * A plugin's `ctx` type parameter is a phantom: it exists only for the compiler, so `app.use(plugin)` can
 * return the app typed with what the plugin adds to `req.ctx`, at no cost at run time.
 */
import type { RouteScope } from './route-scope'

/**
 * The scope a plugin registers into: the app, or a blueprint (then it applies to that blueprint's routes).
 * `C` is what the plugin adds to `req.ctx`, so its own middleware sees those fields typed. One shape for both
 * (a union of the two classes would make their overloaded route methods uncallable); narrow with
 * `scope instanceof Brisk` for what only the app has (`addTask`, `blueprint`, `log`).
 */
export type PluginScope<C extends object = {}> = RouteScope<{ ctx: C }> & {
  /** Registers another plugin on the same scope. */
  use<O, D extends object>(plugin: Plugin<O, D>, ...[options]: PluginOptionsArg<O>): unknown
}

/** What `definePlugin` takes. `C` is what the plugin adds to `req.ctx`. */
export interface PluginDefinition<O, C extends object = {}> {
  /** A unique name, e.g. `@brisk/cors`; a plugin is registered at most once per scope. */
  name: string
  /** The range of `@brisk/core` versions it works with, checked at start-up, e.g. `>=26.11.0`. */
  core?: string
  /** Names of plugins that must be registered before it, in this scope or an enclosing one. */
  dependencies?: readonly string[]
  /** Adds middleware, routes, listeners, `onRoute` hooks; may be async: the app awaits it before serving. */
  register(scope: PluginScope<C>, options: O): void | Promise<void>
}

/** A plugin made by {@link definePlugin}. `O` is its options, `C` what it adds to `req.ctx`. */
export interface Plugin<O = void, C extends object = {}> extends Readonly<PluginDefinition<O, C>> {
  /** Type-level only: never set. */
  readonly ' ctx'?: C
}

/** The options argument of `use()`: optional when the plugin's options may be undefined. */
export type PluginOptionsArg<O> = undefined extends O ? [options?: O] : [options: O]

/**
 * Defines a plugin. Give the options type and, if it fills `req.ctx`, the fields it adds.
 *
 * @example
 * export const timing = definePlugin<{ header?: string }, { startedAt: number }>({
 *   name: 'timing',
 *   core: '>=26.11.0',
 *   register(scope, options) {
 *     scope.onRequest((req) => { req.ctx.startedAt = performance.now() })
 *     scope.onResponse((req, res) => { res.header(options.header ?? 'x-time', String(performance.now() - req.ctx.startedAt)) })
 *   },
 * })
 */
export function definePlugin<O = void, C extends object = {}>(
  definition: PluginDefinition<O, C>,
): Plugin<O, C> {
  if (typeof definition?.name !== 'string' || definition.name.length === 0) {
    throw new TypeError('definePlugin(): `name` must be a non-empty string')
  }
  if (typeof definition.register !== 'function') {
    throw new TypeError(
      `definePlugin(): plugin "${definition.name}" needs a register(scope, options) function`,
    )
  }
  if (definition.dependencies !== undefined && !Array.isArray(definition.dependencies)) {
    throw new TypeError(
      `definePlugin(): plugin "${definition.name}" has dependencies that are not an array of names`,
    )
  }
  return Object.freeze({ ...definition, dependencies: Object.freeze([...(definition.dependencies ?? [])]) })
}
