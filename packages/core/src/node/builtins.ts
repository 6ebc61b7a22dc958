/**
 * The node built-ins of the node-only half, loaded with `import()` when a feature first needs them (at
 * `listen()`, or when the app starts with `app.static()`), never imported at the top of a module.
 *
 * Why not plain imports: a bundler that makes one file (esbuild without `splitting`, wrangler) inlines the
 * node half that core reaches through `import()`, and hoists that half's own `import … from 'node:fs'` to
 * the top of the bundle, where a fetch-only Worker would load them. A literal `import('node:fs')` stays a
 * dynamic import in the bundle, evaluated only when this code runs. busboy is here too: it is CommonJS and
 * `require`s the bare `stream`, which would otherwise land in the bundle's top the same way (wrangler).
 */
import type * as Fs from 'node:fs'
import type * as FsPromises from 'node:fs/promises'
import type * as Net from 'node:net'
import type * as Os from 'node:os'
import type * as Path from 'node:path'
import type * as Stream from 'node:stream'

const loaders = {
  // cluster's functions read `this`, so the default export (the cluster object itself) is kept.
  cluster: async () => (await import('node:cluster')).default,
  fs: (): Promise<typeof Fs> => import('node:fs'),
  fsPromises: (): Promise<typeof FsPromises> => import('node:fs/promises'),
  net: (): Promise<typeof Net> => import('node:net'),
  os: (): Promise<typeof Os> => import('node:os'),
  path: (): Promise<typeof Path> => import('node:path'),
  stream: (): Promise<typeof Stream> => import('node:stream'),
  // Through package.json's "imports": busboy itself on node, Bun and Deno; under the Worker conditions a module
  // that throws, so a Worker bundle holds no busboy and no require('stream') (see src/node/busboy-absent.js).
  busboy: async () => (await import('#busboy')).default,
}

/** A module {@link need} can load. */
export type BuiltinName = keyof typeof loaders

/** The loaded modules, by name. */
export type Builtins = { [K in BuiltinName]: Awaited<ReturnType<(typeof loaders)[K]>> }

/**
 * The modules loaded so far. A node-only module reads one only in code that runs after the feature that
 * needs it has awaited {@link need} (the door does that before handing the node half out), so a read never
 * finds it missing.
 */
export const builtins = {} as Builtins

const loading = new Map<BuiltinName, Promise<void>>()

/**
 * Loads the named modules into {@link builtins}, each once per process, one after the other (busboy, last in
 * the door's list, is evaluated only once the built-ins before it loaded); rejects with the import's error
 * when the runtime has no such module (workerd without `nodejs_compat`).
 *
 * @example
 * await need('fs', 'path')
 * builtins.fs.createReadStream(builtins.path.join(folder, name))
 */
export async function need(...names: BuiltinName[]): Promise<void> {
  for (const name of names) {
    let done = loading.get(name)
    if (done === undefined) {
      done = loaders[name]().then((module) => {
        ;(builtins as Record<BuiltinName, unknown>)[name] = module
      })
      // A failed import is not kept: the error is the runtime's answer, and asking again gives it again.
      done.catch(() => loading.delete(name))
      loading.set(name, done)
    }
    await done
  }
}
