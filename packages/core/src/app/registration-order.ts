/**
 * Registration order across plugins. Plugins register when the app starts, after the module code that used
 * them has run; yet `app.use(session).onRequest(readSession)` must see the session's hooks first. So every
 * registration gets a key — its position in the scope's calls, and inside a plugin's `register`, the plugin's
 * own key followed by a sub-position — and each list keeps its items ordered by key.
 */

/** The order bookkeeping of one scope. */
export interface Order {
  /** Keys of the items of each list, in the same order as the list. */
  readonly keys: WeakMap<unknown[], number[][]>
  /** The key prefix while a plugin registers, else an empty prefix. */
  prefix: number[]
  /** The next position under `prefix`. */
  next: number
}

/** Fresh bookkeeping for a new scope. */
export function newOrder(): Order {
  return { keys: new WeakMap(), prefix: [], next: 0 }
}

/** The key the next registration in this scope gets. */
export function nextKey(order: Order): number[] {
  return [...order.prefix, order.next++]
}

function compare(a: number[], b: number[]): number {
  const n = Math.min(a.length, b.length)
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i]! - b[i]!
  return a.length - b.length
}

/**
 * Adds `value` to `list` where its registration order puts it (at the end, unless a plugin is registering
 * now for a `use()` made before later calls).
 *
 * @example
 * insertOrdered(order, state.requestHooks, hook)
 */
export function insertOrdered<T>(order: Order, list: T[], value: T, key: number[] = nextKey(order)): void {
  let keys = order.keys.get(list)
  if (keys === undefined) {
    keys = []
    order.keys.set(list, keys)
  }
  let at = keys.length
  while (at > 0 && compare(keys[at - 1]!, key) > 0) at--
  keys.splice(at, 0, key)
  list.splice(at, 0, value)
}

/**
 * Runs a plugin's registration with its own key as the prefix, so what it registers lands where `use()`
 * was called; restores the outer prefix afterwards (plugins nest).
 *
 * @example
 * await underKey(state.order, use.key, () => plugin.register(scope, options))
 */
export async function underKey(order: Order, key: number[], register: () => unknown): Promise<void> {
  const { prefix, next } = order
  order.prefix = key
  order.next = 0
  try {
    await register()
  } finally {
    order.prefix = prefix
    order.next = next
  }
}
