/**
 * Which hosts and paths a cookie belongs to (RFC 6265 §5.1.3, §5.1.4 and §5.3 steps 5–6): domain-match,
 * default-path, path-match, and what a `Domain` attribute makes of a cookie.
 * https://www.rfc-editor.org/rfc/rfc6265#section-5.1.3
 */

const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/

/** What a cookie's `Domain` attribute (or its absence) gives it; null when the cookie must be ignored. */
export interface CookieDomain {
  /** The host (host-only cookie) or the domain the cookie is sent to. */
  readonly domain: string
  /** True when it goes to `domain` exactly, not to its subdomains. */
  readonly hostOnly: boolean
}

/**
 * Whether a host is an IP address (`URL` writes IPv6 hosts in brackets).
 *
 * @example
 * isIp('127.0.0.1') // true
 */
export function isIp(host: string): boolean {
  return IPV4.test(host) || host.startsWith('[')
}

/**
 * RFC 6265 §5.1.3: the host is the domain, or a name under it (never an IP address under it).
 *
 * @example
 * domainMatch('api.example.com', 'example.com') // true
 * domainMatch('badexample.com', 'example.com') // false
 */
export function domainMatch(host: string, domain: string): boolean {
  return host === domain || (host.endsWith(`.${domain}`) && !isIp(host))
}

/**
 * The domain a cookie gets from its `Domain` attribute (already lower-cased, leading dot removed) when it
 * comes from `host` (RFC 6265 §5.3 steps 5–6); null when the cookie must be ignored.
 *
 * There is no public-suffix list: a test client talks to its own app, not to sites that could set cookies
 * for each other. A one-label domain (`com`, `localhost`) stands in for a public suffix, and so does an IP
 * address. As §5.3 step 5 says for a public suffix, it is accepted only when it is the host itself, and the
 * cookie is then host-only (browsers do the same for `Domain=localhost` and `Domain=127.0.0.1`).
 *
 * @example
 * cookieDomain('shop.example.com', 'example.com') // { domain: 'example.com', hostOnly: false }
 * cookieDomain('shop.example.com', 'com') // null
 * cookieDomain('shop.example.com', undefined) // { domain: 'shop.example.com', hostOnly: true }
 */
export function cookieDomain(host: string, domain: string | undefined): CookieDomain | null {
  if (domain === undefined) return { domain: host, hostOnly: true }
  if (isIp(host) || !domain.includes('.')) return domain === host ? { domain: host, hostOnly: true } : null
  return domainMatch(host, domain) ? { domain, hostOnly: false } : null
}

/**
 * RFC 6265 §5.1.4: the directory of the request path, the path of a cookie set without a valid `Path`.
 *
 * @example
 * defaultPath('/account/login') // '/account'
 * defaultPath('/login') // '/'
 */
export function defaultPath(path: string): string {
  if (!path.startsWith('/')) return '/'
  const last = path.lastIndexOf('/')
  return last === 0 ? '/' : path.slice(0, last)
}

/**
 * RFC 6265 §5.1.4: `/docs` matches `/docs`, `/docs/` and `/docs/x`, not `/docsx`. Paths are compared as
 * the URL spells them, percent-escapes included, as browsers do.
 *
 * @example
 * pathMatch('/docs/x', '/docs') // true
 * pathMatch('/docsx', '/docs') // false
 */
export function pathMatch(requestPath: string, cookiePath: string): boolean {
  if (requestPath === cookiePath) return true
  if (!requestPath.startsWith(cookiePath)) return false
  return cookiePath.endsWith('/') || requestPath[cookiePath.length] === '/'
}
