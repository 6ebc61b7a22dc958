/**
 * Packing the workspace's packages the way `pnpm publish` does, for tests that install them with plain npm
 * outside the workspace: the pack smoke test here, and create-brisk's end-to-end test.
 */
import { execFile } from 'node:child_process'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'

const run = promisify(execFile)

/** The repository's root folder. */
export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..')

/**
 * Packs each package under packages/ whose name `include` accepts with `pnpm pack` (workspace ranges
 * resolved, `publishConfig` applied) into `destination`, one at a time (each is a pnpm process, and the
 * machine may be busy). The packages must be built: it throws for one without `dist/index.js`.
 *
 * @param {string} destination the folder the tarballs are written to
 * @param {{ include?: (name: string) => boolean }} [options] which packages (every one by default)
 * @returns {Promise<{ name: string, dir: string, tarball: string }[]>} the tarballs, with absolute paths
 * @example
 * const packed = await packPackages(tmp, { include: (name) => name.startsWith('@brisk/') })
 * const dependencies = Object.fromEntries(packed.map((p) => [p.name, `file:${p.tarball}`]))
 */
export async function packPackages(destination, { include = () => true } = {}) {
  const packagesDir = join(repoRoot, 'packages')
  const selected = []
  for (const dir of readdirSync(packagesDir)) {
    const manifest = join(packagesDir, dir, 'package.json')
    if (!existsSync(manifest)) continue
    const { name } = JSON.parse(readFileSync(manifest, 'utf8'))
    if (include(name)) selected.push({ name, dir: join(packagesDir, dir) })
  }
  for (const { dir } of selected) {
    if (!existsSync(join(dir, 'dist', 'index.js')))
      throw new Error(`${dir} is not built: run pnpm build (turbo builds it before the tests)`)
  }
  const packed = []
  for (const { name, dir } of selected) {
    const { stdout } = await run('pnpm', ['pack', '--pack-destination', destination], { cwd: dir })
    packed.push({ name, dir, tarball: stdout.trim().split('\n').at(-1).trim() })
  }
  return packed
}

/**
 * The environment without npm's and pnpm's settings (`npm_*`, `pnpm_*`), so that a plain `npm` run from a
 * test under `pnpm test` behaves as it does for a user.
 *
 * @returns {Record<string, string>}
 * @example
 * await run('npm', ['install'], { cwd: project, env: withoutPnpmSettings() })
 */
export function withoutPnpmSettings() {
  const env = {}
  for (const [key, value] of Object.entries(process.env)) {
    if (!/^(npm_|pnpm_)/i.test(key)) env[key] = value
  }
  return env
}
