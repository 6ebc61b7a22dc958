/**
 * A radix tree over path segments.
 *
 * Runs of static segments are compressed into a single edge (`api/v1/books`) until the tree
 * branches, and static edges are found through a map keyed by their first segment. Parameter edges
 * are kept sorted by kind priority and tried in order, backtracking when a deeper part of the path
 * does not match.
 */
import { paramKinds, paramPriority } from './params'
import type { ParamKind, Segment } from './path'

const SLASH = 47

/** An edge made of one or more static segments. */
export interface StaticEdge<V> {
  /** The segments, e.g. `['api', 'v1', 'books']`. */
  segments: string[]
  /** The segments joined with `/`, compared against the request path in one go. */
  label: string
  node: TreeNode<V>
}

/** An edge for one parameter segment; routes of the same shape share it whatever their param names. */
export interface ParamEdge<V> {
  kind: ParamKind
  pattern: RegExp | undefined
  test: (value: string) => boolean
  convert: (value: string) => unknown
  node: TreeNode<V>
}

/**
 * Decides, for the value stored at a node the path reached, whether the request is served there.
 * Returning `undefined` makes the lookup backtrack and keep looking.
 */
export type Selector<V, A, R> = (value: V, arg: A) => R | undefined

/**
 * One node of the tree: what is stored where a path ends here, and the edges leaving it.
 *
 * @example
 * new RadixTree<string>().root instanceof TreeNode // true
 */
export class TreeNode<V> {
  value: V | undefined = undefined
  /** Static edges keyed by their first segment; null until the first one is added. */
  statics: Map<string, StaticEdge<V>> | null = null
  /** Parameter edges in the order they are tried; null until the first one is added. */
  params: ParamEdge<V>[] | null = null
}

/**
 * A radix tree mapping route shapes (segment lists) to values.
 *
 * @example
 * const tree = new RadixTree<string>()
 * tree.insert(parsePath('/books/:id<int>'), () => 'book')
 * const values: unknown[] = []
 * tree.lookup('/books/7', (value) => value, undefined, values) // 'book', values is [7]
 */
export class RadixTree<V> {
  readonly root = new TreeNode<V>()

  /**
   * Returns the value stored for the shape of `segments`, creating it with `create` when absent.
   * Parameter names do not matter: `/a/:x` and `/a/:y` reach the same node.
   *
   * @example
   * tree.insert(parsePath('/a/:x'), () => []) === tree.insert(parsePath('/a/:y'), () => []) // true
   */
  insert(segments: readonly Segment[], create: () => V): V {
    let node = this.root
    let index = 0
    while (index < segments.length) {
      const segment = segments[index]!
      if (segment.type === 'param') {
        node = insertParam(node, segment)
        index++
        continue
      }
      const run: string[] = []
      for (let next = segments[index]; next?.type === 'static'; next = segments[++index]) run.push(next.value)
      node = insertStatic(node, run)
    }
    node.value ??= create()
    return node.value
  }

  /**
   * Finds the first node, in priority order, that `path` reaches and whose value `select` accepts.
   * Converted parameter values are pushed onto `values` in path order. A malformed
   * percent-escape in a parameter throws a `URIError`.
   *
   * @example
   * const values: unknown[] = []
   * tree.lookup('/books/7', (value) => value, undefined, values)
   */
  lookup<A, R>(path: string, select: Selector<V, A, R>, arg: A, values: unknown[]): R | undefined {
    if (path.charCodeAt(0) !== SLASH) return undefined
    // The root path has no segments at all, which is what a position past the end means.
    const start = path.length === 1 ? 2 : 1
    return search(this.root, path, start, select, arg, values)
  }
}

function insertStatic<V>(node: TreeNode<V>, run: readonly string[]): TreeNode<V> {
  let taken = 0
  while (taken < run.length) {
    node.statics ??= new Map()
    const first = run[taken]!
    const edge = node.statics.get(first)
    if (edge === undefined) {
      const child = new TreeNode<V>()
      node.statics.set(first, makeEdge(run.slice(taken), child))
      return child
    }
    let common = 1
    while (common < edge.segments.length && edge.segments[common] === run[taken + common]) common++
    if (common < edge.segments.length) splitEdge(edge, common)
    node = edge.node
    taken += common
  }
  return node
}

function makeEdge<V>(segments: string[], node: TreeNode<V>): StaticEdge<V> {
  return { segments, label: segments.join('/'), node }
}

// The edge object stays in its parent's map; only what hangs below it changes.
function splitEdge<V>(edge: StaticEdge<V>, at: number): void {
  const tail = makeEdge(edge.segments.slice(at), edge.node)
  const middle = new TreeNode<V>()
  middle.statics = new Map([[tail.segments[0]!, tail]])
  edge.segments = edge.segments.slice(0, at)
  edge.label = edge.segments.join('/')
  edge.node = middle
}

function insertParam<V>(node: TreeNode<V>, segment: Segment & { type: 'param' }): TreeNode<V> {
  node.params ??= []
  const source = segment.pattern?.source
  const existing = node.params.find((edge) => edge.kind === segment.kind && edge.pattern?.source === source)
  if (existing !== undefined) return existing.node
  const { pattern, kind } = segment
  const edge: ParamEdge<V> = {
    kind,
    pattern,
    test: pattern === undefined ? paramKinds[kind].test : (value) => pattern.test(value),
    convert: paramKinds[kind].convert,
    node: new TreeNode<V>(),
  }
  // Insert after every edge of the same or a higher priority, so regexes keep registration order.
  const rank = paramPriority[kind]
  let at = node.params.length
  while (at > 0 && paramPriority[node.params[at - 1]!.kind] > rank) at--
  node.params.splice(at, 0, edge)
  return edge.node
}

function decode(raw: string): string {
  return raw.indexOf('%') === -1 ? raw : decodeURIComponent(raw)
}

// `pos` is where the next segment starts; past the end of the path means no segment is left.
function search<V, A, R>(
  node: TreeNode<V>,
  path: string,
  pos: number,
  select: Selector<V, A, R>,
  arg: A,
  values: unknown[],
): R | undefined {
  const length = path.length
  if (pos > length) return node.value === undefined ? undefined : select(node.value, arg)
  let end = path.indexOf('/', pos)
  if (end === -1) end = length

  if (node.statics !== null) {
    const edge = node.statics.get(path.slice(pos, end))
    if (edge !== undefined) {
      const stop = pos + edge.label.length
      // A one-segment edge already matched through the map key; longer ones check their remaining segments.
      if (
        stop === end ||
        (path.startsWith(edge.label, pos) && (stop === length || path.charCodeAt(stop) === SLASH))
      ) {
        const found = search(edge.node, path, stop + 1, select, arg, values)
        if (found !== undefined) return found
      }
    }
  }

  const params = node.params
  if (params === null || pos === length) return undefined
  let decoded: string | undefined
  for (let i = 0; i < params.length; i++) {
    const edge = params[i]!
    if (edge.kind === 'path') {
      const value = edge.node.value
      if (value === undefined) continue
      values.push(decode(path.slice(pos)))
      const found = select(value, arg)
      if (found !== undefined) return found
      values.pop()
      continue
    }
    if (end === pos) continue
    decoded ??= decode(path.slice(pos, end))
    if (!edge.test(decoded)) continue
    values.push(edge.convert(decoded))
    const found = search(edge.node, path, end + 1, select, arg, values)
    if (found !== undefined) return found
    values.pop()
  }
  return undefined
}
