/**
 * The runtime boundary of src/: the runtime-neutral folders reach `node/` only through `src/node-door.ts`, and
 * only with `import()`; no module outside `node/` and `cli/` imports a node built-in; and `node/` itself loads
 * its built-ins (and busboy) with `import()`, so a one-file bundle of a fetch-only app has none at its top.
 * Type-only imports are free: they are gone from the JavaScript.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { builtinModules } from 'node:module'
import { dirname, join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import ts from 'typescript'
import { describe, expect, it } from 'vitest'

const SRC = fileURLToPath(new URL('../src', import.meta.url))
const DOOR = 'node-door.ts'
const BUILTINS = new Set([...builtinModules, ...builtinModules.map((name) => `node:${name}`)])
/** Packages that are CommonJS and require node built-ins: loaded like one. */
const LAZY_PACKAGES = new Set(['busboy', '#busboy'])

interface Source {
  /** The path relative to src/, with forward slashes: `http/static.ts`. */
  path: string
  text: string
}

interface Use {
  specifier: string
  /** `static` for an import or export declaration that stays in the JavaScript, `dynamic` for `import()`. */
  kind: 'static' | 'dynamic'
}

/** The imports of one module that stay in its JavaScript: value imports, re-exports, and `import()` calls. */
function uses(source: Source): Use[] {
  const file = ts.createSourceFile(source.path, source.text, ts.ScriptTarget.Latest, true)
  const found: Use[] = []
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      const clause = node.importClause
      const typeOnly =
        clause !== undefined &&
        (clause.isTypeOnly ||
          (clause.name === undefined &&
            clause.namedBindings !== undefined &&
            ts.isNamedImports(clause.namedBindings) &&
            clause.namedBindings.elements.every((element) => element.isTypeOnly)))
      if (!typeOnly) found.push({ specifier: node.moduleSpecifier.text, kind: 'static' })
    } else if (
      ts.isExportDeclaration(node) &&
      node.moduleSpecifier &&
      ts.isStringLiteral(node.moduleSpecifier)
    ) {
      const clause = node.exportClause
      const typeOnly =
        node.isTypeOnly ||
        (clause !== undefined && ts.isNamedExports(clause) && clause.elements.every((e) => e.isTypeOnly))
      if (!typeOnly) found.push({ specifier: node.moduleSpecifier.text, kind: 'static' })
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      const [argument] = node.arguments
      found.push({
        specifier: argument && ts.isStringLiteral(argument) ? argument.text : '(computed)',
        kind: 'dynamic',
      })
    }
    ts.forEachChild(node, visit)
  }
  visit(file)
  return found
}

/** The folder of src/ a relative specifier lands in (`node`, `http`, …; `.` for src/ itself). */
function folderOf(from: string, specifier: string): string {
  const target = relative(SRC, resolve(SRC, dirname(from), specifier))
    .split('\\')
    .join('/')
  return target.includes('/') ? target.slice(0, target.indexOf('/')) : '.'
}

/** What breaks the boundary, one line each (empty when none). */
function violations(sources: readonly Source[]): string[] {
  const found: string[] = []
  for (const source of sources) {
    const folder = source.path.includes('/') ? source.path.slice(0, source.path.indexOf('/')) : '.'
    for (const { specifier, kind } of uses(source)) {
      const where = `${source.path}: ${kind} import of '${specifier}'`
      // The CLI loads the user's app by a path it is given: the one computed import() allowed.
      if (specifier === '(computed)' && folder === 'cli') continue
      if (specifier === '(computed)') {
        found.push(`${where}: an import() must name its module, so bundlers and this test can see it`)
      } else if (specifier.startsWith('.')) {
        if (folder === 'node' || folder === 'cli' || folderOf(source.path, specifier) !== 'node') continue
        if (source.path !== DOOR)
          found.push(`${where}: the runtime-neutral core reaches node/ only through ${DOOR}`)
        else if (kind !== 'dynamic') found.push(`${where}: the door opens node/ with import() only`)
      } else if (BUILTINS.has(specifier) || LAZY_PACKAGES.has(specifier)) {
        if (folder === 'cli') continue
        if (folder !== 'node') found.push(`${where}: a node built-in outside node/ and cli/`)
        else if (kind !== 'dynamic')
          found.push(`${where}: node/ loads built-ins with import() (node/builtins.ts)`)
      }
    }
  }
  return found
}

/** Every `.ts` file under src/. */
function sourceTree(dir = SRC): Source[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) return sourceTree(path)
    if (!entry.name.endsWith('.ts')) return []
    return [{ path: relative(SRC, path).split('\\').join('/'), text: readFileSync(path, 'utf8') }]
  })
}

describe('the runtime boundary of src/', () => {
  it('holds for the source tree', () => {
    const tree = sourceTree()
    // The folders are there (an empty walk would pass anything).
    expect(tree.map((s) => s.path)).toEqual(
      expect.arrayContaining([DOOR, 'app/app.ts', 'node/server.ts', 'cli/main.ts']),
    )
    expect(violations(tree)).toEqual([])
  })

  it('the door is the one module outside node/ that imports from it, and it does so with import()', () => {
    const doors = sourceTree().filter(
      (source) =>
        !/^(node|cli)\//.test(source.path) &&
        uses(source).some(
          (use) => use.specifier.startsWith('.') && folderOf(source.path, use.specifier) === 'node',
        ),
    )
    expect(doors.map((source) => source.path)).toEqual([DOOR])
    expect(uses(doors[0]!)).toContainEqual({ specifier: './node/half', kind: 'dynamic' })
  })

  it('fails for each way of crossing it', () => {
    const broken: Source[] = [
      { path: 'http/static.ts', text: "import { locate } from '../node/static-files'" },
      { path: 'app/app.ts', text: "const { listenServer } = await import('../node/server')" },
      { path: 'index.ts', text: "export { listenServer } from './node/server'" },
      { path: 'node-door.ts', text: "import { need } from './node/half'" },
      { path: 'http/request.ts', text: "import { tmpdir } from 'node:os'" },
      { path: 'plan/chain.ts', text: "import { Readable } from 'stream'" },
      { path: 'node/static-files.ts', text: "import { stat } from 'node:fs/promises'" },
      { path: 'node/multipart-parse.ts', text: "import busboy from 'busboy'" },
      { path: 'node/half.ts', text: 'const m = await import(name)' },
    ]
    expect(violations(broken)).toEqual([
      "http/static.ts: static import of '../node/static-files': the runtime-neutral core reaches node/ only through node-door.ts",
      "app/app.ts: dynamic import of '../node/server': the runtime-neutral core reaches node/ only through node-door.ts",
      "index.ts: static import of './node/server': the runtime-neutral core reaches node/ only through node-door.ts",
      "node-door.ts: static import of './node/half': the door opens node/ with import() only",
      "http/request.ts: static import of 'node:os': a node built-in outside node/ and cli/",
      "plan/chain.ts: static import of 'stream': a node built-in outside node/ and cli/",
      "node/static-files.ts: static import of 'node:fs/promises': node/ loads built-ins with import() (node/builtins.ts)",
      "node/multipart-parse.ts: static import of 'busboy': node/ loads built-ins with import() (node/builtins.ts)",
      "node/half.ts: dynamic import of '(computed)': an import() must name its module, so bundlers and this test can see it",
    ])
  })

  it('lets types cross, and node/ and cli/ use what they need', () => {
    const fine: Source[] = [
      { path: 'app/app.ts', text: "import type { ServerHandle } from '../node/server'" },
      { path: 'http/static.ts', text: "import { type FileOptions } from '../node/static-files'" },
      { path: 'index.ts', text: "export type { ListenOptions } from './node/server'" },
      { path: 'http/request.ts', text: "type Half = typeof import('../node/half')" },
      { path: 'node-door.ts', text: "const half = import('./node/half')" },
      { path: 'node/builtins.ts', text: "const fs = () => import('node:fs')" },
      { path: 'node/server.ts', text: "import { http1Entry } from './http1-entry'" },
      {
        path: 'cli/main.ts',
        text: "import cluster from 'node:cluster'\nimport { isWorker } from '../node/cluster'",
      },
    ]
    expect(violations(fine)).toEqual([])
  })
})
