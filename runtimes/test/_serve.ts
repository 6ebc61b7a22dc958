/**
 * Starts a runtime (Bun, Deno) on a bundled server script and waits for the `listening <port>` line it prints.
 * The binaries come from the `bun` and `deno` npm packages' platform packages, so nothing is downloaded.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { once } from 'node:events'
import { mkdtemp, rm } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'

const require = createRequire(import.meta.url)

/** The file of a binary in a platform package of a runtime's npm package (`bun` → `@oven/bun-linux-x64`). */
function platformBinary(pkg: string, platformPackage: string, file: string): string {
  const from = createRequire(require.resolve(`${pkg}/package.json`))
  return join(dirname(from.resolve(`${platformPackage}/package.json`)), file)
}

/**
 * The `bun` binary of the `bun` npm package (its postinstall, which pnpm does not run, would only link it).
 *
 * @example
 * spawn(bunBinary(), ['--version'])
 */
export function bunBinary(): string {
  const arch = process.arch === 'arm64' ? 'aarch64' : 'x64'
  return platformBinary('bun', `@oven/bun-${process.platform}-${arch}`, 'bin/bun')
}

/**
 * The `deno` binary of the `deno` npm package.
 *
 * @example
 * spawn(denoBinary(), ['--version'])
 */
export function denoBinary(): string {
  return platformBinary(
    'deno',
    `@deno/${process.platform}-${process.arch === 'arm64' ? 'arm64' : 'x64'}-glibc`,
    'deno',
  )
}

export interface Served {
  /** `http://127.0.0.1:<port>` */
  origin: string
  /** Everything the process wrote to stderr so far (for a failing test's message). */
  stderr(): string
  stop(): Promise<void>
}

/**
 * Runs `command args`, resolves once it prints `listening <port>`, rejects if it exits first or takes over 20 s.
 *
 * @example
 * const served = await serve(bunBinary(), ['run', file])
 */
export async function serve(
  command: string,
  args: string[],
  env: Record<string, string> = {},
): Promise<Served> {
  const home = await mkdtemp(join(tmpdir(), 'brisk-runtime-home-'))
  const child: ChildProcess = spawn(command, args, {
    env: { PATH: process.env.PATH ?? '', HOME: home, NO_COLOR: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let out = ''
  let err = ''
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    err += chunk
  })
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = once(child, 'exit')
      child.kill('SIGTERM')
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000)
      await exited
      clearTimeout(timer)
    }
    await rm(home, { recursive: true, force: true })
  }
  try {
    const port = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${command} printed no port in 20 s: ${err}`)), 20_000)
      child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
        out += chunk
        const match = /listening (\d+)/.exec(out)
        if (match) {
          clearTimeout(timer)
          resolve(Number(match[1]))
        }
      })
      child.once('exit', (code, signal) => {
        clearTimeout(timer)
        reject(new Error(`${command} exited (${code ?? signal}) before listening: ${err}`))
      })
      child.once('error', (error) => {
        clearTimeout(timer)
        reject(error)
      })
    })
    return { origin: `http://127.0.0.1:${port}`, stderr: () => err, stop }
  } catch (error) {
    await stop()
    throw error
  }
}
