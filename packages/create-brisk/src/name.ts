/**
 * The new project's package name: the last part of the folder's path, held to npm's rules for a new
 * package (lowercase, URL-safe, at most 214 characters), so that `npm install` and `npm publish` accept it
 * later. A scope (`@me/app`) is not offered: the folder name is the package name.
 */
import { CreateBriskError } from './errors'

/** Names npm refuses whatever their spelling. */
const RESERVED = new Set(['node_modules', 'favicon.ico'])

/**
 * Why `name` cannot be a new package's name, or `undefined` when it can.
 *
 * @example
 * nameProblem('my-app') // undefined
 * nameProblem('My App') // 'use lowercase letters, digits, "-", "_" and "." only'
 */
export function nameProblem(name: string): string | undefined {
  if (name.length === 0) return 'it is empty'
  if (name.length > 214) return 'npm allows 214 characters at most'
  if (RESERVED.has(name)) return 'npm reserves it'
  if (name.startsWith('.') || name.startsWith('_')) return 'it may not start with "." or "_"'
  if (!/^[a-z0-9][a-z0-9._~-]*$/.test(name))
    return 'use lowercase letters, digits, "-", "_", "." and "~" only'
  return undefined
}

/**
 * Throws `ERR_BAD_NAME` unless `name` can be the new package's name.
 *
 * @example
 * assertName('my-app') // fine
 * assertName('My App') // throws CreateBriskError
 */
export function assertName(name: string): void {
  const problem = nameProblem(name)
  if (problem !== undefined) {
    throw new CreateBriskError(
      'ERR_BAD_NAME',
      `${JSON.stringify(name)} cannot be the package name (${problem}); the folder's name is the package name`,
    )
  }
}
