import { Miniflare } from 'miniflare'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { cases } from '../src/cases'
import { mismatches, toRequest } from '../src/check'
import { type Bundle, bundle, bundleSplit } from './_bundle'

// workerd (Cloudflare Workers' runtime, the `workerd` binary that miniflare drives): src/worker.ts bundled with
// esbuild as a Worker is, the app made in the module's global scope, answering every case.
let worker: Bundle
let mf: Miniflare

beforeAll(async () => {
  worker = await bundle(new URL('../src/worker.ts', import.meta.url).pathname, [
    'workerd',
    'worker',
    'browser',
  ]) // wrangler's conditions
  mf = new Miniflare({
    modules: [{ type: 'ESModule', path: 'worker.js', contents: worker.code }],
    compatibilityDate: '2026-07-01',
    compatibilityFlags: ['nodejs_compat'],
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

describe('workerd: a bundled Worker module', () => {
  it.each(cases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    // miniflare's fetch is undici's: its Response is read the same way.
    const res = (await mf.dispatchFetch(toRequest(c, 'http://localhost').url, {
      method: c.request.method ?? 'GET',
      headers: c.request.headers,
      body: c.request.body,
      redirect: 'manual',
    })) as unknown as Response
    expect(await mismatches(c, res)).toEqual([])
  })
})

describe('the bundle of a fetch-only app', () => {
  it('imports no node:crypto, and no node built-in beyond those of the node-only modules', () => {
    // Every node-only module of core is reached through import() (listen, static files, multipart), but a
    // one-file bundle hoists their imports to its top. These are what is left; issue 17's layout work takes
    // them down to none. A new one here is a regression.
    expect(worker.staticImports).toEqual([
      'node:cluster', // cluster.ts, signals.ts (listen with workers)
      'node:fs', // static-files.ts, multipart-parse.ts (files on disk)
      'node:fs/promises',
      'node:net', // http1-server.ts (the own server)
      'node:os', // multipart-parse.ts (temp files)
      'node:path', // static-files.ts, multipart-parse.ts
      'node:stream', // static-files.ts (Readable.toWeb)
      'stream', // busboy's require('stream'), inside a lazily run CommonJS wrapper
    ])
    expect(worker.dynamicImports).toEqual(['node:http', 'node:https', 'node:tls'])
  })
})

describe('workerd without nodejs_compat: the Worker bundled with code splitting', () => {
  // Core reaches its node-only half only through import(), so split at those, the entry and every chunk it
  // imports statically hold no node built-in. The chunks that do are left out of the Worker here: a request
  // that needed one would fail, so every case passing shows a fetch-only app never loads them.
  it('serves every case with no node built-in loaded', async () => {
    const split = await bundleSplit(new URL('../src/worker.ts', import.meta.url).pathname, [
      'workerd',
      'worker',
      'browser',
    ])
    const nodeFree = split.chunks.filter((chunk) => chunk.builtins.length === 0)
    const nodeOnly = split.chunks.filter((chunk) => chunk.builtins.length > 0)
    const plain = new Miniflare({
      modules: nodeFree.map((chunk) => ({
        type: 'ESModule' as const,
        path: chunk.name,
        contents: chunk.code,
      })),
      compatibilityDate: '2026-07-01',
      compatibilityFlags: [],
    })
    try {
      expect(nodeFree[0]?.name).toBe('worker.js')
      // Each node-only module of core is a chunk of its own, and only those import node built-ins.
      expect(nodeOnly.map((chunk) => chunk.name.replace(/-[A-Z0-9]+\.js$/, '')).sort()).toEqual([
        'cluster',
        'multipart-parse',
        'server',
        'signals',
        'static-files',
      ])
      for (const c of cases) {
        const res = (await plain.dispatchFetch(toRequest(c, 'http://localhost').url, {
          method: c.request.method ?? 'GET',
          headers: c.request.headers,
          body: c.request.body,
          redirect: 'manual',
        })) as unknown as Response
        expect({ name: c.name, mismatches: await mismatches(c, res) }).toEqual({
          name: c.name,
          mismatches: [],
        })
      }
    } finally {
      await plain.dispose()
      await split.dispose()
    }
  })
})
