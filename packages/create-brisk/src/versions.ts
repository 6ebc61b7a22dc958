/**
 * Which versions the new project asks for. The @brisk packages: the versions create-brisk was packed with.
 * create-brisk lists them as development dependencies (`workspace:*`, so turbo builds them before its
 * tests), and `pnpm pack` writes each one's current version in their place in the published package.json;
 * create-brisk reads its own package.json at run time. In the workspace, where the manifest still says
 * `workspace:*`, the version is read from the linked package. The third-party tools: the versions the
 * workspace tests with, written here.
 */
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'

/** The @brisk packages a generated project may depend on. */
export const BRISK_PACKAGES = [
  '@brisk/core',
  '@brisk/cors',
  '@brisk/jwt',
  '@brisk/openapi',
  '@brisk/session',
  '@brisk/templates',
  '@brisk/testing',
] as const

/** A @brisk package's name. */
export type BriskPackage = (typeof BRISK_PACKAGES)[number]

/**
 * The tools of the generated project, with the ranges the workspace tests: TypeScript 7 is what
 * `npm i typescript` installs (the tsconfig also holds for 5.9), Vitest 4 is what @brisk/testing's fixtures
 * are tested with.
 */
export const TOOL_RANGES = {
  '@types/node': '^20.19.0',
  tsx: '^4.23.15',
  typescript: '^7.0.2',
  vitest: '^4.1.12',
} as const

/** create-brisk's own package.json, one folder above both src/ and dist/. */
const manifestUrl = new URL('../package.json', import.meta.url)

/** What {@link briskVersions} needs of a package.json. */
export interface Manifest {
  readonly version: string
  readonly devDependencies?: Readonly<Record<string, string>>
}

/**
 * The version of each @brisk package, from a create-brisk manifest: the exact versions `pnpm pack` wrote,
 * or for a `workspace:` range the version `linked(name)` returns.
 *
 * @example
 * briskVersions({ version: '26.12.0', devDependencies: { '@brisk/core': '26.12.0', … } })['@brisk/core'] // '26.12.0'
 */
export function briskVersions(
  manifest: Manifest,
  linked: (name: BriskPackage) => string = linkedVersion,
): Record<BriskPackage, string> {
  const versions = {} as Record<BriskPackage, string>
  for (const name of BRISK_PACKAGES) {
    const range = manifest.devDependencies?.[name]
    if (range === undefined) throw new Error(`create-brisk's package.json does not list ${name}`)
    const version = range.startsWith('workspace:') ? linked(name) : range
    if (!/^\d+\.\d+\.\d+$/.test(version))
      throw new Error(`create-brisk's package.json has ${name} ${JSON.stringify(range)}, not a version`)
    versions[name] = version
  }
  return versions
}

/**
 * create-brisk's own manifest.
 *
 * @example
 * readManifest().version // '26.12.0'
 */
export function readManifest(): Manifest {
  return JSON.parse(readFileSync(manifestUrl, 'utf8')) as Manifest
}

/** The version of a workspace package linked into create-brisk's node_modules. */
function linkedVersion(name: BriskPackage): string {
  const require = createRequire(manifestUrl)
  return (require(`${name}/package.json`) as { version: string }).version
}
