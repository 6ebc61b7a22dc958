#!/usr/bin/env node
/**
 * `pnpm version-packages`: Changesets with calendar versions (`YY.M.PATCH`).
 *
 * Changesets only knows semver bumps, so this lets `changeset version` do what it is good at (deciding which
 * packages are released, dependents included, and writing CHANGELOG.md) and then replaces each semver
 * version it wrote with the next calendar version of the version the package had before: the same month
 * gives the next patch, a new month `YY.M.0`. Dependency ranges, the changelog heading and `src/version.ts`
 * follow. Run it from the repository root; `CALVER_DATE=YYYY-MM-DD` stands in for today (UTC).
 */
import { spawnSync } from 'node:child_process'
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { dirname, join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import {
  fixChangelog,
  nextCalver,
  parseChangeset,
  releaseDate,
  retarget,
  setVersionConstant,
} from './calver.mjs'

// Where a range that still names the old version is moved along (the brief of the release process).
const RUNTIME_FIELDS = ['dependencies', 'peerDependencies', 'optionalDependencies']
// Where `changeset version` itself may have written a semver range that must become the calendar version.
const ALL_FIELDS = [...RUNTIME_FIELDS, 'devDependencies']

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

  const named = pendingReleases(changesetDir)
  if (named.size === 0) {
    console.log('calver: no pending changesets, nothing to release (add one with `pnpm changeset`)')
    return
  }

  const before = new Map(workspacePackages().map((pkg) => [pkg.json.name, pkg]))
  for (const name of named) {
    const pkg = before.get(name)
    if (pkg === undefined) throw new Error(`a changeset releases "${name}", which is not a workspace package`)
    nextCalver(pkg.json.version, date) // fail before anything is written when a version cannot move on
    checkVersionModule(pkg)
  }

  runChangesetVersion()

  const after = workspacePackages()
  /** @type {Map<string, {before: string, semver: string, calver: string}>} */
  const released = new Map()
  for (const pkg of after) {
    const old = before.get(pkg.json.name)
    if (old === undefined || old.json.version === pkg.json.version) continue
    released.set(pkg.json.name, {
      before: old.json.version,
      semver: pkg.json.version,
      calver: nextCalver(old.json.version, date),
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

/** Every package of the workspace (pnpm-workspace.yaml), with its parsed package.json. */
function workspacePackages() {
  const dirs = new Set()
  const excluded = new Set()
  for (const pattern of workspacePatterns()) {
    const negated = pattern.startsWith('!')
    for (const dir of expand(negated ? pattern.slice(1) : pattern)) (negated ? excluded : dirs).add(dir)
  }
  const packages = []
  for (const dir of [...dirs].sort()) {
    if (excluded.has(dir)) continue
    const path = join(dir, 'package.json')
    const text = readFileSync(path, 'utf8')
    const json = JSON.parse(text)
    if (typeof json.name !== 'string') continue
    packages.push({ dir, path, json, indent: /^\{\r?\n([ \t]+)"/.exec(text)?.[1] ?? '  ' })
  }
  return packages
}

/** The `packages:` list of pnpm-workspace.yaml (the only key this script needs, so no YAML parser). */
function workspacePatterns() {
  const file = join(root, 'pnpm-workspace.yaml')
  if (!existsSync(file)) throw new Error(`no pnpm-workspace.yaml in ${root}`)
  const patterns = []
  let inside = false
  for (const raw of readFileSync(file, 'utf8').split(/\r?\n/)) {
    const line = raw.replace(/\s+#.*$/, '')
    if (/^\S/.test(line)) {
      inside = /^packages\s*:\s*$/.test(line)
      continue
    }
    const item = inside ? /^\s+-\s+(['"]?)(.+?)\1\s*$/.exec(line) : null
    if (item !== null) patterns.push(item[2].replace(/\/+$/, ''))
  }
  return patterns
}

/** Directories with a package.json that match `dir`, `dir/*` or `dir/**`. */
function expand(pattern) {
  const isPackage = (dir) => existsSync(join(dir, 'package.json'))
  const subdirs = (dir) =>
    existsSync(dir)
      ? readdirSync(dir)
          .filter((entry) => entry !== 'node_modules' && !entry.startsWith('.'))
          .map((entry) => join(dir, entry))
          .filter((path) => statSync(path).isDirectory())
      : []
  if (pattern.endsWith('/**')) {
    const found = []
    const walk = (dir) => {
      for (const sub of subdirs(dir)) {
        if (isPackage(sub)) found.push(sub)
        walk(sub)
      }
    }
    walk(join(root, pattern.slice(0, -3)))
    return found
  }
  if (pattern.endsWith('/*')) return subdirs(join(root, pattern.slice(0, -2))).filter(isPackage)
  if (/[*?[\]{}]/.test(pattern))
    throw new Error(`pnpm-workspace.yaml: the pattern "${pattern}" is not supported here`)
  const dir = join(root, pattern)
  return isPackage(dir) ? [dir] : []
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
 * Moves ranges on released packages to their calendar versions: ranges `changeset version` rewrote (to its
 * semver), in any dependency field, `workspace:` ones included; and explicit ranges that still name the old
 * version, in runtime dependency fields. `workspace:*`, `workspace:^` and unrelated ranges are left alone.
 */
function retargetRanges(pkg, old, released) {
  const changes = []
  let touched = false
  for (const field of ALL_FIELDS) {
    const deps = pkg.json[field]
    if (deps === undefined || deps === null) continue
    for (const [name, release] of released) {
      const range = deps[name]
      if (typeof range !== 'string') continue
      const previous = old?.json[field]?.[name]
      let next = range
      if (previous !== undefined && previous !== range) {
        const workspace = range.startsWith('workspace:') ? 'workspace:' : ''
        next = workspace + retarget(range.slice(workspace.length), release.semver, release.calver)
      } else if (RUNTIME_FIELDS.includes(field) && !range.startsWith('workspace:')) {
        next = retarget(range, release.before, release.calver)
      }
      if (next !== range) {
        deps[name] = next
        touched = true
      }
      if (next !== (previous ?? range)) changes.push(`${field}.${name}: ${previous ?? range} → ${next}`)
    }
  }
  return { changes, touched }
}

function writeJSON(pkg) {
  writeFileSync(pkg.path, `${JSON.stringify(pkg.json, null, pkg.indent)}\n`)
}
