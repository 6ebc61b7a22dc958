/**
 * `multipart/form-data` where the node half cannot load (workerd without `nodejs_compat`): parsed by the
 * runtime itself (`Response.formData()`), every file kept in memory, none on disk. The body arrives through
 * the same limited stream busboy gets, so `uploadLimit` bounds what is held; the other limits are checked on
 * the parsed form, with the same 413s as on node.
 */
import { BadRequest, HTTPError } from './errors'
import type { ParsedForm, ResolvedMultipartLimits, UploadedFile } from './multipart'

const encoder = new TextEncoder()

class MemoryUpload implements UploadedFile {
  readonly path = null
  readonly #file: Blob

  constructor(
    readonly field: string,
    readonly filename: string,
    readonly type: string,
    file: Blob,
  ) {
    this.#file = file
  }

  get size(): number {
    return this.#file.size
  }

  async bytes(): Promise<Uint8Array> {
    return new Uint8Array(await this.#file.arrayBuffer())
  }

  text(): Promise<string> {
    return this.#file.text()
  }
}

function tooLarge(message: string): HTTPError {
  return new HTTPError(413, message, { code: 'BRISK_ERR_MULTIPART_LIMIT', headers: { connection: 'close' } })
}

/** The body as a Web stream; what the source throws (over the upload limit, say) is kept for the caller. */
function webStream(
  body: AsyncIterable<Uint8Array>,
  failed: (error: unknown) => void,
): ReadableStream<Uint8Array> {
  const chunks = body[Symbol.asyncIterator]()
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const { done, value } = await chunks.next()
        if (done) controller.close()
        else controller.enqueue(value)
      } catch (error) {
        failed(error)
        controller.error(error)
      }
    },
    async cancel() {
      await chunks.return?.()
    },
  })
}

/**
 * Reads a multipart body with the runtime's own parser, holding files in memory (`path` is `null`).
 *
 * @example
 * const { fields, files } = await parseWebForm(contentType, req.stream(), limits)
 */
export async function parseWebForm(
  contentType: string,
  body: AsyncIterable<Uint8Array>,
  limits: ResolvedMultipartLimits,
): Promise<ParsedForm> {
  let failure: unknown
  let form: FormData
  try {
    const stream = webStream(body, (error) => {
      failure = error
    })
    form = await new Response(stream, { headers: { 'content-type': contentType } }).formData()
  } catch (error) {
    if (failure !== undefined) throw failure
    throw new BadRequest('The multipart body is malformed', {
      code: 'BRISK_ERR_MULTIPART_MALFORMED',
      cause: error,
    })
  }
  const fields: Record<string, string | string[]> = Object.create(null)
  const files: Record<string, UploadedFile[]> = Object.create(null)
  let fieldCount = 0
  let fileCount = 0
  for (const [name, value] of form) {
    if (typeof value === 'string') {
      if (++fieldCount > limits.fields) throw tooLarge(`The body has more than ${limits.fields} fields`)
      if (value.length > limits.fieldSize / 3 && encoder.encode(value).byteLength > limits.fieldSize)
        throw tooLarge(`The field "${name}" is over ${limits.fieldSize} bytes`)
      const current = fields[name]
      fields[name] =
        current === undefined ? value : Array.isArray(current) ? [...current, value] : [current, value]
    } else {
      const file = value as File
      if (++fileCount > limits.files) throw tooLarge(`The body has more than ${limits.files} files`)
      if (file.size > limits.fileSize)
        throw tooLarge(`The file "${file.name}" is over ${limits.fileSize} bytes`)
      ;(files[name] ??= []).push(new MemoryUpload(name, file.name, file.type, file))
    }
  }
  return { fields, files }
}
