import { defineConfig } from 'vitest/config'

export default defineConfig({
  // Tests run against @brisk/core's TypeScript source, so they need no build first.
  resolve: { conditions: ['source'] },
  test: { include: ['*.test.ts'] },
})
