import { describe, expect, it } from 'vitest'
import { preferredType } from '../src/http/negotiate'

const JSON_HTML = ['application/json', 'text/html'] as const

describe('preferredType', () => {
  it('returns the first offer when there is no Accept header', () => {
    expect(preferredType(undefined, JSON_HTML)).toBe('application/json')
  })

  it('returns undefined when nothing is offered', () => {
    expect(preferredType(undefined, [])).toBeUndefined()
    expect(preferredType('*/*', [])).toBeUndefined()
  })

  it('treats an Accept with no valid media range like a missing one', () => {
    expect(preferredType('', JSON_HTML)).toBe('application/json')
    expect(preferredType(' , ,', JSON_HTML)).toBe('application/json')
    expect(preferredType('garbage', JSON_HTML)).toBe('application/json')
  })

  it('matches exact types case-insensitively and returns the offer as given', () => {
    expect(preferredType('TEXT/HTML', JSON_HTML)).toBe('text/html')
    expect(preferredType('application/json', ['Application/JSON'])).toBe('Application/JSON')
  })

  it('picks the offer with the highest q', () => {
    expect(preferredType('application/json;q=0.5, text/html', JSON_HTML)).toBe('text/html')
    expect(preferredType('application/json;q=0.9, text/html;q=0.8', JSON_HTML)).toBe('application/json')
  })

  it('breaks ties by the order of the offers, not of the header', () => {
    expect(preferredType('text/html, application/json', JSON_HTML)).toBe('application/json')
    expect(preferredType('*/*', JSON_HTML)).toBe('application/json')
    expect(preferredType('*/*', ['text/html', 'application/json'])).toBe('text/html')
  })

  it('supports type/* wildcards', () => {
    expect(preferredType('text/*', JSON_HTML)).toBe('text/html')
    expect(preferredType('image/*', JSON_HTML)).toBeUndefined()
  })

  it('returns undefined when no offer is acceptable', () => {
    expect(preferredType('image/png', JSON_HTML)).toBeUndefined()
  })

  it('lets the most specific range decide the q of a type', () => {
    expect(preferredType('text/*;q=0.2, text/html;q=0.9, */*;q=0.5', ['text/plain', 'text/html'])).toBe(
      'text/html',
    )
    expect(preferredType('text/*;q=0.9, text/html;q=0.1, */*;q=0.5', ['text/html', 'application/json'])).toBe(
      'application/json',
    )
    expect(
      preferredType('text/html;level=1;q=0.1, text/html;q=0.9', ['text/html;level=1', 'text/html']),
    ).toBe('text/html')
  })

  it('excludes a type with q=0 even when a wildcard allows everything', () => {
    expect(preferredType('*/*, application/json;q=0', JSON_HTML)).toBe('text/html')
    expect(preferredType('application/json;q=0', ['application/json'])).toBeUndefined()
    expect(preferredType('text/*;q=0, */*', ['text/html', 'text/plain'])).toBeUndefined()
    expect(preferredType('*/*;q=0', JSON_HTML)).toBeUndefined()
  })

  it('handles q-value edge cases', () => {
    // q=0.000 is zero; q=1.000 is one
    expect(preferredType('application/json;q=0.000, */*;q=0.001', JSON_HTML)).toBe('text/html')
    expect(preferredType('application/json;q=1.000, text/html;q=0.999', JSON_HTML)).toBe('application/json')
    // three decimals are significant
    expect(preferredType('application/json;q=0.001, text/html;q=0.002', JSON_HTML)).toBe('text/html')
    // "q=1." and "q=0." are valid
    expect(preferredType('application/json;q=0., text/html;q=1.', JSON_HTML)).toBe('text/html')
    // the parameter name is case-insensitive, whitespace around ";" and "=" is tolerated
    expect(preferredType('application/json ; Q = 0.1 , text/html', JSON_HTML)).toBe('text/html')
  })

  it('ignores ranges with a malformed q-value', () => {
    for (const bad of ['1.5', '2', '-1', '0.0001', 'abc', '', '1.001', '.5', '0,5', 'NaN']) {
      expect(preferredType(`application/json;q=${bad}, text/html;q=0.5`, JSON_HTML)).toBe('text/html')
    }
    // a single invalid range leaves no valid range: treated as a missing header
    expect(preferredType('text/html;q=2', JSON_HTML)).toBe('application/json')
  })

  it('ignores accept-extensions after q', () => {
    expect(preferredType('text/html;q=0.5;level=1, application/json;q=0.4', JSON_HTML)).toBe('text/html')
  })

  it('matches media-range parameters, including quoted values', () => {
    const offers = ['text/plain;format=flowed', 'text/plain']
    expect(preferredType('text/plain;format="flowed";q=1, text/plain;q=0.5', offers)).toBe(
      'text/plain;format=flowed',
    )
    expect(preferredType('text/plain;format=fixed', offers)).toBeUndefined()
    expect(preferredType('text/plain;a="x,y\\"z", text/html', ['text/html'])).toBe('text/html')
  })

  it('skips malformed elements and keeps parsing', () => {
    expect(
      preferredType('*/html, /json, text/, text/html;q=0.3 junk, application/json;q=0.2', JSON_HTML),
    ).toBe('application/json')
    expect(preferredType('"quoted,junk", text/html', JSON_HTML)).toBe('text/html')
  })

  it('skips malformed offers', () => {
    expect(preferredType('*/*', ['nonsense', 'text/html'])).toBe('text/html')
    expect(preferredType('*/*', ['text/html, application/json'])).toBeUndefined()
  })

  it('handles a typical browser Accept header', () => {
    const browser = 'text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8'
    expect(preferredType(browser, JSON_HTML)).toBe('text/html')
    expect(preferredType(browser, ['application/json'])).toBe('application/json')
  })
})
