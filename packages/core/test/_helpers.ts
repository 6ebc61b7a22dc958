/**
 * Small helpers shared by the core's tests.
 */
import { request } from 'node:http'
import type { Logger } from '../src/index'

/** A logger that says nothing, for tests whose failures are expected. */
export const silent: Logger = { error() {}, warn() {}, info() {}, debug() {} }

/** A logger that keeps the errors it is given, so tests can look at them and stderr stays quiet. */
export function recordingLogger(): { logger: Logger; errors: { obj: unknown; msg: string | undefined }[] } {
  const errors: { obj: unknown; msg: string | undefined }[] = []
  const ignore = (): void => {}
  return {
    logger: {
      error: (obj, msg) => void errors.push({ obj, msg }),
      warn: ignore,
      info: ignore,
      debug: ignore,
    },
    errors,
  }
}

/** Waits a millisecond, so an async hook really goes through the event loop. */
export const tick = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 1))

/**
 * A GET on a new connection to a loopback port, with the request target sent exactly as written (no client
 * normalises `..` or escapes) and a timeout.
 *
 * @example
 * const { status, body } = await getFresh(port, '/static/../secret.txt')
 */
export function getFresh(
  port: number,
  path: string,
  timeout = 10_000,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, headers, agent: false, timeout }, (res) => {
      let body = ''
      res.setEncoding('utf8')
      res.on('data', (chunk: string) => {
        body += chunk
      })
      res.on('end', () => resolve({ status: res.statusCode!, body }))
      res.on('error', reject)
    })
    req.on('error', reject)
    req.on('timeout', () => req.destroy(new Error(`GET ${path} timed out`)))
    req.end()
  })
}

/** {@link getFresh} for a full URL. */
export function getURL(url: string, timeout?: number): Promise<{ status: number; body: string }> {
  const { port, pathname, search } = new URL(url)
  return getFresh(Number(port), pathname + search, timeout)
}

/**
 * A seeded PRNG (mulberry32: 32 bits of state, the same sequence on every machine), so a test that uses
 * random input can be replayed from its seed.
 *
 * @example
 * const random = mulberry32(42); random() // a number in [0, 1)
 */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}
