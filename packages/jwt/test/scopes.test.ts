import { describe, expect, it } from 'vitest'
import { grants, parseScopes, satisfies, scopeList } from '../src/scopes'

describe('parseScopes()', () => {
  it('splits the scope claim on spaces, and reads anything else as no scopes', () => {
    expect(parseScopes('books:read  books:write')).toEqual(['books:read', 'books:write'])
    expect(parseScopes('')).toEqual([])
    expect(parseScopes(['books:read'])).toEqual([])
    expect(parseScopes(undefined)).toEqual([])
  })
})

describe('grants() and satisfies()', () => {
  it('matches exact scopes, `prefix:*` wildcards and `*`, and nothing looser', () => {
    expect(grants(['books:read'], 'books:read')).toBe(true)
    expect(grants(['books:*'], 'books:write')).toBe(true)
    expect(grants(['books:*'], 'books:admin:all')).toBe(true)
    expect(grants(['books:*'], 'booksx:write')).toBe(false)
    expect(grants(['books:*'], 'books')).toBe(false)
    expect(grants(['*'], 'anything')).toBe(true)
    expect(grants(['books:read'], 'books:*')).toBe(false) // a wildcard is granted, never matched literally
    expect(grants([], 'books:read')).toBe(false)
  })

  it('needs every scope of `all` and one of `anyOf` when it is not empty', () => {
    expect(satisfies(['a', 'b'], ['a', 'b'], [])).toBe(true)
    expect(satisfies(['a'], ['a', 'b'], [])).toBe(false)
    expect(satisfies(['a'], [], ['b', 'a'])).toBe(true)
    expect(satisfies(['a'], ['a'], ['c'])).toBe(false)
    expect(satisfies([], [], [])).toBe(true)
  })
})

describe('scopeList()', () => {
  it('refuses scope names with spaces or that are not strings', () => {
    expect(scopeList(['a:b'], 'x')).toEqual(['a:b'])
    expect(scopeList(undefined, 'x')).toEqual([])
    for (const bad of ['a', ['a b'], [''], [1]]) expect(() => scopeList(bad, 'x')).toThrow(/scope names/)
  })
})
