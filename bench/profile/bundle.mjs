#!/usr/bin/env node
/**
 * Bundles examples/showcase into one file for A/B runs, with the Brisk packages' sources as they are in the
 * working tree or as they were at a git ref:
 *
 *   node bench/profile/bundle.mjs OUT.mjs [--ref REF [--files a.ts,b.ts]]
 *
 * With --ref, every file under packages/<name>/src/ (or only the --files given, paths from the repository's
 * root: the files of one change, when others have work in progress in the same tree) is read from REF
 * (`git show REF:path`) while imports are still resolved on disk, so a change is measured against the same
 * tree without it. Everything else (the
 * showcase, node_modules) is the working tree's. `import.meta.url` keeps each file's own place, so the
 * showcase's templates and public folders and swagger-ui-dist are found from anywhere.
 */
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { relative, resolve } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

const ROOT = fileURLToPath(new URL('../../', import.meta.url))
const SHOWCASE = resolve(ROOT, 'examples/showcase')

/** esbuild, as tsx (a dependency of the showcase) has it: no dependency of its own for a private script. */
function loadEsbuild() {
  const fromShowcase = createRequire(resolve(SHOWCASE, 'package.json'))
  return createRequire(fromShowcase.resolve('tsx'))('esbuild')
}

/**
 * Builds the bundle; resolves with its path.
 *
 * @example
 * await bundleShowcase('/tmp/base.mjs', { ref: 'HEAD', files: ['packages/cors/src/hooks.ts'] })
 */
export async function bundleShowcase(out, { ref, files } = {}) {
  const esbuild = loadEsbuild()
  const fromRef = /\/packages\/[^/]+\/src\/.+\.ts$/
  const plugin = {
    name: 'brisk-ref',
    setup(build) {
      build.onLoad({ filter: /\.(ts|mjs|js)$/ }, (args) => {
        if (args.path.includes('/node_modules/')) return undefined
        let text
        const path = relative(ROOT, args.path)
        if (ref !== undefined && (files === undefined ? fromRef.test(args.path) : files.includes(path))) {
          text = execFileSync('git', ['show', `${ref}:${path}`], {
            cwd: ROOT,
            encoding: 'utf8',
            maxBuffer: 1 << 26,
          })
        } else {
          text = readFileSync(args.path, 'utf8')
        }
        const url = JSON.stringify(pathToFileURL(args.path).href)
        return {
          contents: text.replaceAll('import.meta.url', url),
          loader: args.path.endsWith('.ts') ? 'ts' : 'js',
        }
      })
    },
  }
  await esbuild.build({
    entryPoints: [resolve(SHOWCASE, 'src/main.ts')],
    outfile: out,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    conditions: ['source'],
    absWorkingDir: SHOWCASE,
    logLevel: 'error',
    // CommonJS dependencies (nunjucks, ioredis) call require(): give the ES module one.
    banner: {
      js: "import { createRequire as __briskRequire } from 'node:module'; const require = __briskRequire(import.meta.url);",
    },
    plugins: [plugin],
  })
  return out
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const args = process.argv.slice(2)
  const out = args.find((a, i) => !a.startsWith('--') && !args[i - 1]?.startsWith('--'))
  const value = (name) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined)
  if (out === undefined) {
    console.error('usage: bundle.mjs OUT.mjs [--ref REF [--files a.ts,b.ts]]')
    process.exit(2)
  }
  await bundleShowcase(resolve(out), { ref: value('--ref'), files: value('--files')?.split(',') })
  console.log(resolve(out))
}
