/**
 * What `pnpm release` publishes, decided without the network: the pure part of `release.mjs`.
 *
 * A package is released at most once per version, and every publish leaves a git tag `<name>@<version>`
 * (the tag `changeset publish` would write). So "not yet published" is "no such tag": a package whose
 * version has no tag is selected, whatever the registry says. The registry is only asked in a real
 * publish, to skip a version that a failed run already sent (see release.mjs).
 */

/** The options of `pnpm release`; see RELEASING.md. */
const FLAGS = new Set(['--dry-run', '--all', '--skip-tests', '--plan'])

/**
 * Reads the command line of `pnpm release`.
 *
 * @param {string[]} argv the arguments after the script's name
 * @returns {{ dryRun: boolean, all: boolean, skipTests: boolean, plan: boolean, distTag: string }}
 * @example
 * parseArgs(['--dry-run']) // { dryRun: true, all: false, skipTests: false, plan: false, distTag: 'latest' }
 */
export function parseArgs(argv) {
  const options = { dryRun: false, all: false, skipTests: false, plan: false, distTag: 'latest' }
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]
    if (arg === '--') continue // `pnpm release -- --dry-run` passes the separator along
    if (arg === '--dist-tag' || arg.startsWith('--dist-tag=')) {
      const value = arg === '--dist-tag' ? argv[++i] : arg.slice('--dist-tag='.length)
      if (value === undefined || !/^[a-z][a-z0-9.-]*$/i.test(value) || /^\d/.test(value)) {
        throw new Error(`--dist-tag needs a name like latest or lts-26.12, got "${value ?? ''}"`)
      }
      options.distTag = value
      continue
    }
    if (!FLAGS.has(arg)) {
      throw new Error(
        `unknown option "${arg}" (use --dry-run, --all, --skip-tests, --plan, --dist-tag <name>)`,
      )
    }
    const key = arg.slice(2).replace(/-(\w)/g, (_, c) => c.toUpperCase())
    options[key] = true
  }
  return options
}

/**
 * The git tag a published version leaves behind.
 *
 * @param {string} name the package name
 * @param {string} version its version
 * @returns {string}
 * @example
 * releaseTag('@brisk/core', '26.12.0') // '@brisk/core@26.12.0'
 */
export function releaseTag(name, version) {
  return `${name}@${version}`
}

/**
 * The packages to publish: the public ones whose current version has no release tag yet, or every public
 * one with `all` (to check them all in a dry run). Private packages (examples, bench, these scripts) never.
 *
 * @param {{ dir: string, json: Record<string, any> }[]} packages the workspace's packages
 * @param {Set<string>} tags the repository's tags
 * @param {{ all?: boolean }} [options]
 * @returns {{ name: string, version: string, dir: string, tag: string, reason: string }[]}
 * @example
 * selectReleases([{ dir: 'packages/core', json: { name: '@brisk/core', version: '26.12.0' } }], new Set())
 * // [{ name: '@brisk/core', version: '26.12.0', tag: '@brisk/core@26.12.0', reason: 'no tag @brisk/core@26.12.0 yet', … }]
 */
export function selectReleases(packages, tags, { all = false } = {}) {
  const selected = []
  for (const { dir, json } of packages) {
    if (json.private === true || typeof json.version !== 'string') continue
    const tag = releaseTag(json.name, json.version)
    const tagged = tags.has(tag)
    if (tagged && !all) continue
    const reason = tagged ? `--all (already tagged ${tag})` : `no tag ${tag} yet`
    selected.push({ name: json.name, version: json.version, dir, tag, reason })
  }
  return selected.sort((a, b) => a.name.localeCompare(b.name))
}

/** The workspace package whose tests are the release tooling's and the pack smoke test. */
export const SCRIPTS_PACKAGE = 'brisk-scripts'

/**
 * The turbo command that builds and tests the selected packages (and builds what they depend on), with the
 * pack smoke test (brisk-scripts) unless the tests are skipped.
 *
 * @param {{ name: string }[]} selected the packages to publish
 * @param {{ skipTests?: boolean }} [options]
 * @returns {string[]} the arguments of `pnpm exec`
 * @example
 * checkCommand([{ name: '@brisk/cors' }]) // ['turbo', 'run', 'lint', 'typecheck', 'typecheck:ts7', 'build', 'test', 'check:package', '--filter=@brisk/cors', '--filter=brisk-scripts']
 */
export function checkCommand(selected, { skipTests = false } = {}) {
  const tasks = skipTests
    ? ['build', 'check:package']
    : ['lint', 'typecheck', 'typecheck:ts7', 'build', 'test', 'check:package']
  const filters = selected.map((pkg) => `--filter=${pkg.name}`)
  if (!skipTests) filters.push(`--filter=${SCRIPTS_PACKAGE}`)
  return ['turbo', 'run', ...tasks, ...filters]
}
