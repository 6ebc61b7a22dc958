/**
 * Sending a case and comparing its response, with Web-standard `Request` and `Response` only, so the same code
 * runs in Node's tests and inside any runtime.
 */
import type { RuntimeCase } from './cases'

/**
 * The Web `Request` of a case, against an origin (`http://localhost` for `app.fetch`, a real port otherwise).
 *
 * @example
 * const res = await app.fetch(toRequest(cases[0], 'http://localhost'))
 */
export function toRequest(c: RuntimeCase, origin: string): Request {
  const { method = 'GET', path, headers, body } = c.request
  return new Request(new URL(path, origin), { method, headers, body })
}

/**
 * What in a response differs from what its case expects: an empty list when it fits.
 *
 * @example
 * expect(await mismatches(c, res)).toEqual([])
 */
export async function mismatches(c: RuntimeCase, res: Response): Promise<string[]> {
  const found: string[] = []
  const { status, headers = {}, json, text } = c.expect
  if (res.status !== status) found.push(`status ${res.status}, expected ${status}`)
  for (const [name, want] of Object.entries(headers)) {
    const got = res.headers.get(name)
    const fits =
      want === null ? got === null : typeof want === 'string' ? got === want : got !== null && want.test(got)
    if (!fits)
      found.push(`header ${name}: ${JSON.stringify(got)}, expected ${want === null ? 'none' : String(want)}`)
  }
  const body = await res.text()
  if (json !== undefined) {
    let parsed: unknown
    try {
      parsed = JSON.parse(body)
    } catch {
      parsed = Symbol('not JSON')
    }
    if (!deepEqual(parsed, json)) found.push(`body ${body}, expected JSON ${JSON.stringify(json)}`)
  }
  if (text !== undefined) {
    const fits = typeof text === 'string' ? body === text : text.test(body)
    if (!fits) found.push(`body ${JSON.stringify(body.slice(0, 200))}, expected ${String(text)}`)
  }
  return found
}

/** Structural equality of JSON values (key order ignored). */
function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false
  if (Array.isArray(a) !== Array.isArray(b)) return false
  const ka = Object.keys(a)
  const kb = Object.keys(b)
  if (ka.length !== kb.length) return false
  return ka.every((k) => deepEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]))
}
