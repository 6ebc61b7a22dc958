import { defineConfig } from 'vitest/config'

export default defineConfig({
  // Tests run against the packages' TypeScript source, so they need no build first; the process, deploy and
  // browser tests start src/main.ts with tsx, which needs the packages built (turbo's `^build` does it).
  resolve: { conditions: ['source'] },
  // Vitest runs test files in Vite's SSR environment, which takes its conditions from `ssr.resolve`: without
  // this line another package's import of `@brisk/core` would load core's dist, not its source.
  ssr: { resolve: { conditions: ['source'] } },
  test: {
    include: ['test/**/*.test.ts'],
    // The first request of a file pays for imports and scrypt hashes: generous on a loaded 2-core machine.
    testTimeout: 20_000,
    hookTimeout: 30_000,
    // redis-server, nginx and chromium, installed once from Debian's packages when missing.
    globalSetup: ['test/_global-setup.ts'],
  },
})
