import { describe, expect, it } from 'vitest'
import { assertName, CreateBriskError, nameProblem } from '../src/index'

describe('nameProblem', () => {
  it('accepts the names npm accepts for a new package', () => {
    for (const name of ['my-app', 'app', 'a.b', 'a_b', 'shop2', '2shop', 'x~y'])
      expect(nameProblem(name), name).toBeUndefined()
  })

  it('says why a name is refused', () => {
    expect(nameProblem('My-App')).toBe('use lowercase letters, digits, "-", "_", "." and "~" only')
    expect(nameProblem('my app')).toBe('use lowercase letters, digits, "-", "_", "." and "~" only')
    expect(nameProblem('café')).toBe('use lowercase letters, digits, "-", "_", "." and "~" only')
    expect(nameProblem('.hidden')).toBe('it may not start with "." or "_"')
    expect(nameProblem('_private')).toBe('it may not start with "." or "_"')
    expect(nameProblem('-dash')).toBe('use lowercase letters, digits, "-", "_", "." and "~" only')
    expect(nameProblem('node_modules')).toBe('npm reserves it')
    expect(nameProblem('favicon.ico')).toBe('npm reserves it')
    expect(nameProblem('')).toBe('it is empty')
    expect(nameProblem('a'.repeat(214))).toBeUndefined()
    expect(nameProblem('a'.repeat(215))).toBe('npm allows 214 characters at most')
  })
})

describe('assertName', () => {
  it('throws ERR_BAD_NAME with the reason', () => {
    expect(() => assertName('My App')).toThrow(CreateBriskError)
    expect(() => assertName('My App')).toThrow(
      '"My App" cannot be the package name (use lowercase letters, digits, "-", "_", "." and "~" only)',
    )
    expect(() => assertName('my-app')).not.toThrow()
  })
})
