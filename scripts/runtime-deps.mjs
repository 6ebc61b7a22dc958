/**
 * Which workspace packages an app needs built before it can run: what it imports at run time, and what those
 * import, but not its test tools. Turbo's `--filter=app...` cannot say this (it follows devDependencies too,
 * so `pnpm start` built @brisk/testing for the showcase), so the start script asks here and names them.
 */
import { workspacePackages } from './workspace.mjs'

// What a package needs installed beside it at run time; devDependencies are for its own tests and builds.
const RUNTIME_FIELDS = ['dependencies', 'peerDependencies', 'optionalDependencies']

/**
 * The names of the workspace packages that `name` needs at run time, directly or through each other, sorted;
 * `name` itself is not in the list. Throws when `name` is not a package of the workspace under `root`.
 *
 * @param {string} root the repository root (where pnpm-workspace.yaml is)
 * @param {string} name a workspace package's name, e.g. `showcase`
 * @returns {string[]}
 * @example
 * runtimeWorkspaceDeps(process.cwd(), 'hello') // ['@brisk/core']
 */
export function runtimeWorkspaceDeps(root, name) {
  const byName = new Map(workspacePackages(root).map((pkg) => [pkg.json.name, pkg.json]))
  if (!byName.has(name)) throw new Error(`${name} is not a package of the workspace in ${root}`)
  const found = new Set()
  const pending = [name]
  while (pending.length > 0) {
    const json = byName.get(pending.pop())
    for (const field of RUNTIME_FIELDS) {
      for (const dep of Object.keys(json[field] ?? {})) {
        if (!byName.has(dep) || dep === name || found.has(dep)) continue
        found.add(dep)
        pending.push(dep)
      }
    }
  }
  return [...found].sort()
}
