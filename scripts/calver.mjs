/**
 * Calendar versions (`YY.M.PATCH`): the pure part of the release tooling, kept apart from the file system so
 * it can be tested on its own. `calver-version.mjs` does the reading and writing.
 */

const VERSION = /^(\d+)\.(\d+)\.(\d+)$/
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/

/**
 * The calendar version that follows `current` on `date`: the next patch within the same year and month,
 * else `YY.M.0` of the date. Refuses to go backwards (a date before the current version's month), because a
 * registry never accepts a lower version and a wrong clock or `CALVER_DATE` is the likely cause. On a
 * long-term-support branch, `line` (`26.12`) keeps every release in that line whatever the date: the next
 * patch of `26.12.x`.
 *
 * @param {string} current the version before the release, e.g. `26.11.0`
 * @param {Date} date the day of the release (its UTC year and month count)
 * @param {string} [line] the `YY.M` line a long-term-support branch stays on
 * @returns {string}
 * @example
 * nextCalver('26.11.0', new Date('2026-11-20')) // '26.11.1'
 * nextCalver('26.11.4', new Date('2026-12-01')) // '26.12.0'
 * nextCalver('26.12.3', new Date('2027-01-15')) // '27.1.0'
 * nextCalver('26.12.3', new Date('2027-03-02'), '26.12') // '26.12.4'
 */
export function nextCalver(current, date, line) {
  const match = VERSION.exec(String(current))
  if (match === null) {
    throw new Error(
      `nextCalver(): "${current}" is not a plain X.Y.Z version (pre-releases are not supported)`,
    )
  }
  if (!(date instanceof Date) || Number.isNaN(date.getTime()))
    throw new Error('nextCalver(): expected a valid Date')
  const year = date.getUTCFullYear() % 100
  const month = date.getUTCMonth() + 1
  const [, y, m, patch] = match.map(Number)
  if (line !== undefined) {
    if (`${y}.${m}` !== line) {
      throw new Error(
        `nextCalver(): ${current} is not on the ${line} line; only packages of that line are released from its branch`,
      )
    }
    return `${y}.${m}.${patch + 1}`
  }
  if (y === year && m === month) return `${year}.${month}.${patch + 1}`
  if (y > year || (y === year && m > month)) {
    throw new Error(
      `nextCalver(): ${current} is newer than ${year}.${month}; check the clock or CALVER_DATE (versions never go back)`,
    )
  }
  return `${year}.${month}.0`
}

/**
 * The release date: `CALVER_DATE` (`YYYY-MM-DD`, for tests and for re-running a release) or today, in UTC.
 *
 * @param {string | undefined} value the `CALVER_DATE` environment variable
 * @param {Date} [now] today
 * @returns {Date}
 * @example
 * releaseDate('2026-12-01').getUTCMonth() // 11
 * releaseDate(undefined) // today
 */
export function releaseDate(value, now = new Date()) {
  if (value === undefined || value === '') return now
  const match = DATE.exec(value)
  const date =
    match === null ? null : new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])))
  // Date.UTC rolls 2026-02-31 over into March; a round trip catches that.
  if (date === null || date.toISOString().slice(0, 10) !== value) {
    throw new Error(`CALVER_DATE must be a real date written YYYY-MM-DD, got "${value}"`)
  }
  return date
}

/**
 * The `YY.M` line a release stays on: `CALVER_LINE` when set, else the line a long-term-support branch is
 * named after (`lts/26.12`), else none (releases follow the calendar).
 *
 * @param {string | undefined} value the `CALVER_LINE` environment variable
 * @param {string} [branch] the current git branch
 * @returns {string | undefined}
 * @example
 * releaseLine(undefined, 'lts/26.12') // '26.12'
 * releaseLine(undefined, 'main') // undefined
 */
export function releaseLine(value, branch = '') {
  const line = value === undefined || value === '' ? /^lts\/(\d+\.\d+)$/.exec(branch)?.[1] : value
  if (line === undefined) return undefined
  if (!/^\d+\.(?:[1-9]|1[0-2])$/.test(line))
    throw new Error(`CALVER_LINE must look like 26.12, got "${line}"`)
  return line
}

/**
 * The package names a changeset releases, from its front matter (`"@brisk/core": patch`). Bump types are
 * returned as written; `none` means "mentioned but not released".
 *
 * @param {string} text the changeset file
 * @returns {Map<string, string>} package name → bump type
 * @example
 * parseChangeset('---\n"@brisk/core": minor\n---\n\nAdd app.static') // Map { '@brisk/core' => 'minor' }
 */
export function parseChangeset(text) {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/)
  const releases = new Map()
  if (lines[0]?.trim() !== '---') return releases
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i].trim()
    if (line === '---') return releases
    if (line === '' || line.startsWith('#')) continue
    const entry = /^(?:"([^"]+)"|'([^']+)'|([^\s:'"]+))\s*:\s*(major|minor|patch|none)\s*$/.exec(line)
    if (entry === null) throw new Error(`Unreadable changeset line: ${line}`)
    releases.set(entry[1] ?? entry[2] ?? entry[3], entry[4])
  }
  throw new Error('A changeset front matter is not closed with ---')
}

/**
 * Points a dependency range that named `from` at `to`, keeping its operator (`^`, `~`, `>=`, exact, …).
 * Anything else (another version, a compound range, `*`, `workspace:`) comes back unchanged.
 *
 * @param {string} range a dependency range from a package.json
 * @param {string} from the version it may point at
 * @param {string} to the version it should point at instead
 * @returns {string}
 * @example
 * retarget('^26.11.0', '26.11.0', '26.11.1') // '^26.11.1'
 * retarget('workspace:*', '26.11.0', '26.11.1') // 'workspace:*'
 */
export function retarget(range, from, to) {
  const match = /^(\^|~|>=|<=|>|<|=|v)?(\d+\.\d+\.\d+)$/.exec(range.trim())
  if (match === null || match[2] !== from) return range
  return `${match[1] ?? ''}${to}`
}

/**
 * Replaces the version heading that `changeset version` put at the top of a changelog (`## <semver>`) with the
 * calendar version, and the `name@<semver>` mentions of that release's own section ("Updated dependencies").
 *
 * @param {string} changelog the CHANGELOG.md text after `changeset version`
 * @param {string} semver the version changesets computed
 * @param {string} calver the calendar version
 * @param {Map<string, {semver: string, calver: string}>} [renamed] every released package, to fix mentions
 * @returns {string}
 * @example
 * fixChangelog('# @brisk/core\n\n## 26.12.0\n\n- Fix', '26.12.0', '26.11.1') // '# @brisk/core\n\n## 26.11.1\n\n- Fix'
 */
export function fixChangelog(changelog, semver, calver, renamed = new Map()) {
  const lines = changelog.split('\n')
  const top = lines.findIndex((line) => line.startsWith('## '))
  if (top === -1 || lines[top].trim() !== `## ${semver}`) {
    const found = top === -1 ? 'no "## " heading' : `"${lines[top].trim()}"`
    throw new Error(`Expected the changelog to start its releases with "## ${semver}", found ${found}`)
  }
  lines[top] = `## ${calver}`
  for (let i = top + 1; i < lines.length && !lines[i].startsWith('## '); i++) {
    for (const [name, version] of renamed) {
      const mention = new RegExp(`${escapeRegExp(`${name}@${version.semver}`)}(?![\\w-]|\\.\\d)`, 'g')
      lines[i] = lines[i].replace(mention, `${name}@${version.calver}`)
    }
  }
  return lines.join('\n')
}

function escapeRegExp(text) {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}

/**
 * Sets `export const VERSION = '…'` in a version module.
 *
 * @param {string} source the module's text
 * @param {string} version the new version
 * @returns {string | null} the new text, or null when the module has no such line
 * @example
 * setVersionConstant("export const VERSION = '26.11.0'\n", '26.11.1') // "export const VERSION = '26.11.1'\n"
 */
export function setVersionConstant(source, version) {
  const pattern = /^(export const VERSION\s*=\s*)(['"])[^'"]*\2/m
  if (!pattern.test(source)) return null
  return source.replace(pattern, (_, head, quote) => `${head}${quote}${version}${quote}`)
}
