/**
 * Bundles an entry with esbuild the way a Worker is bundled: one ES module, node built-ins left as imports
 * (workerd's `nodejs_compat` provides them), and @brisk/core from its TypeScript source.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { builtinModules } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { build } from 'esbuild'

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
 * Bundles `entry` into a temporary folder.
 *
 * @example
 * const bundle = await bundle(new URL('../src/worker.ts', import.meta.url).pathname)
 */
export async function bundle(entry: string, conditions: string[] = []): Promise<Bundle> {
  const dir = await mkdtemp(join(tmpdir(), 'brisk-runtimes-'))
  const file = join(dir, 'bundle.js')
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    target: 'es2022',
    conditions: ['source', ...conditions],
    mainFields: ['module', 'main'],
    external: [...builtinModules, 'node:*'],
    outfile: file,
    metafile: true,
    logLevel: 'silent',
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
