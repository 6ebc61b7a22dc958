/**
 * The runtimes a server can run on: Node (the harness's own), Bun and Deno. Bun and Deno are the binaries of
 * the `bun` and `deno` npm packages (devDependencies of this package): pnpm runs no postinstall script for them,
 * so the binary is taken straight from their platform package (`@oven/bun-linux-x64`, `@deno/linux-x64-glibc`).
 * Neither may download anything when a server starts: bun runs with `--no-install`, deno with `--no-remote` and
 * `--node-modules-dir=manual` (the bench's node_modules as pnpm made them).
 */
import { existsSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const require = createRequire(import.meta.url)
const BENCH = fileURLToPath(new URL('..', import.meta.url))

/** The runtimes a server file may name in its `runtime` export, and what tables call them. */
export const RUNTIMES = { node: 'Node', bun: 'Bun', deno: 'Deno' }

/**
 * Where deno keeps its caches (module analysis, V8 code cache) between runs: inside the bench's node_modules,
 * so nothing is written to the user's home and a clean install starts afresh.
 */
export const DENO_DIR = join(BENCH, 'node_modules', '.cache', 'deno')

/** The folder of `platformPackage`, as seen from the runtime's npm package `pkg`. */
function platformDir(pkg, platformPackage) {
  const from = createRequire(require.resolve(`${pkg}/package.json`))
  return dirname(from.resolve(`${platformPackage}/package.json`))
}

/**
 * The path of a runtime's binary: node's own for `node`, the platform package's file for `bun` and `deno`.
 * Throws with what to do when the package is not installed.
 *
 * @example
 * runtimeBinary('bun') // '…/node_modules/.pnpm/@oven+bun-linux-x64@1.4.5/node_modules/@oven/bun-linux-x64/bin/bun'
 */
export function runtimeBinary(runtime) {
  const arch = process.arch === 'arm64' ? 'arm64' : 'x64'
  let file
  try {
    if (runtime === 'node') return process.execPath
    if (runtime === 'bun') {
      const bunArch = arch === 'arm64' ? 'aarch64' : 'x64'
      file = join(platformDir('bun', `@oven/bun-${process.platform}-${bunArch}`), 'bin', 'bun')
    } else if (runtime === 'deno') {
      file = join(platformDir('deno', `@deno/${process.platform}-${arch}-glibc`), 'deno')
    } else {
      throw new Error(`unknown runtime "${runtime}" (there are: ${Object.keys(RUNTIMES).join(', ')})`)
    }
  } catch (error) {
    if (error.message.startsWith('unknown runtime')) throw error
    throw new Error(`the ${runtime} binary is not installed: run \`pnpm install\` (${error.message})`)
  }
  if (!existsSync(file)) throw new Error(`the ${runtime} binary is not installed: ${file} is missing`)
  return file
}

/**
 * The command line and extra environment that run `file` as a server on `runtime`. The binary itself is the
 * process (no wrapper script, no shell), so the pid the harness gets is the one whose CPU time it reads.
 *
 * @example
 * const { command, args, env } = runtimeCommand('deno', '/work/bench/servers/hono-deno.mjs')
 */
export function runtimeCommand(runtime, file) {
  const command = runtimeBinary(runtime)
  if (runtime === 'node') return { command, args: [file], env: {} }
  if (runtime === 'bun') return { command, args: ['run', '--no-install', file], env: { DO_NOT_TRACK: '1' } }
  return {
    command,
    args: [
      'run',
      '--no-prompt',
      '--no-remote',
      '--node-modules-dir=manual',
      '--allow-net=127.0.0.1',
      '--allow-env',
      file,
    ],
    env: { DENO_DIR, DENO_NO_UPDATE_CHECK: '1', DENO_NO_PROMPT: '1' },
  }
}

/**
 * The version of a runtime: node's own, or that of the `bun` / `deno` npm package (the version of the binary
 * it ships).
 *
 * @example
 * runtimeVersion('deno') // '2.9.6'
 */
export function runtimeVersion(runtime) {
  if (runtime === 'node') return process.version.slice(1)
  try {
    return JSON.parse(readFileSync(require.resolve(`${runtime}/package.json`), 'utf8')).version
  } catch {
    return '?'
  }
}
