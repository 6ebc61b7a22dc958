import { defineConfig } from 'vitest/config'

export default defineConfig({
  resolve: { conditions: ['source'] },
  // Vitest runs test files in Vite's SSR environment, which takes its conditions from `ssr.resolve`: without
  // this line another package's import of `@brisk/core` would load core's dist, not its source.
  ssr: { resolve: { conditions: ['source'] } },
  test: {
    // test/ only: the templates/ folder holds the generated project's own tests.
    include: ['test/**/*.test.ts'],
    coverage: { provider: 'v8', include: ['src/**'], reporter: ['text-summary'] },
  },
})
