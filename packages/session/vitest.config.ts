import { defineConfig } from 'vitest/config'

export default defineConfig({
  resolve: { conditions: ['source'] },
  test: {
    include: ['test/**/*.test.ts'],
    // Tests that start processes or servers get time on a loaded 2-core CI machine (5 s is Vitest's default).
    testTimeout: 20_000,
    globalSetup: ['test/_global-setup.ts'],
    typecheck: { enabled: true, include: ['test/types/**/*.test-d.ts'], tsconfig: './tsconfig.json' },
    coverage: { provider: 'v8', include: ['src/**'], reporter: ['text-summary'] },
  },
})
