/**
 * Test helper: a small pnpm workspace in a temp folder, with the repository's own Changesets configuration,
 * for running the release scripts end to end without touching the real repository.
 */
import { spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..')

/**
 * Writes a workspace (`packages/*`) into a fresh temp folder: the real `.changeset/config.json` (its
 * `ignore` list emptied: the ignored examples are not there) plus `files` (path → text, or a value written
 * as JSON). Returns the folder and a `remove()` for afterEach.
 *
 * @param {Record<string, string | object>} files
 * @returns {{ dir: string, remove: () => void }}
 * @example
 * const { dir, remove } = fakeWorkspace({ 'packages/core/package.json': { name: '@brisk/core', version: '26.11.0' } })
 */
export function fakeWorkspace(files) {
  const dir = mkdtempSync(join(tmpdir(), 'brisk-release-'))
  const config = JSON.parse(readFileSync(join(repoRoot, '.changeset', 'config.json'), 'utf8'))
  const all = {
    'package.json': { name: 'fake-monorepo', private: true },
    'pnpm-workspace.yaml': 'packages:\n  - packages/*\n',
    '.changeset/config.json': { ...config, ignore: [] },
    '.changeset/README.md': '# Changesets\n',
    ...files,
  }
  for (const [path, content] of Object.entries(all)) writeText(dir, path, content)
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) }
}

/**
 * Writes one file of a fake workspace (a value that is not a string is written as JSON).
 *
 * @param {string} dir the workspace
 * @param {string} path the file, relative to it
 * @param {string | object} content
 * @example
 * writeText(dir, '.changeset/fix.md', '---\n"@brisk/core": patch\n---\n\nFix\n')
 */
export function writeText(dir, path, content) {
  mkdirSync(dirname(join(dir, path)), { recursive: true })
  writeFileSync(
    join(dir, path),
    typeof content === 'string' ? content : `${JSON.stringify(content, null, 2)}\n`,
  )
}

/**
 * Runs git in a fake workspace (identity and default branch set, no user configuration read).
 *
 * @param {string} dir the workspace
 * @param {string[]} args git's arguments
 * @returns {string} its output
 * @example
 * git(dir, ['init', '-q', '-b', 'main'])
 */
export function git(dir, args) {
  const result = spawnSync(
    'git',
    ['-c', 'user.name=Release Test', '-c', 'user.email=release@test.invalid', ...args],
    {
      cwd: dir,
      encoding: 'utf8',
      env: { ...process.env, GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1' },
    },
  )
  if (result.status !== 0) throw new Error(`git ${args.join(' ')} failed:\n${result.stderr}`)
  return result.stdout
}

/**
 * Reads a file of a fake workspace, parsed when it is JSON.
 *
 * @param {string} dir the workspace
 * @param {string} path the file, relative to it
 * @returns {any}
 * @example
 * readBack(dir, 'packages/core/package.json').version // '26.12.0'
 */
export function readBack(dir, path) {
  const text = readFileSync(join(dir, path), 'utf8')
  return path.endsWith('.json') ? JSON.parse(text) : text
}
