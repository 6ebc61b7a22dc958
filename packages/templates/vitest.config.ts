import ts from 'typescript'
import { defineConfig } from 'vitest/config'

/**
 * Vite 8 transforms TypeScript with Oxc, which does not lower standard (TC39) decorators yet
 * (oxc-project/oxc#9170), and Node 20 cannot parse them. Test files that use `@template()` are compiled by
 * TypeScript first, as a user's tsc or esbuild build would compile them.
 */
const lowerDecorators = {
  name: 'brisk:lower-decorators',
  enforce: 'pre' as const,
  transform(code: string, id: string) {
    if (!id.endsWith('.ts') || !id.includes('/test/') || !/^\s*@\w/m.test(code)) return null
    const out = ts.transpileModule(code, {
      fileName: id,
      compilerOptions: {
        target: ts.ScriptTarget.ES2022,
        module: ts.ModuleKind.ESNext,
        verbatimModuleSyntax: true,
        sourceMap: true,
      },
    })
    return { code: out.outputText.replace(/\/\/# sourceMappingURL=.*$/m, ''), map: out.sourceMapText ?? null }
  },
}

export default defineConfig({
  plugins: [lowerDecorators],
  resolve: { conditions: ['source'] },
  test: {
    include: ['test/**/*.test.ts'],
    typecheck: { enabled: true, include: ['test/types/**/*.test-d.ts'], tsconfig: './tsconfig.json' },
    coverage: { provider: 'v8', include: ['src/**'], reporter: ['text-summary'] },
  },
})
