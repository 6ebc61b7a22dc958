import { Miniflare } from 'miniflare'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { cases } from '../src/cases'
import { mismatches, toRequest } from '../src/check'
import { type Bundle, bundle } from './_bundle'

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

// The bundle's node built-ins, and the same Worker on workerd without nodejs_compat: test/worker-bundle.test.ts.
