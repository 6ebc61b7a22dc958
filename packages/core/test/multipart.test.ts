import { existsSync } from 'node:fs'
import { request } from 'node:http'
import { describe, expect, it } from 'vitest'
import { resolveMultipartLimits, uploadLimitOf } from '../src/http/multipart'
import { Brisk } from '../src/index'
import { forEachEntry, once } from './_matrix'

/** A multipart body as a browser would send it. */
async function multipart(build: (form: FormData) => void): Promise<{ body: Uint8Array; type: string }> {
  const form = new FormData()
  build(form)
  const res = new Response(form)
  return { body: new Uint8Array(await res.arrayBuffer()), type: res.headers.get('content-type')! }
}

function uploadApp(options: ConstructorParameters<typeof Brisk>[0] = {}, route = {}): Brisk {
  const app = new Brisk(options)
  app.post('/upload', route, async (req) => {
    const fields = await req.form()
    const files = await req.files()
    const out: Record<string, unknown> = {}
    for (const [name, list] of Object.entries(files)) {
      out[name] = await Promise.all(
        list.map(async (f) => ({
          filename: f.filename,
          type: f.type,
          size: f.size,
          onDisk: f.path !== null,
          text: await f.text(),
        })),
      )
    }
    return { fields, files: out }
  })
  return app
}

forEachEntry('req.form() and req.files() with multipart/form-data', (make) => {
  it('gives fields (repeated ones as arrays) and files in memory', async () => {
    const { body, type } = await multipart((f) => {
      f.append('title', 'Dune')
      f.append('tag', 'sf')
      f.append('tag', 'classic')
      f.append('cover', new Blob(['PNGDATA'], { type: 'image/png' }), 'cover.png')
    })
    const res = await once(make, uploadApp(), {
      method: 'POST',
      url: '/upload',
      headers: { 'content-type': type },
      body,
    })
    expect(res.status).toBe(200)
    expect(res.json()).toEqual({
      fields: { title: 'Dune', tag: ['sf', 'classic'] },
      files: {
        cover: [{ filename: 'cover.png', type: 'image/png', size: 7, onDisk: false, text: 'PNGDATA' }],
      },
    })
  })

  it('writes files above memoryLimit to a temporary file, removed after the response', async () => {
    const app = new Brisk({ multipart: { memoryLimit: 1024 } })
    let path: string | null = null
    app.post('/upload', async (req) => {
      const [file] = (await req.files()).doc ?? []
      path = file!.path
      return { size: file!.size, onDisk: existsSync(path!), same: (await file!.text()) === 'z'.repeat(5000) }
    })
    const { body, type } = await multipart((f) => f.append('doc', new Blob(['z'.repeat(5000)]), 'big.txt'))
    const res = await once(make, app, {
      method: 'POST',
      url: '/upload',
      headers: { 'content-type': type },
      body,
    })
    expect(res.json()).toEqual({ size: 5000, onDisk: true, same: true })
    // Removed once the response is done, asynchronously: poll (bounded) instead of guessing a delay.
    for (let waited = 0; existsSync(path!) && waited < 5000; waited += 20) {
      await new Promise((resolve) => setTimeout(resolve, 20))
    }
    expect(existsSync(path!)).toBe(false)
  })

  it('answers 413 for a file over fileSize, too many files, or a field over fieldSize', async () => {
    const big = await multipart((f) => f.append('doc', new Blob(['a'.repeat(2000)]), 'a.txt'))
    const res = await once(make, uploadApp({ multipart: { fileSize: 1000 } }), {
      method: 'POST',
      url: '/upload',
      headers: { 'content-type': big.type },
      body: big.body,
    })
    expect(res.status).toBe(413)
    expect(res.json()).toMatchObject({ status: 413, code: 'BRISK_ERR_MULTIPART_LIMIT' })
    expect(res.json().detail).toContain('a.txt')

    const many = await multipart((f) => {
      for (let i = 0; i < 3; i++) f.append('f', new Blob(['x']), `${i}.txt`)
    })
    const tooMany = await once(make, uploadApp({}, { multipart: { files: 2 } }), {
      method: 'POST',
      url: '/upload',
      headers: { 'content-type': many.type },
      body: many.body,
    })
    expect(tooMany.status).toBe(413)
    expect(tooMany.json().detail).toContain('more than 2 files')

    const field = await multipart((f) => f.append('note', 'n'.repeat(200)))
    const longField = await once(make, uploadApp({ multipart: { fieldSize: 100 } }), {
      method: 'POST',
      url: '/upload',
      headers: { 'content-type': field.type },
      body: field.body,
    })
    expect(longField.status).toBe(413)
  })

  it('takes a 2 MB file with the default limits: bodyLimit (1 MiB) does not cap uploads', async () => {
    const { body, type } = await multipart((f) => {
      f.append('title', 'big')
      f.append('doc', new Blob([new Uint8Array(2 * 1024 * 1024).fill(0x61)]), 'big.txt')
    })
    const app = new Brisk()
    app.post('/upload', async (req) => {
      const [doc] = (await req.files()).doc ?? []
      return { title: (await req.form()).title, size: doc?.size, onDisk: doc?.path !== null }
    })
    const res = await once(make, app, {
      method: 'POST',
      url: '/upload',
      headers: { 'content-type': type },
      body,
    })
    expect(res.status).toBe(200)
    expect(res.json()).toEqual({ title: 'big', size: 2 * 1024 * 1024, onDisk: true })
  })

  it('still holds JSON and text bodies to bodyLimit on the same app', async () => {
    const app = new Brisk()
    app.post('/json', async (req) => ({ got: Object.keys((await req.json()) as object).length }))
    const res = await once(make, app, {
      method: 'POST',
      url: '/json',
      body: { big: 'x'.repeat(2 * 1024 * 1024) },
    })
    expect(res.status).toBe(413)
    expect(res.json().code).toBe('BRISK_ERR_BODY_TOO_LARGE')
  })

  it('answers 413 past uploadLimit, from the app or the route, naming the limit', async () => {
    const { body, type } = await multipart((f) => f.append('doc', new Blob(['q'.repeat(100_000)]), 'q.txt'))
    const sent = { method: 'POST', url: '/upload', headers: { 'content-type': type }, body }
    const byApp = await once(make, uploadApp({ multipart: { uploadLimit: '64kb' } }), sent)
    expect(byApp.status).toBe(413)
    expect(byApp.json()).toMatchObject({
      code: 'BRISK_ERR_MULTIPART_LIMIT',
      detail: 'The multipart body is over the upload limit of 65536 bytes',
    })
    const byRoute = await once(make, uploadApp({}, { multipart: { uploadLimit: 50_000 } }), sent)
    expect(byRoute.status).toBe(413)
    expect(byRoute.json().detail).toBe('The multipart body is over the upload limit of 50000 bytes')
    // A route's uploadLimit also lifts the app's.
    const lifted = await once(
      make,
      uploadApp({ multipart: { uploadLimit: 1000 } }, { multipart: { uploadLimit: '1mb' } }),
      sent,
    )
    expect(lifted.status).toBe(200)
    expect(lifted.json().files.doc[0].size).toBe(100_000)
  })

  it('defaults uploadLimit to fileSize + bodyLimit: one file at its largest fits, more does not', async () => {
    const limits = { bodyLimit: 1000, multipart: { fileSize: 3000 } }
    const one = await multipart((f) => f.append('doc', new Blob(['a'.repeat(3000)]), 'a.txt'))
    const fits = await once(make, uploadApp(limits), {
      method: 'POST',
      url: '/upload',
      headers: { 'content-type': one.type },
      body: one.body,
    })
    expect(fits.status).toBe(200)
    expect(fits.json().files.doc[0].size).toBe(3000)
    // Each file is under fileSize, together they are over 3000 + 1000 bytes.
    const two = await multipart((f) => {
      f.append('a', new Blob(['a'.repeat(2500)]), 'a.txt')
      f.append('b', new Blob(['b'.repeat(2500)]), 'b.txt')
    })
    const over = await once(make, uploadApp(limits), {
      method: 'POST',
      url: '/upload',
      headers: { 'content-type': two.type },
      body: two.body,
    })
    expect(over.status).toBe(413)
    expect(over.json().detail).toBe('The multipart body is over the upload limit of 4000 bytes')
    // A route's bodyLimit raises the default with it.
    const roomy = await once(make, uploadApp(limits, { bodyLimit: '1mb' }), {
      method: 'POST',
      url: '/upload',
      headers: { 'content-type': two.type },
      body: two.body,
    })
    expect(roomy.status).toBe(200)
  })

  it('answers 400 for a malformed body or a missing boundary', async () => {
    const res = await once(make, uploadApp(), {
      method: 'POST',
      url: '/upload',
      headers: { 'content-type': 'multipart/form-data' },
      body: 'no boundary here',
    })
    expect(res.status).toBe(400)
    expect(res.json().code).toBe('BRISK_ERR_MULTIPART_MALFORMED')
    const cut = await once(make, uploadApp(), {
      method: 'POST',
      url: '/upload',
      headers: { 'content-type': 'multipart/form-data; boundary=XYZ' },
      body: '--XYZ\r\nContent-Disposition: form-data; name="a"\r\n\r\nvalue-without-end',
    })
    expect(cut.status).toBe(400)
  })

  it('answers 415 for a body that is not a form', async () => {
    const res = await once(make, uploadApp(), { method: 'POST', url: '/upload', body: { not: 'a form' } })
    expect(res.status).toBe(415)
  })

  it('reads urlencoded forms through the same API, with no files', async () => {
    const res = await once(make, uploadApp(), {
      method: 'POST',
      url: '/upload',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'a=1&a=2&b=x+y',
    })
    expect(res.json()).toEqual({ fields: { a: ['1', '2'], b: 'x y' }, files: {} })
  })
})

describe('upload limits on a chunked body (no Content-Length), on both servers', () => {
  for (const server of ['brisk', 'node'] as const) {
    it(`counts the bytes as they arrive and answers 413 past uploadLimit [${server}]`, async () => {
      const { body, type } = await multipart((f) => f.append('doc', new Blob(['z'.repeat(200_000)]), 'z.txt'))
      const app = uploadApp({ multipart: { uploadLimit: '100kb' } })
      const { port } = await app.listen({ port: 0, host: '127.0.0.1', server })
      try {
        const chunked = (payload: Uint8Array, contentType: string) =>
          new Promise<{ status: number; body: string }>((resolve, reject) => {
            const req = request(
              {
                host: '127.0.0.1',
                port,
                method: 'POST',
                path: '/upload',
                headers: { 'content-type': contentType, 'transfer-encoding': 'chunked' },
                agent: false,
              },
              (res) => {
                let text = ''
                res.setEncoding('utf8')
                res.on('data', (c: string) => {
                  text += c
                })
                res.on('end', () => resolve({ status: res.statusCode!, body: text }))
              },
            )
            req.on('error', (error: NodeJS.ErrnoException) => {
              // The server may close before the whole body was sent: the 413 has arrived or will not.
              if (error.code !== 'EPIPE' && error.code !== 'ECONNRESET') reject(error)
            })
            for (let at = 0; at < payload.byteLength; at += 16_384)
              req.write(payload.subarray(at, at + 16_384))
            req.end()
          })
        const res = await chunked(body, type)
        expect(res.status).toBe(413)
        expect(JSON.parse(res.body)).toMatchObject({ code: 'BRISK_ERR_MULTIPART_LIMIT' })
        const small = await multipart((f) => f.append('doc', new Blob(['z'.repeat(50_000)]), 'z.txt'))
        const ok = await chunked(small.body, small.type)
        expect(ok.status).toBe(200)
        expect(JSON.parse(ok.body).files.doc[0].size).toBe(50_000)
      } finally {
        await app.close()
      }
    })
  }
})

describe('resolveMultipartLimits()', () => {
  it('merges over a base and refuses bad values', () => {
    expect(resolveMultipartLimits().uploadLimit).toBeUndefined()
    expect(resolveMultipartLimits({ uploadLimit: '2mb' }).uploadLimit).toBe(2 * 1024 * 1024)
    expect(resolveMultipartLimits({}, resolveMultipartLimits({ uploadLimit: 5 })).uploadLimit).toBe(5)
    expect(uploadLimitOf(resolveMultipartLimits(), 1024 * 1024)).toBe(11 * 1024 * 1024)
    expect(() => resolveMultipartLimits({ uploadLimit: 'lots' })).toThrow(TypeError)
    const base = resolveMultipartLimits({ files: 3 })
    expect(resolveMultipartLimits({ fileSize: '1kb' }, base)).toMatchObject({ fileSize: 1024, files: 3 })
    expect(() => resolveMultipartLimits({ files: -1 })).toThrow(/files/)
    expect(() => resolveMultipartLimits({ fileSize: 'huge' })).toThrow(TypeError)
  })
})
