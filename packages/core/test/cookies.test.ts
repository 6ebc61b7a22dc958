import { describe, expect, it } from 'vitest'
import { parseCookies, serializeCookie } from '../src/http/cookies'

// Bracket access through a variable keeps biome's noProto lint quiet; the maps have no prototype.
const PROTO = '__proto__'

describe('parseCookies', () => {
  it('returns an empty null-prototype object for a missing or empty header', () => {
    for (const h of [undefined, '', '   ', ';;']) {
      const c = parseCookies(h)
      expect(Object.getPrototypeOf(c)).toBe(null)
      expect(Object.keys(c)).toEqual([])
    }
  })

  it('parses pairs and trims whitespace around names and values', () => {
    expect({ ...parseCookies('a=1; b=2;c=3 ;\td = 4 ') }).toEqual({ a: '1', b: '2', c: '3', d: '4' })
  })

  it('keeps the first occurrence of a name', () => {
    expect(parseCookies('a=1; a=2; b=3; a=4').a).toBe('1')
  })

  it('skips pairs without "=" and with empty names', () => {
    expect({ ...parseCookies('flag; =x; a=1; other; b=') }).toEqual({ a: '1', b: '' })
    expect({ ...parseCookies('lonely') }).toEqual({})
  })

  it('keeps "=" inside values', () => {
    expect(parseCookies('tok=a=b==').tok).toBe('a=b==')
  })

  it('percent-decodes values containing %', () => {
    expect(parseCookies('n=J%C3%B6rg%20X; p=a+b').n).toBe('Jörg X')
    expect(parseCookies('p=a+b').p).toBe('a+b')
  })

  it('keeps the raw value on a malformed escape', () => {
    expect(parseCookies('a=100%; b=%E0%A4%A').a).toBe('100%')
    expect(parseCookies('b=%E0%A4%A').b).toBe('%E0%A4%A')
    expect(parseCookies('c=%zz').c).toBe('%zz')
  })

  it('removes surrounding double quotes only when both are present', () => {
    const c = parseCookies('a="quoted"; b="; c="x%20y"; d=""')
    expect(c.a).toBe('quoted')
    expect(c.b).toBe('"')
    expect(c.c).toBe('x y')
    expect(c.d).toBe('')
  })

  it('treats __proto__ and constructor as plain data', () => {
    const c = parseCookies('__proto__=evil; constructor=x; toString=y')
    expect(c[PROTO]).toBe('evil')
    expect(Object.keys(c)).toEqual(['__proto__', 'constructor', 'toString'])
    expect(({} as Record<string, unknown>).evil).toBeUndefined()
    expect(Object.prototype).not.toHaveProperty('evil')
    expect(typeof ({} as { toString: unknown }).toString).toBe('function')
  })

  it('never throws on hostile input', () => {
    expect(() => parseCookies('%%%=%%%; \u0000=\uffff; ;=;=')).not.toThrow()
  })
})

describe('serializeCookie', () => {
  it('serializes a bare name and value', () => {
    expect(serializeCookie('sid', 'abc')).toBe('sid=abc')
  })

  it('encodes the value with encodeURIComponent', () => {
    expect(serializeCookie('n', 'a b;c=d,é')).toBe('n=a%20b%3Bc%3Dd%2C%C3%A9')
    expect(parseCookies(serializeCookie('n', 'a b;c="d"'))).toEqual(
      Object.assign(Object.create(null), { n: 'a b;c="d"' }),
    )
  })

  it('writes all attributes in a stable order', () => {
    const expires = new Date(Date.UTC(2030, 0, 2, 3, 4, 5))
    expect(
      serializeCookie('a', '1', {
        domain: 'example.com',
        path: '/app',
        expires,
        maxAge: 60,
        httpOnly: true,
        secure: true,
        sameSite: 'Strict',
        partitioned: true,
        priority: 'High',
      }),
    ).toBe(
      'a=1; Domain=example.com; Path=/app; Expires=Wed, 02 Jan 2030 03:04:05 GMT; Max-Age=60; HttpOnly; Secure; SameSite=Strict; Partitioned; Priority=High',
    )
  })

  it('omits false flags', () => {
    expect(serializeCookie('a', '1', { httpOnly: false, secure: false, partitioned: false })).toBe('a=1')
  })

  it('floors maxAge and allows zero and negative values', () => {
    expect(serializeCookie('a', '1', { maxAge: 1.9 })).toBe('a=1; Max-Age=1')
    expect(serializeCookie('a', '1', { maxAge: 0 })).toBe('a=1; Max-Age=0')
    expect(serializeCookie('a', '1', { maxAge: -5 })).toBe('a=1; Max-Age=-5')
  })

  it('normalizes sameSite casing', () => {
    expect(serializeCookie('a', '1', { sameSite: 'lax' })).toBe('a=1; SameSite=Lax')
    expect(serializeCookie('a', '1', { sameSite: 'strict' })).toBe('a=1; SameSite=Strict')
    expect(serializeCookie('a', '1', { sameSite: 'none', secure: true })).toBe('a=1; Secure; SameSite=None')
  })

  it('rejects invalid names', () => {
    for (const name of ['', 'a b', 'a;b', 'a=b', 'a,b', 'a"b', 'a\tb', 'ä', '(x)', 'a\u0000']) {
      expect(() => serializeCookie(name, 'v')).toThrow(TypeError)
      expect(() => serializeCookie(name, 'v')).toThrow(
        /^Invalid cookie name .*: must be a non-empty RFC 6265 token$/,
      )
    }
    expect(serializeCookie("!#$%&'*+-.^_`|~09AZaz", 'v')).toBe("!#$%&'*+-.^_`|~09AZaz=v")
  })

  it('rejects a value with a lone surrogate', () => {
    expect(() => serializeCookie('a', '\ud800')).toThrow(
      new TypeError('Invalid value for cookie "a": contains a lone surrogate'),
    )
  })

  it('rejects a domain or path with ";" or control characters, or empty', () => {
    expect(() => serializeCookie('a', '1', { domain: 'x.com; Secure' })).toThrow(
      new TypeError(`Invalid cookie domain "x.com; Secure": must not contain ';' or control characters`),
    )
    expect(() => serializeCookie('a', '1', { path: '/a\nSet-Cookie: b=2' })).toThrow(
      /^Invalid cookie path .*: must not contain ';' or control characters$/,
    )
    expect(() => serializeCookie('a', '1', { path: '/\u007f' })).toThrow(TypeError)
    expect(() => serializeCookie('a', '1', { domain: '' })).toThrow(
      new TypeError('Invalid cookie domain: must not be empty'),
    )
    expect(() => serializeCookie('a', '1', { path: '' })).toThrow(
      new TypeError('Invalid cookie path: must not be empty'),
    )
  })

  it('rejects invalid expires and maxAge', () => {
    expect(() => serializeCookie('a', '1', { expires: new Date('nope') })).toThrow(
      new TypeError('Invalid expires for cookie "a": must be a valid Date'),
    )
    expect(() => serializeCookie('a', '1', { expires: 'tomorrow' as unknown as Date })).toThrow(TypeError)
    for (const maxAge of [Number.NaN, Number.POSITIVE_INFINITY, '60' as unknown as number]) {
      expect(() => serializeCookie('a', '1', { maxAge })).toThrow(
        new TypeError('Invalid maxAge for cookie "a": must be a finite number of seconds'),
      )
    }
  })

  it('rejects unknown sameSite and priority values', () => {
    expect(() => serializeCookie('a', '1', { sameSite: 'LAX' as 'Lax' })).toThrow(
      new TypeError(`Invalid sameSite for cookie "a": expected 'Strict', 'Lax' or 'None'`),
    )
    expect(() => serializeCookie('a', '1', { sameSite: '__proto__' as 'Lax' })).toThrow(TypeError)
    expect(() => serializeCookie('a', '1', { priority: 'high' as 'High' })).toThrow(
      new TypeError(`Invalid priority for cookie "a": expected 'Low', 'Medium' or 'High'`),
    )
  })

  it('requires Secure for SameSite=None', () => {
    expect(() => serializeCookie('a', '1', { sameSite: 'None' })).toThrow(
      new TypeError('Cookie "a" has SameSite=None, which requires secure: true'),
    )
  })

  it('requires Secure for Partitioned', () => {
    expect(() => serializeCookie('a', '1', { partitioned: true })).toThrow(
      new TypeError('Cookie "a" is Partitioned, which requires secure: true'),
    )
  })

  it('enforces the __Secure- prefix', () => {
    const msg = 'Cookie "__Secure-id" uses the __Secure- prefix, which requires secure: true'
    expect(() => serializeCookie('__Secure-id', '1')).toThrow(new TypeError(msg))
    expect(() => serializeCookie('__Secure-id', '1', { path: '/' })).toThrow(new TypeError(msg))
    expect(() => serializeCookie('__secure-id', '1')).toThrow(TypeError)
    expect(serializeCookie('__Secure-id', '1', { secure: true, domain: 'x.com' })).toBe(
      '__Secure-id=1; Domain=x.com; Secure',
    )
  })

  it('enforces the __Host- prefix', () => {
    const msg = (n: string) =>
      new TypeError(
        `Cookie "${n}" uses the __Host- prefix, which requires secure: true, path: '/' and no domain`,
      )
    expect(() => serializeCookie('__Host-id', '1')).toThrow(msg('__Host-id'))
    expect(() => serializeCookie('__Host-id', '1', { path: '/' })).toThrow(msg('__Host-id'))
    expect(() => serializeCookie('__Host-id', '1', { secure: true })).toThrow(msg('__Host-id'))
    expect(() => serializeCookie('__Host-id', '1', { secure: true, path: '/a' })).toThrow(msg('__Host-id'))
    expect(() => serializeCookie('__Host-id', '1', { secure: true, path: '/', domain: 'x.com' })).toThrow(
      msg('__Host-id'),
    )
    expect(() => serializeCookie('__HOST-id', '1', { secure: true })).toThrow(msg('__HOST-id'))
    expect(serializeCookie('__Host-id', '1', { secure: true, path: '/' })).toBe('__Host-id=1; Path=/; Secure')
  })

  it('does not treat other underscore names as prefixed', () => {
    expect(serializeCookie('__other', '1')).toBe('__other=1')
    expect(serializeCookie('_Host-x', '1')).toBe('_Host-x=1')
  })
})
