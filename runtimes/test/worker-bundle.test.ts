import { build } from 'esbuild'
import { Miniflare } from 'miniflare'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { cases } from '../src/cases'
import { mismatches, toRequest } from '../src/check'
import { type Bundle, bundle } from './_bundle'

// The Worker of src/worker.ts bundled into one file, as wrangler bundles (esbuild without `splitting`, the
// Worker conditions). Core's node-only half is inlined, since core reaches it with import(), but it loads each
// node built-in with import() of its own (packages/core/src/node/builtins.ts): so the bundle imports no node
// built-in at its top, and runs on workerd without `nodejs_compat`.
let worker: Bundle
let mf: Miniflare

beforeAll(async () => {
  worker = await bundle(new URL('../src/worker.ts', import.meta.url).pathname, [
    'workerd',
    'worker',
    'browser',
  ])
  mf = new Miniflare({
    modules: [{ type: 'ESModule', path: 'worker.js', contents: worker.code }],
    compatibilityDate: '2026-07-01',
    compatibilityFlags: [], // no nodejs_compat: not one node built-in is there
  })
  await mf.ready
})

afterAll(async () => {
  try {
    await mf?.dispose() // throws when workerd failed to start
  } finally {
    await worker?.dispose()
  }
})

describe('the one-file bundle of a fetch-only app', () => {
  it('imports nothing at its top: every node built-in is an import() that runs only in the node half', () => {
    // An import statement at the top of the module is loaded with it; there is none.
    expect(worker.code.match(/^import\b.*$/gm)).toBeNull()
    expect(worker.dynamicImports).toEqual([
      'node:cluster', // listen(): workers, signals
      'node:fs', // app.static(), file(), uploads to temporary files
      'node:fs/promises',
      'node:http', // listen({ server: 'node' })
      'node:https', // ... with tls
      'node:net', // listen(): the own server
      'node:os', // uploads: the temporary folder
      'node:path',
      'node:stream', // static files (Readable.toWeb), the own server
      'node:tls', // listen({ tls })
    ])
    // Nor anything a CommonJS dependency requires: busboy (which requires the bare `stream`) is reached through
    // core's package.json "imports" (#busboy), which under the Worker conditions is a module of core's own.
    expect(worker.staticImports).toEqual([])
    expect(worker.code).not.toMatch(/__require\("/)
  })

  it('builds as wrangler builds without nodejs_compat: only node:* may stay external, nothing bare', async () => {
    // wrangler without the flag marks `node:*` imports external and leaves the rest to esbuild for the
    // browser platform, where a bare built-in such as `stream` cannot be resolved and fails the build.
    const result = await build({
      bundle: true,
      format: 'esm',
      platform: 'browser',
      target: 'es2022',
      conditions: ['source', 'workerd', 'worker', 'browser'],
      external: ['node:*'],
      entryPoints: [new URL('../src/worker.ts', import.meta.url).pathname],
      write: false,
      outfile: 'worker.js',
      metafile: true,
      logLevel: 'silent',
    })
    const external = Object.values(result.metafile.outputs).flatMap((output) =>
      output.imports.filter((i) => i.external),
    )
    expect(external.filter((i) => i.kind !== 'dynamic-import')).toEqual([])
  })

  it('serves every case on workerd without nodejs_compat', async () => {
    for (const c of cases) {
      const res = (await mf.dispatchFetch(toRequest(c, 'http://localhost').url, {
        method: c.request.method ?? 'GET',
        headers: c.request.headers,
        body: c.request.body,
        redirect: 'manual',
      })) as unknown as Response
      expect({ name: c.name, mismatches: await mismatches(c, res) }).toEqual({ name: c.name, mismatches: [] })
    }
  })
})
