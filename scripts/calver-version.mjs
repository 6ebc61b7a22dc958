#!/usr/bin/env node
/**
 * `pnpm version-packages`: Changesets with calendar versions (`YY.M.PATCH`).
 *
 * Changesets only knows semver bumps, so this lets `changeset version` do what it is good at (deciding which
 * packages are released, dependents included, and writing CHANGELOG.md) and then replaces each semver
 * version it wrote with the next calendar version of the version the package had before: the same month
 * gives the next patch, a new month `YY.M.0`. Dependency ranges, the changelog heading and `src/version.ts`
 * follow. Run it from the repository root; `CALVER_DATE=YYYY-MM-DD` stands in for today (UTC). On a
 * long-term-support branch (`lts/26.12`, or `CALVER_LINE=26.12`) every release stays on that line.
 *
 * Ranges between Brisk packages follow RELEASING.md ("Version ranges"): floors (`>=26.11.0`), checked before
 * anything is written. A floor stays satisfied by every later release, so Changesets never has to release
 * a dependant just because a dependency moved; a released package's floors on the packages released with
 * it rise to their new versions.
 */
import { spawnSync } from 'node:child_process'
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import {
  fixChangelog,
  nextCalver,
  parseChangeset,
  releaseDate,
  releaseLine,
  retarget,
  setVersionConstant,
} from './calver.mjs'
import { isFloor, rangeProblems } from './package-rules.mjs'
import { workspacePackages } from './workspace.mjs'

// Where `changeset version` itself may have written a semver range that must become the calendar version.
const ALL_FIELDS = ['dependencies', 'peerDependencies', 'optionalDependencies', 'devDependencies']

const root = process.cwd()
const here = dirname(fileURLToPath(import.meta.url))

try {
  main()
} catch (error) {
  console.error(`calver: ${error instanceof Error ? error.message : String(error)}`)
  process.exit(1)
}

function main() {
  const changesetDir = join(root, '.changeset')
  if (!existsSync(join(changesetDir, 'config.json'))) {
    throw new Error(`no .changeset/config.json in ${root}; run this from the repository root`)
  }
  if (existsSync(join(changesetDir, 'pre.json'))) {
    throw new Error('Changesets pre mode is on (.changeset/pre.json); calendar versions have no pre-releases')
  }
  const date = releaseDate(process.env.CALVER_DATE)
  const line = releaseLine(process.env.CALVER_LINE, currentBranch())

  const named = pendingReleases(changesetDir)
  if (named.size === 0) {
    console.log('calver: no pending changesets, nothing to release (add one with `pnpm changeset`)')
    return
  }

  const before = new Map(workspacePackages(root).map((pkg) => [pkg.json.name, pkg]))
  const broken = []
  for (const pkg of before.values()) {
    if (pkg.json.private !== true)
      for (const problem of rangeProblems(pkg.json)) broken.push(`${pkg.json.name}: ${problem}`)
  }
  if (broken.length > 0) throw new Error(`ranges that RELEASING.md does not allow:\n  ${broken.join('\n  ')}`)
  for (const name of named) {
    const pkg = before.get(name)
    if (pkg === undefined) throw new Error(`a changeset releases "${name}", which is not a workspace package`)
    nextCalver(pkg.json.version, date, line) // fail before anything is written when a version cannot move on
    checkVersionModule(pkg)
  }
  if (line !== undefined) console.log(`calver: releasing on the ${line} line (long-term support)`)

  runChangesetVersion()

  const after = workspacePackages(root)
  /** @type {Map<string, {before: string, semver: string, calver: string}>} */
  const released = new Map()
  for (const pkg of after) {
    const old = before.get(pkg.json.name)
    if (old === undefined || old.json.version === pkg.json.version) continue
    released.set(pkg.json.name, {
      before: old.json.version,
      semver: pkg.json.version,
      calver: nextCalver(old.json.version, date, line),
    })
  }
  for (const name of named) {
    if (!released.has(name))
      console.warn(`calver: ${name} has a changeset but changeset version did not bump it`)
  }

  for (const pkg of after) {
    const release = released.get(pkg.json.name)
    const { changes, touched } = retargetRanges(pkg, before.get(pkg.json.name), released)
    if (release !== undefined) pkg.json.version = release.calver
    if (release !== undefined || touched) writeJSON(pkg)
    if (release === undefined) {
      for (const change of changes) console.log(`calver: ${pkg.json.name} (not released): ${change}`)
      continue
    }
    console.log(`calver: ${pkg.json.name} ${release.before} → ${release.calver}`)
    for (const change of changes) console.log(`        ${change}`)
    const changelog = join(pkg.dir, 'CHANGELOG.md')
    if (existsSync(changelog)) {
      writeFileSync(
        changelog,
        fixChangelog(readFileSync(changelog, 'utf8'), release.semver, release.calver, released),
      )
    }
    const module = join(pkg.dir, 'src', 'version.ts')
    if (existsSync(module)) {
      const next = setVersionConstant(readFileSync(module, 'utf8'), release.calver)
      if (next === null)
        console.warn(`calver: ${relative(root, module)} has no \`export const VERSION = '…'\` to update`)
      else writeFileSync(module, next)
    }
  }
  remindOfTheLtsLine(date, line)
}

/**
 * The December release starts the long-term-support line `YY.12` (RELEASING.md): every published package
 * needs a `YY.12.*` version before the year ends, so say which ones do not have one yet.
 */
function remindOfTheLtsLine(date, line) {
  if (line !== undefined || date.getUTCMonth() !== 11) return
  const year = date.getUTCFullYear() % 100
  const missing = workspacePackages(root)
    .filter((pkg) => pkg.json.private !== true && !pkg.json.version.startsWith(`${year}.12.`))
    .map((pkg) => `${pkg.json.name}@${pkg.json.version}`)
  if (missing.length > 0) {
    console.log(
      `calver: ${year}.12 is the long-term-support line; not on it yet: ${missing.join(', ')} (release them in December, a patch changeset each)`,
    )
  }
}

/** The packages the pending changesets release (bump `none` does not count). */
function pendingReleases(changesetDir) {
  const names = new Set()
  for (const file of readdirSync(changesetDir).sort()) {
    if (!file.endsWith('.md') || file === 'README.md') continue
    let releases
    try {
      releases = parseChangeset(readFileSync(join(changesetDir, file), 'utf8'))
    } catch (error) {
      throw new Error(`.changeset/${file}: ${error.message}`)
    }
    for (const [name, type] of releases) if (type !== 'none') names.add(name)
  }
  return names
}

/** A released package's `src/version.ts` must have the line this script rewrites; check before writing. */
function checkVersionModule(pkg) {
  const module = join(pkg.dir, 'src', 'version.ts')
  if (existsSync(module) && setVersionConstant(readFileSync(module, 'utf8'), '0.0.0') === null) {
    throw new Error(
      `${relative(root, module)} must contain \`export const VERSION = '…'\` (it is kept equal to package.json)`,
    )
  }
}

function runChangesetVersion() {
  const bin = process.platform === 'win32' ? 'changeset.cmd' : 'changeset'
  // The repository's own install first; else the one beside this script (tests run it in a copied repo).
  const candidates = [join(root, 'node_modules', '.bin', bin), join(here, '..', 'node_modules', '.bin', bin)]
  const found = candidates.find((path) => existsSync(path))
  if (found === undefined) throw new Error('@changesets/cli is not installed (run pnpm install)')
  const result = spawnSync(found, ['version'], {
    cwd: root,
    stdio: 'inherit',
    shell: process.platform === 'win32',
  })
  if (result.error) throw result.error
  if (result.status !== 0) throw new Error(`changeset version failed (exit code ${result.status})`)
}

/**
 * The ranges of `pkg` on released packages after this release (RELEASING.md, "Version ranges"). A range
 * `changeset version` rewrote (to its semver) moves onto the calendar version. When `pkg` is released
 * itself, its floors on packages released with it rise to their new versions: it may use what they
 * bring. A package that is not released keeps its floors (they still hold), so it is not touched.
 */
function retargetRanges(pkg, old, released) {
  const changes = []
  let touched = false
  const isReleased = released.has(pkg.json.name)
  for (const field of ALL_FIELDS) {
    const deps = pkg.json[field]
    if (deps === undefined || deps === null) continue
    for (const [name, release] of released) {
      const range = deps[name]
      const previous = old?.json[field]?.[name]
      if (typeof range !== 'string' || previous === undefined) continue
      const workspace = range.startsWith('workspace:') ? 'workspace:' : ''
      const bare = range.slice(workspace.length)
      let next = range
      // Changesets may move a floor of a package it does not release (workspace: ranges); floors move
      // only with a release, so it goes back.
      if (previous !== range && !isReleased && isFloor(previous.replace(/^workspace:/, ''))) next = previous
      else if (previous !== range) next = workspace + retarget(bare, release.semver, release.calver)
      else if (isReleased && field !== 'devDependencies' && isFloor(bare))
        next = `${workspace}>=${release.calver}`
      if (next !== range) {
        deps[name] = next
        touched = true
      }
      if (next === previous) continue
      changes.push(`${field}.${name}: ${previous} → ${next}`)
      if (field === 'peerDependencies' && name === '@brisk/core') {
        // The source still says what package.json said before the release.
        changes.push(
          ...raiseDeclaredCore(pkg.dir, previous.replace(/^workspace:/, ''), next.replace(/^workspace:/, '')),
        )
      }
    }
  }
  return { changes, touched }
}

/**
 * A plugin checks its `core` range at registration (`definePlugin({ core: '>=26.11.0' })`), and that range
 * is its peer range on @brisk/core (check:package compares them): move it in `src/` with the peer range.
 */
function raiseDeclaredCore(dir, from, to) {
  const changes = []
  const declaration = new RegExp(`(\\bcore:\\s*)(['"])${escapeRegExp(from)}\\2`, 'g')
  for (const file of sourceFiles(join(dir, 'src'))) {
    const text = readFileSync(file, 'utf8')
    const next = text.replace(declaration, (_, head, quote) => `${head}${quote}${to}${quote}`)
    if (next === text) continue
    writeFileSync(file, next)
    changes.push(`${relative(root, file)}: core: '${from}' → '${to}'`)
  }
  return changes
}

function sourceFiles(dir) {
  if (!existsSync(dir)) return []
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) return sourceFiles(path)
    return /\.[cm]?tsx?$|\.[cm]?js$/.test(entry.name) ? [path] : []
  })
}

function escapeRegExp(text) {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}

/** The git branch, to find a long-term-support line (`lts/26.12`); empty outside git or detached. */
function currentBranch() {
  const result = spawnSync('git', ['branch', '--show-current'], { cwd: root, encoding: 'utf8' })
  return result.status === 0 ? result.stdout.trim() : ''
}

function writeJSON(pkg) {
  writeFileSync(pkg.path, `${JSON.stringify(pkg.json, null, pkg.indent)}\n`)
}
