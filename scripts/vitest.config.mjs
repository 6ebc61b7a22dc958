import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['*.test.mjs'],
    // The end-to-end tests run `changeset version` in a temp copy of a monorepo: seconds, not milliseconds.
    testTimeout: 60_000,
  },
})
