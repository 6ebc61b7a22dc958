/**
 * Unit tests of the request parser of Brisk's own HTTP/1.1 server: `parseHead` (the request line and header
 * fields, RFC 9112 §3 and §5) and `ChunkedDecoder` (chunked bodies, §7.1). Every refusal here closes a door to
 * request smuggling or to a request that could be read two ways; `http1-conformance.test.ts` holds the same
 * cases against node:http over real sockets.
 */
import { describe, expect, it } from 'vitest'
import { ChunkedDecoder, Framing, HeadError, MAX_HEADER_FIELDS, parseHead } from '../src/node/http1-parse'

/** A request head (without the blank line that ends it): a request line and header lines. */
function head(requestLine: string, ...fields: string[]): string {
  return [requestLine, ...fields].join('\r\n')
}

/** A GET / HTTP/1.1 head with `Host: x` and `fields`. */
function get11(...fields: string[]): string {
  return head('GET / HTTP/1.1', 'Host: x', ...fields)
}

/** The HeadError `parseHead(text)` throws; fails the test if it throws nothing or something else. */
function refusal(text: string): HeadError {
  try {
    parseHead(text)
  } catch (error) {
    if (error instanceof HeadError) return error
    throw error
  }
  throw new Error(`parseHead accepted ${JSON.stringify(text)}`)
}

describe('parseHead: the request line', () => {
  it('reads an origin-form target with its query as written', () => {
    const parsed = parseHead('GET /books?page=2&q=a%20b HTTP/1.1\r\nHost: example.com')
    expect(parsed.method).toBe('GET')
    expect(parsed.url).toBe('/books?page=2&q=a%20b')
    expect(parsed.minor).toBe(1)
    expect(parsed.headers).toEqual({ host: 'example.com' })
  })

  it('reads the asterisk form of OPTIONS', () => {
    const parsed = parseHead(head('OPTIONS * HTTP/1.1', 'Host: x'))
    expect(parsed.method).toBe('OPTIONS')
    expect(parsed.url).toBe('*')
  })

  it('reads an absolute-form target as written', () => {
    const parsed = parseHead(head('GET http://example.com:8080/a/b?c=d HTTP/1.1', 'Host: example.com:8080'))
    expect(parsed.url).toBe('http://example.com:8080/a/b?c=d')
  })

  it('reads an authority-form target (CONNECT)', () => {
    expect(parseHead(head('CONNECT example.com:443 HTTP/1.1', 'Host: example.com:443')).url).toBe(
      'example.com:443',
    )
  })

  it.each(['/caf\xe9', '/\x80', '/a?q=\xff', '/\xa0'])(
    'refuses a byte past 0x7f in the target (%j) with 400, as RFC 9112 and node do',
    (target) => {
      expect(refusal(head(`GET ${target} HTTP/1.1`, 'Host: x')).status).toBe(400)
    },
  )

  it('takes the same target percent-encoded', () => {
    expect(parseHead(head('GET /caf%C3%A9 HTTP/1.1', 'Host: x')).url).toBe('/caf%C3%A9')
  })

  it.each([
    'GET',
    'POST',
    'PURGE',
    'M-SEARCH',
    'get', // methods are case-sensitive: kept as sent, not upper-cased
    "X!#$%&'*+-.^_`|~9",
  ])('takes any token as a method: %j', (method) => {
    expect(parseHead(head(`${method} / HTTP/1.1`, 'Host: x')).method).toBe(method)
  })

  it.each([
    ['GE(T', 'a delimiter'],
    ['GET@', 'a delimiter'],
    ['G\xc9T', 'a non-ASCII byte'],
    ['G\x00T', 'NUL'],
    ['', 'an empty method (line starts with a space)'],
  ])('refuses the method %j (%s) with 400', (method) => {
    expect(refusal(head(`${method} / HTTP/1.1`, 'Host: x')).status).toBe(400)
  })

  it.each([
    ['HTTP/1.1', 1],
    ['HTTP/1.0', 0],
  ] as const)('reads the version %s as minor %d', (version, minor) => {
    expect(parseHead(head(`GET / ${version}`, 'Host: x')).minor).toBe(minor)
  })

  it.each(['HTTP/2.0', 'HTTP/1.2', 'HTTP/0.9', 'HTTP/3.0', 'HTTP/9.9'])(
    'answers the well-formed but unserved version %s with 505',
    (version) => {
      const error = refusal(head(`GET / ${version}`, 'Host: x'))
      expect(error.status).toBe(505)
    },
  )

  it.each([
    'HTTP/1.10',
    'HTTP/11',
    'HTTP/1',
    'http/1.1',
    'HTTP/1.1x',
    'HTTPS/1.1',
    'HTTP/1.x',
    'FOO',
    'HTTP/\u0661.1',
  ])('refuses the garbage version %j with 400', (version) => {
    expect(refusal(head(`GET / ${version}`, 'Host: x')).status).toBe(400)
  })

  it.each([
    ['GET /', 'an HTTP/0.9 request line (no version)'],
    ['GET', 'a method alone'],
    ['', 'an empty request line'],
    ['GET  / HTTP/1.1', 'two spaces (an empty target)'],
    ['GET / HTTP/1.1 ', 'a trailing space'],
    [' GET / HTTP/1.1', 'a leading space'],
    ['GET / HTTP/1.1 extra', 'a fourth part'],
    ['GET\t/\tHTTP/1.1', 'tabs for spaces'],
    ['GET /a b HTTP/1.1', 'a space in the target'],
  ])('refuses the request line %j (%s) with 400', (line) => {
    expect(refusal(head(line, 'Host: x')).status).toBe(400)
  })

  it.each([
    ['/a\x00b', 'NUL'],
    ['/a\x01b', 'a control character'],
    ['/a\x7fb', 'DEL'],
    ['/a\tb', 'a tab'],
    ['/a\rb', 'a bare CR'],
    ['/a\nb', 'a bare LF'],
  ])('refuses a target with %j (%s) with 400', (target) => {
    expect(refusal(head(`GET ${target} HTTP/1.1`, 'Host: x')).status).toBe(400)
  })

  it('refuses a request line ended by a bare LF with 400', () => {
    expect(refusal('GET / HTTP/1.1\nHost: x').status).toBe(400)
    expect(refusal('GET / HTTP/1.1\nHost:x').status).toBe(400)
  })

  it('refuses a request line ended by a bare CR with 400', () => {
    expect(refusal('GET / HTTP/1.1\rHost: x').status).toBe(400)
  })
})

describe('parseHead: header fields', () => {
  it('lower-cases names and trims optional whitespace around values, keeping inner whitespace', () => {
    const parsed = parseHead(
      get11('X-Custom: a', 'CONTENT-TYPE:text/plain', 'X-Spaced: \t  a  b \t ', 'X-Empty:'),
    )
    expect(parsed.headers).toEqual({
      host: 'x',
      'x-custom': 'a',
      'content-type': 'text/plain',
      'x-spaced': 'a  b',
      'x-empty': '',
    })
  })

  it('takes an empty Host (HTTP/1.1 requires the field, not a value)', () => {
    expect(parseHead(head('GET / HTTP/1.1', 'Host:')).headers.host).toBe('')
  })

  it('joins repeated fields with ", " in order, whatever the case of their names', () => {
    const parsed = parseHead(get11('Accept: text/html', 'accept: application/json', 'ACCEPT: */*'))
    expect(parsed.headers.accept).toBe('text/html, application/json, */*')
  })

  it('joins repeated cookie fields with "; "', () => {
    expect(parseHead(get11('Cookie: a=1', 'cookie: b=2; c=3')).headers.cookie).toBe('a=1; b=2; c=3')
  })

  it('keeps set-cookie as an array, even when it appears once', () => {
    expect(parseHead(get11('Set-Cookie: a=1')).headers['set-cookie']).toEqual(['a=1'])
    expect(parseHead(get11('Set-Cookie: a=1', 'set-cookie: b=2')).headers['set-cookie']).toEqual([
      'a=1',
      'b=2',
    ])
  })

  it.each([
    'age',
    'authorization',
    'content-type',
    'etag',
    'expires',
    'from',
    'if-modified-since',
    'if-unmodified-since',
    'last-modified',
    'location',
    'max-forwards',
    'proxy-authorization',
    'referer',
    'retry-after',
    'server',
    'user-agent',
  ])('keeps the first %s when it is repeated', (name) => {
    const parsed = parseHead(get11(`${name}: first`, `${name.toUpperCase()}: second`))
    expect(parsed.headers[name]).toBe('first')
  })

  it('ignores a __proto__ field without touching the prototype of the headers or of objects', () => {
    const parsed = parseHead(get11('__proto__: {"polluted":true}', 'X-A: 1', '__proto__: again'))
    expect(Object.hasOwn(parsed.headers, '__proto__')).toBe(false)
    expect(Object.getPrototypeOf(parsed.headers)).toBe(Object.prototype)
    expect(Object.keys(parsed.headers)).toEqual(['host', 'x-a'])
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
  })

  it('reads a field named constructor (inherited by every object) as its own value', () => {
    // The headers object inherits `constructor` from Object.prototype: a lookup that does not check own
    // properties takes the inherited function for an earlier field and joins it ("function Object() {…}, a").
    // node:http checks `typeof dest[field] === 'string'` and reads these as sent.
    const once = parseHead(get11('Constructor: a'))
    expect(Object.hasOwn(once.headers, 'constructor')).toBe(true)
    expect(once.headers.constructor).toBe('a')
    expect(parseHead(get11('constructor: a', 'Constructor: b')).headers.constructor).toBe('a, b')
  })

  it(`takes ${MAX_HEADER_FIELDS} fields and answers one more with 431`, () => {
    const fields = (n: number) => Array.from({ length: n }, (_, i) => `X-F${i}: ${i}`)
    const most = parseHead(get11(...fields(MAX_HEADER_FIELDS - 1))) // Host is a field too
    expect(Object.keys(most.headers)).toHaveLength(MAX_HEADER_FIELDS)
    expect(refusal(get11(...fields(MAX_HEADER_FIELDS))).status).toBe(431)
  })

  it.each([
    ['Host : x', 'a space before the colon'],
    ['Host\t: x', 'a tab before the colon'],
    [': value', 'an empty field name'],
    ['no colon here', 'no colon'],
    ['X(A): v', 'a delimiter in the name'],
    ['X/A: v', 'a slash in the name'],
    ['X"A": v', 'a quote in the name'],
    ['X A: v', 'a space in the name'],
    ['X\xe9: v', 'a non-ASCII name'],
    ['X-\x00A: v', 'NUL in the name'],
    ['X\rA: v', 'a bare CR in the name'],
    ['X\nA: v', 'a bare LF in the name'],
    ['X-A: a\x00b', 'NUL in the value'],
    ['X-A: a\x01b', 'SOH in the value'],
    ['X-A: a\x1bb', 'ESC in the value'],
    ['X-A: a\x7fb', 'DEL in the value'],
    ['X-A: a\rb', 'a bare CR in the value'],
    ['X-A: a\nb', 'a bare LF in the value'],
    ['X-A: a\nTransfer-Encoding: chunked', 'a bare LF hiding a second field'],
  ])('refuses the field %j (%s) with 400', (field) => {
    expect(refusal(get11(field)).status).toBe(400)
  })

  it.each([
    [' b', 'a space'],
    ['\tb', 'a tab'],
    [' Transfer-Encoding: chunked', 'a space, hiding a field'],
  ])('refuses an obs-fold line starting with %s (%s) with 400', (fold) => {
    expect(refusal(get11('X-A: a', fold)).status).toBe(400)
  })

  it('refuses an obs-fold line right after the request line with 400', () => {
    expect(refusal(head('GET / HTTP/1.1', ' Host: x')).status).toBe(400)
  })

  it.each([
    [['Content-Length: 5', 'Content-Length: 5'], 'identical'],
    [['Content-Length: 5', 'content-length: 6'], 'different'],
    [['Content-Length: 0', 'CONTENT-LENGTH: 0'], 'zero twice'],
  ])('refuses a duplicate Content-Length (%s) with 400', (fields) => {
    expect(refusal(head('POST / HTTP/1.1', 'Host: x', ...fields)).status).toBe(400)
  })

  it('refuses a Content-Length list in one field with 400', () => {
    expect(refusal(head('POST / HTTP/1.1', 'Host: x', 'Content-Length: 5, 5')).status).toBe(400)
  })

  it.each([
    [['Host: a', 'Host: a'], 'identical'],
    [['Host: a', 'host: b'], 'different'],
  ])('refuses a duplicate Host (%s) with 400', (fields) => {
    expect(refusal(head('GET / HTTP/1.1', ...fields)).status).toBe(400)
  })

  it('refuses an HTTP/1.1 request without Host with 400, and takes one on HTTP/1.0', () => {
    expect(refusal(head('GET / HTTP/1.1', 'Accept: */*')).status).toBe(400)
    expect(refusal('GET / HTTP/1.1').status).toBe(400)
    const old = parseHead(head('GET / HTTP/1.0', 'Accept: */*'))
    expect(old.minor).toBe(0)
    expect(old.headers.host).toBeUndefined()
    expect(parseHead('GET / HTTP/1.0').headers).toEqual({})
  })
})

describe('parseHead: body framing', () => {
  it('sees no body without Content-Length or Transfer-Encoding', () => {
    const parsed = parseHead(get11())
    expect(parsed.framing).toBe(Framing.None)
    expect(parsed.length).toBe(0)
  })

  it('reads Content-Length: 0 as no body', () => {
    const parsed = parseHead(head('POST / HTTP/1.1', 'Host: x', 'Content-Length: 0'))
    expect(parsed.framing).toBe(Framing.None)
    expect(parsed.length).toBe(0)
  })

  it.each([
    ['5', 5],
    ['005', 5],
    ['1048576', 1048576],
    ['999999999999999', 999999999999999],
  ])('reads Content-Length: %s as a body of %d bytes', (value, length) => {
    const parsed = parseHead(head('POST / HTTP/1.1', 'Host: x', `Content-Length: ${value}`))
    expect(parsed.framing).toBe(Framing.Length)
    expect(parsed.length).toBe(length)
  })

  it('reads Content-Length with OWS around it', () => {
    expect(parseHead(head('POST / HTTP/1.1', 'Host: x', 'Content-Length: \t7 \t')).length).toBe(7)
  })

  it.each(['+5', '5 5', '0x10', '-1', '', ' ', '5.0', '1e3', '5,5', 'five', '\u0665', '1234567890123456'])(
    'refuses Content-Length: %j with 400',
    (value) => {
      expect(refusal(head('POST / HTTP/1.1', 'Host: x', `Content-Length: ${value}`)).status).toBe(400)
    },
  )

  it.each(['chunked', 'Chunked', 'CHUNKED', '  chunked', 'chunked ', 'chunked\t', '\tchunked\t'])(
    'reads Transfer-Encoding: %j as chunked (case-insensitive, OWS trimmed)',
    (value) => {
      const parsed = parseHead(head('POST / HTTP/1.1', 'Host: x', `Transfer-Encoding: ${value}`))
      expect(parsed.framing).toBe(Framing.Chunked)
    },
  )

  it.each([
    [['Content-Length: 5', 'Transfer-Encoding: chunked'], 'Content-Length first'],
    [['Transfer-Encoding: chunked', 'Content-Length: 5'], 'Transfer-Encoding first'],
    [['Transfer-Encoding: chunked', 'Content-Length: 0'], 'a zero Content-Length'],
    [['Transfer-Encoding: gzip', 'Content-Length: 5'], 'an unknown coding'],
  ])('refuses Content-Length with Transfer-Encoding (%s) with 400', (fields) => {
    expect(refusal(head('POST / HTTP/1.1', 'Host: x', ...fields)).status).toBe(400)
  })

  it.each([
    ['gzip'],
    ['chunked, gzip'],
    ['gzip, chunked'],
    ['identity'],
    ['xchunked'],
    ['chunkedx'],
    ['chunked;q=1'],
    ['chunked, chunked'],
    [''],
  ])('answers Transfer-Encoding: %j with 501', (value) => {
    expect(refusal(head('POST / HTTP/1.1', 'Host: x', `Transfer-Encoding: ${value}`)).status).toBe(501)
  })

  it('answers two Transfer-Encoding fields (read as one list) with 501', () => {
    const text = head(
      'POST / HTTP/1.1',
      'Host: x',
      'Transfer-Encoding: chunked',
      'Transfer-Encoding: chunked',
    )
    expect(refusal(text).status).toBe(501)
  })

  it('refuses Transfer-Encoding on HTTP/1.0 with 400', () => {
    expect(refusal(head('POST / HTTP/1.0', 'Transfer-Encoding: chunked')).status).toBe(400)
  })
})

describe('parseHead: Expect', () => {
  it.each(['100-continue', '100-Continue'])('notes Expect: %s on HTTP/1.1', (value) => {
    expect(parseHead(get11(`Expect: ${value}`)).expectContinue).toBe(true)
  })

  it('does not ask for 100 Continue without Expect, or on HTTP/1.0', () => {
    expect(parseHead(get11()).expectContinue).toBe(false)
    expect(parseHead(head('POST / HTTP/1.0', 'Expect: 100-continue')).expectContinue).toBe(false)
  })

  it.each(['200-ok', '100-continue, foo', 'foo', '', '100-continuex'])(
    'answers Expect: %j with 417',
    (value) => {
      expect(refusal(get11(`Expect: ${value}`)).status).toBe(417)
    },
  )
})

describe('parseHead: connection options', () => {
  it.each([
    ['HTTP/1.1', [], true],
    ['HTTP/1.1', ['Connection: keep-alive'], true],
    ['HTTP/1.1', ['Connection: close'], false],
    ['HTTP/1.1', ['Connection: Close'], false],
    ['HTTP/1.1', ['Connection: keep-alive, close'], false],
    ['HTTP/1.1', ['Connection: keep-alive', 'Connection: close'], false],
    ['HTTP/1.1', ['Connection: closed'], true],
    ['HTTP/1.0', [], false],
    ['HTTP/1.0', ['Connection: keep-alive'], true],
    ['HTTP/1.0', ['Connection: Keep-Alive'], true],
    ['HTTP/1.0', ['Connection: foo,  keep-alive '], true],
    ['HTTP/1.0', ['Connection: keep-alive, close'], false],
    ['HTTP/1.0', ['Connection: keep-alives'], false],
    // Optional whitespace is SP and HTAB only: a token wrapped in NBSP (0xA0) or other spaces is another token.
    ['HTTP/1.1', ['Connection: close\xa0'], true],
    ['HTTP/1.1', ['Connection: \xa0close'], true],
    ['HTTP/1.1', ['Connection: keep-alive,\tclose'], false],
    ['HTTP/1.0', ['Connection: keep-alive\xa0'], false],
    ['HTTP/1.0', ['Connection: \u2003keep-alive'], false],
  ] as const)('%s with %j: keepAlive is %s', (version, fields, keepAlive) => {
    expect(parseHead(head(`GET / ${version}`, 'Host: x', ...fields)).keepAlive).toBe(keepAlive)
  })

  it.each([
    [['Connection: upgrade', 'Upgrade: websocket'], true],
    [['Connection: Upgrade', 'Upgrade: h2c'], true],
    [['Connection: keep-alive, Upgrade', 'Upgrade: websocket'], true],
    [['Connection: upgrade'], false],
    [['Upgrade: websocket'], false],
    [['Connection: keep-alive', 'Upgrade: websocket'], false],
    [['Connection: upgrades', 'Upgrade: websocket'], false],
    [['Connection: upgrade\xa0', 'Upgrade: websocket'], false],
    [['Connection: upgrade', 'Upgrade: h2c, websocket'], true],
    [['Connection: upgrade', 'Upgrade: HTTP/2.0'], true],
    // An upgrade needs a protocol to switch to: an empty or malformed Upgrade is an ordinary request.
    [['Connection: upgrade', 'Upgrade:'], false],
    [['Connection: upgrade', 'Upgrade:   '], false],
    [['Connection: upgrade', 'Upgrade: ,'], false],
    [['Connection: upgrade', 'Upgrade: web socket'], false],
    [['Connection: upgrade', 'Upgrade: a/b/c'], false],
    [[], false],
  ])('with %j: upgrade is %s', (fields, upgrade) => {
    expect(parseHead(get11(...fields)).upgrade).toBe(upgrade)
  })
})

describe('HeadError', () => {
  it('is an Error named HeadError with the status to answer', () => {
    const error = refusal('GARBAGE')
    expect(error).toBeInstanceOf(Error)
    expect(error.name).toBe('HeadError')
    expect(error.status).toBe(400)
    expect(error.message).not.toBe('')
  })
})

/** What a decoder made of some input: the data, what `push` returned for each piece, and whether it is done. */
interface Decoded {
  data: string
  ends: number[]
  done: boolean
}

/** Feeds `pieces` to one decoder, each from offset 0. */
function decode(...pieces: (string | Buffer)[]): Decoded {
  const decoder = new ChunkedDecoder()
  const parts: Buffer[] = []
  const ends: number[] = []
  for (const piece of pieces) {
    const buf = typeof piece === 'string' ? Buffer.from(piece, 'latin1') : piece
    ends.push(decoder.push(buf, 0, (data) => parts.push(Buffer.from(data))))
  }
  return { data: Buffer.concat(parts).toString('latin1'), ends, done: decoder.done }
}

/** Feeds `text` one byte at a time. */
function decodeBytes(text: string): Decoded {
  return decode(...Array.from(Buffer.from(text, 'latin1'), (byte) => Buffer.from([byte])))
}

/** The HeadError feeding `pieces` throws; fails the test if there is none. */
function chunkRefusal(...pieces: string[]): HeadError {
  try {
    decode(...pieces)
  } catch (error) {
    if (error instanceof HeadError) return error
    throw error
  }
  throw new Error(`ChunkedDecoder accepted ${JSON.stringify(pieces.join(''))}`)
}

const SAMPLE = '5\r\nhello\r\n1;ext=1\r\n \r\nB\r\nworld, and \r\n0\r\nX-Trailer: yes\r\n\r\n'
const SAMPLE_DATA = 'hello world, and '

describe('ChunkedDecoder', () => {
  it('decodes a whole body in one buffer and returns where it ended', () => {
    const body = '5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n'
    const decoded = decode(body)
    expect(decoded).toEqual({ data: 'hello world', ends: [body.length], done: true })
  })

  it('decodes an empty body (the last chunk alone)', () => {
    expect(decode('0\r\n\r\n')).toEqual({ data: '', ends: [5], done: true })
  })

  it.each([
    ['a', 10],
    ['A', 10],
    ['00a', 10],
    ['1F', 31],
  ])('reads the size %j as %d bytes', (size, n) => {
    const data = 'x'.repeat(n)
    expect(decode(`${size}\r\n${data}\r\n0\r\n\r\n`).data).toBe(data)
  })

  it('decodes the same body fed byte by byte, returning 1 for each byte', () => {
    const decoded = decodeBytes(SAMPLE)
    expect(decoded.data).toBe(SAMPLE_DATA)
    expect(decoded.done).toBe(true)
    expect(decoded.ends).toEqual(Array(SAMPLE.length).fill(1))
  })

  it('is not done until the blank line after the last chunk', () => {
    const decoder = new ChunkedDecoder()
    const buf = Buffer.from(SAMPLE, 'latin1')
    for (let i = 0; i < buf.length; i++) {
      expect(decoder.done).toBe(false)
      decoder.push(buf.subarray(i, i + 1), 0, () => {})
    }
    expect(decoder.done).toBe(true)
  })

  it('decodes the same data whatever the split point', () => {
    for (let at = 1; at < SAMPLE.length; at++) {
      const decoded = decode(SAMPLE.slice(0, at), SAMPLE.slice(at))
      expect({ at, ...decoded }).toEqual({
        at,
        data: SAMPLE_DATA,
        ends: [at, SAMPLE.length - at],
        done: true,
      })
    }
  })

  it('decodes the same data split into three at every pair of points', () => {
    const body = '3\r\nabc\r\n2;x\r\nde\r\n0\r\nT: 1\r\n\r\n'
    for (let a = 1; a < body.length - 1; a++) {
      for (let b = a + 1; b < body.length; b++) {
        const decoded = decode(body.slice(0, a), body.slice(a, b), body.slice(b))
        expect(decoded.data, `split at ${a} and ${b}`).toBe('abcde')
        expect(decoded.done, `split at ${a} and ${b}`).toBe(true)
      }
    }
  })

  it('reads from the given offset', () => {
    const decoder = new ChunkedDecoder()
    const parts: string[] = []
    const buf = Buffer.from(`HEAD-BYTES3\r\nabc\r\n0\r\n\r\n`, 'latin1')
    const end = decoder.push(buf, 'HEAD-BYTES'.length, (data) => parts.push(data.toString('latin1')))
    expect(parts.join('')).toBe('abc')
    expect(end).toBe(buf.length)
    expect(decoder.done).toBe(true)
  })

  it.each([
    ['5;name=value\r\nhello\r\n0\r\n\r\n', 'a name=value extension'],
    ['5;a;b=c\r\nhello\r\n0\r\n\r\n', 'two extensions'],
    ['5;a="quoted; value"\r\nhello\r\n0\r\n\r\n', 'a quoted value'],
    ['5;\tx\r\nhello\r\n0\r\n\r\n', 'a tab in an extension'],
    ['5\r\nhello\r\n0;last=yes\r\n\r\n', 'an extension on the last chunk'],
  ])('accepts and drops chunk extensions: %j (%s)', (body) => {
    expect(decode(body)).toEqual({ data: 'hello', ends: [body.length], done: true })
  })

  it.each([
    ['5\r\nhello\r\n0\r\nX-Trailer: a\r\n\r\n', 'one field'],
    ['5\r\nhello\r\n0\r\nX-A: a\r\nX-B:\r\nX-C:  c \r\n\r\n', 'several fields'],
  ])('accepts and drops trailer fields: %j (%s)', (body) => {
    const decoded = decode(body)
    expect(decoded).toEqual({ data: 'hello', ends: [body.length], done: true })
  })

  it('returns the offset where the body ended, leaving the next request in the buffer (pipelining)', () => {
    const body = '5\r\nhello\r\n0\r\nX-T: 1\r\n\r\n'
    const next = 'GET /next HTTP/1.1\r\nHost: x\r\n\r\n'
    const decoder = new ChunkedDecoder()
    const parts: string[] = []
    const buf = Buffer.from(body + next, 'latin1')
    const end = decoder.push(buf, 0, (data) => parts.push(data.toString('latin1')))
    expect(end).toBe(body.length)
    expect(decoder.done).toBe(true)
    expect(parts.join('')).toBe('hello')
    expect(buf.toString('latin1', end)).toBe(next)
  })

  it('returns the offset of the next request when the body ends inside the second of two buffers', () => {
    const decoded = decode('5\r\nhel', 'lo\r\n0\r\n\r\nGET / HTTP/1.1\r\n')
    expect(decoded).toEqual({
      data: 'hello',
      ends: ['5\r\nhel'.length, 'lo\r\n0\r\n\r\n'.length],
      done: true,
    })
  })

  it('reads nothing more once done', () => {
    const decoder = new ChunkedDecoder()
    decoder.push(Buffer.from('0\r\n\r\n'), 0, () => {})
    let called = false
    expect(decoder.push(Buffer.from('5\r\nhello\r\n'), 0, () => (called = true))).toBe(0)
    expect(called).toBe(false)
  })

  it('hands partial data on as it arrives, and is not done before the end', () => {
    const decoded = decode('a\r\nhel', 'lo')
    expect(decoded).toEqual({ data: 'hello', ends: [6, 2], done: false })
  })

  it('takes a large chunk spread across many buffers', () => {
    const data = 'z'.repeat(100_000)
    const body = `${(data.length).toString(16)}\r\n${data}\r\n0\r\n\r\n`
    const pieces: string[] = []
    for (let i = 0; i < body.length; i += 4096) pieces.push(body.slice(i, i + 4096))
    const decoded = decode(...pieces)
    expect(decoded.data).toBe(data)
    expect(decoded.done).toBe(true)
  })

  const BAD: [string, string][] = [
    ['zz\r\nhello\r\n0\r\n\r\n', 'a size that is not hex'],
    ['5g\r\nhello\r\n0\r\n\r\n', 'a size with a non-hex digit'],
    ['0x5\r\nhello\r\n0\r\n\r\n', 'a 0x prefix'],
    ['5 \r\nhello\r\n0\r\n\r\n', 'a space after the size'],
    [' 5\r\nhello\r\n0\r\n\r\n', 'a space before the size'],
    ['5 5\r\nhello\r\n0\r\n\r\n', 'a space inside the size'],
    ['\t5\r\nhello\r\n0\r\n\r\n', 'a tab before the size'],
    ['-5\r\nhello\r\n0\r\n\r\n', 'a negative size'],
    ['+5\r\nhello\r\n0\r\n\r\n', 'a plus sign'],
    ['\r\nhello\r\n0\r\n\r\n', 'an empty size'],
    [';ext\r\nhello\r\n0\r\n\r\n', 'an extension without a size'],
    ['1000000000000\r\n', 'a size of 13 hex digits'],
    ['ffffffffffffffffffff\r\n', 'a size that overflows 64 bits'],
    ['5\r\nhello0\r\n\r\n', 'no CRLF after the data'],
    ['5\r\nhelloXX\r\n0\r\n\r\n', 'data longer than its size'],
    ['5\r\nhello\r\nGET /smuggled HTTP/1.1\r\n\r\n', 'a request where a size should be'],
    ['5\nhello\r\n0\r\n\r\n', 'a bare LF after the size'],
    ['5\r\nhello\n0\r\n\r\n', 'a bare LF after the data'],
    ['5\r\nhello\r\n0\n\r\n', 'a bare LF after the last chunk'],
    ['5\r\nhello\r\n0\r\n\n', 'a bare LF ending the trailers'],
    ['5\r\nhello\r\n0\r\nX-T: 1\n\r\n', 'a bare LF after a trailer field'],
    ['5\rX\nhello\r\n0\r\n\r\n', 'a bare CR in the size line'],
    [`1;${'a'.repeat(2000)}\r\nx\r\n0\r\n\r\n`, 'an oversized size line'],
    [`1;${'a'.repeat(2000)}`, 'an oversized size line that never ends'],
    ['5;a=\x00\r\nhello\r\n0\r\n\r\n', 'NUL in an extension'],
    ['5;a\rb\r\nhello\r\n0\r\n\r\n', 'a bare CR in an extension'],
    ['5;\x7f\r\nhello\r\n0\r\n\r\n', 'DEL in an extension'],
    ['5;a=\x1b\r\nhello\r\n0\r\n\r\n', 'ESC in an extension'],
    ['0\r\nnot a field\r\n\r\n', 'a trailer line without a colon'],
    ['0\r\nX-T : 1\r\n\r\n', 'whitespace before a trailer colon'],
    ['0\r\n: 1\r\n\r\n', 'an empty trailer name'],
    ['0\r\nX-T: a\x00b\r\n\r\n', 'NUL in a trailer value'],
    ['0\r\nX-T: a\r\n folded\r\n\r\n', 'an obs-folded trailer'],
    [`0\r\nX-T: ${'t'.repeat(17 * 1024)}\r\n\r\n`, 'trailers over 16 KiB'],
  ]

  it.each(BAD)('refuses %j (%s) with HeadError 400', (body) => {
    const error = chunkRefusal(body)
    expect(error).toBeInstanceOf(HeadError)
    expect(error.status).toBe(400)
  })

  it.each(BAD)('refuses %j (%s) fed byte by byte too', (body) => {
    expect(() => decodeBytes(body)).toThrow(HeadError)
  })
})
