#!/usr/bin/env node
/**
 * `pnpm release [--dry-run] [--all] [--skip-tests] [--plan] [--dist-tag <name>]`: publishes every package
 * whose version has no release tag yet (release-plan.mjs). In order: the plan; lint, typecheck, build,
 * test and check:package for those packages (turbo); `pnpm publish` of each (with `--dry-run`: packed and
 * shown, nothing sent); then, for a real publish, the tags `<name>@<version>`. The CI workflow
 * (.github/workflows/release.yml) is where real publishing happens: npm provenance needs its OIDC token.
 * Run it from the repository root.
 */
import { spawnSync } from 'node:child_process'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { parseChangeset } from './calver.mjs'
import { checkCommand, parseArgs, selectReleases } from './release-plan.mjs'
import { workspacePackages } from './workspace.mjs'

const root = process.cwd()

try {
  main()
} catch (error) {
  console.error(`release: ${error instanceof Error ? error.message : String(error)}`)
  process.exit(1)
}

function main() {
  const options = parseArgs(process.argv.slice(2))
  if (!existsSync(join(root, 'pnpm-workspace.yaml')))
    throw new Error(`run this from the repository root, not ${root}`)
  const selected = selectReleases(workspacePackages(root), gitTags(), options)

  if (options.plan) {
    const packages = selected.map((pkg) => ({ ...pkg, dir: relative(root, pkg.dir) }))
    console.log(JSON.stringify({ distTag: options.distTag, dryRun: options.dryRun, packages }, null, 2))
    return
  }
  if (selected.length === 0) {
    console.log(
      'release: every package version is already tagged: nothing to publish (--all checks them all)',
    )
    return
  }
  console.log(`release: ${options.dryRun ? 'dry run for' : 'publishing'} (dist-tag ${options.distTag}):`)
  for (const pkg of selected) console.log(`  ${pkg.name}@${pkg.version}  (${pkg.reason})`)
  // A pending changeset means the version commit has not been made: its changes would go out under the
  // old version number, without their changelog entry.
  const pending = pendingFor(selected)
  if (pending.length > 0) {
    const message = `pending changesets for ${pending.join(', ')}: run \`pnpm version-packages\` and commit first`
    if (!options.dryRun) throw new Error(message)
    console.warn(`release: warning: ${message}`)
  }

  run('pnpm', ['exec', ...checkCommand(selected, options)], root)

  const published = []
  for (const pkg of selected) {
    if (!options.dryRun && onRegistry(pkg)) {
      console.log(
        `release: ${pkg.name}@${pkg.version} is on the registry already (an earlier run): tagging only`,
      )
    } else {
      const args = ['publish', '--no-git-checks', '--tag', options.distTag]
      if (options.dryRun) args.push('--dry-run')
      run('pnpm', args, pkg.dir)
    }
    published.push(pkg)
  }
  if (options.dryRun) {
    console.log(
      `release: dry run done, ${published.length} package(s) packed; nothing was published or tagged`,
    )
    return
  }
  for (const pkg of published) run('git', ['tag', pkg.tag], root)
  console.log(`release: published and tagged ${published.map((pkg) => pkg.tag).join(', ')} (push the tags)`)
}

/** The selected packages that a changeset in .changeset/ still has to release. */
function pendingFor(selected) {
  const names = new Set(selected.map((pkg) => pkg.name))
  const found = new Set()
  const dir = join(root, '.changeset')
  for (const file of existsSync(dir) ? readdirSync(dir) : []) {
    if (!file.endsWith('.md') || file === 'README.md') continue
    for (const [name, type] of parseChangeset(readFileSync(join(dir, file), 'utf8'))) {
      if (type !== 'none' && names.has(name)) found.add(name)
    }
  }
  return [...found].sort()
}

/** Every tag of the repository (CI checks out with fetch-depth 0 so that all are there). */
function gitTags() {
  const result = spawnSync('git', ['tag', '--list'], { cwd: root, encoding: 'utf8' })
  if (result.status !== 0) throw new Error(`git tag --list failed: ${result.stderr || result.error?.message}`)
  return new Set(result.stdout.split('\n').filter(Boolean))
}

/** A real publish asks the registry first, so that a re-run after a partial failure skips what was sent. */
function onRegistry(pkg) {
  const result = spawnSync('npm', ['view', `${pkg.name}@${pkg.version}`, 'version'], { encoding: 'utf8' })
  return result.status === 0 && result.stdout.trim() === pkg.version
}

function run(command, args, cwd) {
  console.log(`$ ${command} ${args.join(' ')}${cwd === root ? '' : `  (in ${relative(root, cwd)})`}`)
  const result = spawnSync(command, args, { cwd, stdio: 'inherit' })
  if (result.error) throw result.error
  if (result.status !== 0) throw new Error(`${command} ${args[0]} failed (exit code ${result.status})`)
}
