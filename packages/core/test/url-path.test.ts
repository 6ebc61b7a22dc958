import { describe, expect, it } from 'vitest'
import {
  absoluteTarget,
  canonicalSegment,
  normalizePath,
  originTarget,
  pathProblem,
  patternSegment,
} from '../src/http/url-path'

describe('normalizePath()', () => {
  it('returns the very same string for a path that needs no change', () => {
    for (const path of [
      '/',
      '/books/7',
      "/a-b_c~d.e/!$&'()*+,;=:@",
      '/.well-known/x',
      '/a..b/..c/c..',
      '//a//',
    ]) {
      expect(normalizePath(path)).toBe(path)
    }
  })

  it('decodes escapes of unreserved characters and upper-cases the hex of the others (RFC 3986 §6.2.2)', () => {
    expect(normalizePath('/%61dmin')).toBe('/admin')
    expect(normalizePath('/%41%5a%30%39%2d%2e%5f%7e')).toBe('/AZ09-._~')
    expect(normalizePath('/caf%c3%a9')).toBe('/caf%C3%A9')
    expect(normalizePath('/a%2fb%2Fc')).toBe('/a%2Fb%2Fc')
    expect(normalizePath('/a%3ab%3A')).toBe('/a%3Ab%3A')
    expect(normalizePath('/%2561')).toBe('/%2561')
    expect(normalizePath('/%00')).toBe('/%00')
  })

  it('encodes characters a path may not hold raw', () => {
    expect(normalizePath('/a[1]|b')).toBe('/a%5B1%5D%7Cb')
    expect(normalizePath('/a b"<>\\^`{}')).toBe('/a%20b%22%3C%3E%5C%5E%60%7B%7D')
    expect(normalizePath('/\x01\x7f')).toBe('/%01%7F')
  })

  it('encodes raw bytes from a server (latin1) byte for byte when they are UTF-8, else as text', () => {
    const utf8AsLatin1 = Buffer.from('/café/🍌', 'utf8').toString('latin1')
    expect(normalizePath(utf8AsLatin1)).toBe('/caf%C3%A9/%F0%9F%8D%8C')
    expect(normalizePath('/café/🍌')).toBe('/caf%C3%A9/%F0%9F%8D%8C') // a JS string, as app.inject gets it
    expect(normalizePath('/\ud800')).toBeNull() // a lone surrogate is no text
  })

  it('resolves dot segments, also encoded ones, as RFC 3986 §5.2.4 does', () => {
    expect(normalizePath('/a/../b')).toBe('/b')
    expect(normalizePath('/a/./b/.')).toBe('/a/b/')
    expect(normalizePath('/a/b/..')).toBe('/a/')
    expect(normalizePath('/a/%2e%2E/b')).toBe('/b')
    expect(normalizePath('/a/.%2e/b')).toBe('/b')
    expect(normalizePath('/.')).toBe('/')
    expect(normalizePath('/a/..')).toBe('/')
    expect(normalizePath('/a/b/c/./../../g')).toBe('/a/g') // RFC 3986 §5.2.4's own example
    expect(normalizePath('/a/..%2fb')).toBe('/a/..%2Fb') // one segment named `..%2Fb`, not a dot segment
  })

  it('refuses a .. above the root and a malformed escape', () => {
    for (const path of ['/..', '/../a', '/a/../..', '/%2e%2e/x', '/a%zz', '/a%4', '/a%', '/%g0']) {
      expect(normalizePath(path), path).toBeNull()
    }
  })

  it('drops a fragment', () => {
    expect(normalizePath('/a#b')).toBe('/a')
    expect(normalizePath('/a/#/../..')).toBe('/a/')
  })
})

describe('canonicalSegment() and patternSegment()', () => {
  it('bring a route pattern to the form requests arrive in', () => {
    expect(patternSegment('café')).toBe('caf%C3%A9')
    expect(patternSegment('%7euser')).toBe('~user')
    expect(patternSegment('a[1]')).toBe('a%5B1%5D')
    expect(patternSegment('100%')).toBe('100%25')
    expect(patternSegment('a%20b')).toBe('a%20b')
    expect(canonicalSegment('ok', true)).toBe('ok')
  })
})

describe('originTarget()', () => {
  it('puts the query back after a normalised path, without the fragment', () => {
    expect(originTarget('/%61?x=1', 4, '/a')).toBe('/a?x=1')
    expect(originTarget('/%61?x=1#top', 4, '/a')).toBe('/a?x=1')
    expect(originTarget('/%61#top?x=1', 8, '/a')).toBe('/a')
    expect(originTarget('/%61', -1, '/a')).toBe('/a')
  })
})

describe('absoluteTarget()', () => {
  // Cases from find-my-way's test/full-url.test.js, with Brisk's answers.
  it('splits an absolute-form target into the origin-form target and the host', () => {
    expect(absoluteTarget('http://localhost/a')).toEqual({ target: '/a', host: 'localhost' })
    expect(absoluteTarget('http://localhost:8080/a/100')).toEqual({
      target: '/a/100',
      host: 'localhost:8080',
    })
    expect(absoluteTarget('https://123.123.123.123/a')).toEqual({ target: '/a', host: '123.123.123.123' })
    expect(absoluteTarget('HTTP://localhost?next=/admin')).toEqual({
      target: '/?next=/admin',
      host: 'localhost',
    })
    expect(absoluteTarget('http://localhost')).toEqual({ target: '/', host: 'localhost' })
    expect(absoluteTarget('http://[::1]:3000/x')).toEqual({ target: '/x', host: '[::1]:3000' })
  })

  it('refuses a malformed one', () => {
    for (const target of [
      'http:///admin',
      'http://localhost#next=/admin',
      'http://localhost:invalid/admin',
      'http://user:pw@localhost/admin',
      'ftp://localhost/a',
      'http://a b/',
    ]) {
      expect(absoluteTarget(target), target).toBeNull()
    }
  })

  it('leaves other forms alone', () => {
    expect(absoluteTarget('*')).toBeUndefined()
    expect(absoluteTarget('/a?u=http://x')).toBeUndefined()
    expect(absoluteTarget('example.com:443')).toBeUndefined()
  })
})

describe('pathProblem()', () => {
  it('names what made a path unusable', () => {
    expect(pathProblem('/a%zz')).toBe('The path has a malformed percent-encoding')
    expect(pathProblem('/w/%C0%AE')).toBe('The path has a malformed percent-encoding')
    expect(pathProblem('/a/../..')).toBe('The path climbs above the root with ".."')
    expect(pathProblem('http:///admin')).toBe('The request target is malformed')
  })
})
