import { defineConfig } from 'vitest/config'

export default defineConfig({
  // Node's cases run against @brisk/core's TypeScript source; the other runtimes get a bundle of it.
  resolve: { conditions: ['source'] },
  // Vitest runs test files in Vite's SSR environment, whose conditions are its own.
  ssr: { resolve: { conditions: ['source'] } },
  test: {
    include: ['test/**/*.test.ts'],
    // Starting workerd, Bun or Deno takes a second or two on a loaded 2-core machine.
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
})
