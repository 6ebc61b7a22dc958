import { defineConfig } from 'vitest/config'

export default defineConfig({
  resolve: { conditions: ['source'] },
  // Vitest runs test files in Vite's SSR environment, which takes its conditions from `ssr.resolve`: without
  // this line another package's import of `@brisk/core` would load core's dist, not its source.
  ssr: { resolve: { conditions: ['source'] } },
  test: {
    include: ['test/**/*.test.ts'],
    // test/types/*.test-d.ts are checked by the typecheck tasks (tsc and tsgo, whose tsconfig includes test/);
    // Vitest's typecheck ran tsc once more per package and printed an "experimental feature" notice.
    // Tests that start processes or servers get time on a loaded 2-core CI machine (5 s is Vitest's default).
    testTimeout: 20_000,
    coverage: { provider: 'v8', include: ['src/**'], reporter: ['text-summary'] },
  },
})
