/**
 * `pnpm start` and `pnpm hello`: `node scripts/start.mjs <example>` builds the packages the example imports
 * (only those: its devDependencies, @brisk/testing and the rest, are for its tests), then runs the example's
 * own `start` script as a child and ends as it ends, with its exit code (0 after a Ctrl-C that drained).
 *
 * It replaces `turbo run build … && pnpm --filter <example> start`, whose shell and inner pnpm died of the
 * Ctrl-C the app survived, so pnpm printed "ELIFECYCLE Command failed" and exit 130 for a clean stop.
 * Signals are relayed by signal-relay.mjs; BRISK_START_SKIP_BUILD=1 skips the build (the packages were built).
 */
import { spawn } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { constants } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { runtimeWorkspaceDeps } from './runtime-deps.mjs'
import { relayStops, stopWithThisProcess } from './signal-relay.mjs'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')

/**
 * The program and arguments of an example's `start` script. Only a plain command is accepted (no shell
 * syntax), so the app can be run without a shell in between; `node` is the node running this script.
 *
 * @param {string} script e.g. `node --import tsx src/main.ts`
 * @param {string} dir the example's folder, whose node_modules/.bin holds its tools
 * @returns {{ command: string, args: string[] }}
 * @example
 * startCommand('tsx app.ts', 'examples/hello') // { command: 'examples/hello/node_modules/.bin/tsx', args: ['app.ts'] }
 */
export function startCommand(script, dir) {
  if (/[|&;<>()$`"'\\*?{}~]/.test(script)) {
    throw new Error(`the start script "${script}" must be a plain command, without shell syntax`)
  }
  const [program, ...args] = script.trim().split(/\s+/)
  if (program === 'node') return { command: process.execPath, args }
  const local = join(dir, 'node_modules', '.bin', program)
  return { command: existsSync(local) ? local : program, args }
}

/** Exit code of a child that ended: its own, or 128 + the signal's number as a shell reports it. */
function exitCode(code, signal) {
  return code ?? 128 + (constants.signals[signal] ?? 0)
}

/** Runs turbo's build of `names` quietly: one line when it worked, turbo's whole output when it failed. */
async function build(names, relay, setChild) {
  const started = performance.now()
  console.log(`start: building ${names.join(', ')} (turbo; unchanged ones come from its cache)`)
  const turbo = spawn(
    join(root, 'node_modules', '.bin', 'turbo'),
    ['run', 'build', ...names.map((name) => `--filter=${name}`), '--output-logs=errors-only'],
    { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] },
  )
  setChild(turbo)
  let output = ''
  turbo.stdout.setEncoding('utf8').on('data', (text) => (output += text))
  turbo.stderr.setEncoding('utf8').on('data', (text) => (output += text))
  const [code, signal] = await new Promise((resolve, reject) => {
    turbo.once('error', reject)
    turbo.once('close', (...ended) => resolve(ended))
  })
  if (relay.stopped() !== undefined) process.exit(128 + constants.signals[relay.stopped()])
  if (code !== 0) {
    process.stderr.write(output)
    console.error(`start: the build failed (turbo exit ${exitCode(code, signal)})`)
    process.exit(exitCode(code, signal) || 1)
  }
  const cached = /Cached:\s+(\d+) cached, (\d+) total/.exec(output)
  const from = cached === null ? '' : `, ${cached[1]} of ${cached[2]} from the cache`
  console.log(`start: built in ${((performance.now() - started) / 1000).toFixed(1)} s${from}`)
}

async function main() {
  const example = process.argv[2]
  const dir = join(root, 'examples', example ?? '')
  if (example === undefined || !existsSync(join(dir, 'package.json'))) {
    console.error('usage: node scripts/start.mjs <example>   (a folder of examples/, e.g. showcase)')
    process.exit(2)
  }
  const json = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'))
  let child
  const relay = relayStops(() => child)
  if (process.env.BRISK_START_SKIP_BUILD !== '1') {
    await build(runtimeWorkspaceDeps(root, json.name), relay, (turbo) => (child = turbo))
  }
  const { command, args } = startCommand(json.scripts?.start ?? '', dir)
  // Its own process group (see signal-relay.mjs); stdio is the terminal's, so its output is as it wrote it.
  child = spawn(command, args, { cwd: dir, stdio: 'inherit', detached: true })
  child.once('error', (error) => {
    console.error(`start: could not run ${command}: ${error.message}`)
    process.exit(1)
  })
  const dismiss = child.pid === undefined ? () => {} : stopWithThisProcess(child.pid)
  child.once('exit', (code, signal) => {
    dismiss()
    relay.dispose()
    process.exit(exitCode(code, signal))
  })
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await main()
