/**
 * `multipart/form-data` limits and the uploaded-file type: the runtime-neutral half. Parsing, done with
 * `busboy`, lives in `multipart-parse.ts` and is loaded on the first multipart body.
 */
import { parseBytes } from './body-parse'

/**
 * Limits for multipart bodies (app option `multipart`, route option `multipart`). Past any of them: 413. A
 * multipart body is not held to `bodyLimit` (which is for bodies read whole, like JSON) but to `uploadLimit`,
 * so the largest file `fileSize` allows can always arrive.
 */
export interface MultipartLimits {
  /**
   * Largest whole multipart body: files, fields and framing.
   * @default `fileSize` + the route's `bodyLimit` (11 MiB with the defaults): one file at its largest, and room for the rest
   */
  uploadLimit?: number | string
  /** Largest single file. @default '10mb' */
  fileSize?: number | string
  /** Most files in one body. @default 10 */
  files?: number
  /** Most non-file fields. @default 100 */
  fields?: number
  /** Largest non-file field value. @default '64kb' */
  fieldSize?: number | string
  /** Files up to this size stay in memory; larger ones are written to a temporary file, removed after the response. @default '256kb' */
  memoryLimit?: number | string
}

/** Resolved multipart limits, in bytes and counts. */
export interface ResolvedMultipartLimits {
  /** Set by the app or the route; `undefined` for the default, `fileSize` + the route's `bodyLimit`. */
  readonly uploadLimit: number | undefined
  readonly fileSize: number
  readonly files: number
  readonly fields: number
  readonly fieldSize: number
  readonly memoryLimit: number
}

function count(value: number | undefined, fallback: number, key: string): number {
  if (value === undefined) return fallback
  if (!Number.isInteger(value) || value < 0)
    throw new TypeError(`multipart: ${key} must be a whole number ≥ 0`)
  return value
}

/**
 * The largest multipart body a route takes: its `uploadLimit`, else one file at `fileSize` plus `bodyLimit`
 * for the fields and the framing.
 *
 * @example
 * uploadLimitOf(resolveMultipartLimits(), 1 << 20) // 11534336 (10 MiB + 1 MiB)
 */
export function uploadLimitOf(limits: ResolvedMultipartLimits, bodyLimit: number): number {
  return limits.uploadLimit ?? limits.fileSize + bodyLimit
}

/**
 * Resolves limits over a base (the app's), checking each value.
 *
 * @example
 * resolveMultipartLimits({ fileSize: '2mb' }).fileSize // 2097152
 */
export function resolveMultipartLimits(
  limits: MultipartLimits = {},
  base?: ResolvedMultipartLimits,
): ResolvedMultipartLimits {
  return Object.freeze({
    uploadLimit: limits.uploadLimit === undefined ? base?.uploadLimit : parseBytes(limits.uploadLimit),
    fileSize:
      limits.fileSize === undefined ? (base?.fileSize ?? 10 * 1024 * 1024) : parseBytes(limits.fileSize),
    files: count(limits.files, base?.files ?? 10, 'files'),
    fields: count(limits.fields, base?.fields ?? 100, 'fields'),
    fieldSize: limits.fieldSize === undefined ? (base?.fieldSize ?? 64 * 1024) : parseBytes(limits.fieldSize),
    memoryLimit:
      limits.memoryLimit === undefined ? (base?.memoryLimit ?? 256 * 1024) : parseBytes(limits.memoryLimit),
  })
}

/** A file from a multipart body: in memory when small, in a temporary file otherwise. */
export interface UploadedFile {
  /** The form field it came in. */
  readonly field: string
  /** The file name the client gave (untrusted: never use it as a path as it is). */
  readonly filename: string
  /** The content type the client gave. */
  readonly type: string
  /** Its size in bytes. */
  readonly size: number
  /** The temporary file holding it, or `null` when it is in memory. Removed after the response is sent. */
  readonly path: string | null
  /** Its content. @example const data = await upload.bytes() */
  bytes(): Promise<Uint8Array>
  /** Its content as UTF-8 text. @example const csv = await upload.text() */
  text(): Promise<string>
}

/** Fields and files of a form body. */
export interface ParsedForm {
  readonly fields: Record<string, string | string[]>
  readonly files: Record<string, UploadedFile[]>
}
