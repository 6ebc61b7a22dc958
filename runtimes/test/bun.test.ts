import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { cases } from '../src/cases'
import { mismatches, toRequest } from '../src/check'
import { type Bundle, bundle } from './_bundle'
import { bunBinary, type Served, serve } from './_serve'

// Bun: src/serve-bun.ts (`Bun.serve({ fetch: app.fetch })`) bundled, run by the bun binary on a loopback
// port (`--no-install`: nothing is fetched), every case sent over a real socket.
let script: Bundle
let served: Served

beforeAll(async () => {
  script = await bundle(new URL('../src/serve-bun.ts', import.meta.url).pathname, ['bun'])
  served = await serve(bunBinary(), ['run', '--no-install', script.file])
})

afterAll(async () => {
  await served?.stop()
  await script?.dispose()
})

describe('bun: Bun.serve({ fetch: app.fetch })', () => {
  it.each(cases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const res = await fetch(toRequest(c, served.origin), { redirect: 'manual' })
    expect(await mismatches(c, res)).toEqual([])
  })
})
