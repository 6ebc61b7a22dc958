import { defineConfig } from 'tsup'

export default defineConfig({
  // Named entries keep the file names that package.json and bin/brisk.js point at: dist/index.js, dist/cli.js.
  entry: { index: 'src/index.ts', cli: 'src/cli/main.ts' },
  format: ['esm'],
  // Left for the importer to resolve through package.json's "imports" (busboy, or nothing in a Worker).
  external: ['#busboy'],
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
