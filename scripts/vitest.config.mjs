import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['*.test.mjs', 'pack-smoke/*.test.mjs'],
    // The end-to-end tests run `changeset version` in a temp copy of a monorepo: seconds, not milliseconds.
    // The pack smoke test installs tarballs with npm: its own hooks have longer, bounded timeouts.
    testTimeout: 60_000,
  },
})
