/**
 * Blueprints and blueprint groups: routes, middleware, error handlers and plugins that belong together and
 * apply to their own routes only.
 */
import { BriskError } from '../http/errors'
import type { Plugin, PluginOptionsArg } from './plugin'
import { RouteScope } from './route-scope'
import { kScope, Scope, type ScopeOptions } from './scope'
import type { CtxOf, Env } from './types'

/** Something `app.blueprint()` can mount, with what it needs from the app's `req.ctx` (type-level only). */
export interface Mountable<C extends object = {}> {
  /** Type-level only: an app whose ctx lacks what `C` asks for cannot mount this. */
  readonly ' needs'?: (ctx: C) => void
}

/**
 * What mountables need together. `T[' needs']` is a union of functions, and calling a union of functions takes
 * the intersection of their parameters: one conditional, no recursion over the members.
 */
export type NeedsOf<T extends Mountable<any>> =
  NonNullable<T[' needs']> extends (ctx: infer C extends object) => void ? C : {}

const NAME = /^[A-Za-z_][\w-]*$/

/**
 * A set of routes with a shared prefix, middleware, error handlers and plugins. Declare what it needs from
 * the app's plugins in the type parameter; mounting it on an app that lacks them fails to type-check.
 * `N` is what it needs from the app: its ctx minus what it registers itself with `use()`.
 *
 * @example
 * const books = new Blueprint<{ ctx: SessionCtx }>('books', { prefix: '/books' })
 * books.get('/:id<int>', { name: 'show' }, (req) => ({ id: req.params.id, visits: req.ctx.session.visits }))
 * app.blueprint(books) // app.urlFor('books.show', { id: 1 }) === '/books/1'
 */
export class Blueprint<E extends Env = {}, N extends object = CtxOf<E>>
  extends RouteScope<E>
  implements Mountable<N>
{
  declare readonly ' needs'?: (ctx: N) => void

  constructor(name: string, options: ScopeOptions = {}) {
    if (typeof name !== 'string' || !NAME.test(name)) {
      throw new TypeError(
        `Blueprint: the name must be a word (letters, digits, _ or -), got ${JSON.stringify(name)}`,
      )
    }
    super('blueprint', name, options)
  }

  /**
   * Registers a plugin for this blueprint's routes only; returns the blueprint typed with the plugin's ctx.
   *
   * @example
   * const admin = new Blueprint('admin').use(session, { secret })
   */
  use<O, C extends object>(
    plugin: Plugin<O, C>,
    ...[options]: PluginOptionsArg<O>
  ): Blueprint<{ ctx: CtxOf<E> & C }, N> {
    this.usePlugin(plugin, options)
    return this as unknown as Blueprint<{ ctx: CtxOf<E> & C }, N>
  }

  /**
   * Groups blueprints (and groups) under a shared prefix, version and middleware.
   *
   * @example
   * app.blueprint(Blueprint.group([books, authors], { prefix: '/api', version: 1 })) // /api/v1/books/…
   */
  static group<T extends Mountable<any> & Scope<any> = never>(
    items: readonly T[],
    options: ScopeOptions & { name?: string } = {},
  ): BlueprintGroup<{ ctx: NeedsOf<T> }> {
    return new BlueprintGroup<{ ctx: NeedsOf<T> }>(items, options)
  }
}

let groupCount = 0

/**
 * A group of blueprints (and nested groups); its prefix, version, host and middleware apply to every member.
 *
 * @example
 * const api = new BlueprintGroup([books, authors], { prefix: '/api' })
 * api.onRequest(requireJson)
 */
export class BlueprintGroup<E extends Env = {}> extends Scope<E> implements Mountable<CtxOf<E>> {
  declare readonly ' needs'?: (ctx: CtxOf<E>) => void

  constructor(items: readonly Scope<any>[], options: ScopeOptions & { name?: string } = {}) {
    super('group', options.name ?? `group${++groupCount}`, options)
    if (!Array.isArray(items))
      throw new TypeError('Blueprint.group(): expected an array of blueprints or groups')
    for (const item of items) this.add(item)
  }

  /** The blueprints and groups in this group. */
  get members(): readonly Scope<any>[] {
    return this[kScope].children
  }

  /** Adds a blueprint or group to this group. @example api.append(reviews) */
  append(item: Mountable<CtxOf<E>> & Scope<any>): this {
    this.guardOpen('append')
    this.add(item)
    return this
  }

  private add(item: Scope<any>): void {
    const state = item?.[kScope]
    if (state === undefined || state.kind === 'app') {
      throw new TypeError('Blueprint.group(): members must be blueprints or groups')
    }
    adopt(this, item)
  }
}

/**
 * Makes `child` a member of `parent`. A blueprint may be mounted in many apps (each starts with its own copy,
 * blueprint-copy.ts), but only once in a parent.
 */
export function adopt(parent: Scope<any>, child: Scope<any>): void {
  const children = parent[kScope].children
  if (children.includes(child)) {
    const state = child[kScope]
    throw new BriskError(
      'BRISK_ERR_BLUEPRINT_MOUNTED',
      `${state.kind} "${state.name}" is already mounted in "${parent[kScope].name}"; mount it once per app`,
    )
  }
  children.push(child)
}
