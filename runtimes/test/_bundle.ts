/**
 * Bundles an entry with esbuild the way a Worker is bundled: one ES module, node built-ins left as imports
 * (workerd's `nodejs_compat` provides them), and @brisk/core from its TypeScript source.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { builtinModules } from 'node:module'
import { tmpdir } from 'node:os'
import { join, relative, resolve } from 'node:path'
import { type BuildOptions, build, type Plugin } from 'esbuild'

export interface Bundle {
  /** The bundle's folder (removed by `dispose`). */
  dir: string
  /** The bundle's file. */
  file: string
  code: string
  /** The node built-ins it imports at its top level (loaded with the module). */
  staticImports: string[]
  /** The node built-ins it loads with `import()` (only when that code runs). */
  dynamicImports: string[]
  dispose(): Promise<void>
}

/**
 * What both bundles share: ES modules for a neutral platform, node built-ins left as imports, and @brisk/core
 * from its source. `metafile` is on because the tests read which built-ins each output imports.
 */
function workerOptions(conditions: string[]) {
  return {
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    target: 'es2022',
    conditions: ['source', ...conditions],
    mainFields: ['module', 'main'],
    external: [...builtinModules, 'node:*'],
    metafile: true,
    logLevel: 'silent',
  } satisfies BuildOptions
}

const builtins = new Set([...builtinModules, ...builtinModules.map((name) => `node:${name}`)])

/**
 * `require('events')` in a CommonJS dependency (Nunjucks) turned into an import of `node:events`, as wrangler
 * does with `nodejs_compat`: an ES module bundle has no `require`, so esbuild's shim would throw "Dynamic
 * require of "events" is not supported" when the module loads, on workerd and Deno alike.
 */
const requireBuiltins: Plugin = {
  name: 'require-builtins',
  setup(b) {
    b.onResolve({ filter: /^[a-z_:/]+$/ }, (args) => {
      if (args.kind !== 'require-call' || !builtins.has(args.path)) return undefined
      return { path: args.path.replace(/^node:/, ''), namespace: 'require-builtin' }
    })
    b.onLoad({ filter: /.*/, namespace: 'require-builtin' }, (args) => ({
      contents: `import builtin from 'node:${args.path}'; module.exports = builtin`,
      loader: 'js',
    }))
  },
}

/**
 * Bundles `entry` into a temporary folder. With `requireBuiltins`, a CommonJS dependency's `require()` of a
 * node built-in becomes an import of it (what wrangler does); without, it is left to esbuild's shim.
 *
 * @example
 * const bundle = await bundle(new URL('../src/worker.ts', import.meta.url).pathname)
 */
export async function bundle(
  entry: string,
  conditions: string[] = [],
  options: { requireBuiltins?: boolean } = {},
): Promise<Bundle> {
  const dir = await mkdtemp(join(tmpdir(), 'brisk-runtimes-'))
  const file = join(dir, 'bundle.js')
  const result = await build({
    ...workerOptions(conditions),
    entryPoints: [entry],
    outfile: file,
    plugins: options.requireBuiltins ? [requireBuiltins] : [],
  })
  const staticImports = new Set<string>()
  const dynamicImports = new Set<string>()
  for (const output of Object.values(result.metafile.outputs)) {
    for (const imported of output.imports) {
      if (!imported.external) continue
      ;(imported.kind === 'dynamic-import' ? dynamicImports : staticImports).add(imported.path)
    }
  }
  return {
    dir,
    file,
    code: await readFile(file, 'utf8'),
    staticImports: [...staticImports].sort(),
    dynamicImports: [...dynamicImports].sort(),
    dispose: () => rm(dir, { recursive: true, force: true }),
  }
}

/** A bundle split at every `import()`: the entry, and the chunks with what each imports. */
export interface SplitBundle {
  dir: string
  /** Every output file, the entry first: its name (relative to `dir`), its code, the node built-ins it imports. */
  chunks: { name: string; code: string; builtins: string[] }[]
  dispose(): Promise<void>
}

/**
 * Bundles `entry` with code splitting (`splitting: true`, as esbuild does for ES modules): what core loads with
 * `import()` (the node server, static files, multipart, workers) lands in chunks of its own.
 *
 * @example
 * const { chunks } = await bundleSplit(new URL('../src/worker.ts', import.meta.url).pathname)
 */
export async function bundleSplit(entry: string, conditions: string[] = []): Promise<SplitBundle> {
  const dir = await mkdtemp(join(tmpdir(), 'brisk-runtimes-split-'))
  const result = await build({
    ...workerOptions(conditions),
    entryPoints: { worker: entry },
    splitting: true,
    outdir: dir,
  })
  const chunks = await Promise.all(
    Object.entries(result.metafile.outputs).map(async ([path, output]) => ({
      name: relative(dir, resolve(path)),
      code: await readFile(resolve(path), 'utf8'),
      builtins: output.imports.filter((i) => i.external).map((i) => i.path),
      entry: output.entryPoint !== undefined,
    })),
  )
  chunks.sort((a, b) => Number(b.entry) - Number(a.entry))
  return {
    dir,
    chunks: chunks.map(({ name, code, builtins }) => ({ name, code, builtins })),
    dispose: () => rm(dir, { recursive: true, force: true }),
  }
}
