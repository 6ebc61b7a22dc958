import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterEach, describe, expect, it } from 'vitest'
import {
  fixChangelog,
  nextCalver,
  parseChangeset,
  releaseDate,
  retarget,
  setVersionConstant,
} from './calver.mjs'

const script = join(dirname(fileURLToPath(import.meta.url)), 'calver-version.mjs')
const day = (iso) => new Date(`${iso}T12:00:00Z`)

describe('nextCalver()', () => {
  it('bumps the patch within the same year and month', () => {
    expect(nextCalver('26.11.0', day('2026-11-20'))).toBe('26.11.1')
    expect(nextCalver('26.11.9', day('2026-11-30'))).toBe('26.11.10')
  })

  it('starts a new month at patch 0', () => {
    expect(nextCalver('26.11.4', day('2026-12-01'))).toBe('26.12.0')
    expect(nextCalver('26.1.2', day('2026-10-05'))).toBe('26.10.0')
  })

  it('starts a new year at month 1', () => {
    expect(nextCalver('26.12.3', day('2027-01-15'))).toBe('27.1.0')
  })

  it('moves a semver version onto the calendar', () => {
    expect(nextCalver('0.1.0', day('2026-11-20'))).toBe('26.11.0')
    expect(nextCalver('1.14.2', day('2026-11-20'))).toBe('26.11.0')
  })

  it('uses the UTC date', () => {
    expect(nextCalver('26.11.0', new Date('2026-11-30T23:59:59Z'))).toBe('26.11.1')
    expect(nextCalver('26.11.0', new Date('2026-12-01T00:00:00Z'))).toBe('26.12.0')
  })

  it('refuses to go back to an earlier month', () => {
    expect(() => nextCalver('26.12.0', day('2026-11-20'))).toThrow(/newer than 26\.11/)
    expect(() => nextCalver('27.1.0', day('2026-12-20'))).toThrow(/never go back/)
  })

  it('refuses pre-releases and malformed versions', () => {
    expect(() => nextCalver('26.11.0-next.1', day('2026-11-20'))).toThrow(/pre-releases/)
    expect(() => nextCalver('26.11', day('2026-11-20'))).toThrow(/X\.Y\.Z/)
    expect(() => nextCalver('26.11.0', new Date('nope'))).toThrow(/valid Date/)
  })
})

describe('releaseDate()', () => {
  it('reads CALVER_DATE as a UTC day', () => {
    expect(releaseDate('2026-12-01').toISOString()).toBe('2026-12-01T00:00:00.000Z')
  })

  it('is today without CALVER_DATE', () => {
    const now = new Date()
    expect(releaseDate(undefined, now)).toBe(now)
    expect(releaseDate('', now)).toBe(now)
  })

  it('rejects other formats and impossible days', () => {
    expect(() => releaseDate('2026-2-01')).toThrow(/YYYY-MM-DD/)
    expect(() => releaseDate('2026-02-30')).toThrow(/real date/)
    expect(() => releaseDate('tomorrow')).toThrow(/CALVER_DATE/)
  })
})

describe('parseChangeset()', () => {
  it('reads the packages and bump types of the front matter', () => {
    const text = '---\n"@brisk/core": minor\n\'@brisk/cors\': patch\nhello: none\n---\n\nAdd app.static\n'
    expect([...parseChangeset(text)]).toEqual([
      ['@brisk/core', 'minor'],
      ['@brisk/cors', 'patch'],
      ['hello', 'none'],
    ])
  })

  it('reads an empty changeset as releasing nothing', () => {
    expect(parseChangeset('---\n---\n').size).toBe(0)
  })

  it('rejects lines it cannot read and unclosed front matter', () => {
    expect(() => parseChangeset('---\n"@brisk/core": huge\n---\n')).toThrow(/Unreadable/)
    expect(() => parseChangeset('---\n"@brisk/core": patch\n')).toThrow(/not closed/)
  })
})

describe('retarget()', () => {
  it('keeps the operator of a range that names the old version', () => {
    expect(retarget('^26.11.0', '26.11.0', '26.12.0')).toBe('^26.12.0')
    expect(retarget('~26.11.0', '26.11.0', '26.12.0')).toBe('~26.12.0')
    expect(retarget('>=26.11.0', '26.11.0', '26.12.0')).toBe('>=26.12.0')
    expect(retarget('26.11.0', '26.11.0', '26.12.0')).toBe('26.12.0')
  })

  it('leaves other ranges alone', () => {
    expect(retarget('^26.10.0', '26.11.0', '26.12.0')).toBe('^26.10.0')
    expect(retarget('workspace:*', '26.11.0', '26.12.0')).toBe('workspace:*')
    expect(retarget('>=26.11.0 <27', '26.11.0', '26.12.0')).toBe('>=26.11.0 <27')
    expect(retarget('*', '26.11.0', '26.12.0')).toBe('*')
  })
})

describe('fixChangelog()', () => {
  const written = [
    '# @brisk/cors',
    '',
    '## 27.0.0',
    '',
    '### Patch Changes',
    '',
    '- Updated dependencies [abc1234]',
    '  - @brisk/core@26.12.0',
    '',
    '## 26.11.0',
    '',
    '- @brisk/core@26.12.0 was not released then',
    '',
  ].join('\n')
  const renamed = new Map([
    ['@brisk/core', { semver: '26.12.0', calver: '26.11.1' }],
    ['@brisk/cors', { semver: '27.0.0', calver: '26.11.1' }],
  ])

  it('puts the calendar version on the new release and its dependency mentions only', () => {
    const fixed = fixChangelog(written, '27.0.0', '26.11.1', renamed).split('\n')
    expect(fixed[2]).toBe('## 26.11.1')
    expect(fixed[7]).toBe('  - @brisk/core@26.11.1')
    expect(fixed[9]).toBe('## 26.11.0')
    expect(fixed[11]).toBe('- @brisk/core@26.12.0 was not released then')
  })

  it('fails when the newest heading is not the version changesets wrote', () => {
    expect(() => fixChangelog(written, '26.12.0', '26.11.1')).toThrow(/found "## 27.0.0"/)
    expect(() => fixChangelog('# x\n', '1.0.0', '26.11.0')).toThrow(/no "## " heading/)
  })
})

describe('setVersionConstant()', () => {
  it('rewrites the VERSION constant and keeps the rest', () => {
    const source = "/** doc */\nexport const VERSION = '26.11.0'\nexport const other = '26.11.0'\n"
    expect(setVersionConstant(source, '26.11.1')).toBe(
      "/** doc */\nexport const VERSION = '26.11.1'\nexport const other = '26.11.0'\n",
    )
    expect(setVersionConstant('export const VERSION = "1.0.0"', '2.0.0')).toBe(
      'export const VERSION = "2.0.0"',
    )
  })

  it('returns null when there is no VERSION constant', () => {
    expect(setVersionConstant('export const version = 1\n', '2.0.0')).toBeNull()
  })
})

describe('calver-version.mjs', () => {
  const made = []
  afterEach(() => {
    for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true })
  })

  /** Writes a tiny monorepo (files: path → text or JSON value) into a fresh temp dir. */
  function fakeRepo(files) {
    const dir = mkdtempSync(join(tmpdir(), 'brisk-calver-'))
    made.push(dir)
    const all = {
      'package.json': { name: 'fake-monorepo', private: true },
      'pnpm-workspace.yaml': 'packages:\n  - packages/*\n',
      '.changeset/config.json': {
        changelog: '@changesets/cli/changelog',
        commit: false,
        fixed: [],
        linked: [],
        access: 'public',
        baseBranch: 'main',
        updateInternalDependencies: 'patch',
        ignore: [],
      },
      '.changeset/README.md': '# Changesets\n',
      ...files,
    }
    for (const [path, content] of Object.entries(all)) {
      mkdirSync(dirname(join(dir, path)), { recursive: true })
      const text = typeof content === 'string' ? content : `${JSON.stringify(content, null, 2)}\n`
      writeFileSync(join(dir, path), text)
    }
    return dir
  }

  function run(dir, date) {
    const result = spawnSync(process.execPath, [script], {
      cwd: dir,
      env: { ...process.env, CALVER_DATE: date },
      encoding: 'utf8',
    })
    if (result.status !== 0) throw new Error(`calver-version failed:\n${result.stdout}\n${result.stderr}`)
    return result.stdout
  }

  const read = (dir, path) => readFileSync(join(dir, path), 'utf8')
  const readJSON = (dir, path) => JSON.parse(read(dir, path))

  const twoPackages = (coreVersion, corsRange) => ({
    'packages/core/package.json': { name: '@brisk/core', version: coreVersion },
    'packages/core/src/version.ts': `/** The version. */\nexport const VERSION = '${coreVersion}'\n`,
    'packages/cors/package.json': {
      name: '@brisk/cors',
      version: '26.10.0',
      peerDependencies: { '@brisk/core': corsRange },
      devDependencies: { '@brisk/core': 'workspace:*' },
    },
  })

  it('releases a new month: versions, changelogs, dependency ranges and VERSION follow', () => {
    const dir = fakeRepo({
      ...twoPackages('26.10.3', '^26.10.3'),
      '.changeset/brave-lions-sing.md': '---\n"@brisk/core": minor\n---\n\nAdd app.static\n',
    })
    const out = run(dir, '2026-12-05')

    expect(readJSON(dir, 'packages/core/package.json').version).toBe('26.12.0')
    expect(read(dir, 'packages/core/src/version.ts')).toContain("export const VERSION = '26.12.0'")
    const core = read(dir, 'packages/core/CHANGELOG.md')
    expect(core).toMatch(/^# @brisk\/core\n\n## 26\.12\.0\n\n### Minor Changes\n\n- Add app\.static/)
    expect(core).not.toContain('26.11.0') // the semver minor changesets computed

    // A minor release of a peer dependency makes Changesets release the dependent too (as a semver major).
    const cors = readJSON(dir, 'packages/cors/package.json')
    expect(cors.version).toBe('26.12.0')
    expect(cors.peerDependencies['@brisk/core']).toBe('^26.12.0')
    expect(cors.devDependencies['@brisk/core']).toBe('workspace:*')
    const corsLog = read(dir, 'packages/cors/CHANGELOG.md')
    expect(corsLog).toMatch(/^# @brisk\/cors\n\n## 26\.12\.0\n/)
    expect(corsLog).toContain('@brisk/core@26.12.0')
    expect(corsLog).not.toContain('27.0.0')

    expect(existsSync(join(dir, '.changeset/brave-lions-sing.md'))).toBe(false)
    expect(existsSync(join(dir, '.changeset/README.md'))).toBe(true)
    expect(out).toContain('@brisk/core 26.10.3 → 26.12.0')
  })

  it('releases a patch in the same month and moves a range that named the old version', () => {
    const dir = fakeRepo({
      ...twoPackages('26.12.0', '>=26.12.0'),
      '.changeset/calm-owls-nap.md': "---\n'@brisk/core': patch\n---\n\nFix a header\n",
    })
    const out = run(dir, '2026-12-20')

    expect(readJSON(dir, 'packages/core/package.json').version).toBe('26.12.1')
    expect(read(dir, 'packages/core/CHANGELOG.md')).toMatch(
      /## 26\.12\.1\n\n### Patch Changes\n\n- Fix a header/,
    )
    const cors = readJSON(dir, 'packages/cors/package.json')
    expect(cors.version).toBe('26.10.0') // in range: not released
    expect(cors.peerDependencies['@brisk/core']).toBe('>=26.12.1')
    expect(existsSync(join(dir, 'packages/cors/CHANGELOG.md'))).toBe(false)
    expect(out).toContain('@brisk/cors (not released)')
  })

  it('does nothing without pending changesets', () => {
    const dir = fakeRepo(twoPackages('26.12.0', '^26.12.0'))
    expect(run(dir, '2026-12-20')).toContain('nothing to release')
    expect(readJSON(dir, 'packages/core/package.json').version).toBe('26.12.0')
  })

  it('fails before changing anything when the date is before the current version', () => {
    const dir = fakeRepo({
      ...twoPackages('26.12.0', '^26.12.0'),
      '.changeset/calm-owls-nap.md': '---\n"@brisk/core": patch\n---\n\nFix\n',
    })
    expect(() => run(dir, '2026-11-20')).toThrow(/never go back/)
    expect(readJSON(dir, 'packages/core/package.json').version).toBe('26.12.0')
    expect(existsSync(join(dir, '.changeset/calm-owls-nap.md'))).toBe(true)
  })
})
