import { Miniflare } from 'miniflare'
import { afterAll, beforeAll, describe } from 'vitest'
import { type Bundle, bundle } from './_bundle'
import { intoMiniflare, runtimeSuite } from './_suite'

// workerd with the plugins: src/worker-full.ts bundled as wrangler bundles a Worker with `nodejs_compat`
// (CommonJS requires of node built-ins turned into imports), the app started at the module's top level.
let worker: Bundle
let mf: Miniflare

beforeAll(async () => {
  worker = await bundle(
    new URL('../src/worker-full.ts', import.meta.url).pathname,
    ['workerd', 'worker', 'browser'],
    { requireBuiltins: true },
  )
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

describe('workerd: a bundled Worker module with the plugins', () => {
  // workerd does not cancel a streaming body's source when its client goes away (checked with miniflare's
  // dispatchFetch and over its socket, `request.signal` with `enable_request_signal` included).
  runtimeSuite(() => ({ send: intoMiniflare(mf), origin: 'http://localhost' }), { clientLeaving: 'unseen' })
})
