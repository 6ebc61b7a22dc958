import { afterAll, beforeAll, describe } from 'vitest'
import { type Bundle, bundle } from './_bundle'
import { denoBinary, type Served, serve } from './_serve'
import { overSocket, runtimeSuite } from './_suite'

// Deno: src/serve-deno.ts (`Deno.serve(app.fetch)`) bundled, run by the deno binary with network and env
// permissions only and `--no-remote` (nothing is fetched), every case sent over a real socket.
let script: Bundle
let served: Served

beforeAll(async () => {
  script = await bundle(new URL('../src/serve-deno.ts', import.meta.url).pathname, ['deno'], {
    requireBuiltins: true,
  })
  served = await serve(
    denoBinary(),
    ['run', '--no-prompt', '--no-remote', '--allow-net=127.0.0.1', '--allow-env', script.file],
    {
      DENO_DIR: `${script.dir}/deno`,
      DENO_NO_UPDATE_CHECK: '1',
    },
  )
})

afterAll(async () => {
  await served?.stop()
  await script?.dispose()
})

describe('deno: Deno.serve(app.fetch)', () => {
  runtimeSuite(() => ({ send: overSocket, origin: served.origin }))
})
