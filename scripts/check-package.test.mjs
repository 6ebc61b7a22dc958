import { spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { stripVTControlCharacters } from 'node:util'
import { afterEach, describe, expect, it } from 'vitest'
import { REPOSITORY_URL } from './package-rules.mjs'

// check-package.mjs on small packages in a temp folder: the real pnpm pack, publint and attw.
const script = join(dirname(fileURLToPath(import.meta.url)), 'check-package.mjs')

const made = []
afterEach(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true })
})

function fakePackage(json, files) {
  const dir = mkdtempSync(join(tmpdir(), 'brisk-check-package-'))
  made.push(dir)
  for (const [path, text] of Object.entries({
    'package.json': `${JSON.stringify(json, null, 2)}\n`,
    ...files,
  })) {
    mkdirSync(dirname(join(dir, path)), { recursive: true })
    writeFileSync(join(dir, path), text)
  }
  const result = spawnSync(process.execPath, [script], { cwd: dir, encoding: 'utf8' })
  // publint and attw colour their findings when CI forces colours (turbo does): compare the text.
  return { ...result, stderr: stripVTControlCharacters(result.stderr) }
}

const plugin = {
  'dist/index.js': "export const demo = definePlugin({ name: 'demo', core: '>=26.11.0' })\n",
  'dist/index.d.ts': 'export declare const demo: unknown\n',
  'README.md': '# @brisk/demo\n',
  'CHANGELOG.md': '# @brisk/demo\n',
  LICENSE: 'MIT\n',
}

const manifest = (dir) => ({
  name: '@brisk/demo',
  version: '26.11.0',
  description: 'A plugin',
  type: 'module',
  keywords: ['brisk'],
  repository: { type: 'git', url: REPOSITORY_URL, directory: dir },
  license: 'MIT',
  engines: { node: '>=20.19' },
  sideEffects: false,
  files: ['dist', 'README.md', 'CHANGELOG.md'],
  exports: { '.': { types: './dist/index.d.ts', import: './dist/index.js' } },
  publishConfig: { access: 'public', provenance: true },
  peerDependencies: { '@brisk/core': '>=26.11.0' },
})

describe('check-package.mjs', () => {
  it('fails a package with its manifest, tarball, publint and attw findings', () => {
    const json = manifest('packages/demo')
    delete json.license
    // CommonJS types (.d.cts) over an ESM file: the types lie about the module kind (attw's FalseCJS).
    json.exports['.'].types = './dist/index.d.cts'
    const { 'dist/index.d.ts': _, ...files } = plugin
    const result = fakePackage(json, { ...files, 'dist/index.d.cts': 'export declare const demo: unknown\n' })
    expect(result.status).toBe(1)
    expect(result.stderr).toContain('check:package @brisk/demo:')
    expect(result.stderr).toContain('"license" is missing')
    expect(result.stderr).toMatch(/"repository\.directory" must be "[^"]*brisk-check-package-/)
    expect(result.stderr).toContain('the tarball has no dist/index.d.ts')
    expect(result.stderr).toContain('attw failed')
  }, 60_000)

  it('fails a package whose exports name a types file the tarball lacks (publint)', () => {
    const { 'dist/index.d.ts': _, ...files } = plugin
    const result = fakePackage(manifest('packages/demo'), files)
    expect(result.status).toBe(1)
    expect(result.stderr).toContain('publint failed')
    expect(result.stderr).toContain('pkg.exports["."].types is ./dist/index.d.ts but the file does not exist')
  }, 60_000)

  it('fails a plugin whose core range is not its peer range', () => {
    const result = fakePackage(manifest('packages/demo'), {
      ...plugin,
      'dist/index.js': "export const demo = definePlugin({ name: 'demo', core: '>=26.12.0' })\n",
    })
    expect(result.status).toBe(1)
    expect(result.stderr).toContain(
      'a plugin declares core: ">=26.12.0" but peerDependencies["@brisk/core"] is ">=26.11.0"',
    )
    expect(result.stderr).not.toContain('publint failed')
    expect(result.stderr).not.toContain('attw failed')
  }, 60_000)

  it('fails a package whose source maps name sources it does not ship, passes it once it ships them', () => {
    const mapped = {
      ...plugin,
      'dist/index.js': `${plugin['dist/index.js']}//# sourceMappingURL=index.js.map\n`,
      'dist/index.js.map': JSON.stringify({ version: 3, sources: ['../src/index.ts'], mappings: 'AAAA' }),
      'src/index.ts': "export const demo = definePlugin({ name: 'demo', core: '>=26.11.0' })\n",
    }
    const without = fakePackage(manifest('packages/demo'), mapped)
    expect(without.status).toBe(1)
    expect(without.stderr).toContain(
      'dist/index.js.map names ../src/index.ts, which the tarball does not hold',
    )

    const json = manifest('packages/demo')
    json.files = ['dist', 'src', 'README.md', 'CHANGELOG.md']
    const shipped = fakePackage(json, mapped)
    // Only the temp folder's repository.directory is left to complain about (the other tests show that).
    expect(shipped.stderr).toContain('1 problem(s)')
    expect(shipped.stderr).toContain('"repository.directory"')
    expect(shipped.stderr).not.toContain('does not hold')
    expect(shipped.stderr).not.toContain('should not hold')
  }, 60_000)
})
