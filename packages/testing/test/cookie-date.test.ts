import { afterEach, describe, expect, it } from 'vitest'
import { parseCookieDate } from '../src/cookies/cookie-date'

const iso = (value: string) => parseCookieDate(value)?.toISOString()

describe('parseCookieDate()', () => {
  const zone = process.env.TZ
  afterEach(() => {
    if (zone === undefined) delete process.env.TZ
    else process.env.TZ = zone
  })

  it('reads the three formats servers send', () => {
    expect(iso('Sun, 06 Nov 1994 08:49:37 GMT')).toBe('1994-11-06T08:49:37.000Z') // RFC 1123
    expect(iso('Sunday, 06-Nov-94 08:49:37 GMT')).toBe('1994-11-06T08:49:37.000Z') // RFC 850
    expect(iso('Sun Nov  6 08:49:37 1994')).toBe('1994-11-06T08:49:37.000Z') // asctime
  })

  it('reads every date in UTC, skipping zones and offsets, in any time zone', () => {
    for (const tz of ['America/New_York', 'Asia/Kolkata', 'Pacific/Chatham']) {
      process.env.TZ = tz
      expect(new Date(2030, 5, 1).getTimezoneOffset()).not.toBe(0)
      expect(iso('Sat, 01 Jun 2030 12:00:00')).toBe('2030-06-01T12:00:00.000Z')
      expect(iso('Sat, 01 Jun 2030 12:00:00 PST')).toBe('2030-06-01T12:00:00.000Z')
      expect(iso('Sat, 01 Jun 2030 12:00:00 +0530')).toBe('2030-06-01T12:00:00.000Z')
    }
  })

  it('finds the parts in any order; the first token that fits a part takes it', () => {
    expect(iso('12:00:00 2030 Jun 1')).toBe('2030-06-01T12:00:00.000Z')
    // "01" is the day, so "30" is the year: 2030.
    expect(iso('01 Jun 30 12:00:00 13:00:00')).toBe('2030-06-01T12:00:00.000Z')
    expect(iso('JUNE 1 2030 12:00:00')).toBe('2030-06-01T12:00:00.000Z')
  })

  it('reads two-digit years 70–99 as 19xx and 00–69 as 20xx', () => {
    expect(iso('1 Jan 70 00:00:00')).toBe('1970-01-01T00:00:00.000Z')
    expect(iso('1 Jan 99 00:00:00')).toBe('1999-01-01T00:00:00.000Z')
    expect(iso('1 Jan 00 00:00:00')).toBe('2000-01-01T00:00:00.000Z')
    expect(iso('1 Jan 69 00:00:00')).toBe('2069-01-01T00:00:00.000Z')
  })

  it('accepts one-digit time fields and days', () => {
    expect(iso('1 Jan 2030 1:2:3')).toBe('2030-01-01T01:02:03.000Z')
  })

  it('fails when a part is missing or out of range', () => {
    for (const bad of [
      '',
      'Jan 2030 12:00:00', // no day
      '1 2030 12:00:00', // no month
      '1 Jan 12:00:00', // no year
      '1 Jan 2030', // no time
      '1 Jan 2030 24:00:00',
      '1 Jan 2030 23:60:00',
      '1 Jan 2030 23:59:60',
      '0 Jan 2030 00:00:00',
      '32 Jan 2030 00:00:00',
      '1 Jan 1600 00:00:00',
      '1 Jan 999 00:00:00',
      '1 Jan 20300 00:00:00',
      '1 Jan 2030 00:00:000',
    ]) {
      expect(parseCookieDate(bad), bad).toBeUndefined()
    }
    expect(iso('1 Jan 1601 00:00:00')).toBe('1601-01-01T00:00:00.000Z')
  })

  it('fails on a day the month does not have', () => {
    expect(parseCookieDate('31 Apr 2030 00:00:00')).toBeUndefined()
    expect(parseCookieDate('29 Feb 2030 00:00:00')).toBeUndefined()
    expect(iso('29 Feb 2028 00:00:00')).toBe('2028-02-29T00:00:00.000Z')
    expect(parseCookieDate('29 Feb 2100 00:00:00')).toBeUndefined()
  })
})
