import { standardDecorators } from '@brisk/testing/vitest'
import { defineConfig } from 'vitest/config'

export default defineConfig({
  // Lowers standard decorators in test files (Vite 8's Oxc does not): the plugin the README gives users.
  plugins: [standardDecorators()],
  resolve: { conditions: ['source'] },
  test: {
    include: ['test/**/*.test.ts'],
    typecheck: { enabled: true, include: ['test/types/**/*.test-d.ts'], tsconfig: './tsconfig.json' },
    coverage: { provider: 'v8', include: ['src/**'], reporter: ['text-summary'] },
  },
})
