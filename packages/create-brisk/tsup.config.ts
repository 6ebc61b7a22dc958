import { cpSync } from 'node:fs'
import { defineConfig } from 'tsup'

export default defineConfig({
  entry: ['src/index.ts', 'src/cli.ts'],
  format: ['esm'],
  target: 'node20',
  dts: { entry: 'src/index.ts' },
  clean: true,
  // No source maps: a scaffolding command's stack trace is rare, and dist/ is readable JavaScript.
  sourcemap: false,
  // The project templates ship inside dist/: check:package allows nothing else beside the docs in the tarball.
  onSuccess: async () => {
    cpSync('templates', 'dist/templates', { recursive: true })
  },
})
