import { afterAll, beforeAll, describe } from 'vitest'
import { type Bundle, bundle } from './_bundle'
import { bunBinary, type Served, serve } from './_serve'
import { overSocket, runtimeSuite } from './_suite'

// Bun: src/serve-bun.ts (`Bun.serve({ fetch: app.fetch })`) bundled, run by the bun binary on a loopback
// port (`--no-install`: nothing is fetched), every case sent over a real socket.
let script: Bundle
let served: Served

beforeAll(async () => {
  script = await bundle(new URL('../src/serve-bun.ts', import.meta.url).pathname, ['bun'], {
    requireBuiltins: true,
  })
  served = await serve(bunBinary(), ['run', '--no-install', script.file])
})

afterAll(async () => {
  await served?.stop()
  await script?.dispose()
})

describe('bun: Bun.serve({ fetch: app.fetch })', () => {
  runtimeSuite(() => ({ send: overSocket, origin: served.origin }))
})
