/**
 * Header field names in `parseHead`: the names clients usually send are looked up in a fixed table instead of
 * being checked and lower-cased one by one; every spelling must still give the same lower-case key, and every
 * name outside the table is still checked as a token. Lines are read in place, so a colon on a later line
 * never makes a line without one acceptable.
 */
import { describe, expect, it } from 'vitest'
import { HeadError, parseHead } from '../src/node/http1-parse'

const head = (...lines: string[]) => ['GET / HTTP/1.1', 'Host: x', ...lines].join('\r\n')
const refusal = (text: string): number | undefined => {
  try {
    parseHead(text)
  } catch (error) {
    if (error instanceof HeadError) return error.status
    throw error
  }
  return undefined
}

describe('parseHead field names', () => {
  it('gives the lower-case key for a known name in any spelling', () => {
    for (const name of ['Content-Type', 'content-type', 'CONTENT-TYPE', 'Content-type', 'cOnTeNt-TyPe']) {
      expect(parseHead(head(`${name}: text/plain`)).headers['content-type']).toBe('text/plain')
    }
    const { headers } = parseHead(
      head(
        'User-Agent: wrk',
        'Accept: */*',
        'X-Forwarded-For: 10.0.0.1',
        'Access-Control-Request-Method: POST',
      ),
    )
    expect(headers).toMatchObject({
      'user-agent': 'wrk',
      accept: '*/*',
      'x-forwarded-for': '10.0.0.1',
      'access-control-request-method': 'POST',
    })
  })

  it('still checks names outside the table, and joins or refuses repeats as before', () => {
    expect(parseHead(head('X-Custom_Thing: 1')).headers['x-custom_thing']).toBe('1')
    expect(refusal(head('Bad Name: 1'))).toBe(400)
    expect(refusal(head('Bad@Name: 1'))).toBe(400)
    expect(refusal(head('Hóst: 1'))).toBe(400)
    expect(refusal(head('host: y'))).toBe(400) // a second Host
    expect(parseHead(head('Accept: a', 'accept: b')).headers.accept).toBe('a, b')
    expect(parseHead(head('Cookie: a=1', 'COOKIE: b=2')).headers.cookie).toBe('a=1; b=2')
  })

  it('refuses a line without a colon even when a later line has one', () => {
    expect(refusal(head('no colon here', 'Accept: */*'))).toBe(400)
    expect(refusal(head(': empty name'))).toBe(400)
    expect(refusal(head(' Accept: folded'))).toBe(400)
  })

  it('trims the value within its own line only', () => {
    const { headers } = parseHead(head('Accept:   a b  ', 'Origin:\thttp://x\t'))
    expect(headers.accept).toBe('a b')
    expect(headers.origin).toBe('http://x')
    expect(refusal(head('Accept: a\u0001b'))).toBe(400)
  })
})
