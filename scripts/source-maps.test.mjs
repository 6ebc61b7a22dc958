/**
 * Stack traces point at files users have: @brisk/core packed as it is published, unpacked outside the
 * workspace, and an error thrown inside it under `node --enable-source-maps`. Every frame of core in the
 * stack must name a `src/*.ts` file, at a line that exists, inside the unpacked package. (check:package checks
 * every package's maps against its tarball; this runs one for real.) Needs core built: turbo's `test` task
 * depends on `^build`.
 */
import { execFile } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, sep } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { afterAll, beforeAll, expect, it } from 'vitest'

const run = promisify(execFile)
const core = join(dirname(fileURLToPath(import.meta.url)), '..', 'packages', 'core')

let temp = ''
let unpacked = ''

beforeAll(async () => {
  temp = mkdtempSync(join(tmpdir(), 'brisk-source-maps-'))
  await run('pnpm', ['pack', '--pack-destination', temp], { cwd: core })
  const tarball = readdirSync(temp).find((file) => file.endsWith('.tgz'))
  if (tarball === undefined) throw new Error(`pnpm pack wrote no tarball in ${temp}`)
  const project = join(temp, 'project')
  unpacked = join(project, 'node_modules', '@brisk', 'core')
  mkdirSync(unpacked, { recursive: true })
  await run('tar', ['-xzf', join(temp, tarball), '-C', unpacked, '--strip-components=1'])
  // Core's own dependencies (busboy, ws…), as pnpm installed them for the workspace: only its code is under test.
  symlinkSync(join(core, 'node_modules'), join(unpacked, 'node_modules'), 'dir')
}, 60_000)

afterAll(() => {
  if (temp) rmSync(temp, { recursive: true, force: true })
})

it('an error thrown inside @brisk/core names its src/*.ts files, which the package ships', async () => {
  // A route path without its leading slash: core's router throws while the route is added.
  const script = [
    "import { Brisk } from '@brisk/core'",
    'try {',
    "  new Brisk({ accessLog: false }).get('books', () => 'x')",
    '} catch (error) {',
    '  console.log(error.stack)',
    '}',
  ].join('\n')
  const { stdout } = await run(
    process.execPath,
    ['--enable-source-maps', '--input-type=module', '-e', script],
    { cwd: join(temp, 'project') },
  )
  expect(stdout).toContain('a route path must start with "/"')
  const frames = [...stdout.matchAll(/\((\/[^()]+):(\d+):(\d+)\)/g)].map(([, file, line]) => ({
    file,
    line: Number(line),
  }))
  const ours = frames.filter(({ file }) => file.startsWith(unpacked + sep))
  expect(ours.length).toBeGreaterThan(0)
  for (const { file, line } of ours) {
    expect(file).toMatch(/[/\\]src[/\\].+\.ts$/)
    expect(existsSync(file), `${file} is in the tarball`).toBe(true)
    expect(readFileSync(file, 'utf8').split('\n').length).toBeGreaterThanOrEqual(line)
  }
}, 60_000)
