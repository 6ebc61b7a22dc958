/**
 * Adding to `Vary` without losing what the handler or other middleware put there. A cache keys a stored
 * response on the request headers `Vary` names (RFC 9110 §12.5.5), so dropping `Accept-Encoding` to write
 * `Origin` would serve gzip to clients that cannot read it.
 */

/**
 * Vary tokens prepared once: the header value to set when there is none, and lower-case names to compare.
 *
 * @example
 * const tokens: VaryTokens = varyTokens(['Origin']) // { value: 'Origin', names: ['Origin'], lower: ['origin'] }
 */
export interface VaryTokens {
  readonly value: string
  readonly names: readonly string[]
  readonly lower: readonly string[]
}

/**
 * Prepares the tokens a configuration adds to `Vary`.
 *
 * @example
 * const vary = varyTokens(['Origin', 'Access-Control-Request-Headers'])
 */
export function varyTokens(names: readonly string[]): VaryTokens {
  return { value: names.join(', '), names, lower: names.map((n) => n.toLowerCase()) }
}

/**
 * Appends `tokens` to the `vary` header of a response's headers (lower-case names, as Brisk keeps them): set
 * when absent, left alone when it is `*` or already lists them, otherwise extended without duplicates. Several
 * `Vary` lines are merged into one, which means the same (RFC 9110 §5.3).
 *
 * @example
 * const headers = { vary: 'Accept-Encoding' }
 * appendVary(headers, varyTokens(['Origin'])) // headers.vary === 'Accept-Encoding, Origin'
 */
export function appendVary(headers: Record<string, string | string[]>, tokens: VaryTokens): void {
  const current = headers.vary
  // The common cases first: nothing there yet, or our own value (a preflight this plugin answered).
  if (current === undefined || current === '') {
    headers.vary = tokens.value
    return
  }
  if (current === tokens.value) return
  const line = typeof current === 'string' ? current : current.join(', ')
  const present = new Set<string>()
  for (const part of line.split(',')) {
    const name = part.trim().toLowerCase()
    if (name === '*') return // the response already varies on everything
    if (name !== '') present.add(name)
  }
  if (present.size === 0) {
    headers.vary = tokens.value
    return
  }
  let out = line
  for (let i = 0; i < tokens.names.length; i++) {
    if (!present.has(tokens.lower[i]!)) out = `${out}, ${tokens.names[i]!}`
  }
  headers.vary = out
}
