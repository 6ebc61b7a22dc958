import { existsSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { Brisk } from '../src/index'
import { resolveMultipartLimits } from '../src/multipart'
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
    await new Promise((resolve) => setTimeout(resolve, 50))
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

  it('answers 413 when the whole body is over bodyLimit', async () => {
    const { body, type } = await multipart((f) => f.append('doc', new Blob(['q'.repeat(4000)]), 'q.txt'))
    const res = await once(make, uploadApp({ bodyLimit: 1000 }), {
      method: 'POST',
      url: '/upload',
      headers: { 'content-type': type },
      body,
    })
    expect(res.status).toBe(413)
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

describe('resolveMultipartLimits()', () => {
  it('merges over a base and refuses bad values', () => {
    const base = resolveMultipartLimits({ files: 3 })
    expect(resolveMultipartLimits({ fileSize: '1kb' }, base)).toMatchObject({ fileSize: 1024, files: 3 })
    expect(() => resolveMultipartLimits({ files: -1 })).toThrow(/files/)
    expect(() => resolveMultipartLimits({ fileSize: 'huge' })).toThrow(TypeError)
  })
})
