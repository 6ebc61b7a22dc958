/**
 * Rendering of error responses for the default error handler: RFC 9457 problem details as
 * JSON, or an HTML / plain-text equivalent, chosen by the `Accept` header.
 */

import { preferredType } from './negotiate'
import { contentTypes } from './response'

/** An RFC 9457 problem details object; extra members are extensions. */
export interface ProblemDetails {
  type?: string
  title: string
  status: number
  detail?: string
  instance?: string
  [extension: string]: unknown
}

// Server preference order: ties (e.g. `*/*`) go to problem+json.
const OFFERS = ['application/problem+json', 'application/json', 'text/html', 'text/plain'] as const

const PROBLEM_JSON = 'application/problem+json'
const HTML = contentTypes.html
const TEXT = contentTypes.text

/**
 * The body and content-type for an error, chosen by the Accept header:
 * `application/problem+json` (RFC 9457), `text/html; charset=utf-8` or
 * `text/plain;charset=UTF-8`.
 *
 * No Accept, `*\/*`, `application/json`, or an Accept that matches none of these, gives
 * problem+json. A browser's Accept (`text/html,...,*\/*;q=0.8`) gives HTML. The stack, when
 * given, becomes a `stack` extension member, a `<pre>` block, or trailing lines respectively.
 * Everything interpolated into HTML is escaped.
 *
 * @param stack only pass this in development: it is sent to the client verbatim
 * @example
 * renderProblem({ title: 'Not Found', status: 404, detail: 'No route for /x' }, 'text/plain')
 * // { contentType: 'text/plain;charset=UTF-8', body: '404 Not Found: No route for /x' }
 */
export function renderProblem(
  problem: ProblemDetails,
  accept: string | undefined,
  stack?: string,
): { contentType: string; body: string } {
  const chosen = preferredType(accept, OFFERS)
  if (chosen === 'text/html') return { contentType: HTML, body: renderHTML(problem, stack) }
  if (chosen === 'text/plain') return { contentType: TEXT, body: renderText(problem, stack) }
  return { contentType: PROBLEM_JSON, body: renderJSON(problem, stack) }
}

function renderJSON(problem: ProblemDetails, stack: string | undefined): string {
  // JSON.stringify already leaves out members whose value is undefined.
  const body = stack === undefined ? problem : { ...problem, stack }
  try {
    return JSON.stringify(body)
  } catch {
    // An extension that cannot be serialized (cycle, BigInt) must not break the error response.
    const { type, title, status, detail, instance } = problem
    return JSON.stringify({ type, title, status, detail, instance, stack })
  }
}

function renderText(problem: ProblemDetails, stack: string | undefined): string {
  let body = `${problem.status} ${problem.title}`
  if (problem.detail !== undefined && problem.detail !== '') body += `: ${problem.detail}`
  if (stack !== undefined) body += `\n${stack}`
  return body
}

function renderHTML(problem: ProblemDetails, stack: string | undefined): string {
  const heading = escapeHTML(`${problem.status} ${problem.title}`)
  const detail =
    problem.detail !== undefined && problem.detail !== ''
      ? `\n<p>${escapeHTML(String(problem.detail))}</p>`
      : ''
  const trace = stack !== undefined ? `\n<pre>${escapeHTML(stack)}</pre>` : ''
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${heading}</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:48rem;margin:3rem auto;padding:0 1rem;color:#222}h1{font-size:1.5rem}pre{overflow:auto;padding:1rem;background:#f4f4f4;font-size:.8rem}</style>
</head>
<body>
<h1>${heading}</h1>${detail}${trace}
</body>
</html>
`
}

/**
 * Escape `& < > " '` so a string is safe in HTML text and in quoted attribute values.
 *
 * @example
 * escapeHTML('<script>alert("x")</script>') // '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;'
 */
export function escapeHTML(s: string): string {
  const len = s.length
  let out = ''
  let last = 0
  for (let i = 0; i < len; i++) {
    let rep: string
    switch (s.charCodeAt(i)) {
      case 0x26:
        rep = '&amp;'
        break
      case 0x3c:
        rep = '&lt;'
        break
      case 0x3e:
        rep = '&gt;'
        break
      case 0x22:
        rep = '&quot;'
        break
      case 0x27:
        rep = '&#39;'
        break
      default:
        continue
    }
    if (i > last) out += s.slice(last, i)
    out += rep
    last = i + 1
  }
  if (last === 0) return s
  return last < len ? out + s.slice(last) : out
}

// Reason phrases from RFC 9110 §15, plus RFC 6585 (428, 429, 431), RFC 7725 (451) and every other code in
// node:http's STATUS_CODES (WebDAV's 207/423/424/507, 418, 425, 511, …): a status a handler may use, such as
// 418, is titled with its phrase rather than "Error". Where RFC 9110 renamed a phrase (413, 422), its name is
// used. Kept here rather than read from node:http so the core runs on non-Node runtimes; a test compares the two.
const TITLES: Record<number, string> = Object.assign(Object.create(null), {
  100: 'Continue',
  101: 'Switching Protocols',
  102: 'Processing',
  103: 'Early Hints',
  200: 'OK',
  201: 'Created',
  202: 'Accepted',
  203: 'Non-Authoritative Information',
  204: 'No Content',
  205: 'Reset Content',
  206: 'Partial Content',
  207: 'Multi-Status',
  208: 'Already Reported',
  226: 'IM Used',
  300: 'Multiple Choices',
  301: 'Moved Permanently',
  302: 'Found',
  303: 'See Other',
  304: 'Not Modified',
  305: 'Use Proxy',
  307: 'Temporary Redirect',
  308: 'Permanent Redirect',
  400: 'Bad Request',
  401: 'Unauthorized',
  402: 'Payment Required',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  406: 'Not Acceptable',
  407: 'Proxy Authentication Required',
  408: 'Request Timeout',
  409: 'Conflict',
  410: 'Gone',
  411: 'Length Required',
  412: 'Precondition Failed',
  413: 'Content Too Large',
  414: 'URI Too Long',
  415: 'Unsupported Media Type',
  416: 'Range Not Satisfiable',
  417: 'Expectation Failed',
  418: "I'm a Teapot",
  421: 'Misdirected Request',
  422: 'Unprocessable Content',
  423: 'Locked',
  424: 'Failed Dependency',
  425: 'Too Early',
  426: 'Upgrade Required',
  428: 'Precondition Required',
  429: 'Too Many Requests',
  431: 'Request Header Fields Too Large',
  451: 'Unavailable For Legal Reasons',
  500: 'Internal Server Error',
  501: 'Not Implemented',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
  505: 'HTTP Version Not Supported',
  506: 'Variant Also Negotiates',
  507: 'Insufficient Storage',
  508: 'Loop Detected',
  509: 'Bandwidth Limit Exceeded',
  510: 'Not Extended',
  511: 'Network Authentication Required',
})

/**
 * The standard reason phrase for an HTTP status code, or `'Error'` for codes without one.
 *
 * @example
 * statusTitle(404) // 'Not Found'
 * statusTitle(599) // 'Error'
 */
export function statusTitle(status: number): string {
  return TITLES[status] ?? 'Error'
}
