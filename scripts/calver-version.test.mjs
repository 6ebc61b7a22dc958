import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterEach, describe, expect, it } from 'vitest'
import { fakeWorkspace, git, readBack, writeText } from './fake-workspace.mjs'

// End to end: the real `changeset version` (the repository's install) and the script, in a temp workspace
// that uses the repository's own .changeset/config.json.
const script = join(dirname(fileURLToPath(import.meta.url)), 'calver-version.mjs')

const made = []
afterEach(() => {
  for (const remove of made.splice(0)) remove()
})

function workspace(files) {
  const { dir, remove } = fakeWorkspace(files)
  made.push(remove)
  return dir
}

function run(dir, date, env = {}) {
  const result = spawnSync(process.execPath, [script], {
    cwd: dir,
    env: { ...process.env, CALVER_DATE: date, CALVER_LINE: '', ...env },
    encoding: 'utf8',
  })
  if (result.status !== 0) throw new Error(`calver-version failed:\n${result.stdout}\n${result.stderr}`)
  return result.stdout
}

const changeset = (dir, file, releases, summary) =>
  writeText(
    dir,
    `.changeset/${file}.md`,
    `---\n${Object.entries(releases)
      .map(([name, type]) => `"${name}": ${type}`)
      .join('\n')}\n---\n\n${summary}\n`,
  )

/** A core and plugins shaped like the real ones: a peer floor on core, `workspace:*` to develop against it. */
function brisk(core, { corsVersion = '26.10.0', floor = '>=26.10.0' } = {}) {
  const plugin = (name, version) => ({
    name,
    version,
    peerDependencies: { '@brisk/core': floor },
    devDependencies: { '@brisk/core': 'workspace:*' },
  })
  return {
    'packages/core/package.json': { name: '@brisk/core', version: core },
    'packages/core/src/version.ts': `/** The version. */\nexport const VERSION = '${core}'\n`,
    'packages/core/CHANGELOG.md': '# @brisk/core\n',
    'packages/cors/package.json': plugin('@brisk/cors', corsVersion),
    'packages/cors/CHANGELOG.md': '# @brisk/cors\n',
    'packages/jwt/package.json': plugin('@brisk/jwt', '26.10.0'),
  }
}

describe('pnpm version-packages (scripts/calver-version.mjs)', () => {
  it('releases a new month at YY.M.0: version, changelog, VERSION; a peer floor does not release the plugins', () => {
    const dir = workspace(brisk('26.10.3'))
    changeset(dir, 'brave-lions-sing', { '@brisk/core': 'minor' }, 'Add app.static')
    const out = run(dir, '2026-11-05')

    expect(readBack(dir, 'packages/core/package.json').version).toBe('26.11.0')
    expect(readBack(dir, 'packages/core/src/version.ts')).toContain("export const VERSION = '26.11.0'")
    expect(readBack(dir, 'packages/core/CHANGELOG.md')).toBe(
      '# @brisk/core\n\n## 26.11.0\n\n### Minor Changes\n\n- Add app.static\n',
    )
    // Changesets computed 26.11.0 from 26.10.3 as a semver minor too; the peer floor >=26.10.0 holds it, so
    // the plugins are neither released nor touched (RELEASING.md: floors are raised by hand).
    expect(readBack(dir, 'packages/cors/package.json')).toEqual({
      name: '@brisk/cors',
      version: '26.10.0',
      peerDependencies: { '@brisk/core': '>=26.10.0' },
      devDependencies: { '@brisk/core': 'workspace:*' },
    })
    expect(readBack(dir, 'packages/cors/CHANGELOG.md')).toBe('# @brisk/cors\n')
    expect(existsSync(join(dir, '.changeset/brave-lions-sing.md'))).toBe(false)
    expect(existsSync(join(dir, '.changeset/README.md'))).toBe(true)
    expect(out).toContain('@brisk/core 26.10.3 → 26.11.0')
  })

  it('releases a breaking core (a major changeset) at the calendar version, without the plugins', () => {
    const dir = workspace(brisk('26.11.2'))
    changeset(dir, 'breaking', { '@brisk/core': 'major' }, 'Breaking: drop the old listen() signature')
    run(dir, '2026-11-30')
    expect(readBack(dir, 'packages/core/package.json').version).toBe('26.11.3') // not 27.0.0
    expect(readBack(dir, 'packages/core/CHANGELOG.md')).toMatch(
      /## 26\.11\.3\n\n### Major Changes\n\n- Breaking:/,
    )
    expect(readBack(dir, 'packages/cors/package.json').version).toBe('26.10.0')
    expect(readBack(dir, 'packages/cors/package.json').peerDependencies['@brisk/core']).toBe('>=26.10.0')
  })

  it('releases twice in one month: the second release takes the next patch', () => {
    const dir = workspace(brisk('26.11.4'))
    changeset(dir, 'first', { '@brisk/core': 'minor' }, 'First of December')
    run(dir, '2026-12-02')
    expect(readBack(dir, 'packages/core/package.json').version).toBe('26.12.0')

    changeset(dir, 'second', { '@brisk/core': 'patch' }, 'Second of December')
    run(dir, '2026-12-20')
    expect(readBack(dir, 'packages/core/package.json').version).toBe('26.12.1')
    expect(readBack(dir, 'packages/core/src/version.ts')).toContain("'26.12.1'")
    expect(readBack(dir, 'packages/core/CHANGELOG.md')).toBe(
      [
        '# @brisk/core',
        '',
        '## 26.12.1',
        '',
        '### Patch Changes',
        '',
        '- Second of December',
        '',
        '## 26.12.0',
        '',
        '### Minor Changes',
        '',
        '- First of December',
        '',
      ].join('\n'),
    )
  })

  it('releases a new year at YY.1.0, even for a patch', () => {
    const dir = workspace(brisk('26.12.3'))
    changeset(dir, 'new-year', { '@brisk/core': 'patch' }, 'Fix a header')
    run(dir, '2027-01-15')
    expect(readBack(dir, 'packages/core/package.json').version).toBe('27.1.0')
    expect(readBack(dir, 'packages/core/CHANGELOG.md')).toMatch(/^# @brisk\/core\n\n## 27\.1\.0\n\n### Patch/)
    expect(readBack(dir, 'packages/cors/package.json').version).toBe('26.10.0')
  })

  it('releases one package only and leaves every other file as it was', () => {
    const files = brisk('26.11.0')
    const dir = workspace(files)
    changeset(dir, 'cors-fix', { '@brisk/cors': 'patch' }, 'Vary on preflights')
    const out = run(dir, '2026-11-28')

    const cors = readBack(dir, 'packages/cors/package.json')
    expect(cors.version).toBe('26.11.0') // 26.10.0 → the first release of November
    expect(cors.peerDependencies['@brisk/core']).toBe('>=26.10.0')
    expect(readBack(dir, 'packages/cors/CHANGELOG.md')).toBe(
      '# @brisk/cors\n\n## 26.11.0\n\n### Patch Changes\n\n- Vary on preflights\n',
    )
    for (const path of Object.keys(files).filter((path) => !path.startsWith('packages/cors/'))) {
      const expected = files[path]
      expect(readBack(dir, path), path).toEqual(expected)
    }
    expect(existsSync(join(dir, 'packages/jwt/CHANGELOG.md'))).toBe(false)
    expect(out).not.toContain('@brisk/core')
  })

  /** A chain of runtime dependants on top of the core and plugins: @brisk/kit → @brisk/auth → @brisk/keys. */
  const chain = () => ({
    ...brisk('26.11.0'),
    'packages/cors/src/cors.ts':
      "export const cors = definePlugin({\n  name: 'cors',\n  core: '>=26.10.0',\n})\n",
    'packages/keys/package.json': {
      name: '@brisk/keys',
      version: '26.10.2',
      peerDependencies: { '@brisk/core': '>=26.10.0' },
      devDependencies: { '@brisk/core': 'workspace:*' },
    },
    'packages/keys/CHANGELOG.md': '# @brisk/keys\n',
    'packages/auth/package.json': {
      name: '@brisk/auth',
      version: '26.11.0',
      dependencies: { '@brisk/keys': 'workspace:>=26.10.2' },
      peerDependencies: { '@brisk/core': '>=26.10.0' },
      devDependencies: { '@brisk/core': 'workspace:*' },
    },
    'packages/auth/CHANGELOG.md': '# @brisk/auth\n',
    'packages/kit/package.json': {
      name: '@brisk/kit',
      version: '26.9.0',
      dependencies: { '@brisk/auth': '>=26.11.0' },
    },
  })

  it('leaves the dependants of a package released alone as they are: their floors still hold', () => {
    const files = chain()
    const dir = workspace(files)
    changeset(dir, 'keys-rotation', { '@brisk/keys': 'minor', '@brisk/core': 'minor' }, 'Rotate keys by kid')
    run(dir, '2026-11-20')

    expect(readBack(dir, 'packages/keys/package.json').version).toBe('26.11.0')
    expect(readBack(dir, 'packages/core/package.json').version).toBe('26.11.1')
    for (const pkg of ['auth', 'kit', 'cors', 'jwt']) {
      const path = `packages/${pkg}/package.json`
      expect(readBack(dir, path), path).toEqual(files[path])
    }
    expect(readBack(dir, 'packages/cors/src/cors.ts')).toBe(files['packages/cors/src/cors.ts'])
    expect(readBack(dir, 'packages/auth/CHANGELOG.md')).toBe('# @brisk/auth\n')
  })

  it('raises the floors of a released dependant to the packages released with it, and its core range in src', () => {
    const dir = workspace(chain())
    changeset(dir, 'keys-rotation', { '@brisk/keys': 'minor', '@brisk/core': 'minor' }, 'Rotate keys by kid')
    changeset(
      dir,
      'auth-rotation',
      { '@brisk/auth': 'patch', '@brisk/cors': 'patch' },
      'Use the rotating keys',
    )
    const out = run(dir, '2026-12-03')

    expect(readBack(dir, 'packages/core/package.json').version).toBe('26.12.0')
    expect(readBack(dir, 'packages/keys/package.json').version).toBe('26.12.0')
    const auth = readBack(dir, 'packages/auth/package.json')
    expect(auth.version).toBe('26.12.0')
    expect(auth.dependencies['@brisk/keys']).toBe('workspace:>=26.12.0')
    expect(auth.peerDependencies['@brisk/core']).toBe('>=26.12.0')
    expect(auth.devDependencies['@brisk/core']).toBe('workspace:*')
    const cors = readBack(dir, 'packages/cors/package.json')
    expect(cors.version).toBe('26.12.0')
    expect(cors.peerDependencies['@brisk/core']).toBe('>=26.12.0')
    expect(readBack(dir, 'packages/cors/src/cors.ts')).toContain("core: '>=26.12.0'")
    expect(readBack(dir, 'packages/auth/CHANGELOG.md')).toBe(
      [
        '# @brisk/auth',
        '',
        '## 26.12.0',
        '',
        '### Patch Changes',
        '',
        '- Use the rotating keys',
        '- Updated dependencies',
        '  - @brisk/keys@26.12.0',
        '',
      ].join('\n'),
    )
    // Not released: @brisk/kit (its floor on auth holds) and @brisk/jwt (its floor on core holds).
    expect(readBack(dir, 'packages/kit/package.json').dependencies['@brisk/auth']).toBe('>=26.11.0')
    expect(readBack(dir, 'packages/kit/package.json').version).toBe('26.9.0')
    expect(readBack(dir, 'packages/jwt/package.json').peerDependencies['@brisk/core']).toBe('>=26.10.0')
    expect(out).toContain('dependencies.@brisk/keys: workspace:>=26.10.2 → workspace:>=26.12.0')
    expect(out).toContain("packages/cors/src/cors.ts: core: '>=26.10.0' → '>=26.12.0'")
  })

  it('releases a dependant whose range Changesets had to move, on the calendar version', () => {
    // An exact pin is out of range after any release: Changesets releases the dependant and rewrites the pin
    // to its semver, which becomes the calendar version. (Between Brisk packages the rule is floors; a pin
    // shows the mechanism for a range that the dependency leaves.)
    const dir = workspace({
      'packages/keys/package.json': { name: 'keys-internal', version: '26.10.2' },
      'packages/auth/package.json': {
        name: 'auth-internal',
        version: '26.11.0',
        dependencies: { 'keys-internal': '26.10.2' },
      },
      'packages/auth/CHANGELOG.md': '# auth-internal\n',
    })
    changeset(dir, 'keys', { 'keys-internal': 'minor' }, 'Rotate')
    run(dir, '2026-11-20')
    const auth = readBack(dir, 'packages/auth/package.json')
    expect(auth.version).toBe('26.11.1')
    expect(auth.dependencies['keys-internal']).toBe('26.11.0')
    expect(readBack(dir, 'packages/auth/CHANGELOG.md')).toBe(
      '# auth-internal\n\n## 26.11.1\n\n### Patch Changes\n\n- Updated dependencies\n  - keys-internal@26.11.0\n',
    )
  })

  it('keeps a long-term-support branch on its line (lts/26.12) in a later month', () => {
    const dir = workspace(brisk('26.12.3', { corsVersion: '26.12.1', floor: '>=26.12.0' }))
    git(dir, ['init', '-q', '-b', 'lts/26.12'])
    changeset(dir, 'backport', { '@brisk/core': 'patch', '@brisk/cors': 'patch' }, 'Backported fix')
    const out = run(dir, '2027-03-02')
    expect(readBack(dir, 'packages/core/package.json').version).toBe('26.12.4')
    expect(readBack(dir, 'packages/cors/package.json').version).toBe('26.12.2')
    expect(readBack(dir, 'packages/core/CHANGELOG.md')).toContain('## 26.12.4')
    expect(out).toContain('26.12 line')
  })

  it('refuses to release from an LTS branch a package that is not on its line', () => {
    const dir = workspace(brisk('26.12.3'))
    changeset(dir, 'backport', { '@brisk/cors': 'patch' }, 'Backported fix')
    expect(() => run(dir, '2027-03-02', { CALVER_LINE: '26.12' })).toThrow(
      /26\.10\.0 is not on the 26\.12 line/,
    )
    expect(existsSync(join(dir, '.changeset/backport.md'))).toBe(true)
  })

  it('reminds in December which packages are not on the YY.12 line yet', () => {
    const dir = workspace(brisk('26.11.0'))
    changeset(dir, 'december', { '@brisk/core': 'patch' }, 'Fix')
    expect(run(dir, '2026-12-01')).toMatch(/not on it yet: @brisk\/cors@26\.10\.0, @brisk\/jwt@26\.10\.0/)
  })

  it('refuses, before writing anything, a range that RELEASING.md does not allow', () => {
    const files = brisk('26.11.0', { floor: '^26.10.0' })
    const dir = workspace(files)
    changeset(dir, 'fix', { '@brisk/core': 'patch' }, 'Fix')
    expect(() => run(dir, '2026-11-20')).toThrow(
      /@brisk\/cors: peerDependencies\["@brisk\/core"\]: must be a floor/,
    )
    expect(readBack(dir, 'packages/core/package.json')).toEqual(files['packages/core/package.json'])
    expect(existsSync(join(dir, '.changeset/fix.md'))).toBe(true)
  })

  it('does nothing without pending changesets', () => {
    const dir = workspace(brisk('26.12.0'))
    expect(run(dir, '2026-12-20')).toContain('nothing to release')
    expect(readBack(dir, 'packages/core/package.json').version).toBe('26.12.0')
  })

  it('fails before changing anything when the date is before the current version', () => {
    const dir = workspace(brisk('26.12.0'))
    changeset(dir, 'calm-owls-nap', { '@brisk/core': 'patch' }, 'Fix')
    expect(() => run(dir, '2026-11-20')).toThrow(/never go back/)
    expect(readBack(dir, 'packages/core/package.json').version).toBe('26.12.0')
    expect(existsSync(join(dir, '.changeset/calm-owls-nap.md'))).toBe(true)
  })
})
