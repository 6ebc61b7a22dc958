import { Miniflare } from 'miniflare'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Bundle, bundle } from './_bundle'

// What an app gets on workerd without `nodejs_compat` when it uses a feature that needs node built-ins
// (test/_unsupported-worker.ts): a clear BRISK_ERR_RUNTIME_UNSUPPORTED, at start for app.static() and from
// listen() when it is called. An upload needs no node built-in there: workerd's own parser reads it.
let worker: Bundle
let mf: Miniflare

beforeAll(async () => {
  worker = await bundle(new URL('./_unsupported-worker.ts', import.meta.url).pathname, [
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

async function get(
  path: string,
  init: RequestInit = {},
): Promise<{ status: number; type: string; body: string }> {
  const res = (await mf.dispatchFetch(`http://localhost${path}`, init as never)) as unknown as Response
  return { status: res.status, type: res.headers.get('content-type') ?? '', body: await res.text() }
}

interface Logged {
  code?: string
  message?: string
  msg?: string
}

describe('workerd without nodejs_compat', () => {
  it('an app with app.static() does not start: every request fails with the start error, none is served', async () => {
    // app.fetch rejects with the BriskError; workerd answers 500 for a handler that throws (miniflare shows
    // the error in the body; Cloudflare shows its own error page) and logs it.
    for (const path of ['/files/', '/files/assets/a.txt', '/files/']) {
      const res = await get(path)
      expect(res.status).toBe(500)
      expect(res.body).toContain('BriskError')
      expect(res.body).toContain('app.static()')
      expect(res.body).toContain('node:fs')
      expect(res.body).toContain('Cloudflare-Workers')
      expect(res.body).not.toContain('never served')
    }
  })

  it('listen() rejects with BRISK_ERR_RUNTIME_UNSUPPORTED naming node:net and the runtime', async () => {
    const res = await get('/listen')
    expect(res.status).toBe(200)
    const error = JSON.parse(res.body) as { name: string; code: string; message: string }
    expect(error.name).toBe('BriskError')
    expect(error.code).toBe('BRISK_ERR_RUNTIME_UNSUPPORTED')
    expect(error.message).toMatch(
      /^listen\(\) .* needs node:net, node:cluster, which this runtime \(Cloudflare-Workers\) cannot load/,
    )
    // The app itself goes on answering through app.fetch.
    expect((await get('/')).body).toBe('plain app')
  })

  it('file() in a handler answers 500 problem+json and logs BRISK_ERR_RUNTIME_UNSUPPORTED', async () => {
    const before = JSON.parse((await get('/logged')).body) as Logged[]
    const res = await get('/file')
    expect(res.status).toBe(500)
    expect(res.type).toMatch(/^application\/problem\+json/)
    const logged = (JSON.parse((await get('/logged')).body) as Logged[]).slice(before.length)
    expect(logged.map((entry) => entry.code)).toEqual(['BRISK_ERR_RUNTIME_UNSUPPORTED'])
    expect(logged[0]?.message).toMatch(/^app\.static\(\) and file\(\) .* needs node:fs/)
  })

  it('a multipart upload is read by the runtime, the file in memory, and nothing is logged', async () => {
    const before = JSON.parse((await get('/logged')).body) as Logged[]
    const res = await get('/upload', {
      method: 'POST',
      headers: { 'content-type': 'multipart/form-data; boundary=x' },
      body:
        '--x\r\ncontent-disposition: form-data; name="title"\r\n\r\nDune\r\n' +
        '--x\r\ncontent-disposition: form-data; name="a"; filename="a.txt"\r\ncontent-type: text/plain\r\n\r\nhello\r\n--x--\r\n',
    })
    expect(res.status).toBe(200)
    expect(JSON.parse(res.body)).toEqual({
      fields: { title: 'Dune' },
      name: 'a.txt',
      path: null,
      text: 'hello',
    })
    expect(JSON.parse((await get('/logged')).body)).toEqual(before)
  })
})
