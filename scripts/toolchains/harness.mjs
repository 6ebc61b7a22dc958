/**
 * The harness of the packages' toolchain tests (@brisk/openapi's and @brisk/templates' decorators): a tiny
 * fixture project compiled by a real tsc or tsgo and run by node, tsx, or Vitest, importing the built
 * packages as a user's app does. One copy, so both tests check the toolchains the same way.
 */
import { execFile } from 'node:child_process'
import { existsSync, readdirSync, statSync } from 'node:fs'
import { readFile, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { promisify } from 'node:util'

const run = promisify(execFile)

/**
 * What a child process gave: its output and exit code, also when it failed.
 *
 * @param {Promise<{ stdout: string, stderr: string }>} pending an `execFile` promise
 * @returns {Promise<{ stdout: string, stderr: string, code: number }>}
 * @example
 * const { code } = await outcome(run('node', ['-e', 'process.exit(3)'])) // code === 3
 */
export function outcome(pending) {
  return pending.then(
    ({ stdout, stderr }) => ({ stdout, stderr, code: 0 }),
    (error) => ({ stdout: error.stdout ?? '', stderr: error.stderr ?? '', code: error.code ?? 1 }),
  )
}

/** Whether `dir`'s dist/index.js is missing or older than a file of its src/. */
function stale(dir) {
  const built = join(dir, 'dist/index.js')
  if (!existsSync(built)) return true
  const at = statSync(built).mtimeMs
  return readdirSync(join(dir, 'src'), { recursive: true }).some(
    (file) => statSync(join(dir, 'src', String(file))).mtimeMs > at,
  )
}

/**
 * The harness for the package at `root` (its folder) and its fixture project at `fixture`.
 *
 * @param {string} root the package's folder
 * @param {string} fixture the fixture project's folder (tsconfig.json, main.ts, Vitest configs)
 * @example
 * const tools = toolchain(root, join(root, 'test/fixtures/decorated'))
 * const { stdout } = await tools.compileAndRun(tools.bin('tsc'))
 */
export function toolchain(root, fixture) {
  /** A tool of this package, else of the workspace root; a clear error when neither has it. */
  const bin = (name) => {
    const found = [join(root, 'node_modules/.bin', name), join(root, '../../node_modules/.bin', name)].find(
      (path) => existsSync(path),
    )
    if (!found) throw new Error(`${name} is not installed: add it to this package's devDependencies`)
    return found
  }

  return {
    bin,
    run,

    /**
     * Builds the package and @brisk/core when their dist is stale. Only then: turbo has built them, and
     * check:package may be packing that dist meanwhile.
     */
    async buildIfStale() {
      for (const dir of [root, join(root, 'node_modules/@brisk/core')]) {
        if (stale(dir)) await run(bin('tsup'), [], { cwd: dir })
      }
    },

    /**
     * Compiles the fixture with `compiler` into a folder inside the package (so its imports resolve), lets
     * `prepare` add files next to the output, runs `main.js` with node, and removes the folder.
     */
    async compileAndRun(compiler, { extra = [], prepare } = {}) {
      const out = join(root, `.out-${compiler.split('/').pop()}-${process.pid}-${extra.join('')}`)
      try {
        await run(compiler, ['-p', join(fixture, 'tsconfig.json'), '--outDir', out, ...extra], { cwd: root })
        const emitted = await readFile(join(out, 'app.js'), 'utf8')
        if (prepare) await prepare(out)
        return { ...(await outcome(run('node', [join(out, 'main.js')], { cwd: root }))), emitted }
      } finally {
        await rm(out, { recursive: true, force: true })
      }
    },

    /** Runs the fixture's main.ts with tsx. */
    tsx() {
      return outcome(run(bin('tsx'), [join(fixture, 'main.ts')], { cwd: root }))
    },

    /** Runs Vitest in the fixture with `config`, without colours; `output` is stdout and stderr together. */
    async vitest(config) {
      const { stdout, stderr, code } = await outcome(
        run(bin('vitest'), ['run', '--config', config], {
          cwd: fixture,
          env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' },
        }),
      )
      return { output: stdout + stderr, code }
    },
  }
}
