import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { errorCodesInSource, readErrorTable } from '../src/vitest'

const root = mkdtempSync(join(tmpdir(), 'brisk-errors-doc-'))
mkdirSync(join(root, 'src', 'deep'), { recursive: true })
writeFileSync(join(root, 'src', 'a.ts'), `throw new E('BRISK_ERR_ONE'); const x = "BRISK_CORS_ERR_TWO"`)
writeFileSync(join(root, 'src', 'deep', 'b.ts'), 'const y = `BRISK_ERR_THREE`; // BRISK_ERR_UNQUOTED')
writeFileSync(join(root, 'src', 'c.md'), "'BRISK_ERR_NOT_TS'")
writeFileSync(
  join(root, 'README.md'),
  [
    '# pkg',
    '',
    '## Errors',
    '',
    '| code | status | when |',
    '|---|---|---|',
    '| `BRISK_ERR_ONE` | 400 | bad |',
    '',
    '## Next',
    '| x |',
  ].join('\n'),
)
afterAll(() => rmSync(root, { recursive: true, force: true }))

describe('errorCodesInSource()', () => {
  it('finds quoted codes in .ts files at any depth, and nothing else', () => {
    expect([...errorCodesInSource(join(root, 'src'))].sort()).toEqual([
      'BRISK_CORS_ERR_TWO',
      'BRISK_ERR_ONE',
      'BRISK_ERR_THREE',
    ])
  })
})

describe('readErrorTable()', () => {
  it('reads the header and rows of the table under the heading, stopping at the next heading', () => {
    expect(readErrorTable(join(root, 'README.md'))).toEqual({
      header: ['code', 'status', 'when'],
      rows: [['`BRISK_ERR_ONE`', '400', 'bad']],
    })
  })

  it('says so when the heading is missing', () => {
    expect(() => readErrorTable(join(root, 'README.md'), 'Failures')).toThrow(/no "## Failures" section/)
  })
})
