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
  return (await checkResponse(c.expect, res)).found
}

/**
 * Compares a response with what is expected of it, and gives the body read (as text) for later steps of a
 * flow: a token, a cookie's value.
 *
 * @example
 * const { found, body } = await checkResponse({ status: 200 }, await send(request))
 */
export async function checkResponse(
  expected: RuntimeCase['expect'],
  res: Response,
): Promise<{ found: string[]; body: string }> {
  const found: string[] = []
  const { status, headers = {}, json, jsonHas, text } = expected
  if (res.status !== status) found.push(`status ${res.status}, expected ${status}`)
  for (const [name, want] of Object.entries(headers)) {
    const got = res.headers.get(name)
    const fits =
      want === null ? got === null : typeof want === 'string' ? got === want : got !== null && want.test(got)
    if (!fits)
      found.push(`header ${name}: ${JSON.stringify(got)}, expected ${want === null ? 'none' : String(want)}`)
  }
  const body = await res.text()
  if (json !== undefined || jsonHas !== undefined) {
    let parsed: unknown
    try {
      parsed = JSON.parse(body)
    } catch {
      parsed = Symbol('not JSON')
    }
    if (json !== undefined && !deepEqual(parsed, json))
      found.push(`body ${body}, expected JSON ${JSON.stringify(json)}`)
    if (jsonHas !== undefined && !contains(parsed, jsonHas))
      found.push(`body ${body.slice(0, 500)}, expected it to contain ${JSON.stringify(jsonHas)}`)
  }
  if (text !== undefined) {
    const fits = typeof text === 'string' ? body === text : text.test(body)
    if (!fits) found.push(`body ${JSON.stringify(body.slice(0, 200))}, expected ${String(text)}`)
  }
  return { found, body }
}

/** Whether `whole` holds every member of `part` (objects by key, at any depth; arrays and values whole). */
function contains(whole: unknown, part: unknown): boolean {
  if (typeof part !== 'object' || part === null || Array.isArray(part)) return deepEqual(whole, part)
  if (typeof whole !== 'object' || whole === null || Array.isArray(whole)) return false
  return Object.entries(part).every(
    ([k, v]) => k in whole && contains((whole as Record<string, unknown>)[k], v),
  )
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
