/**
 * The generated project's package.json, written from code rather than copied: its dependencies depend on
 * the template and on the versions create-brisk was packed with.
 */
import type { TemplateName } from './args'
import { type BriskPackage, TOOL_RANGES } from './versions'

/** The plugins the full template adds to @brisk/core. */
const FULL_PLUGINS: readonly BriskPackage[] = [
  '@brisk/cors',
  '@brisk/jwt',
  '@brisk/openapi',
  '@brisk/session',
  '@brisk/templates',
]

/**
 * The project's package.json as an object. @brisk ranges are floors (`>=26.12.0`), the rule RELEASING.md
 * sets between Brisk packages: a caret on a calendar version would mean "until the end of the year".
 *
 * @example
 * projectManifest('my-app', 'default', versions).scripts.dev // 'node --watch --import tsx src/main.ts'
 */
export function projectManifest(
  name: string,
  template: TemplateName,
  versions: Readonly<Record<BriskPackage, string>>,
) {
  const floor = (pkg: BriskPackage) => `>=${versions[pkg]}`
  const plugins = template === 'full' ? FULL_PLUGINS : []
  return {
    name,
    version: '0.1.0',
    private: true,
    type: 'module',
    engines: { node: '>=20.19' },
    scripts: {
      dev: 'node --watch --import tsx src/main.ts',
      start: 'node dist/main.js',
      build: 'tsc -p tsconfig.build.json',
      typecheck: 'tsc -p tsconfig.json',
      test: 'vitest run',
    },
    dependencies: Object.fromEntries(
      ['@brisk/core', ...plugins].map((pkg) => [pkg, floor(pkg as BriskPackage)]),
    ),
    devDependencies: {
      '@brisk/testing': floor('@brisk/testing'),
      ...TOOL_RANGES,
    },
  }
}
