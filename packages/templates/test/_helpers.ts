/**
 * Shared bits of the tests: fixture folders, apps that log into an array, temporary template folders.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Brisk, type BriskOptions, type Logger } from '@brisk/core'
import { afterEach } from 'vitest'

/** The app's template folder. */
export const appFolder = fileURLToPath(new URL('./fixtures/templates', import.meta.url))
/** The admin blueprint's template folder. */
export const adminFolder = fileURLToPath(new URL('./fixtures/admin', import.meta.url))

/** A logger that keeps what it is given. */
export function memoryLogger(): Logger & { errors: { obj: unknown; msg: string | undefined }[] } {
  const errors: { obj: unknown; msg: string | undefined }[] = []
  return {
    errors,
    error: (obj, msg) => void errors.push({ obj, msg }),
    warn() {},
    info() {},
    debug() {},
  }
}

/** An app without an access log, logging into memory. */
export function newApp(options: BriskOptions = {}): Brisk {
  return new Brisk({ accessLog: false, logger: memoryLogger(), ...options })
}

const made: string[] = []
afterEach(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true })
})

/**
 * A temporary folder holding `files` (name → content), removed after the test.
 *
 * @example
 * const dir = tempFolder({ 'page.html': '<p>{{ x }}</p>' })
 */
export function tempFolder(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'brisk-templates-'))
  made.push(dir)
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content)
  return dir
}
