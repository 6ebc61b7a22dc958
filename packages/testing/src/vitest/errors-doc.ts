/**
 * The check that keeps a package's README errors table and its source in step: every error code the source
 * uses is listed once, with a status and a description, and the table lists no code the source dropped.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'

/** Options of {@link describeErrorTable}. */
export interface ErrorTableOptions {
  /** How a code appears in the source, with the code as the first group. @default quoted `BRISK_…ERR_…` strings */
  pattern?: RegExp
  /** The README heading of the table. @default 'Errors' */
  heading?: string
  /** The table's columns. @default ['code', 'status', 'when'] */
  columns?: readonly string[]
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) return sourceFiles(path)
    return entry.name.endsWith('.ts') ? [path] : []
  })
}

/**
 * The codes written as string literals in the `.ts` files under `dir`.
 *
 * @example
 * errorCodesInSource('packages/cors/src') // Set { 'BRISK_CORS_ERR_OPTIONS', … }
 */
export function errorCodesInSource(
  dir: string,
  pattern = /['"`](BRISK_[A-Z_]*ERR_[A-Z_]+)['"`]/g,
): Set<string> {
  const codes = new Set<string>()
  for (const file of sourceFiles(dir)) {
    for (const match of readFileSync(file, 'utf8').matchAll(new RegExp(pattern.source, 'g')))
      codes.add(match[1]!)
  }
  return codes
}

/**
 * The header and rows of the first table under `## <heading>` in a Markdown file, as trimmed cells.
 *
 * @example
 * readErrorTable('README.md').rows[0] // ['`BRISK_ERR_…`', '404', 'when …']
 */
export function readErrorTable(readme: string, heading = 'Errors'): { header: string[]; rows: string[][] } {
  const text = readFileSync(readme, 'utf8')
  const start = text.search(new RegExp(`^## ${heading}\\s*$`, 'm'))
  if (start === -1) throw new Error(`${readme} has no "## ${heading}" section`)
  const rest = text.slice(start).split('\n').slice(1)
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

/**
 * Declares the tests that a package's README errors table matches the codes its `src/` uses.
 *
 * @example
 * describeErrorTable(fileURLToPath(new URL('..', import.meta.url)))
 */
export function describeErrorTable(packageRoot: string, options: ErrorTableOptions = {}): void {
  const readme = join(packageRoot, 'README.md')
  const columns = options.columns ?? ['code', 'status', 'when']
  const table = () => readErrorTable(readme, options.heading)
  describe('the errors table in README.md', () => {
    it(`has the columns ${columns.join(', ')}`, () => {
      expect(table().header).toEqual([...columns])
    })

    it('fills every cell and lists each code once', () => {
      const { rows } = table()
      expect(rows.length).toBeGreaterThan(0)
      for (const row of rows) {
        expect(row, `row ${row.join(' | ')}`).toHaveLength(columns.length)
        for (const cell of row) expect(cell, `row ${row.join(' | ')}`).not.toBe('')
        expect(row[0]).toMatch(/^`[A-Z_]+`$/)
      }
      const codes = rows.map((row) => row[0])
      expect(codes.filter((code, i) => codes.indexOf(code) !== i)).toEqual([])
    })

    it('lists every error code used in src, and no other', () => {
      const documented = new Set(table().rows.map((row) => row[0]!.replaceAll('`', '')))
      const used = errorCodesInSource(join(packageRoot, 'src'), options.pattern)
      expect(used.size).toBeGreaterThan(0)
      const undocumented = [...used].filter((code) => !documented.has(code)).sort()
      const unused = [...documented].filter((code) => !used.has(code)).sort()
      expect(undocumented, 'codes used in src/ but missing from the README table').toEqual([])
      expect(unused, 'codes in the README table that src/ no longer uses').toEqual([])
    })
  })
}
