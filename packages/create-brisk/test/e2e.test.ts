/**
 * create-brisk as a user meets it: the package packed the way it is published, run from its tarball with
 * `npm exec` into a temporary folder, the new project pointed at the packed @brisk packages (third-party
 * packages from the registry), then `npm install`, `npm test`, `npm run build` (TypeScript 7, what the
 * project asks for), a type check with the workspace's TypeScript 5.9, and `npm start` with a free PORT:
 * a request, then SIGTERM. Both templates, the default first. The packages must be built: turbo's `test`
 * task depends on `^build` (create-brisk lists every @brisk package as a development dependency).
 */
import { execFile, spawn, spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  type Packed,
  packPackages,
  repoRoot,
  withoutPnpmSettings,
} from '../../../scripts/pack-smoke/pack.mjs'

const run = promisify(execFile)
/**
 * A user's shell: none of pnpm's settings from the environment of `pnpm test`, and none of Vitest's
 * (NODE_ENV=test quiets core's log to warnings, so the listening line would never come); no colours.
 */
const env: Record<string, string> = { NO_COLOR: '1' }
for (const [key, value] of Object.entries(withoutPnpmSettings())) {
  if (key !== 'NODE_ENV' && !key.startsWith('VITEST')) env[key] = value
}
const tsc59 = join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc')

let temp = ''
let packed: Packed[] = []
const started: ReturnType<typeof spawn>[] = []

beforeAll(async () => {
  temp = mkdtempSync(join(tmpdir(), 'create-brisk-e2e-'))
  mkdirSync(join(temp, 'tarballs'))
  packed = await packPackages(join(temp, 'tarballs'))
}, 60_000)

afterAll(async () => {
  for (const child of started) {
    if (child.exitCode === null && child.signalCode === null) {
      process.kill(-(child.pid as number), 'SIGKILL')
      await new Promise((resolve) => child.once('exit', resolve))
    }
  }
  if (temp !== '') rmSync(temp, { recursive: true, force: true })
})

/** The tarball of a packed package. */
function tarball(name: string): string {
  const found = packed.find((p) => p.name === name)
  if (found === undefined) throw new Error(`${name} was not packed`)
  return found.tarball
}

/** A port that was free a moment ago on 127.0.0.1. */
async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  await new Promise((resolve) => server.close(resolve))
  return port
}

/**
 * Starts `command` in `cwd` in a process group of its own (so that a signal reaches npm, its shell and
 * node, as a terminal's Ctrl-C does), and resolves with the URL of the listening line core logs.
 */
/** Whether any live (not zombie) process is left in process group `group`: read from /proc. */
function groupAlive(group: number): boolean {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    let stat: string
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8')
    } catch {
      continue // ended while we looked
    }
    // After "pid (comm) ": state, ppid, pgrp.
    const [state, , pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    if (state !== 'Z' && Number(pgrp) === group) return true
  }
  return false
}

/** Waits (at most `ms`) for every process of group `group` to end. */
async function groupGone(group: number, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms
  while (groupAlive(group) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50))
  return !groupAlive(group)
}

function serve(command: string, args: string[], cwd: string, port: number) {
  const child = spawn(command, args, {
    cwd,
    env: { ...env, PORT: String(port) },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  started.push(child)
  let output = ''
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  )
  const url = new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      const ps = spawnSync('ps', ['-o', 'pid,stat,etime,cmd', '-g', String(child.pid)], { encoding: 'utf8' })
      reject(new Error(`no "listening" line in 20 s:\n${output}\n${ps.stdout}`))
    }, 20_000)
    const read = (chunk: Buffer) => {
      output += chunk
      const match = /listening on (http:\/\/[^\s"]+)/.exec(output)
      if (match !== null) {
        clearTimeout(timer)
        resolve(match[1] as string)
      }
    }
    child.stdout.on('data', read)
    child.stderr.on('data', read)
    void exited.then(() => {
      clearTimeout(timer)
      reject(new Error(`${command} ${args.join(' ')} exited before listening:\n${output}`))
    })
  })
  return { child, url, exited, output: () => output }
}

/** Runs npm in `cwd` and returns what it printed; a failure shows its output. */
async function npm(args: string[], cwd: string, timeout = 60_000): Promise<string> {
  try {
    const { stdout, stderr } = await run('npm', args, { cwd, env, timeout })
    return `${stdout}${stderr}`
  } catch (error) {
    const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string }
    throw new Error(`npm ${args.join(' ')} failed in ${cwd}:\n${stdout}${stderr}`)
  }
}

describe.each([
  { template: 'default', extra: [] as string[], route: '/hello/npm', body: { greeting: 'Hello, npm!' } },
  { template: 'full', extra: ['--template', 'full'], route: '/api/books', body: [{ id: 1, title: 'Dune' }] },
])('the $template template, from the packed create-brisk', ({ template, extra, route, body }) => {
  let project = ''

  beforeAll(async () => {
    const work = join(temp, template)
    mkdirSync(work)
    const created = await npm(
      ['exec', '--yes', '--package', tarball('create-brisk'), '--', 'create-brisk', 'my-app', ...extra],
      work,
    )
    expect(created).toContain(`Created my-app (template ${template})`)
    project = join(work, 'my-app')

    // Point the @brisk dependencies at the tarballs: they are not on the registry (yet).
    const json = JSON.parse(readFileSync(join(project, 'package.json'), 'utf8'))
    for (const field of ['dependencies', 'devDependencies']) {
      for (const name of Object.keys(json[field])) {
        if (!name.startsWith('@brisk/')) continue
        const version = JSON.parse(
          readFileSync(join(repoRoot, 'packages', name.slice(7), 'package.json'), 'utf8'),
        ).version as string
        expect(json[field][name], name).toBe(`>=${version}`) // the version create-brisk was packed with
        json[field][name] = `file:${tarball(name)}`
      }
    }
    writeFileSync(join(project, 'package.json'), `${JSON.stringify(json, null, 2)}\n`)
    // No install scripts (see the pack smoke test: @scarf/scarf's reports downloads to a third party);
    // --prefer-offline: what npm's cache holds is used without asking the registry again.
    await npm(['install', '--ignore-scripts', '--prefer-offline', '--no-audit', '--no-fund'], project, 90_000)
  }, 100_000)

  it('passes its own tests', async () => {
    const out = await npm(['test'], project)
    expect(out).toMatch(/Tests\s+\d+ passed/)
    expect(out).not.toMatch(/failed/i)
  }, 60_000)

  it('builds with the TypeScript it installs (7), and type-checks with 5.9 too', async () => {
    const installed = JSON.parse(readFileSync(join(project, 'node_modules/typescript/package.json'), 'utf8'))
    expect(installed.version).toMatch(/^7\./)
    await npm(['run', 'build'], project)
    await npm(['run', 'typecheck'], project) // src/ and test/
    expect(readFileSync(join(project, 'dist', 'main.js'), 'utf8')).toContain("from './app.js'")
    const checked = await run(process.execPath, [tsc59, '-p', 'tsconfig.json'], { cwd: project }).catch(
      (error) => error as { stdout: string; code: number },
    )
    expect(checked.stdout).toBe('')
  }, 60_000)

  it('serves with npm start on PORT, and stops on SIGTERM', async () => {
    const port = await freePort()
    const app = serve('npm', ['start'], project, port)
    const url = await app.url
    expect(url).toBe(`http://127.0.0.1:${port}`)
    const res = await fetch(`${url}${route}`)
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual(body)

    process.kill(-(app.child.pid as number), 'SIGTERM')
    // npm itself ends by the signal (it reports no exit code for a script stopped by one); what matters is
    // that the app stopped with it: the port is free again.
    const { code, signal } = await app.exited
    expect(code === 0 || signal === 'SIGTERM', `npm start ended with ${code} ${signal}`).toBe(true)
    // npm may end before the app it started has closed its port: wait for the whole group to be gone.
    expect(await groupGone(app.child.pid as number, 15_000), 'the app outlived npm').toBe(true)
    await expect(fetch(`${url}/health`)).rejects.toThrow()
  }, 40_000)

  it('exits with code 0 on SIGTERM when node runs the built app directly (a container, a process manager)', async () => {
    const port = await freePort()
    const app = serve(process.execPath, ['dist/main.js'], project, port)
    const url = await app.url
    expect((await fetch(`${url}/health`)).status).toBe(200)
    process.kill(app.child.pid as number, 'SIGTERM')
    expect(await app.exited).toEqual({ code: 0, signal: null })
  }, 40_000)
})
