import { defineConfig } from 'tsup'

export default defineConfig({
  entry: ['src/index.ts', 'src/vitest.ts', 'src/services.ts'],
  format: ['esm'],
  target: 'node20',
  dts: true,
  clean: true,
  // Stack traces (node --enable-source-maps) and debuggers name src/*.ts: the package ships src/ so those
  // files exist, and the maps need not carry a second copy of them (sourcesContent).
  sourcemap: true,
  esbuildOptions(options) {
    options.sourcesContent = false
  },
})
