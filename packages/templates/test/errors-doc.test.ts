import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const root = fileURLToPath(new URL('..', import.meta.url))
const CODE = /['"`](BRISK_ERR_[A-Z_]+)['"`]/g

/** Every `.ts` file under `dir`, recursively. */
function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) return sourceFiles(path)
    return entry.name.endsWith('.ts') ? [path] : []
  })
}

/** The codes written as string literals anywhere in src/. */
function codesInSource(): Set<string> {
  const codes = new Set<string>()
  for (const file of sourceFiles(join(root, 'src'))) {
    for (const match of readFileSync(file, 'utf8').matchAll(CODE)) codes.add(match[1]!)
  }
  return codes
}

/** The rows of the table under `## Errors` in the README, as arrays of trimmed cells. */
function errorTable(): { header: string[]; rows: string[][] } {
  const readme = readFileSync(join(root, 'README.md'), 'utf8')
  const start = readme.search(/^## Errors\s*$/m)
  if (start === -1) throw new Error('README.md has no "## Errors" section')
  const rest = readme.slice(start).split('\n').slice(1)
  const end = rest.findIndex((line) => /^##? /.test(line))
  const lines = (end === -1 ? rest : rest.slice(0, end)).filter((line) => line.trim().startsWith('|'))
  const cells = lines.map((line) =>
    line
      .trim()
      .replace(/^\||\|$/g, '')
      .split('|')
      .map((cell) => cell.trim()),
  )
  const [header = [], , ...rows] = cells
  return { header, rows }
}

describe('the errors table in README.md', () => {
  it('has the columns code, status, when', () => {
    expect(errorTable().header).toEqual(['code', 'status', 'when'])
  })

  it('fills every cell and lists each code once', () => {
    const { rows } = errorTable()
    expect(rows.length).toBeGreaterThan(0)
    for (const row of rows) {
      expect(row, `row ${row.join(' | ')}`).toHaveLength(3)
      for (const cell of row) expect(cell, `row ${row.join(' | ')}`).not.toBe('')
      expect(row[0]).toMatch(/^`BRISK_ERR_[A-Z_]+`$/)
    }
    const codes = rows.map((row) => row[0])
    expect(codes.filter((code, i) => codes.indexOf(code) !== i)).toEqual([])
  })

  it('lists every error code used in src, and no other', () => {
    const documented = new Set(errorTable().rows.map((row) => row[0]!.replaceAll('`', '')))
    const used = codesInSource()
    expect(used.size).toBeGreaterThan(0)
    const undocumented = [...used].filter((code) => !documented.has(code)).sort()
    const unused = [...documented].filter((code) => !used.has(code)).sort()
    expect(undocumented, 'codes used in src/ but missing from the README table').toEqual([])
    expect(unused, 'codes in the README table that src/ no longer uses').toEqual([])
  })
})
