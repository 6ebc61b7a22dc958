/**
 * The `brisk` bin: package.json points at a committed launcher, so installing the package links a file that
 * exists before the build (pnpm warned "Failed to create bin … brisk" on a fresh clone), and the launcher runs
 * the built CLI, or says how to build it.
 */
import { spawnSync } from 'node:child_process'
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterEach, describe, expect, it } from 'vitest'

const root = fileURLToPath(new URL('..', import.meta.url))
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  bin: { brisk: string }
}
const temps: string[] = []

afterEach(() => {
  for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true })
})

/** A copy of the package's layout in a temp folder: the launcher, and a dist/cli.js only if given. */
function layout(cli?: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'brisk-bin-'))
  temps.push(dir)
  mkdirSync(join(dir, 'bin'))
  copyFileSync(join(root, manifest.bin.brisk), join(dir, 'bin', 'brisk.js'))
  writeFileSync(join(dir, 'package.json'), '{ "type": "module" }\n')
  if (cli !== undefined) {
    mkdirSync(join(dir, 'dist'))
    writeFileSync(join(dir, 'dist', 'cli.js'), cli)
  }
  return join(dir, 'bin', 'brisk.js')
}

describe('the brisk bin', () => {
  it('is a committed, executable file outside dist/, so it exists before the first build', () => {
    const bin = manifest.bin.brisk
    expect(bin).toBe('./bin/brisk.js')
    const path = join(root, bin)
    expect(existsSync(path)).toBe(true)
    expect(statSync(path).mode & 0o111).not.toBe(0)
    expect(readFileSync(path, 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true)
  })

  it('runs the built CLI with the arguments it was given', () => {
    const launcher = layout("process.stdout.write(JSON.stringify(process.argv.slice(2)) + '\\n')\n")
    const run = spawnSync(process.execPath, [launcher, 'routes', './app.js', '--json'], { encoding: 'utf8' })
    expect(run.stderr).toBe('')
    expect(run.stdout).toBe('["routes","./app.js","--json"]\n')
    expect(run.status).toBe(0)
  })

  it('says how to build core, and exits 1, when dist/cli.js is missing', () => {
    const launcher = layout()
    const run = spawnSync(process.execPath, [launcher, '--version'], { encoding: 'utf8' })
    expect(run.status).toBe(1)
    expect(run.stdout).toBe('')
    expect(run.stderr).toMatch(/^brisk: @brisk\/core is not built \(.*dist\/cli\.js is missing\)\.\n/)
    expect(run.stderr).toContain('pnpm --filter @brisk/core build')
  })

  it('prints the real version through the launcher in this repository', () => {
    if (!existsSync(join(root, 'dist', 'cli.js')))
      throw new Error('build core first: pnpm --filter @brisk/core build')
    const run = spawnSync(process.execPath, [join(root, manifest.bin.brisk), '--version'], {
      encoding: 'utf8',
    })
    expect(run.stdout).toMatch(/^\d+\.\d+\.\d+\n$/)
    expect(run.status).toBe(0)
  })
})
