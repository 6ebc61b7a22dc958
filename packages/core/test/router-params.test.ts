import { describe, expect, it } from 'vitest'
import { paramKinds, paramPriority } from '../src/router/params'
import type { ParamKind } from '../src/router/path'

const accepts = (kind: ParamKind, values: string[]) => values.filter((value) => paramKinds[kind].test(value))

describe('paramKinds', () => {
  it('string accepts any non-empty value as is', () => {
    expect(accepts('string', ['a', ' ', 'a/b', ''])).toEqual(['a', ' ', 'a/b'])
    expect(paramKinds.string.convert('42')).toBe('42')
  })

  it('int accepts optionally negative digits within the safe integer range and converts to a number', () => {
    const values = ['0', '42', '-7', '007', '9007199254740991', '-9007199254740991']
    expect(
      accepts('int', [...values, '9007199254740992', '1.0', '+1', ' 1', '1e3', '0x10', '', '-']),
    ).toEqual(values)
    expect(paramKinds.int.convert('-7')).toBe(-7)
    expect(paramKinds.int.convert('007')).toBe(7)
  })

  it('float accepts integers and decimals with digits on both sides and converts to a number', () => {
    const values = ['0', '3.25', '-0.5', '10']
    expect(
      accepts('float', [...values, '1.', '.5', '1e3', 'NaN', 'Infinity', '1,5', '9'.repeat(400)]),
    ).toEqual(values)
    expect(paramKinds.float.convert('3.25')).toBe(3.25)
  })

  it('uuid accepts the canonical 8-4-4-4-12 hex form in any case and keeps the text', () => {
    const uuid = '3f2b8c1e-9a4d-4c6b-8e2f-1a2b3c4d5e6f'
    expect(
      accepts('uuid', [uuid, uuid.toUpperCase(), uuid.replaceAll('-', ''), `{${uuid}}`, `${uuid}0`]),
    ).toEqual([uuid, uuid.toUpperCase()])
    expect(paramKinds.uuid.convert(uuid.toUpperCase())).toBe(uuid.toUpperCase())
  })

  it('slug accepts lower-case alphanumeric words joined by single hyphens', () => {
    const values = ['a', 'hello-world', 'v2-1']
    expect(accepts('slug', [...values, 'Hello', 'a--b', '-a', 'a-', 'a_b', 'é'])).toEqual(values)
    expect(paramKinds.slug.convert('hello-world')).toBe('hello-world')
  })

  it('alpha accepts ASCII letters only', () => {
    expect(accepts('alpha', ['abc', 'ABCdef', 'ab1', 'ü', 'a b', ''])).toEqual(['abc', 'ABCdef'])
  })

  it('path accepts any non-empty rest of a path, slashes included', () => {
    expect(accepts('path', ['a/b/', '/', ''])).toEqual(['a/b/', '/'])
    expect(paramKinds.path.convert('a/b')).toBe('a/b')
  })

  it('re leaves the real test to the segment pattern and only refuses empty values', () => {
    expect(accepts('re', ['anything', ''])).toEqual(['anything'])
  })
})

describe('paramPriority', () => {
  it('orders int, float, uuid, alpha, slug, re, string and finally path', () => {
    const order = (Object.keys(paramPriority) as ParamKind[]).sort(
      (a, b) => paramPriority[a] - paramPriority[b],
    )
    expect(order).toEqual(['int', 'float', 'uuid', 'alpha', 'slug', 're', 'string', 'path'])
  })
})
