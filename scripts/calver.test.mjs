import { describe, expect, it } from 'vitest'
import {
  fixChangelog,
  nextCalver,
  parseChangeset,
  releaseDate,
  releaseLine,
  retarget,
  setVersionConstant,
} from './calver.mjs'

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

  it('stays on a long-term-support line whatever the date', () => {
    expect(nextCalver('26.12.3', day('2027-03-02'), '26.12')).toBe('26.12.4')
    expect(nextCalver('26.12.0', day('2026-12-31'), '26.12')).toBe('26.12.1')
    expect(() => nextCalver('27.1.0', day('2027-03-02'), '26.12')).toThrow(/not on the 26\.12 line/)
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

describe('releaseLine()', () => {
  it('is the line of a long-term-support branch', () => {
    expect(releaseLine(undefined, 'lts/26.12')).toBe('26.12')
    expect(releaseLine('', 'lts/27.12')).toBe('27.12')
  })

  it('is CALVER_LINE when set, whatever the branch', () => {
    expect(releaseLine('26.12', 'main')).toBe('26.12')
  })

  it('is none on other branches', () => {
    expect(releaseLine(undefined, 'main')).toBeUndefined()
    expect(releaseLine(undefined, 'lts/next')).toBeUndefined()
    expect(releaseLine(undefined, '')).toBeUndefined()
  })

  it('rejects a line that is not YY.M', () => {
    expect(() => releaseLine('26.13', 'main')).toThrow(/CALVER_LINE/)
    expect(() => releaseLine('26', 'main')).toThrow(/26\.12/)
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
