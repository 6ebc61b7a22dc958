/**
 * A Vite plugin that lowers TC39 standard decorators (`@template()`, `@summary()`…) in TypeScript files.
 * Vite 8, so Vitest 4, transforms TypeScript with Oxc, which leaves standard decorators as they are
 * (oxc-project/oxc#9170), and Node cannot parse them. esbuild lowers them, as it does under tsx and tsup;
 * TypeScript's own `transpileModule` would too, but TypeScript 7 does not have it.
 */
import { transform } from 'esbuild'

/** The part of a Vite plugin this one uses (no type import from vite: it is Vitest's dependency, not ours). */
export interface DecoratorsPlugin {
  name: string
  enforce: 'pre'
  transform(code: string, id: string): Promise<{ code: string; map: string } | null>
}

const typeScriptFile = /\.[cm]?tsx?$/
// A decorator starts a line (`@name`, `@name(…)`), possibly after `export`; files without one are left to Oxc.
const hasDecorator = /^\s*@[A-Za-z_$]/m

/**
 * The plugin for `vitest.config.ts` (or a Vite-built app's `vite.config.ts`): files with decorators are
 * compiled by esbuild with decorators lowered and nothing else changed (ES2022+ syntax stays); Oxc then
 * strips what is left of TypeScript as usual. Files in `node_modules` and files without decorators are not
 * touched.
 *
 * @example
 * // vitest.config.ts
 * import { standardDecorators } from '@brisk/testing/vitest'
 * import { defineConfig } from 'vitest/config'
 *
 * export default defineConfig({ plugins: [standardDecorators()] })
 */
export function standardDecorators(): DecoratorsPlugin {
  return {
    name: 'brisk:standard-decorators',
    // Before Vite's own TypeScript transform, which would keep the decorators.
    enforce: 'pre',
    async transform(code, id) {
      const file = id.split('?')[0] ?? id
      if (!typeScriptFile.test(file) || file.includes('/node_modules/') || !hasDecorator.test(code))
        return null
      const out = await transform(code, {
        loader: file.endsWith('x') ? 'tsx' : 'ts',
        format: 'esm',
        target: 'esnext',
        // Only decorators are lowered: no engine runs them yet, everything else stays as written.
        supported: { decorators: false },
        // Standard decorators whatever the project's tsconfig says (legacy ones are a different feature).
        tsconfigRaw: { compilerOptions: { experimentalDecorators: false, useDefineForClassFields: true } },
        jsx: 'preserve',
        sourcemap: 'external',
        sourcefile: file,
      })
      return { code: out.code, map: out.map }
    },
  }
}
