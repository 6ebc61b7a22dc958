import { readFileSync } from 'node:fs'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { CookieJar, parseSetCookie } from '../src/index'
import { DATE_CASES, PARSER_CASES } from './fixtures/http-state'

/**
 * The cases where the jar deliberately does not do what the http-state suite expects, with what it does
 * instead and why. Each is listed in the README too (checked below), so the two cannot drift apart.
 */
const DIFFERENCES: Record<string, { cookie: string; why: string }> = {
  DISABLED_CHROMIUM0022: {
    cookie: '',
    why: 'a line with a control character is dropped whole (RFC 6265bis §5.6 and browsers today), not cut at it',
  },
  DISABLED_CHROMIUM0023: {
    cookie: '',
    why: 'a line with a control character is dropped whole (RFC 6265bis §5.6 and browsers today), not cut at it',
  },
  DISABLED_PATH0029: {
    cookie: '',
    why: 'request paths are compared as the URL spells them, percent-escapes included, as browsers do',
  },
}

describe('the http-state suite (IETF httpstate working group)', () => {
  // The suite's Expires dates assume a clock before August 2019 (0002 and COMMA0006 expect a cookie that
  // expires then to be sent); it runs at a fixed instant before that.
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['Date'] })
    vi.setSystemTime(new Date('2015-06-01T12:00:00Z'))
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it.each(PARSER_CASES.map((c) => [c.id, c] as const))('parser case %s', (id, c) => {
    const jar = new CookieJar('http://home.example.org:8888')
    jar.store(c.set, `/cookie-parser?${id.toLowerCase()}`)
    const to = c.to ?? `/cookie-parser-result?${id.toLowerCase()}`
    expect(jar.header(to)).toBe(DIFFERENCES[id]?.cookie ?? c.cookie)
  })

  it.each(DATE_CASES.map((c) => [c.date, c.utc] as const))('reads the Expires date %j', (date, utc) => {
    const expires = parseSetCookie(`a=1; Expires=${date}`)?.expires
    expect(expires?.toISOString().replace('.000Z', 'Z') ?? null).toBe(utc)
  })

  it('differs from it only where the README says so', () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8')
    for (const id of Object.keys(DIFFERENCES)) {
      expect(PARSER_CASES.some((c) => c.id === id)).toBe(true)
      expect(readme).toContain(id)
    }
  })
})
