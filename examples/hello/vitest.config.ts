import { defineConfig } from 'vitest/config'

export default defineConfig({
  // Tests run against @brisk/core's TypeScript source, so they need no build first.
  resolve: { conditions: ['source'] },
  // Vitest runs test files in Vite's SSR environment, which takes its conditions from `ssr.resolve`: without
  // this line another package's import of `@brisk/core` would load core's dist, not its source.
  ssr: { resolve: { conditions: ['source'] } },
  test: { include: ['*.test.ts'] },
})
