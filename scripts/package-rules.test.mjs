import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import {
  declaredCoreRanges,
  exportsProblems,
  isFloor,
  manifestProblems,
  publishedExports,
  REPOSITORY_URL,
  rangeProblems,
} from './package-rules.mjs'

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..')

/** A manifest that follows every rule, to break one field at a time. */
const good = () => ({
  name: '@brisk/cors',
  version: '26.11.0',
  description: 'CORS for Brisk',
  type: 'module',
  keywords: ['brisk', 'cors'],
  repository: { type: 'git', url: REPOSITORY_URL, directory: 'packages/cors' },
  license: 'MIT',
  engines: { node: '>=20.19' },
  sideEffects: false,
  files: ['dist', 'README.md', 'CHANGELOG.md'],
  exports: {
    '.': { source: './src/index.ts', types: './dist/index.d.ts', import: './dist/index.js' },
    './package.json': './package.json',
  },
  publishConfig: {
    access: 'public',
    provenance: true,
    exports: {
      '.': { types: './dist/index.d.ts', import: './dist/index.js' },
      './package.json': './package.json',
    },
  },
  peerDependencies: { '@brisk/core': '>=26.11.0' },
  devDependencies: { '@brisk/core': 'workspace:*', cors: '^2.8.6' },
})

describe('manifestProblems()', () => {
  it('finds nothing wrong with a publish-ready manifest', () => {
    expect(manifestProblems(good(), 'packages/cors')).toEqual([])
  })

  it('names each missing or wrong publishing field', () => {
    const json = good()
    delete json.license
    delete json.sideEffects
    json.repository.directory = 'packages/other'
    json.publishConfig.provenance = false
    json.private = true
    expect(manifestProblems(json, 'packages/cors')).toEqual([
      '"license" is missing',
      '"private": true would stop it being published',
      '"repository.directory" must be "packages/cors"',
      '"sideEffects" is missing (false, or the files that have some)',
      '"publishConfig.provenance" must be true',
    ])
  })

  it('holds for every package under packages/', () => {
    const dirs = readdirSync(join(repoRoot, 'packages'))
    expect(dirs.length).toBeGreaterThanOrEqual(7)
    for (const dir of dirs) {
      const json = JSON.parse(readFileSync(join(repoRoot, 'packages', dir, 'package.json'), 'utf8'))
      expect(manifestProblems(json, `packages/${dir}`), dir).toEqual([])
    }
  })
})

describe('exportsProblems()', () => {
  it('wants types first in each entry point, no source condition, an import condition', () => {
    expect(exportsProblems(publishedExports(good()))).toEqual([])
    expect(exportsProblems(good().exports)).toEqual([
      'exports["."]: "types" must come first',
      'exports["."]: the "source" condition must not be published',
    ])
    expect(exportsProblems({ '.': { import: './dist/index.js', types: './dist/index.d.ts' } })).toEqual([
      'exports["."]: "types" must come first',
    ])
    expect(exportsProblems({ '.': { types: './dist/index.d.ts', require: './dist/index.cjs' } })).toEqual([
      'exports["."]: no "import" condition',
    ])
  })

  it('wants a map, and types for any bare path but a JSON file', () => {
    expect(exportsProblems('./dist/index.js')).toEqual(['"exports" must map entry points to conditions'])
    expect(exportsProblems({ './x': './dist/x.js' })).toEqual(['exports["./x"]: a bare path has no "types"'])
  })
})

describe('rangeProblems()', () => {
  it('accepts floors on Brisk packages and workspace:* for development', () => {
    expect(rangeProblems(good())).toEqual([])
    expect(rangeProblems({ dependencies: { '@brisk/keys': 'workspace:>=26.11.0' } })).toEqual([])
  })

  it('refuses carets and tildes: on a calendar version they mean a year or a month', () => {
    expect(rangeProblems({ peerDependencies: { '@brisk/core': '^26.11.0' } })).toEqual([
      'peerDependencies["@brisk/core"]: must be a floor ">=YY.M.PATCH", not "^26.11.0" (see RELEASING.md)',
    ])
    expect(rangeProblems({ dependencies: { '@brisk/keys': 'workspace:^' } })).toHaveLength(1)
    expect(rangeProblems({ peerDependencies: { '@brisk/core': '>=26.11.0 <27' } })).toHaveLength(1)
  })

  it('refuses @brisk/core anywhere but the peers, and a development range that is not the workspace', () => {
    expect(rangeProblems({ dependencies: { '@brisk/core': '>=26.11.0' } })).toEqual([
      'dependencies["@brisk/core"]: @brisk/core is a peer dependency (one core per app), not in dependencies',
    ])
    expect(rangeProblems({ devDependencies: { '@brisk/testing': '>=26.11.0' } })).toEqual([
      'devDependencies["@brisk/testing"]: must be "workspace:*", not ">=26.11.0"',
    ])
  })

  it('leaves third-party ranges alone', () => {
    expect(rangeProblems({ peerDependencies: { ioredis: '>=5', vitest: '^4' } })).toEqual([])
  })
})

describe('isFloor()', () => {
  it('is true for >=YY.M.PATCH only', () => {
    expect(isFloor('>=26.11.0')).toBe(true)
    expect(isFloor('>=26.11')).toBe(false)
    expect(isFloor('^26.11.0')).toBe(false)
    expect(isFloor('26.11.0')).toBe(false)
  })
})

describe('declaredCoreRanges()', () => {
  it('reads the core ranges of bundled plugins, in either quote', () => {
    const code =
      'var cors = definePlugin({\n  name: "cors",\n  core: ">=26.11.0",\n});\nconst x = { core: \'>=26.12.0\' }'
    expect(declaredCoreRanges(code)).toEqual(['>=26.11.0', '>=26.12.0'])
    expect(declaredCoreRanges('const score: 3')).toEqual([])
  })
})
