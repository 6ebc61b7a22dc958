/**
 * Which environment renders for which request: one per app, one per blueprint that registered the plugin.
 *
 * How a blueprint's registration finds the app's: plugins register before the app compiles its routes, the
 * app's first, but a blueprint's `register` is only given the blueprint. Its `beforeStart` listener is given
 * the app, though, and runs before the first request: there the blueprint builds its environment over the
 * app's settings, read from this module's `WeakMap` (app → registry) that the app's registration filled.
 * A request finds its environment by `req.app` and the blueprint name of `req.route` (blueprint names are
 * unique within an app): two lookups in small maps, no per-route state to keep.
 */
import type { Brisk, BriskRequest } from '@brisk/core'
import { type BuiltEnvironment, buildEnvironment, compileSources } from './environment'
import { notRegistered } from './errors'
import { layer, type Settings } from './options'

/** What renders for one scope. */
export interface Renderer extends BuiltEnvironment {
  readonly settings: Settings
  /** `url_for` / `urlFor` in templates: the app's `urlFor`, made once per app rather than per render. */
  readonly urlFor: (name: string, ...rest: unknown[]) => string
}

interface Registry {
  readonly app: Brisk<any>
  root: Renderer | undefined
  readonly blueprints: Map<string, Renderer>
}

const registries = new WeakMap<object, Registry>()

function registryOf(app: Brisk<any>): Registry {
  let registry = registries.get(app)
  if (registry === undefined) {
    registry = { app, root: undefined, blueprints: new Map() }
    registries.set(app, registry)
  }
  return registry
}

/**
 * Sets up the app's environment (at the app's registration).
 *
 * @example
 * registerApp(app, resolveSettings(options, 'app "shop"', ['templates']))
 */
export function registerApp(app: Brisk<any>, settings: Settings): void {
  const registry = registryOf(app)
  registry.root = renderer(registry, settings, `app "${app.name}"`)
}

/**
 * Sets up a blueprint's environment over the app's (from the blueprint's `beforeStart` listener).
 *
 * @example
 * bp.beforeStart((app) => registerBlueprint(app, bp.name, settings))
 */
export function registerBlueprint(app: Brisk<any>, blueprint: string, settings: Settings): void {
  const registry = registryOf(app)
  registry.blueprints.set(
    blueprint,
    renderer(registry, layer(registry.root?.settings, settings), `blueprint "${blueprint}"`),
  )
}

/**
 * The renderer for a request: its blueprint's, else the app's. A request with no route (a 404 rendered by an
 * error handler) uses the app's.
 *
 * @example
 * const { env } = rendererFor(req)
 */
export function rendererFor(req: BriskRequest<any, any>): Renderer {
  const registry = registries.get(req.app)
  const blueprint = req.route?.blueprint
  const found = (blueprint === undefined ? undefined : registry?.blueprints.get(blueprint)) ?? registry?.root
  if (found === undefined) throw notRegistered(blueprint)
  return found
}

function renderer(registry: Registry, settings: Settings, where: string): Renderer {
  const app = registry.app
  const built = buildEnvironment(settings, app.config.dev)
  compileSources(built, where)
  return { ...built, settings, urlFor: urlForOf(app) }
}

/**
 * `url_for('books.show', { id: 7 })`, `url_for('books.show', id=7)` (Jinja keyword arguments, which Nunjucks
 * passes as a last object marked `__keywords`), and a query as the third argument.
 */
function urlForOf(app: Brisk<any>): (name: string, ...rest: unknown[]) => string {
  return (name, ...rest) => {
    const last = rest[rest.length - 1] as Record<string, unknown> | undefined
    let keywords: Record<string, unknown> | undefined
    if (last !== null && typeof last === 'object' && last.__keywords === true) {
      rest.pop()
      const { __keywords, ...named } = last
      keywords = named
    }
    const [params, query] = rest as [Record<string, unknown> | undefined, Record<string, unknown> | undefined]
    return app.urlFor(name, keywords === undefined ? params : { ...params, ...keywords }, query)
  }
}
