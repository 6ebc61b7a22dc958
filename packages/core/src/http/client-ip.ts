/**
 * The client's address, with an opt-in trust of proxy headers.
 *
 * Trusting `X-Forwarded-For` blindly lets any client claim any address, so it is off by default; with
 * `trustProxy: n` only the last `n` hops (the proxies you run) are believed (RFC 7239 §5.2).
 */

/** How far to trust `Forwarded` / `X-Forwarded-For`: `false` never, `true` the whole chain, a number that many hops. */
export type TrustProxy = boolean | number

/**
 * Picks the client address from the proxy headers and the socket's peer address.
 *
 * @example
 * clientIp('10.0.0.2', { 'x-forwarded-for': '203.0.113.7' }, 1) // '203.0.113.7'
 */
export function clientIp(
  peer: string | undefined,
  headers: Record<string, string | string[] | undefined>,
  trust: TrustProxy,
): string | undefined {
  if (trust === false || trust === 0) return peer
  const chain = forwardedChain(headers)
  if (chain.length === 0) return peer
  if (trust === true) return chain[0]
  // The peer is the nearest proxy; each trusted hop lets us believe one more entry from the right.
  const index = chain.length - trust
  return chain[Math.max(index, 0)]
}

function forwardedChain(headers: Record<string, string | string[] | undefined>): string[] {
  const forwarded = headers.forwarded
  if (forwarded !== undefined) {
    const out: string[] = []
    for (const element of String(forwarded).split(',')) {
      for (const pair of element.split(';')) {
        const eq = pair.indexOf('=')
        if (eq === -1 || pair.slice(0, eq).trim().toLowerCase() !== 'for') continue
        out.push(stripNode(pair.slice(eq + 1).trim()))
      }
    }
    if (out.length > 0) return out
  }
  const xff = headers['x-forwarded-for']
  if (xff === undefined) return []
  const list = Array.isArray(xff) ? xff.join(',') : xff
  return list
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part.length > 0)
}

// RFC 7239 node values may be quoted, bracketed IPv6, and carry a port.
function stripNode(value: string): string {
  let node = value.startsWith('"') && value.endsWith('"') ? value.slice(1, -1) : value
  if (node.startsWith('[')) {
    const end = node.indexOf(']')
    return end === -1 ? node : node.slice(1, end)
  }
  const colon = node.indexOf(':')
  if (colon !== -1 && node.indexOf(':', colon + 1) === -1) node = node.slice(0, colon)
  return node
}
