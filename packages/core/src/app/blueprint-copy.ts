/**
 * One blueprint, many apps. A blueprint (or group) is a definition: each app that mounts it makes its own copy
 * when it starts, registers plugins on that copy and compiles it, so module-level blueprints and a new app per
 * test work together, and no app sees another's plugins, hooks or route names.
 *
 * While an app starts, the plugins around a blueprint may add to the original (e.g. `@brisk/jwt` puts its
 * endpoints on a blueprint the options name); those additions belong to that app's copy, so the original is
 * put back as it was once the app has compiled. After that, the original refuses additions
 * (`BRISK_ERR_APP_STARTED`): a route added then would reach the apps that start later and not the ones already
 * serving, which is never what was meant.
 */
import { BriskError } from '../http/errors'
import { newOrder, type Order } from './registration-order'
import { kScope, type Scope, type ScopeState } from './scope'

/** The lists of a scope's state that hold registrations, and so need copying. */
const LISTS = ['routes', 'requestHooks', 'responseHooks', 'errorHooks', 'routeHooks', 'plugins'] as const

/** A state with its own lists (and their registration order), sharing the registered functions. */
function cloneState(from: ScopeState): ScopeState {
  const order: Order = { ...newOrder(), next: from.order.next }
  const list = <T>(items: T[]): T[] => {
    const copy = [...items]
    const keys = from.order.keys.get(items as unknown[])
    if (keys !== undefined)
      order.keys.set(
        copy as unknown[],
        keys.map((k) => [...k]),
      )
    return copy
  }
  const listeners = { ...from.listeners }
  for (const event of Object.keys(listeners) as (keyof typeof listeners)[]) {
    listeners[event] = list(listeners[event])
  }
  const state: ScopeState = {
    ...from,
    children: [...from.children],
    listeners,
    order,
    started: false,
    usedBy: null,
    starting: 0,
  }
  for (const name of LISTS) (state as unknown as Record<string, unknown[]>)[name] = list<unknown>(from[name])
  return state
}

/**
 * An app's own copy of a mounted blueprint or group, as it is defined now: same class, same registered
 * functions, its own lists. Its members are still the originals, copied in turn when the app reaches them.
 *
 * @example
 * app[kScope].children[i] = copyScope(books)
 */
export function copyScope<S extends Scope<any>>(original: S): S {
  const copy = Object.create(
    Object.getPrototypeOf(original),
    Object.getOwnPropertyDescriptors(original),
  ) as S & { [kScope]: ScopeState }
  copy[kScope] = cloneState(original[kScope])
  return copy
}

/** A shared blueprint's definition from before the apps now starting with it began. */
const saved = new WeakMap<Scope<any>, ScopeState>()

/**
 * Marks every blueprint and group mounted (at any depth) in `app` as being started with, keeping its
 * definition so that what plugins add to it during the start can be undone; returns the function that undoes
 * it, and seals the originals when the app did start (a start that failed leaves them open). Throws
 * `BRISK_ERR_BLUEPRINT_MOUNTED` when one is mounted twice in the app.
 *
 * @example
 * const release = claimMounted(app)
 * let started = false
 * try { await registerPlugins(app, [], copyScope); started = true } finally { release(started) }
 */
export function claimMounted(app: Scope<any>): (started: boolean) => void {
  const found = new Map<Scope<any>, string>()
  const walk = (scope: Scope<any>, where: string): void => {
    for (const child of scope[kScope].children) {
      const state = child[kScope]
      const here = `${state.kind} "${state.name}"`
      const first = found.get(child)
      if (first !== undefined) {
        throw new BriskError(
          'BRISK_ERR_BLUEPRINT_MOUNTED',
          `${here} is mounted twice in app "${app.name}" (in ${first} and in ${where}); mount it once per app`,
        )
      }
      found.set(child, where)
      walk(child, here)
    }
  }
  walk(app, `app "${app.name}"`)
  for (const scope of found.keys()) {
    const state = scope[kScope]
    if (state.starting++ === 0) saved.set(scope, cloneState(state))
  }
  return (started) => {
    for (const scope of found.keys()) {
      const state = scope[kScope]
      const usedBy = state.usedBy ?? (started ? app.name : null)
      if (--state.starting > 0) {
        state.usedBy = usedBy
        continue
      }
      const before = saved.get(scope)!
      saved.delete(scope)
      ;(scope as { [kScope]: ScopeState })[kScope] = { ...before, usedBy }
    }
  }
}
