/**
 * Plugin registration at start-up: each scope's plugins in the order they were used, checked (duplicates,
 * `core` range, dependencies) and awaited one by one, then the scopes mounted in it, which see the names
 * registered around them.
 */
import satisfies from 'semver/functions/satisfies.js'
import validRange from 'semver/ranges/valid.js'
import { BriskError } from '../http/errors'
import { VERSION } from '../version'
import { underKey } from './registration-order'
import { kScope, type Scope } from './scope'

/**
 * Registers every plugin of `scope` and of the scopes below it; `outer` names the plugins registered around it,
 * and `own` turns each mounted scope into the one to register on (the app's copy of a shared blueprint).
 *
 * @example
 * await registerPlugins(app, [])
 */
export async function registerPlugins(
  scope: Scope<any>,
  outer: readonly string[],
  own: (child: Scope<any>) => Scope<any> = (child) => child,
): Promise<void> {
  const state = scope[kScope]
  const here: string[] = []
  const where = `${state.kind} "${state.name}"`
  // An index loop: a plugin may register further plugins while we walk the list.
  for (let i = 0; i < state.plugins.length; i++) {
    const { plugin, options, key } = state.plugins[i]!
    if (here.includes(plugin.name)) {
      throw new BriskError(
        'BRISK_ERR_PLUGIN_DUPLICATE',
        `Plugin "${plugin.name}" is registered twice on ${where}`,
      )
    }
    if (plugin.core !== undefined) {
      if (validRange(plugin.core) === null) {
        throw new BriskError(
          'BRISK_ERR_PLUGIN_CORE_VERSION',
          `Plugin "${plugin.name}" has an invalid core range "${plugin.core}"`,
        )
      }
      if (!satisfies(VERSION, plugin.core, { includePrerelease: true })) {
        throw new BriskError(
          'BRISK_ERR_PLUGIN_CORE_VERSION',
          `Plugin "${plugin.name}" works with @brisk/core ${plugin.core}, but this is @brisk/core ${VERSION}`,
        )
      }
    }
    for (const dependency of plugin.dependencies ?? []) {
      if (!here.includes(dependency) && !outer.includes(dependency)) {
        throw new BriskError(
          'BRISK_ERR_PLUGIN_DEPENDENCY',
          `Plugin "${plugin.name}" needs plugin "${dependency}", which is not registered before it on ${where} or around it`,
        )
      }
    }
    here.push(plugin.name)
    try {
      // What the plugin registers (hooks, listeners, further plugins) takes the place of this use() call.
      await underKey(state.order, key, () => plugin.register(scope as never, options))
    } catch (error) {
      if (error instanceof BriskError) throw error
      throw new BriskError(
        'BRISK_ERR_PLUGIN_REGISTER',
        `Plugin "${plugin.name}" failed to register on ${where}: ${String((error as Error)?.message ?? error)}`,
        {
          cause: error,
        },
      )
    }
  }
  const children = state.children
  for (let i = 0; i < children.length; i++) {
    // The app's own copy of a mounted blueprint, taken now: after the plugins around it, which may add to it.
    const child = own(children[i]!)
    children[i] = child
    await registerPlugins(child, [...outer, ...here], own)
  }
}
