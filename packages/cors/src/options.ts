/**
 * The options of the CORS plugin and of the `cors` route option. Their meaning follows the CORS protocol of
 * the Fetch standard: https://fetch.spec.whatwg.org/#http-cors-protocol
 */
import type { BriskRequest } from '@brisk/core'

/**
 * Decides whether an origin may read responses. `origin` is the request's `Origin` header as sent, `'null'`
 * for opaque origins (sandboxed iframes, `file:` pages, some redirects). Only `true` allows; anything else,
 * `undefined` included, refuses. A throw or a rejection becomes a 500 without CORS headers.
 *
 * @example
 * const origins: OriginFunction = async (origin) => (await db.tenants.byOrigin(origin)) !== null
 */
export type OriginFunction = (origin: string, req: BriskRequest<any, any>) => boolean | Promise<boolean>

/**
 * Which origins are allowed: `'*'` (every origin, as a public resource), one origin, a regular expression, a
 * list of origins and regular expressions, or a function.
 *
 * @example
 * const origins: OriginOption = ['https://app.example.com', /^https:\/\/[a-z0-9-]+\.example\.com$/]
 */
export type OriginOption = '*' | string | RegExp | readonly (string | RegExp)[] | OriginFunction

/**
 * How the plugin answers cross-origin requests. Every field is optional; a route's `cors` object is a whole
 * configuration of its own (it replaces the scope's, it is not merged into it).
 *
 * @example
 * app.use(cors, {
 *   origins: ['https://app.example.com'],
 *   credentials: true,
 *   exposeHeaders: ['x-request-id'],
 *   maxAge: 600,
 * })
 */
export interface CorsOptions {
  /**
   * The origins that may read responses. Strings are whole origins (`https://app.example.com`, no path, no
   * trailing slash). `'null'` (opaque origins) is allowed only when listed as that string or let through by a
   * function; `'*'` allows every origin, `null` included, and cannot be combined with `credentials`.
   * @default '*'
   */
  origins?: OriginOption
  /**
   * The methods a preflight allows (`Access-Control-Allow-Methods`). `'*'` means any method; with
   * `credentials` browsers read `*` literally, so the requested method is sent back instead.
   * @default ['GET', 'HEAD', 'PUT', 'PATCH', 'POST', 'DELETE']
   */
  methods?: readonly string[] | '*'
  /**
   * The request headers a preflight allows (`Access-Control-Allow-Headers`). By default the headers the
   * preflight asks for (`Access-Control-Request-Headers`) are sent back. `'*'` means any header except
   * `Authorization` (Fetch standard); with `credentials` it sends back the requested headers.
   * @default the requested headers
   */
  allowHeaders?: readonly string[] | '*'
  /**
   * Response headers, beyond the CORS-safelisted ones, that scripts may read (`Access-Control-Expose-Headers`).
   * `'*'` means all of them and cannot be combined with `credentials`.
   * @default none
   */
  exposeHeaders?: readonly string[] | '*'
  /**
   * Whether cookies and HTTP authentication may be sent and the response read
   * (`Access-Control-Allow-Credentials: true`).
   * @default false
   */
  credentials?: boolean
  /**
   * How many seconds a browser may cache a preflight's answer (`Access-Control-Max-Age`); browsers cap it
   * (Chromium at 7200, Firefox at 86400).
   * @default not sent (browsers then keep it 5 seconds)
   */
  maxAge?: number
  /**
   * Answers Private Network Access preflights from public sites to a private address
   * (`Access-Control-Allow-Private-Network: true`).
   * @default false
   */
  privateNetwork?: boolean
  /**
   * The status of an answered preflight; it must be a 2xx, which browsers require of a preflight.
   * @default 204
   */
  preflightStatus?: number
}

declare module '@brisk/core' {
  interface RouteOptions {
    /**
     * CORS for this route: a configuration of its own that replaces the scope's, or `false` to switch CORS off.
     * Needs the `cors` plugin registered on the app or an enclosing blueprint. The automatic OPTIONS route of
     * a path (its preflights) follows the first route registered on that path.
     * @example app.get('/embed', { cors: { origins: '*' } }, embed)
     */
    cors?: CorsOptions | false
  }
}
