/**
 * parseWebForm (the runtime's own multipart parser, files in memory: what workerd gets) against parseMultipart
 * (busboy, node): the same bodies give the same fields and files, and the same 400s and 413s.
 */
import { describe, expect, it } from 'vitest'
import { HTTPError } from '../src/http/errors'
import { type ParsedForm, resolveMultipartLimits } from '../src/http/multipart'
import { parseWebForm } from '../src/http/multipart-web'
import { need } from '../src/node/builtins'
import { parseMultipart, removeFiles } from '../src/node/multipart-parse'

const limits = resolveMultipartLimits({ fileSize: 1000, files: 2, fields: 3, fieldSize: 20, memoryLimit: 10 })

/** A multipart body as a browser sends it. */
async function multipart(build: (form: FormData) => void): Promise<{ body: Uint8Array; type: string }> {
  const form = new FormData()
  build(form)
  const res = new Response(form)
  return { body: new Uint8Array(await res.arrayBuffer()), type: res.headers.get('content-type')! }
}

/** The body in chunks of `size` bytes, as a socket delivers it. */
async function* chunks(body: Uint8Array, size = 7): AsyncIterable<Uint8Array> {
  for (let at = 0; at < body.length; at += size) yield body.subarray(at, at + size)
}

type Outcome =
  | {
      fields: ParsedForm['fields']
      files: Record<string, { filename: string; type: string; size: number; text: string }[]>
    }
  | { status: number; code: string | undefined }

async function outcome(parse: () => Promise<ParsedForm>): Promise<Outcome> {
  try {
    const { fields, files } = await parse()
    const out: Record<string, { filename: string; type: string; size: number; text: string }[]> = {}
    for (const [name, list] of Object.entries(files)) {
      out[name] = await Promise.all(
        list.map(async (f) => ({ filename: f.filename, type: f.type, size: f.size, text: await f.text() })),
      )
    }
    return { fields: { ...fields }, files: out }
  } catch (error) {
    if (!(error instanceof HTTPError)) throw error
    return { status: error.status, code: error.code }
  }
}

/** Both parsers on the same bytes. */
async function both(body: Uint8Array, type: string): Promise<{ busboy: Outcome; web: Outcome }> {
  await need('fs', 'fsPromises', 'os', 'path', 'busboy')
  const temporary: string[] = []
  const busboy = await outcome(() =>
    parseMultipart(type, chunks(body), limits, (path) => temporary.push(path)),
  )
  await removeFiles(temporary)
  const web = await outcome(() => parseWebForm(type, chunks(body), limits))
  return { busboy, web }
}

describe('parseWebForm() and parseMultipart() agree', () => {
  const forms: [string, (form: FormData) => void][] = [
    [
      'fields, a repeated field, files in memory and above memoryLimit',
      (f) => {
        f.append('title', 'Dune')
        f.append('tag', 'sf')
        f.append('tag', 'classic')
        f.append('cover', new Blob(['PNGDATA'], { type: 'image/png' }), 'cover.png')
        f.append('book', new Blob(['a'.repeat(500)], { type: 'text/plain' }), 'book.txt')
      },
    ],
    [
      'UTF-8 names and values',
      (f) => {
        f.append('café', 'crème brûlée')
        f.append('doc', new Blob(['héllo'], { type: 'text/plain' }), 'résumé.txt')
      },
    ],
    ['a file over fileSize', (f) => f.append('big', new Blob(['x'.repeat(1001)]), 'big.bin')],
    ['a file of exactly fileSize', (f) => f.append('big', new Blob(['x'.repeat(1000)]), 'big.bin')],
    [
      'too many files',
      (f) => {
        for (let i = 0; i < 3; i++) f.append('f', new Blob(['x']), `${i}.txt`)
      },
    ],
    [
      'too many fields',
      (f) => {
        for (let i = 0; i < 4; i++) f.append(`k${i}`, 'v')
      },
    ],
    ['a field over fieldSize', (f) => f.append('note', 'y'.repeat(21))],
    ['a field of exactly fieldSize in 2-byte characters', (f) => f.append('note', 'é'.repeat(10))],
  ]
  for (const [name, build] of forms) {
    it(name, async () => {
      const { body, type } = await multipart(build)
      const { busboy, web } = await both(body, type)
      expect(web).toEqual(busboy)
    })
  }

  it('a malformed body and a missing boundary are 400 with both', async () => {
    const body = new TextEncoder().encode('--x\r\ncontent-disposition: form-data; name="a"\r\n\r\nno end')
    expect(await both(body, 'multipart/form-data; boundary=x')).toEqual({
      busboy: { status: 400, code: 'BRISK_ERR_MULTIPART_MALFORMED' },
      web: { status: 400, code: 'BRISK_ERR_MULTIPART_MALFORMED' },
    })
    const noBoundary = await both(body, 'multipart/form-data')
    expect(noBoundary.web).toEqual({ status: 400, code: 'BRISK_ERR_MULTIPART_MALFORMED' })
    expect(noBoundary.busboy).toEqual(noBoundary.web)
  })
})

describe('parseWebForm()', () => {
  it('keeps every file in memory, whatever its size', async () => {
    const { body, type } = await multipart((f) => f.append('book', new Blob(['a'.repeat(500)]), 'book.txt'))
    const { files } = await parseWebForm(type, chunks(body), limits)
    expect(files.book?.[0]?.path).toBeNull()
    expect((await files.book![0]!.bytes()).byteLength).toBe(500)
  })

  it('passes on what the body stream throws (the upload limit), not a 400', async () => {
    const { body, type } = await multipart((f) => f.append('a', 'b'))
    const limit = new HTTPError(413, 'over', { code: 'BRISK_ERR_BODY_TOO_LARGE' })
    async function* failing(): AsyncIterable<Uint8Array> {
      yield body.subarray(0, 10)
      throw limit
    }
    await expect(parseWebForm(type, failing(), limits)).rejects.toBe(limit)
  })
})
