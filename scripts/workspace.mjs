/**
 * The packages of a pnpm workspace, read from pnpm-workspace.yaml without a YAML parser (only its
 * `packages:` list matters here), for the release scripts.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'

/**
 * Every package of the workspace (pnpm-workspace.yaml under `root`), with its parsed package.json and the
 * indentation it was written with.
 *
 * @param {string} root the repository root
 * @returns {{ dir: string, path: string, json: Record<string, any>, indent: string }[]}
 * @example
 * workspacePackages(process.cwd()).map((pkg) => pkg.json.name) // ['@brisk/core', …]
 */
export function workspacePackages(root) {
  const dirs = new Set()
  const excluded = new Set()
  for (const pattern of workspacePatterns(root)) {
    const negated = pattern.startsWith('!')
    for (const dir of expand(root, negated ? pattern.slice(1) : pattern)) (negated ? excluded : dirs).add(dir)
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
function workspacePatterns(root) {
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
function expand(root, pattern) {
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
