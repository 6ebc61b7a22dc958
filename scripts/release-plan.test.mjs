import { spawnSync } from 'node:child_process'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterEach, describe, expect, it } from 'vitest'
import { fakeWorkspace, git } from './fake-workspace.mjs'
import { checkCommand, parseArgs, releaseTag, selectReleases } from './release-plan.mjs'

const script = join(dirname(fileURLToPath(import.meta.url)), 'release.mjs')

const pkg = (name, version, extra = {}) => ({
  dir: `/repo/packages/${name}`,
  json: { name, version, ...extra },
})

describe('parseArgs()', () => {
  it('reads the flags and the dist-tag', () => {
    expect(parseArgs([])).toEqual({
      dryRun: false,
      all: false,
      skipTests: false,
      plan: false,
      distTag: 'latest',
    })
    expect(
      parseArgs(['--', '--dry-run', '--all', '--skip-tests', '--plan', '--dist-tag', 'lts-26.12']),
    ).toEqual({
      dryRun: true,
      all: true,
      skipTests: true,
      plan: true,
      distTag: 'lts-26.12',
    })
    expect(parseArgs(['--dist-tag=next']).distTag).toBe('next')
  })

  it('refuses unknown flags and dist-tags npm would read as versions', () => {
    expect(() => parseArgs(['--dryrun'])).toThrow(/unknown option "--dryrun"/)
    expect(() => parseArgs(['--dist-tag', '26.12'])).toThrow(/--dist-tag/)
    expect(() => parseArgs(['--dist-tag'])).toThrow(/--dist-tag/)
  })
})

describe('selectReleases()', () => {
  const packages = [
    pkg('@brisk/cors', '26.12.0'),
    pkg('@brisk/core', '26.12.1'),
    pkg('hello', '0.0.0', { private: true }),
    pkg('@brisk/jwt', '26.11.0'),
  ]

  it('selects the public packages whose version has no release tag', () => {
    const tags = new Set([
      '@brisk/core@26.12.0',
      '@brisk/cors@26.12.0',
      '@brisk/jwt@26.11.0',
      'release/2026-12-01',
    ])
    expect(selectReleases(packages, tags)).toEqual([
      {
        name: '@brisk/core',
        version: '26.12.1',
        dir: '/repo/packages/@brisk/core',
        tag: '@brisk/core@26.12.1',
        reason: 'no tag @brisk/core@26.12.1 yet',
      },
    ])
  })

  it('selects nothing when every version is tagged', () => {
    const tags = new Set(['@brisk/core@26.12.1', '@brisk/cors@26.12.0', '@brisk/jwt@26.11.0'])
    expect(selectReleases(packages, tags)).toEqual([])
  })

  it('selects every public package with --all, sorted by name, saying which were tagged', () => {
    const selected = selectReleases(packages, new Set(['@brisk/jwt@26.11.0']), { all: true })
    expect(selected.map((p) => [p.name, p.reason])).toEqual([
      ['@brisk/core', 'no tag @brisk/core@26.12.1 yet'],
      ['@brisk/cors', 'no tag @brisk/cors@26.12.0 yet'],
      ['@brisk/jwt', '--all (already tagged @brisk/jwt@26.11.0)'],
    ])
  })

  it('names tags the way changeset publish does', () => {
    expect(releaseTag('@brisk/core', '26.12.0')).toBe('@brisk/core@26.12.0')
  })
})

describe('checkCommand()', () => {
  it('checks the selected packages with the whole CI pipeline and the pack smoke test, or builds them only', () => {
    const selected = [{ name: '@brisk/core' }, { name: '@brisk/cors' }]
    expect(checkCommand(selected)).toEqual([
      'turbo',
      'run',
      'lint',
      'typecheck',
      'typecheck:ts7',
      'build',
      'test',
      'check:package',
      '--filter=@brisk/core',
      '--filter=@brisk/cors',
      '--filter=brisk-scripts',
    ])
    expect(checkCommand(selected, { skipTests: true })).toEqual([
      'turbo',
      'run',
      'build',
      'check:package',
      '--filter=@brisk/core',
      '--filter=@brisk/cors',
    ])
  })
})

describe('pnpm release --plan (scripts/release.mjs in a git repository)', () => {
  const made = []
  afterEach(() => {
    for (const remove of made.splice(0)) remove()
  })

  function plan(dir, ...args) {
    const result = spawnSync(process.execPath, [script, '--plan', ...args], { cwd: dir, encoding: 'utf8' })
    if (result.status !== 0) throw new Error(`release.mjs failed:\n${result.stdout}\n${result.stderr}`)
    return JSON.parse(result.stdout)
  }

  it('plans the versions a version commit made since the last release tags', () => {
    const { dir, remove } = fakeWorkspace({
      'packages/core/package.json': { name: '@brisk/core', version: '26.12.0' },
      'packages/cors/package.json': { name: '@brisk/cors', version: '26.12.0' },
      'packages/example/package.json': { name: 'example', private: true },
    })
    made.push(remove)
    git(dir, ['init', '-q', '-b', 'main'])
    git(dir, ['add', '.'])
    git(dir, ['commit', '-q', '-m', 'first release'])
    git(dir, ['tag', '@brisk/core@26.12.0'])
    git(dir, ['tag', '@brisk/cors@26.12.0'])
    expect(plan(dir).packages).toEqual([])

    // The next version commit moves core only (what `pnpm version-packages` does with one changeset).
    const core = join(dir, 'packages/core/package.json')
    spawnSync(process.execPath, [
      '-e',
      `const fs=require('fs');fs.writeFileSync(${JSON.stringify(core)}, JSON.stringify({name:'@brisk/core',version:'26.12.1'}))`,
    ])
    git(dir, ['commit', '-q', '-am', 'version packages'])
    expect(plan(dir, '--dry-run', '--dist-tag', 'lts-26.12')).toEqual({
      distTag: 'lts-26.12',
      dryRun: true,
      packages: [
        {
          name: '@brisk/core',
          version: '26.12.1',
          dir: 'packages/core',
          tag: '@brisk/core@26.12.1',
          reason: 'no tag @brisk/core@26.12.1 yet',
        },
      ],
    })
    expect(plan(dir, '--all').packages.map((p) => p.name)).toEqual(['@brisk/core', '@brisk/cors'])
  })

  it('fails outside a git repository rather than guess', () => {
    const { dir, remove } = fakeWorkspace({
      'packages/core/package.json': { name: '@brisk/core', version: '26.12.0' },
    })
    made.push(remove)
    const result = spawnSync(process.execPath, [script, '--plan'], {
      cwd: dir,
      encoding: 'utf8',
      env: { ...process.env, GIT_CEILING_DIRECTORIES: dirname(dir) },
    })
    expect(result.status).toBe(1)
    expect(result.stderr).toContain('git tag --list failed')
  })
})
