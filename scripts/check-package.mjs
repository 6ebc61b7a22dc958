#!/usr/bin/env node
/**
 * `check:package` (a turbo task of every published package, after its build): is this package ready to
 * publish? Packs it the way `pnpm publish` does (workspace ranges resolved, `publishConfig` applied) and
 * checks the tarball with publint and Are the Types Wrong (ESM-only profile: the packages have no CommonJS
 * build on purpose), then the manifest rules of RELEASING.md. Run it in a package folder; exit code 1 on
 * any problem. No network: both tools read the tarball.
 */
import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, posix, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { declaredCoreRanges, manifestProblems } from './package-rules.mjs'

const here = dirname(fileURLToPath(import.meta.url))
const repoRoot = join(here, '..')
const bin = (name) => join(repoRoot, 'node_modules', '.bin', name)

const dir = process.cwd()
const json = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'))
const problems = manifestProblems(json, relative(repoRoot, dir).split('\\').join('/'))
problems.push(...coreRangeProblems())

const out = mkdtempSync(join(tmpdir(), 'brisk-check-package-'))
try {
  const tarball = pack(out)
  problems.push(...tarballProblems(tarball))
  problems.push(...tool('publint', [bin('publint'), 'run', tarball, '--strict', '--pack', 'false']))
  problems.push(
    ...tool('attw', [
      bin('attw'),
      tarball,
      '--profile',
      'esm-only',
      '--no-emoji',
      '--no-color',
      '-f',
      'table',
    ]),
  )
} finally {
  rmSync(out, { recursive: true, force: true })
}

if (problems.length > 0) {
  console.error(`check:package ${json.name}: ${problems.length} problem(s)\n- ${problems.join('\n- ')}`)
  process.exit(1)
}
console.log(
  `check:package ${json.name}@${json.version}: publint, attw (esm-only) and the manifest rules pass`,
)

/**
 * A plugin's peer range on @brisk/core is the `core` range it checks at registration: the two must agree.
 * (A package that defines no plugin, like @brisk/testing, declares none.)
 */
function coreRangeProblems() {
  const peer = json.peerDependencies?.['@brisk/core']
  if (peer === undefined) return []
  const distDir = join(dir, 'dist')
  if (!existsSync(distDir)) return ['dist/ is missing: build first (turbo runs build before check:package)']
  const declared = new Set()
  for (const file of readdirSync(distDir)) {
    if (file.endsWith('.js'))
      for (const range of declaredCoreRanges(readFileSync(join(distDir, file), 'utf8'))) declared.add(range)
  }
  return [...declared]
    .filter((range) => range !== peer)
    .map((range) => `a plugin declares core: "${range}" but peerDependencies["@brisk/core"] is "${peer}"`)
}

function pack(destination) {
  const result = spawnSync('pnpm', ['pack', '--pack-destination', destination], {
    cwd: dir,
    encoding: 'utf8',
  })
  if (result.status !== 0) throw new Error(`pnpm pack failed:\n${result.stdout}${result.stderr}`)
  const tarball = readdirSync(destination).find((file) => file.endsWith('.tgz'))
  if (tarball === undefined) throw new Error(`pnpm pack wrote no tarball in ${destination}`)
  return join(destination, tarball)
}

/**
 * What users download: the built code, its sources (stack traces under `--enable-source-maps` name them:
 * every file a `dist` source map names must be in the tarball), the docs and the licence, never the tests.
 */
function tarballProblems(tarball) {
  const list = spawnSync('tar', ['-tzf', tarball], { encoding: 'utf8' })
  if (list.status !== 0) return [`cannot list ${tarball}: ${list.stderr}`]
  const files = new Set(
    list.stdout
      .split('\n')
      .filter(Boolean)
      .map((file) => file.replace(/^package\//, '')),
  )
  const problems = []
  for (const needed of [
    'package.json',
    'README.md',
    'CHANGELOG.md',
    'LICENSE',
    'dist/index.js',
    'dist/index.d.ts',
  ]) {
    if (!files.has(needed)) problems.push(`the tarball has no ${needed}`)
  }
  // A command's launcher may live outside dist/ (core's bin/brisk.js): whatever `bin` names is wanted.
  const bins = new Set(
    Object.values(typeof json.bin === 'string' ? { bin: json.bin } : (json.bin ?? {})).map((path) =>
      path.replace(/^\.\//, ''),
    ),
  )
  for (const bin of bins) if (!files.has(bin)) problems.push(`the tarball has no ${bin} (a bin)`)
  for (const file of files) {
    if (!bins.has(file) && !/^(dist\/|src\/|package\.json$|README\.md$|CHANGELOG\.md$|LICENSE$)/.test(file))
      problems.push(`the tarball should not hold ${file}`)
  }
  for (const file of files) {
    if (!file.endsWith('.map')) continue
    const map = JSON.parse(readFileSync(join(dir, file), 'utf8'))
    for (const source of map.sources ?? []) {
      const path = posix.normalize(posix.join(posix.dirname(file), map.sourceRoot ?? '', source))
      if (!files.has(path)) problems.push(`${file} names ${source}, which the tarball does not hold`)
    }
  }
  return problems
}

function tool(name, [command, ...args]) {
  const result = spawnSync(command, args, { cwd: dir, encoding: 'utf8' })
  if (result.error) return [`${name} could not run: ${result.error.message} (pnpm install at the root)`]
  if (result.status === 0) return []
  return [`${name} failed:\n${`${result.stdout}${result.stderr}`.trim()}`]
}
