/**
 * The typed parameter kinds a route pattern can ask for (`:id<int>`, `:slug<slug>`, …).
 *
 * Every kind sees the percent-decoded segment. A value that fails `test` is not an error: the
 * router simply tries the next branch, so `/books/abc` against `/books/:id<int>` ends in a 404.
 */
import type { ParamKind } from './path'

/** How one parameter kind recognises a decoded value and turns it into what handlers receive. */
export interface ParamKindSpec {
  /** Whether the decoded value belongs to this kind. */
  test(value: string): boolean
  /** Converts a value that passed `test`. */
  convert(value: string): unknown
}

const INT = /^-?\d+$/
const FLOAT = /^-?\d+(?:\.\d+)?$/
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
const SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/
const ALPHA = /^[A-Za-z]+$/

const nonEmpty = (value: string): boolean => value.length > 0
const identity = (value: string): string => value

/**
 * The matcher and converter of each parameter kind.
 *
 * `re` only checks that the value is non-empty: its real test is the pattern carried by the segment.
 *
 * @example
 * paramKinds.int.test('42') // true
 * paramKinds.int.convert('42') // 42
 * paramKinds.slug.test('Hello') // false
 */
export const paramKinds: Record<ParamKind, ParamKindSpec> = {
  string: { test: nonEmpty, convert: identity },
  // Digits beyond 2^53 would silently round, so such ids are treated as not matching.
  int: { test: (value) => INT.test(value) && Number.isSafeInteger(Number(value)), convert: Number },
  // Hundreds of digits overflow to Infinity, which no handler expects from a number parameter.
  float: { test: (value) => FLOAT.test(value) && Number.isFinite(Number(value)), convert: Number },
  uuid: { test: (value) => UUID.test(value), convert: identity },
  slug: { test: (value) => SLUG.test(value), convert: identity },
  alpha: { test: (value) => ALPHA.test(value), convert: identity },
  path: { test: nonEmpty, convert: identity },
  re: { test: nonEmpty, convert: identity },
}

/**
 * The order in which the parameter branches of one tree node are tried: lower first.
 *
 * The narrowest kinds come first so that `/a/1` prefers `:x<int>` over `:x`, and the catch-all
 * `<path>` is the last resort.
 *
 * @example
 * paramPriority.int < paramPriority.string // true
 */
export const paramPriority: Record<ParamKind, number> = {
  int: 0,
  float: 1,
  uuid: 2,
  alpha: 3,
  slug: 4,
  re: 5,
  string: 6,
  path: 7,
}
