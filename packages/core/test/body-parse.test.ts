import { describe, expect, it } from 'vitest'
import {
  isJSONType,
  mediaType,
  PoisonedJSONError,
  parseBytes,
  parseJSON,
  parseQuery,
} from '../src/http/body-parse'

// Bracket access through a variable keeps biome's noProto lint quiet; the maps have no prototype.
const PROTO = '__proto__'

function expectPoisoned(text: string): void {
  let caught: unknown
  try {
    parseJSON(text)
  } catch (err) {
    caught = err
  }
  expect(caught).toBeInstanceOf(PoisonedJSONError)
  expect(caught).toBeInstanceOf(SyntaxError)
  expect((caught as PoisonedJSONError).code).toBe('BRISK_ERR_JSON_POISONED')
  expect((caught as PoisonedJSONError).name).toBe('PoisonedJSONError')
}

describe('parseJSON', () => {
  it('parses clean JSON of every shape', () => {
    expect(parseJSON('{"a":[1,{"b":null}],"c":"x"}')).toEqual({ a: [1, { b: null }], c: 'x' })
    expect(parseJSON('[1,2]')).toEqual([1, 2])
    expect(parseJSON('"s"')).toBe('s')
    expect(parseJSON('42')).toBe(42)
    expect(parseJSON('null')).toBe(null)
  })

  it('throws the native SyntaxError on malformed JSON', () => {
    expect(() => parseJSON('{"a":')).toThrow(SyntaxError)
    let caught: unknown
    try {
      parseJSON('{bad}')
    } catch (err) {
      caught = err
    }
    expect(caught).not.toBeInstanceOf(PoisonedJSONError)
    expect(() => parseJSON('')).toThrow(SyntaxError)
  })

  it('rejects a top-level __proto__ key with a clear message', () => {
    expect(() => parseJSON('{"__proto__":{"admin":true}}')).toThrow(
      'Refusing JSON with a "__proto__" key (prototype poisoning)',
    )
    expectPoisoned('{"__proto__":{"admin":true}}')
    expectPoisoned('{"__proto__":null}')
  })

  it('rejects nested __proto__ keys inside arrays and objects', () => {
    expectPoisoned('{"a":[{"__proto__":{"x":1}}]}')
    expectPoisoned('[[[{"b":{"c":{"__proto__":1}}}]]]')
  })

  it('rejects constructor.prototype at any depth', () => {
    expect(() => parseJSON('{"constructor":{"prototype":{}}}')).toThrow(
      'Refusing JSON with a "constructor.prototype" key (prototype poisoning)',
    )
    expectPoisoned('{"constructor":{"prototype":{}}}')
    expectPoisoned('{"a":{"b":[{"constructor":{"prototype":{"polluted":true}}}]}}')
  })

  it('rejects keys spelled with unicode escapes', () => {
    expectPoisoned('{"\\u005f_proto__":{"x":1}}')
    expectPoisoned('{"\\u0063onstructor":{"prototype":{}}}')
  })

  it('allows "__proto__" and "constructor" as string values and harmless constructor keys', () => {
    expect(parseJSON('{"note":"__proto__ is a key","c":"constructor"}')).toEqual({
      note: '__proto__ is a key',
      c: 'constructor',
    })
    expect(parseJSON('["__proto__", "constructor.prototype"]')).toEqual([
      '__proto__',
      'constructor.prototype',
    ])
    expect(parseJSON('{"constructor":"Foo"}')).toEqual({ constructor: 'Foo' })
    expect(parseJSON('{"constructor":{"name":"Foo"}}')).toEqual({ constructor: { name: 'Foo' } })
    expect(parseJSON('{"prototype":{}}')).toEqual({ prototype: {} })
    expect(parseJSON('{"s":"caf\\u00e9"}')).toEqual({ s: 'café' })
  })

  it('leaves Object.prototype untouched', () => {
    try {
      parseJSON('{"__proto__":{"polluted":true}}')
    } catch {}
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
  })

  it('scans deeply nested values without overflowing the stack', () => {
    const depth = 50_000
    const text = `${'['.repeat(depth)}{"__proto__":1}${']'.repeat(depth)}`
    expectPoisoned(text)
  })
})

describe('parseQuery', () => {
  const q = (s: string) => ({ ...parseQuery(s) })

  it('parses pairs, ignoring a leading "?"', () => {
    expect(q('?a=1&b=2')).toEqual({ a: '1', b: '2' })
    expect(q('a=1&b=2')).toEqual({ a: '1', b: '2' })
  })

  it('returns an empty null-prototype object for empty input', () => {
    for (const s of ['', '?', '&&', '?&']) {
      const r = parseQuery(s)
      expect(Object.getPrototypeOf(r)).toBe(null)
      expect(Object.keys(r)).toEqual([])
    }
  })

  it('treats "+" as a space in keys and values', () => {
    expect(q('a+b=c+d%2B')).toEqual({ 'a b': 'c d+' })
  })

  it('percent-decodes keys and values', () => {
    expect(q('n%C3%A4me=J%C3%B6rg&e=%3D%26')).toEqual({ näme: 'Jörg', e: '=&' })
  })

  it('keeps the raw text on a malformed escape', () => {
    expect(q('a=100%&b=%zz&c=%E0%A4%A&%=x')).toEqual({ a: '100%', b: '%zz', c: '%E0%A4%A', '%': 'x' })
    expect(q('a=50%+off')).toEqual({ a: '50% off' })
  })

  it('turns repeated keys into arrays in order', () => {
    expect(q('a=1&b=x&a=2&a=3')).toEqual({ a: ['1', '2', '3'], b: 'x' })
    expect(q('a&a=')).toEqual({ a: ['', ''] })
  })

  it('gives a key without "=" the value ""', () => {
    expect(q('flag&x=1&other')).toEqual({ flag: '', x: '1', other: '' })
  })

  it('skips empty pairs and keeps "=" inside values', () => {
    expect(q('&&a=1&&b=c=d&')).toEqual({ a: '1', b: 'c=d' })
  })

  it('keeps an empty key as in the WHATWG parser', () => {
    expect(q('=x')).toEqual({ '': 'x' })
  })

  it('treats __proto__ as plain data without polluting Object.prototype', () => {
    const r = parseQuery('__proto__=evil&__proto__[x]=1&constructor=c&a[__proto__]=y')
    expect(r[PROTO]).toBe('evil')
    expect(r.constructor).toBe('c')
    expect(Object.getPrototypeOf(r)).toBe(null)
    expect(({} as Record<string, unknown>).x).toBeUndefined()
    expect(Object.prototype).not.toHaveProperty('evil')
    const r2 = parseQuery('__proto__=a&__proto__=b')
    expect(r2[PROTO]).toEqual(['a', 'b'])
  })
})

describe('parseBytes', () => {
  it('accepts non-negative numbers as bytes', () => {
    expect(parseBytes(512)).toBe(512)
    expect(parseBytes(0)).toBe(0)
    expect(parseBytes(10.7)).toBe(10)
  })

  it('parses units case-insensitively, all 1024-based', () => {
    expect(parseBytes('10b')).toBe(10)
    expect(parseBytes('10')).toBe(10)
    expect(parseBytes('64kb')).toBe(65536)
    expect(parseBytes('64KiB')).toBe(65536)
    expect(parseBytes('1mb')).toBe(1048576)
    expect(parseBytes('1MB')).toBe(1048576)
    expect(parseBytes('1.5MiB')).toBe(1572864)
    expect(parseBytes('2gb')).toBe(2 * 1024 ** 3)
    expect(parseBytes('1GiB')).toBe(1024 ** 3)
    expect(parseBytes(' 1 mb ')).toBe(1048576)
    expect(parseBytes('0.5kb')).toBe(512)
    expect(parseBytes('1.0001kb')).toBe(1024)
  })

  it('throws a TypeError on anything else', () => {
    const bad: unknown[] = [
      -1,
      Number.NaN,
      Number.POSITIVE_INFINITY,
      '',
      '  ',
      '-1kb',
      'kb',
      '.5kb',
      '1.kb',
      '1..5kb',
      '1tb',
      '1k',
      '1 m b',
      '1e3',
      '0x10',
      'NaN',
      '1mb2',
      null,
      undefined,
      {},
    ]
    for (const size of bad) {
      expect(() => parseBytes(size as string)).toThrow(TypeError)
    }
    expect(() => parseBytes('1xb')).toThrow(
      new TypeError(
        `Invalid byte size "1xb": expected a non-negative number of bytes or a string like '512b', '64kb', '1.5mb', '1gb'`,
      ),
    )
    expect(() => parseBytes(-5)).toThrow(/^Invalid byte size -5: expected a non-negative number/)
  })

  it('does not read unit names from Object.prototype', () => {
    expect(() => parseBytes('1toString')).toThrow(TypeError)
    expect(() => parseBytes('1__proto__')).toThrow(TypeError)
  })
})

describe('mediaType', () => {
  it('strips parameters, trims and lower-cases', () => {
    expect(mediaType('application/json; charset=utf-8')).toBe('application/json')
    expect(mediaType('  Text/HTML ;charset=UTF-8')).toBe('text/html')
    expect(mediaType('multipart/form-data; boundary=x')).toBe('multipart/form-data')
    expect(mediaType('text/plain')).toBe('text/plain')
  })

  it('returns "" when absent', () => {
    expect(mediaType(undefined)).toBe('')
    expect(mediaType('')).toBe('')
    expect(mediaType(';charset=utf-8')).toBe('')
  })
})

describe('isJSONType', () => {
  it('accepts application/json and +json suffix types', () => {
    expect(isJSONType('application/json')).toBe(true)
    expect(isJSONType('application/problem+json')).toBe(true)
    expect(isJSONType('application/vnd.api+json')).toBe(true)
    expect(isJSONType(mediaType('application/merge-patch+json; charset=utf-8'))).toBe(true)
  })

  it('rejects everything else', () => {
    expect(isJSONType('')).toBe(false)
    expect(isJSONType('text/plain')).toBe(false)
    expect(isJSONType('application/jsonp')).toBe(false)
    expect(isJSONType('application/json5')).toBe(false)
    expect(isJSONType('application/x-www-form-urlencoded')).toBe(false)
    expect(isJSONType('+json')).toBe(false)
  })
})
