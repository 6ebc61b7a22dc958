/**
 * What every server file shares: whether it was started as a program (the harness also imports each file,
 * to read which scenarios it declares, and that must not start a server), and where to listen.
 */
import { realpathSync } from 'node:fs'
import { pathToFileURL } from 'node:url'

/** True when the module at `url` is the program node was started with. */
export function isMain(url) {
  const entry = process.argv[1]
  if (!entry) return false
  try {
    return pathToFileURL(realpathSync(entry)).href === url
  } catch {
    return false
  }
}

/** The port from the `PORT` env var; the harness always sets one. */
export function port() {
  const value = Number(process.env.PORT)
  if (!Number.isInteger(value) || value < 1 || value > 65535) {
    throw new Error(`PORT must be set to a port number, got ${JSON.stringify(process.env.PORT)}`)
  }
  return value
}

/** Servers listen on loopback only. */
export const HOST = '127.0.0.1'

/** The text every `text` route answers. */
export const HELLO = 'Hello, World!'
