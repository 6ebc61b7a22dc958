/**
 * The cookie-date algorithm of RFC 6265 §5.1.1, which reads `Expires` the way browsers do: a lenient scan for
 * a time, a day, a month and a year in any order, always in UTC. `Date.parse` is not that algorithm: it
 * applies offsets (`GMT-0400`) and reads a date without a zone in the machine's local time, so the answer
 * would change with the time zone the tests run in.
 * https://www.rfc-editor.org/rfc/rfc6265#section-5.1.1
 */

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec']

// The productions of §5.1.1, each anchored at the start of a date-token. The trailing `(?:\D|$)` is
// "( non-digit *OCTET )", optional as RFC 6265 erratum 4148 says: "2007" alone is a year.
const TIME = /^(\d{1,2}):(\d{1,2}):(\d{1,2})(?:\D|$)/
const DAY_OF_MONTH = /^(\d{1,2})(?:\D|$)/
const YEAR = /^(\d{2,4})(?:\D|$)/

/**
 * Whether a character is a delimiter: %x09 / %x20-2F / %x3B-40 / %x5B-60 / %x7B-7E. Everything else
 * (digits, `:`, letters, other control characters and non-ASCII) belongs to a date-token.
 */
function isDelimiter(code: number): boolean {
  return (
    code === 0x09 ||
    (code >= 0x20 && code <= 0x2f) ||
    (code >= 0x3b && code <= 0x40) ||
    (code >= 0x5b && code <= 0x60) ||
    (code >= 0x7b && code <= 0x7e)
  )
}

function tokens(value: string): string[] {
  const out: string[] = []
  let start = -1
  for (let i = 0; i <= value.length; i++) {
    const delimiter = i === value.length || isDelimiter(value.charCodeAt(i))
    if (!delimiter && start === -1) start = i
    else if (delimiter && start !== -1) {
      out.push(value.slice(start, i))
      start = -1
    }
  }
  return out
}

/**
 * Reads a cookie-date (RFC 6265 §5.1.1) as a UTC instant; undefined when it is not one, in which case the
 * `Expires` attribute is ignored. Offsets and zone names are skipped like any other unknown token.
 *
 * @example
 * parseCookieDate('Wed, 21 Oct 2037 07:28:00 GMT') // 2037-10-21T07:28:00.000Z
 * parseCookieDate('Sat, 15-Apr-17 21:01:22 -0400') // 2017-04-15T21:01:22.000Z, the offset is not applied
 * parseCookieDate('Thu, 31 Feb 2030 00:00:00 GMT') // undefined
 */
export function parseCookieDate(value: string): Date | undefined {
  let time: number[] | undefined
  let day: number | undefined
  let month: number | undefined
  let year: number | undefined
  for (const token of tokens(value)) {
    // The first production a token matches, among those not found yet, takes it (§5.1.1 step 2).
    let m: RegExpExecArray | null
    if (time === undefined && (m = TIME.exec(token)) !== null) {
      time = [Number(m[1]), Number(m[2]), Number(m[3])]
    } else if (day === undefined && (m = DAY_OF_MONTH.exec(token)) !== null) {
      day = Number(m[1])
    } else if (month === undefined && MONTHS.includes(token.slice(0, 3).toLowerCase())) {
      month = MONTHS.indexOf(token.slice(0, 3).toLowerCase())
    } else if (year === undefined && (m = YEAR.exec(token)) !== null) {
      year = Number(m[1])
    }
  }
  if (time === undefined || day === undefined || month === undefined || year === undefined) return undefined
  if (year >= 70 && year <= 99) year += 1900
  else if (year >= 0 && year <= 69) year += 2000
  const [hour, minute, second] = time as [number, number, number]
  if (day < 1 || day > 31 || year < 1601 || hour > 23 || minute > 59 || second > 59) return undefined
  const date = new Date(Date.UTC(year, month, day, hour, minute, second))
  // 31 April or 29 February of a common year: "no such date exists" (step 6), not the next month's day.
  return date.getUTCDate() === day ? date : undefined
}
