import { Miniflare } from 'miniflare'
import { afterAll, beforeAll, describe } from 'vitest'
import { cases } from '../src/cases'
import { sessionFlow, sseFlow } from '../src/flows'
import { corsCases } from '../src/plugin-cases'
import { type Bundle, bundle } from './_bundle'
import { intoMiniflare, runtimeSuite } from './_suite'

// workerd without nodejs_compat: src/worker-plain.ts (core, SSE, @brisk/cors, @brisk/session with the cookie
// store) bundled as one ES module, as wrangler does, and served with no node built-in at all. The app starts
// at its first request, as Workers usually start one: none of these compiles code.
let worker: Bundle
let mf: Miniflare

beforeAll(async () => {
  worker = await bundle(new URL('../src/worker-plain.ts', import.meta.url).pathname, [
    'workerd',
    'worker',
    'browser',
  ])
  mf = new Miniflare({
    modules: [{ type: 'ESModule', path: 'worker.js', contents: worker.code }],
    compatibilityDate: '2026-07-01',
    compatibilityFlags: [],
  })
  await mf.ready
})

afterAll(async () => {
  try {
    await mf?.dispose()
  } finally {
    await worker?.dispose()
  }
})

describe('workerd without nodejs_compat: core, SSE, CORS and sessions in the cookie', () => {
  runtimeSuite(() => ({ send: intoMiniflare(mf), origin: 'http://localhost' }), {
    cases: [...cases, ...corsCases],
    flows: [sseFlow, sessionFlow],
    clientLeaving: 'unseen',
  })
})
