/**
 * What a published Brisk package's manifest must say (RELEASING.md, "Publish-ready packages"), as pure
 * functions so the rules are tested apart from packing. `check-package.mjs` applies them to each package.
 */

/** The repository every package points at; npm provenance checks `repository.url` against the workflow's repo. */
export const REPOSITORY_URL = 'git+https://github.com/brisk-framework/brisk.git'

/** Fields that must be present, and what they hold. */
const REQUIRED = ['name', 'version', 'description', 'license', 'keywords', 'files', 'engines', 'exports']

/**
 * The problems in a package's manifest, for a package that lives in `dir` (e.g. `packages/cors`). An empty
 * list means publish-ready as far as the manifest goes (publint and attw look at the packed files).
 *
 * @param {Record<string, any>} json the package.json of the workspace (before pnpm applies `publishConfig`)
 * @param {string} dir the package's folder relative to the repository root
 * @returns {string[]}
 * @example
 * manifestProblems({ name: '@brisk/x' }, 'packages/x') // ['"description" is missing', …]
 */
export function manifestProblems(json, dir) {
  const problems = []
  for (const field of REQUIRED) if (json[field] === undefined) problems.push(`"${field}" is missing`)
  if (json.private === true) problems.push('"private": true would stop it being published')
  if (json.type !== 'module') problems.push('"type" must be "module" (the packages are ESM only)')
  if (json.repository?.url !== REPOSITORY_URL) problems.push(`"repository.url" must be "${REPOSITORY_URL}"`)
  if (json.repository?.directory !== dir) problems.push(`"repository.directory" must be "${dir}"`)
  if (typeof json.engines?.node !== 'string') problems.push('"engines.node" is missing')
  if (json.sideEffects === undefined)
    problems.push('"sideEffects" is missing (false, or the files that have some)')
  if (Array.isArray(json.files) && !json.files.includes('dist')) problems.push('"files" must include "dist"')
  const publish = json.publishConfig ?? {}
  if (publish.access !== 'public') problems.push('"publishConfig.access" must be "public" (scoped packages)')
  if (publish.provenance !== true) problems.push('"publishConfig.provenance" must be true')
  problems.push(...exportsProblems(publishedExports(json)))
  problems.push(...rangeProblems(json))
  return problems
}

/**
 * The `exports` a consumer sees: pnpm replaces `exports` with `publishConfig.exports` when it packs.
 *
 * @param {Record<string, any>} json a package.json
 * @returns {Record<string, any> | string | undefined}
 * @example
 * publishedExports({ exports: './a.js', publishConfig: { exports: './b.js' } }) // './b.js'
 */
export function publishedExports(json) {
  return json.publishConfig?.exports ?? json.exports
}

/**
 * Problems with a published `exports` map: every entry point has `types` as its first condition (TypeScript
 * takes the first condition that matches, so a `types` after `import` is never read), and no `source`
 * condition, which points into `src/`, a folder that is not published.
 *
 * @param {Record<string, any> | string | undefined} exports the published exports map
 * @returns {string[]}
 * @example
 * exportsProblems({ '.': { import: './dist/index.js', types: './dist/index.d.ts' } }) // ['exports["."]: "types" must come first']
 */
export function exportsProblems(exports) {
  if (exports === undefined || typeof exports === 'string')
    return ['"exports" must map entry points to conditions']
  const problems = []
  for (const [entry, target] of Object.entries(exports)) {
    if (typeof target === 'string') {
      if (!entry.endsWith('.json')) problems.push(`exports["${entry}"]: a bare path has no "types"`)
      continue
    }
    const conditions = Object.keys(target ?? {})
    if (conditions[0] !== 'types') problems.push(`exports["${entry}"]: "types" must come first`)
    if (conditions.includes('source'))
      problems.push(`exports["${entry}"]: the "source" condition must not be published`)
    if (!conditions.includes('import')) problems.push(`exports["${entry}"]: no "import" condition`)
  }
  return problems
}

/**
 * Problems with the ranges on other Brisk packages (RELEASING.md, "Version ranges"): `@brisk/core` is a
 * peer with a floor only (`>=X.Y.Z`), never a runtime dependency; other `@brisk/*` runtime dependencies
 * are floors too; development dependencies on them are `workspace:*`.
 *
 * @param {Record<string, any>} json a package.json
 * @returns {string[]}
 * @example
 * rangeProblems({ peerDependencies: { '@brisk/core': '^26.11.0' } }) // ['peerDependencies["@brisk/core"]: …']
 */
export function rangeProblems(json) {
  const problems = []
  for (const field of ['dependencies', 'peerDependencies', 'optionalDependencies', 'devDependencies']) {
    for (const [name, range] of Object.entries(json[field] ?? {})) {
      if (!name.startsWith('@brisk/')) continue
      const where = `${field}["${name}"]`
      if (field === 'devDependencies') {
        if (range !== 'workspace:*') problems.push(`${where}: must be "workspace:*", not "${range}"`)
      } else if (name === '@brisk/core' && field !== 'peerDependencies') {
        problems.push(`${where}: @brisk/core is a peer dependency (one core per app), not in ${field}`)
      } else if (!isFloor(range.replace(/^workspace:/, ''))) {
        problems.push(`${where}: must be a floor ">=YY.M.PATCH", not "${range}" (see RELEASING.md)`)
      }
    }
  }
  return problems
}

/**
 * Whether a range is a plain floor, `>=YY.M.PATCH`: the one form RELEASING.md allows between Brisk packages.
 *
 * @param {string} range a dependency range
 * @returns {boolean}
 * @example
 * isFloor('>=26.11.0') // true
 * isFloor('^26.11.0') // false: a caret on a calendar version means "until the end of the year"
 */
export function isFloor(range) {
  return /^>=\d+\.\d+\.\d+$/.test(range)
}

/**
 * The `core: '…'` ranges a built plugin declares (its `definePlugin({ core })`, checked at registration),
 * read from the bundled JavaScript.
 *
 * @param {string} code the built `dist/*.js`
 * @returns {string[]}
 * @example
 * declaredCoreRanges('definePlugin({ name: "cors", core: ">=26.11.0" })') // ['>=26.11.0']
 */
export function declaredCoreRanges(code) {
  return [...code.matchAll(/\bcore:\s*(["'])([^"'\n]+)\1/g)].map((match) => match[2])
}
