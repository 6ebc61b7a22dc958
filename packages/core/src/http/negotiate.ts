/**
 * Proactive content negotiation on the `Accept` header.
 * https://www.rfc-editor.org/rfc/rfc9110#section-12.5.1
 */

interface MediaRange {
  type: string
  subtype: string
  /** Media-type parameters (names lower-cased), or undefined when there are none. */
  params: Record<string, string> | undefined
  q: number
  /** 0 for `*\/*`, 1 for `type/*`, 2 for `type/subtype`, plus one per parameter. */
  specificity: number
}

/**
 * Choose the offered media type the client prefers, per the `Accept` header.
 *
 * Each offer gets the q-value of the most specific media range that matches it
 * (`text/html;level=1` > `text/html` > `text/*` > `*\/*`; among equally specific ranges, the
 * first listed). q=0 makes an offer unacceptable. The offer with the highest q wins, ties
 * going to the earlier offer, so list offers in server preference order. A missing `Accept`
 * header, or one without a single valid media range, means the client takes anything: the
 * first offer is returned. Ranges with a malformed q-value are ignored.
 *
 * @returns the chosen entry of `offered` as given, or `undefined` if none is acceptable
 * @example
 * preferredType('text/html,application/xhtml+xml,*\/*;q=0.8', ['application/json', 'text/html'])
 * // 'text/html'
 * preferredType('application/json;q=0', ['application/json']) // undefined
 */
export function preferredType(accept: string | undefined, offered: readonly string[]): string | undefined {
  if (offered.length === 0) return undefined
  if (accept === undefined) return offered[0]
  const ranges = parseAccept(accept)
  if (ranges.length === 0) return offered[0]
  let best: string | undefined
  let bestQ = 0
  for (let i = 0; i < offered.length; i++) {
    const offer = offered[i]!
    const parsed = parseMediaRange(offer, 0, offer.length)
    if (parsed === undefined || parsed.end !== offer.length) continue
    const q = qualityOf(parsed.range, ranges)
    if (q > bestQ) {
      bestQ = q
      best = offer
    }
  }
  return best
}

function qualityOf(offer: MediaRange, ranges: readonly MediaRange[]): number {
  let q = 0
  let specificity = -1
  for (let i = 0; i < ranges.length; i++) {
    const r = ranges[i]!
    if (r.specificity <= specificity || !matches(r, offer)) continue
    specificity = r.specificity
    q = r.q
  }
  return q
}

function matches(range: MediaRange, offer: MediaRange): boolean {
  if (range.type !== '*') {
    if (range.type !== offer.type) return false
    if (range.subtype !== '*' && range.subtype !== offer.subtype) return false
  }
  if (range.params === undefined) return true
  if (offer.params === undefined) return false
  for (const name in range.params) {
    const v = offer.params[name]
    if (v === undefined || v.toLowerCase() !== range.params[name]!.toLowerCase()) return false
  }
  return true
}

function parseAccept(accept: string): MediaRange[] {
  const ranges: MediaRange[] = []
  const len = accept.length
  let pos = 0
  while (pos < len) {
    const parsed = parseMediaRange(accept, pos, len)
    if (parsed === undefined) {
      // Skip a malformed element up to the next comma outside quotes.
      pos = skipElement(accept, pos, len) + 1
      continue
    }
    if (parsed.range.q >= 0) ranges.push(parsed.range)
    pos = parsed.end + 1
  }
  return ranges
}

/**
 * Parse one `type/subtype *(;param)` element starting at `pos`, stopping at a top-level comma.
 * `q` is -1 when the weight was malformed, so the caller can drop the range. Parameters after
 * `q` are accept-extensions and are ignored (RFC 9110 §12.5.1).
 */
function parseMediaRange(
  s: string,
  pos: number,
  len: number,
): { range: MediaRange; end: number } | undefined {
  let i = skipOWS(s, pos, len)
  const typeStart = i
  while (i < len && !isDelimiter(s.charCodeAt(i))) i++
  let typeEnd = i
  while (typeEnd > typeStart && isOWS(s.charCodeAt(typeEnd - 1))) typeEnd--
  const full = s.slice(typeStart, typeEnd).toLowerCase()
  const slash = full.indexOf('/')
  if (slash <= 0 || slash === full.length - 1) return undefined
  const type = full.slice(0, slash)
  const subtype = full.slice(slash + 1)
  if (type === '*' && subtype !== '*') return undefined
  let params: Record<string, string> | undefined
  let paramCount = 0
  let q = 1
  let afterQ = false
  while (i < len && s.charCodeAt(i) === 0x3b /* ; */) {
    i = skipOWS(s, i + 1, len)
    const nameStart = i
    while (i < len && !isDelimiter(s.charCodeAt(i)) && s.charCodeAt(i) !== 0x3d /* = */) i++
    let nameEnd = i
    while (nameEnd > nameStart && isOWS(s.charCodeAt(nameEnd - 1))) nameEnd--
    const name = s.slice(nameStart, nameEnd).toLowerCase()
    let value = ''
    if (i < len && s.charCodeAt(i) === 0x3d) {
      i = skipOWS(s, i + 1, len)
      if (i < len && s.charCodeAt(i) === 0x22 /* " */) {
        // quoted-string with quoted-pair (RFC 9110 §5.6.4)
        i++
        while (i < len && s.charCodeAt(i) !== 0x22) {
          if (s.charCodeAt(i) === 0x5c /* \ */ && i + 1 < len) i++
          value += s.charAt(i)
          i++
        }
        i++
        while (i < len && !isDelimiter(s.charCodeAt(i))) i++
      } else {
        const valueStart = i
        while (i < len && !isDelimiter(s.charCodeAt(i))) i++
        let valueEnd = i
        while (valueEnd > valueStart && isOWS(s.charCodeAt(valueEnd - 1))) valueEnd--
        value = s.slice(valueStart, valueEnd)
      }
    }
    if (afterQ || name === '') continue
    if (name === 'q') {
      q = parseQValue(value)
      afterQ = true
      continue
    }
    if (params === undefined) params = Object.create(null) as Record<string, string>
    if (params[name] === undefined) paramCount++
    params[name] = value
  }
  if (i < len && s.charCodeAt(i) !== 0x2c /* , */) return undefined
  const specificity = (type === '*' ? 0 : subtype === '*' ? 1 : 2) + paramCount
  return { range: { type, subtype, params, q, specificity }, end: i }
}

/** qvalue = ( "0" [ "." 0*3DIGIT ] ) / ( "1" [ "." 0*3("0") ] ); -1 when malformed. */
function parseQValue(v: string): number {
  const len = v.length
  if (len === 0 || len > 5) return -1
  const first = v.charCodeAt(0)
  if (first !== 0x30 && first !== 0x31) return -1
  if (len === 1) return first - 0x30
  if (v.charCodeAt(1) !== 0x2e) return -1
  let frac = 0
  let scale = 100
  for (let i = 2; i < len; i++) {
    const c = v.charCodeAt(i)
    if (c < 0x30 || c > 0x39) return -1
    frac += (c - 0x30) * scale
    scale /= 10
  }
  if (first === 0x31) return frac === 0 ? 1 : -1
  return frac / 1000
}

function skipElement(s: string, pos: number, len: number): number {
  let inQuotes = false
  for (let i = pos; i < len; i++) {
    const c = s.charCodeAt(i)
    if (inQuotes) {
      if (c === 0x5c) i++
      else if (c === 0x22) inQuotes = false
    } else if (c === 0x22) inQuotes = true
    else if (c === 0x2c) return i
  }
  return len
}

function skipOWS(s: string, i: number, len: number): number {
  while (i < len && isOWS(s.charCodeAt(i))) i++
  return i
}

function isOWS(c: number): boolean {
  return c === 0x20 || c === 0x09
}

function isDelimiter(c: number): boolean {
  return c === 0x2c || c === 0x3b // , ;
}
