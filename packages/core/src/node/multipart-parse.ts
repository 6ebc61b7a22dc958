/**
 * Parses `multipart/form-data` with `busboy`, feeding it the request body chunk by chunk (so the body limit
 * and backpressure apply), keeping small files in memory and writing large ones to temporary files.
 */
import type { WriteStream } from 'node:fs'
import type busboy from 'busboy'
import { BadRequest, HTTPError } from '../http/errors'
import type { ParsedForm, ResolvedMultipartLimits, UploadedFile } from '../http/multipart'
import { builtins } from './builtins'

const decoder = new TextDecoder()

class Upload implements UploadedFile {
  size = 0
  path: string | null = null
  readonly #chunks: Buffer[] = []
  #memory: Buffer | null = null

  constructor(
    readonly field: string,
    readonly filename: string,
    readonly type: string,
  ) {}

  async bytes(): Promise<Uint8Array> {
    if (this.path !== null) return builtins.fsPromises.readFile(this.path)
    this.#memory ??= Buffer.concat(this.#chunks)
    return this.#memory
  }

  async text(): Promise<string> {
    return decoder.decode(await this.bytes())
  }

  /** @internal */
  keep(chunk: Buffer): void {
    this.#chunks.push(chunk)
  }

  /** @internal Moves what is held in memory to a temporary file and returns the stream to go on writing to. */
  spill(): WriteStream {
    // The global Web Crypto (the same function as node:crypto's), one node built-in fewer in a Worker's bundle.
    this.path = builtins.path.join(builtins.os.tmpdir(), `brisk-upload-${crypto.randomUUID()}`)
    const out = builtins.fs.createWriteStream(this.path, { flags: 'wx', mode: 0o600 })
    for (const chunk of this.#chunks.splice(0)) out.write(chunk)
    return out
  }
}

function tooLarge(message: string): HTTPError {
  return new HTTPError(413, message, { code: 'BRISK_ERR_MULTIPART_LIMIT', headers: { connection: 'close' } })
}

/**
 * Reads a multipart body. Temporary files are reported to `track` as soon as they exist, so they are
 * removed after the response even when parsing fails half-way.
 *
 * @example
 * const { fields, files } = await parseMultipart(contentType, req.stream(), limits, (path) => cleanup.push(path))
 */
export async function parseMultipart(
  contentType: string,
  body: AsyncIterable<Uint8Array>,
  limits: ResolvedMultipartLimits,
  track: (path: string) => void,
): Promise<ParsedForm> {
  let parser: busboy.Busboy
  try {
    parser = builtins.busboy({
      headers: { 'content-type': contentType },
      defParamCharset: 'utf8',
      limits: {
        // busboy stops a part when it reaches its limit, so one of exactly `fileSize` bytes would fail: ours are
        // the largest sizes allowed.
        fileSize: limits.fileSize + 1,
        files: limits.files,
        fields: limits.fields,
        fieldSize: limits.fieldSize + 1,
      },
    })
  } catch (error) {
    throw new BadRequest('The multipart body has no valid boundary', {
      code: 'BRISK_ERR_MULTIPART_MALFORMED',
      cause: error,
    })
  }
  const fields: Record<string, string | string[]> = Object.create(null)
  const files: Record<string, UploadedFile[]> = Object.create(null)
  const writes: Promise<void>[] = []
  let failure: Error | undefined
  const fail = (error: Error): void => {
    failure ??= error
  }

  parser.on('field', (name, value, info) => {
    if (info.valueTruncated) return fail(tooLarge(`The field "${name}" is over ${limits.fieldSize} bytes`))
    const current = fields[name]
    fields[name] =
      current === undefined ? value : Array.isArray(current) ? [...current, value] : [current, value]
  })
  parser.on('file', (name, stream, info) => {
    const upload = new Upload(name, info.filename ?? '', info.mimeType)
    ;(files[name] ??= []).push(upload)
    let disk: WriteStream | null = null
    stream.on('data', (chunk: Buffer) => {
      upload.size += chunk.byteLength
      if (disk === null && upload.size > limits.memoryLimit) {
        disk = upload.spill()
        track(upload.path!)
        writes.push(
          new Promise<void>((resolve, reject) => {
            disk!.on('finish', resolve)
            disk!.on('error', reject)
          }),
        )
      }
      if (disk === null) upload.keep(chunk)
      else if (!disk.write(chunk)) {
        stream.pause()
        disk.once('drain', () => stream.resume())
      }
    })
    stream.on('limit', () => fail(tooLarge(`The file "${upload.filename}" is over ${limits.fileSize} bytes`)))
    // A body cut off mid-file (over uploadLimit, or the client left) destroys the parser, which fails this
    // stream too: without a listener that error would be uncaught and end the process.
    stream.on('error', fail)
    stream.on('end', () => {
      disk?.end()
    })
  })
  parser.on('filesLimit', () => fail(tooLarge(`The body has more than ${limits.files} files`)))
  parser.on('fieldsLimit', () => fail(tooLarge(`The body has more than ${limits.fields} fields`)))

  const finished = new Promise<void>((resolve, reject) => {
    parser.on('close', resolve)
    parser.on('error', (error: Error) =>
      reject(
        new BadRequest('The multipart body is malformed', {
          code: 'BRISK_ERR_MULTIPART_MALFORMED',
          cause: error,
        }),
      ),
    )
  })
  finished.catch(() => {}) // observed below; avoid an unhandled rejection while we are still writing
  try {
    for await (const chunk of body) {
      if (failure !== undefined) break
      if (!parser.write(chunk)) await new Promise((resolve) => parser.once('drain', resolve))
    }
  } catch (error) {
    parser.destroy()
    throw error
  }
  if (failure !== undefined) {
    parser.destroy()
    throw failure
  }
  parser.end()
  await finished
  await Promise.all(writes)
  if (failure !== undefined) throw failure
  return { fields, files }
}

/** Removes temporary upload files; missing ones are fine. */
export async function removeFiles(paths: readonly string[]): Promise<void> {
  await Promise.all(paths.map((path) => builtins.fsPromises.rm(path, { force: true })))
}
