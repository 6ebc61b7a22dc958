/**
 * Response matchers for Vitest's (or Jest's) `expect.extend`. They take a {@link TestResponse}, and also
 * anything with a `status` and `headers` (an `app.inject` result, a fetch `Response`), and fail with the
 * status, the body and, when no route matched, the app's route table.
 */
import { TestClientError } from '../errors'
import { TestResponse } from '../response'

/** What a matcher returns to `expect`. */
export interface MatcherOutcome {
  pass: boolean
  message: () => string
  actual?: unknown
  expected?: unknown
}

/** The part of Vitest's matcher state the matchers read. */
interface State {
  readonly isNot: boolean
}

/** The matchers as `expect(res)` sees them, for type augmentation. */
export interface BriskMatchers<R = unknown> {
  /**
   * The response has this status; on failure the message shows the body and, for a request no route
   * matched, the app's routes.
   *
   * @example
   * expect(res).toHaveStatus(201)
   */
  toHaveStatus(status: number): R
  /**
   * The response has this header, with this value (a string matches exactly, a RegExp tests it).
   *
   * @example
   * expect(res).toHaveHeader('content-type', /json/)
   * expect(res).not.toHaveHeader('set-cookie')
   */
  toHaveHeader(name: string, value?: string | RegExp): R
  /**
   * The route with this name answered (read from `res.request`).
   *
   * @example
   * expect(res).toHaveRoute('books.show')
   */
  toHaveRoute(name: string): R
}

function toHaveStatus(this: State, received: unknown, status: number): MatcherOutcome {
  if (!Number.isInteger(status))
    throw new TypeError(`toHaveStatus(): expected a status code number, got ${String(status)}`)
  const actual = statusOf(received, 'toHaveStatus')
  const pass = actual === status
  return {
    pass,
    message: () =>
      pass
        ? `expected ${label(received)} not to answer ${status}\n${details(received)}`
        : `expected ${label(received)} to answer ${status}, got ${actual}\n${details(received)}`,
    actual,
    expected: status,
  }
}

function toHaveHeader(this: State, received: unknown, name: string, value?: string | RegExp): MatcherOutcome {
  if (typeof name !== 'string' || name === '') throw new TypeError('toHaveHeader(): expected a header name')
  if (value !== undefined && typeof value !== 'string' && !(value instanceof RegExp)) {
    throw new TypeError('toHaveHeader(): the value must be a string or a RegExp')
  }
  statusOf(received, 'toHaveHeader')
  const actual = headerOf(received, name)
  let pass = actual !== null
  if (pass && value !== undefined) {
    if (typeof value === 'string') pass = actual === value
    else {
      value.lastIndex = 0 // a /g or /y RegExp remembers where it stopped
      pass = value.test(actual!)
    }
  }
  const wanted =
    value === undefined
      ? ''
      : typeof value === 'string'
        ? ` = ${JSON.stringify(value)}`
        : ` matching ${String(value)}`
  return {
    pass,
    message: () => {
      const got = actual === null ? 'it is absent' : `got ${JSON.stringify(actual)}`
      const head = pass
        ? `expected ${label(received)} not to have header ${name.toLowerCase()}${wanted}, ${got}`
        : `expected ${label(received)} to have header ${name.toLowerCase()}${wanted}, ${got}`
      return `${head}\nheaders: ${headerList(received)}\n${details(received)}`
    },
    actual,
    expected: value,
  }
}

function toHaveRoute(this: State, received: unknown, name: string): MatcherOutcome {
  if (!(received instanceof TestResponse)) {
    throw new TypeError('toHaveRoute(): expected a response from @brisk/testing (it reads res.request)')
  }
  let actual: string | null | undefined
  let unknown: string | undefined
  try {
    actual = received.request.route === null ? null : (received.request.routeName ?? undefined)
  } catch (error) {
    if (!(error instanceof TestClientError)) throw error
    unknown = error.message
  }
  const pass = unknown === undefined && actual === name
  return {
    pass,
    message: () => {
      if (unknown !== undefined) return `expected ${label(received)} to match route "${name}", but ${unknown}`
      if (pass) return `expected ${label(received)} not to match route "${name}"`
      const got =
        actual === null
          ? 'no route matched'
          : actual === undefined
            ? 'an unnamed route answered'
            : `route "${actual}" answered`
      return `expected ${label(received)} to match route "${name}", but ${got}\n${received.summary()}`
    },
    actual,
    expected: name,
  }
}

/**
 * The matchers, for `expect.extend`. `createTest` installs them; without it, install them once in a setup file.
 *
 * @example
 * import { expect } from 'vitest'
 * import { matchers } from '@brisk/testing/vitest'
 * expect.extend(matchers)
 */
export const matchers = { toHaveStatus, toHaveHeader, toHaveRoute }

function statusOf(received: unknown, api: string): number {
  const status = (received as { status?: unknown } | null)?.status
  if (typeof status !== 'number') {
    throw new TypeError(
      `${api}(): expected a response (something with a numeric status), got ${received === null ? 'null' : typeof received}`,
    )
  }
  return status
}

function label(received: unknown): string {
  return received instanceof TestResponse ? `${received.method} ${received.url}` : 'the response'
}

function details(received: unknown): string {
  if (received instanceof TestResponse) return received.summary()
  const body = (received as { body?: unknown }).body
  return typeof body === 'string'
    ? `body: ${body.length > 1000 ? `${body.slice(0, 1000)}…` : body || '(empty)'}`
    : ''
}

function headerOf(received: unknown, name: string): string | null {
  const headers = (received as { headers?: unknown }).headers
  if (headers instanceof Headers) return headers.get(name)
  if (headers === null || typeof headers !== 'object') return null
  const wanted = name.toLowerCase()
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() === wanted && value !== undefined)
      return Array.isArray(value) ? value.join(', ') : String(value)
  }
  return null
}

function headerList(received: unknown): string {
  const headers = (received as { headers?: unknown }).headers
  const names: string[] = []
  if (headers instanceof Headers) names.push(...headers.keys())
  else if (headers !== null && typeof headers === 'object') names.push(...Object.keys(headers))
  return names.length === 0 ? '(none)' : [...new Set(names)].join(', ')
}
