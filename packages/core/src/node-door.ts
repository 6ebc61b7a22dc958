/**
 * The one door from the runtime-neutral core into `node/`: nothing outside `node/` and `cli/` imports a value
 * from there but this file (test/layout-boundary.test.ts holds it so), and this file only with `import()`.
 * So `app.fetch` on Bun, Deno or workerd never loads the node half, a one-file Worker bundle holds it only as
 * code that never runs, and a runtime without the node built-ins a feature needs says so when the app starts
 * (`app.static()` checks its folder in `beforeStart`; `listen()` opens the door first), with a
 * `BRISK_ERR_RUNTIME_UNSUPPORTED` that names the feature and the runtime instead of a TypeError later.
 */
import { BriskError } from './http/errors'
import type { BuiltinName } from './node/builtins'

/** The features the node half serves. */
export type NodeFeature = 'listen' | 'static' | 'uploads'

/** The node half, once open. */
export type NodeHalf = typeof import('./node/half')

const FEATURES: Record<NodeFeature, { what: string; needs: readonly BuiltinName[] }> = {
  listen: { what: "listen() (Brisk's own server, workers, signals)", needs: ['net', 'cluster'] },
  static: { what: 'app.static() and file() (files on disk)', needs: ['fs', 'fsPromises', 'path', 'stream'] },
  uploads: {
    what: 'multipart/form-data bodies (busboy, large files to temporary files)',
    needs: ['fs', 'fsPromises', 'os', 'path', 'busboy'],
  },
}

const SPECIFIERS: Record<BuiltinName, string> = {
  cluster: 'node:cluster',
  fs: 'node:fs',
  fsPromises: 'node:fs/promises',
  net: 'node:net',
  os: 'node:os',
  path: 'node:path',
  stream: 'node:stream',
  busboy: 'busboy (which requires stream)',
}

let builtins: Promise<typeof import('./node/builtins')> | undefined
let half: Promise<NodeHalf> | undefined
const opened = new Map<NodeFeature, Promise<NodeHalf>>()

/**
 * The node half, with the built-ins `feature` needs loaded: once per feature and process (a later call gets
 * the same promise, so nothing is imported per request). Rejects with `BRISK_ERR_RUNTIME_UNSUPPORTED` when
 * the runtime lacks one of them.
 *
 * @example
 * const { listenServer } = await openNode('listen')
 */
export function openNode(feature: NodeFeature): Promise<NodeHalf> {
  let door = opened.get(feature)
  if (door === undefined) {
    door = open(feature)
    opened.set(feature, door)
  }
  return door
}

async function open(feature: NodeFeature): Promise<NodeHalf> {
  const { what, needs } = FEATURES[feature]
  try {
    // The built-ins first: node/builtins.ts uses nothing of node's, while the rest of the half may (Buffer), so
    // a runtime without them is told which module it lacks, not what failed for want of it.
    builtins ??= import('./node/builtins')
    await (await builtins).need(...needs)
    half ??= import('./node/half')
    return await half
  } catch (error) {
    throw new BriskError(
      'BRISK_ERR_RUNTIME_UNSUPPORTED',
      `${what} needs ${needs.map((name) => SPECIFIERS[name]).join(', ')}, which this runtime (${runtimeName()}) cannot load: ${String((error as Error)?.message ?? error)}`,
      { cause: error },
    )
  }
}

/**
 * The runtime as it names itself (`navigator.userAgent`): `Cloudflare-Workers`, `Deno/2.1.4`, `Bun/1.2.0`,
 * `Node.js/22`; Node 20, which has no `navigator`, by its version.
 *
 * @example
 * runtimeName() // 'Cloudflare-Workers' in a Worker
 */
export function runtimeName(): string {
  const agent = (globalThis as { navigator?: { userAgent?: unknown } }).navigator?.userAgent
  if (typeof agent === 'string' && agent !== '') return agent
  const node = (globalThis as { process?: { versions?: { node?: string } } }).process?.versions?.node
  return node === undefined ? 'unknown' : `Node.js/${node}`
}
