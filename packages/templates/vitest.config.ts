import { standardDecorators } from '@brisk/testing/vitest'
import { defineConfig } from 'vitest/config'

export default defineConfig({
  // Lowers standard decorators in test files (Vite 8's Oxc does not): the plugin the README gives users.
  plugins: [standardDecorators()],
  resolve: { conditions: ['source'] },
  // Vitest runs test files in Vite's SSR environment, which takes its conditions from `ssr.resolve`: without
  // this line another package's import of `@brisk/core` would load core's dist, not its source.
  ssr: { resolve: { conditions: ['source'] } },
  test: {
    include: ['test/**/*.test.ts'],
    // test/types/*.test-d.ts are checked by the typecheck tasks (tsc and tsgo, whose tsconfig includes test/);
    // Vitest's typecheck ran tsc once more per package and printed an "experimental feature" notice.
    coverage: { provider: 'v8', include: ['src/**'], reporter: ['text-summary'] },
  },
})
