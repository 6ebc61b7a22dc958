/**
 * Errors as the contract wants them: RFC 9457 problem+json (or an HTML page for a client that prefers HTML),
 * from every source — the app's own refusals, Fastify's validation and body parsing, @fastify/jwt, the session
 * store, the router (404, 405 with Allow), and the HTTP parser (400, 431). This is what a Fastify user writes
 * with `setErrorHandler`, `setNotFoundHandler` and the `clientErrorHandler` server option.
 *
 * The members and their values (`type`, `title`, `status`, `detail`, `code`, `errors`) are the showcase's, codes
 * included, so a client cannot tell the two apps apart and both send the same bytes (a fair benchmark).
 */
import { STATUS_CODES } from 'node:http'

/** Status titles: node's, with RFC 9110's names where it renamed them (413, 422), as the showcase answers. */
const TITLES = {
  ...STATUS_CODES,
  413: 'Content Too Large',
  418: "I'm a Teapot",
  422: 'Unprocessable Content',
}

/** The title of a status. @example statusTitle(422) // 'Unprocessable Content' */
export function statusTitle(status) {
  return TITLES[status] ?? 'Error'
}

/**
 * An error the app throws on purpose: a status, a machine-readable code, a detail for the client, headers
 * (e.g. WWW-Authenticate) and extension members (e.g. `errors`).
 *
 * @example
 * throw new HttpProblem(404, 'BRISK_ERR_NOT_FOUND', 'No book 9')
 */
export class HttpProblem extends Error {
  constructor(status, code, detail, { headers, extensions } = {}) {
    super(detail ?? statusTitle(status))
    this.statusCode = status
    this.code = code
    this.headers = headers
    this.extensions = extensions
  }
}

const PROBLEM_JSON = 'application/problem+json'
const OFFERS = ['application/problem+json', 'application/json', 'text/html', 'text/plain']

/** Parses an Accept header into `[{ type, subtype, q, specificity }]` (parameters other than q are ignored). */
function parseAccept(accept) {
  const ranges = []
  for (const part of accept.split(',')) {
    const [range, ...params] = part.split(';')
    const [type, subtype] = range.trim().toLowerCase().split('/')
    if (!type || !subtype) continue
    let q = 1
    for (const param of params) {
      const [name, val] = param.split('=')
      if (name.trim().toLowerCase() === 'q') q = Number(val)
    }
    if (!Number.isFinite(q)) continue
    ranges.push({ type, subtype, q, specificity: type === '*' ? 0 : subtype === '*' ? 1 : 2 })
  }
  return ranges
}

/**
 * The offer the client prefers: each offer gets the q of its most specific matching range; ties go to the
 * earlier offer (problem+json first, so no Accept or `*\/*` gets problem+json).
 *
 * @example
 * preferred('text/html,*\/*;q=0.8') // 'text/html'
 */
export function preferred(accept) {
  if (accept === undefined || accept === '') return OFFERS[0]
  const ranges = parseAccept(accept)
  if (ranges.length === 0) return OFFERS[0]
  let best
  let bestQ = 0
  for (const offer of OFFERS) {
    const [type, subtype] = offer.split('/')
    let q = 0
    let specificity = -1
    for (const r of ranges) {
      if (r.specificity <= specificity) continue
      if (r.type !== '*' && (r.type !== type || (r.subtype !== '*' && r.subtype !== subtype))) continue
      specificity = r.specificity
      q = r.q
    }
    if (q > bestQ) {
      bestQ = q
      best = offer
    }
  }
  return best ?? OFFERS[0]
}

const escapes = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }
const escapeHtml = (s) => s.replace(/[&<>"']/g, (c) => escapes[c])

function htmlPage(problem, stack) {
  const heading = escapeHtml(`${problem.status} ${problem.title}`)
  const detail = problem.detail ? `\n<p>${escapeHtml(String(problem.detail))}</p>` : ''
  const trace = stack === undefined ? '' : `\n<pre>${escapeHtml(stack)}</pre>`
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
 * Sends a problem on `reply`, negotiated on the request's Accept: problem+json by default, HTML for a browser,
 * text for a client that asks for text only. The body is sent as a string, so no response schema of the route
 * can strip its members.
 *
 * @example
 * sendProblem(request, reply, { type: 'about:blank', title: 'Not Found', status: 404 })
 */
export function sendProblem(request, reply, problem, stack) {
  reply.code(problem.status)
  const chosen = preferred(request.headers.accept)
  if (chosen === 'text/html') return reply.type('text/html; charset=utf-8').send(htmlPage(problem, stack))
  if (chosen === 'text/plain') {
    const text = `${problem.status} ${problem.title}${problem.detail ? `: ${problem.detail}` : ''}`
    return reply.type('text/plain; charset=utf-8').send(stack === undefined ? text : `${text}\n${stack}`)
  }
  return reply.type(PROBLEM_JSON).send(JSON.stringify(stack === undefined ? problem : { ...problem, stack }))
}

/** What `error.code` of Fastify's body parsing and of @fastify/jwt means, in the showcase's terms. */
function known(error, request) {
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new HttpProblem(
        413,
        'BRISK_ERR_BODY_TOO_LARGE',
        `Body exceeds the limit of ${request.routeOptions.bodyLimit} bytes`,
      )
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE': {
      const type = request.headers['content-type']?.split(';')[0].trim()
      return new HttpProblem(
        415,
        'BRISK_ERR_JSON_CONTENT_TYPE',
        `Expected a JSON body (application/json), got ${type ? type : 'no content type'}`,
      )
    }
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new HttpProblem(400, 'BRISK_ERR_JSON_EMPTY', 'The JSON body is empty')
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return new HttpProblem(400, 'BRISK_ERR_JSON_MALFORMED', 'The body is not valid JSON')
    case 'FST_ERR_BAD_URL':
      return new HttpProblem(400, 'BRISK_ERR_BAD_REQUEST', 'The path has a malformed percent-encoding')
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new HttpProblem(400, 'BRISK_ERR_BAD_REQUEST', 'The body does not match its Content-Length')
    default:
      return undefined
  }
}

/** RFC 6750's challenge for a refused bearer token. */
function bearerChallenge(description) {
  return `Bearer error="invalid_token", error_description="${description}"`
}

/** @fastify/jwt's refusals, as the showcase words them (401 with WWW-Authenticate). */
function jwtProblem(error, request) {
  const refuse = (code, detail) =>
    new HttpProblem(401, code, detail, { headers: { 'www-authenticate': bearerChallenge(detail) } })
  switch (error.code) {
    case 'FST_JWT_NO_AUTHORIZATION_IN_HEADER':
      // @fastify/jwt says the same when there is no header and when it is not "Bearer …".
      if (request.headers.authorization === undefined) {
        return new HttpProblem(401, 'BRISK_JWT_ERR_TOKEN_MISSING', 'No access token was sent', {
          headers: { 'www-authenticate': 'Bearer' },
        })
      }
      return refuse('BRISK_JWT_ERR_TOKEN_MALFORMED', 'The Authorization header is not a Bearer token')
    case 'FST_JWT_BAD_REQUEST':
      return refuse('BRISK_JWT_ERR_TOKEN_MALFORMED', 'The Authorization header is not a Bearer token')
    case 'FST_JWT_AUTHORIZATION_TOKEN_EXPIRED':
      return refuse('BRISK_JWT_ERR_TOKEN_EXPIRED', 'The access token has expired')
    case 'FST_JWT_AUTHORIZATION_TOKEN_INVALID':
    case 'FAST_JWT_MISSING_SIGNATURE':
    case 'FST_JWT_AUTHORIZATION_TOKEN_UNTRUSTED':
      // fast-jwt's decoder failing (not three base64url parts of JSON) comes through as "invalid" too.
      if (/malformed|not a valid base64url|invalid type/i.test(error.message)) {
        return refuse('BRISK_JWT_ERR_TOKEN_MALFORMED', 'The access token is malformed')
      }
      return refuse('BRISK_JWT_ERR_TOKEN_INVALID', 'The access token signature is invalid')
    default:
      return undefined
  }
}

/**
 * The 422 of a body that breaks its JSON Schema: one `errors` item per bad field (its first broken rule), the
 * pointer down to the property a `required` names, as the showcase's validation answers.
 */
function validationProblem(error) {
  const errors = []
  const seen = new Set()
  for (const e of error.validation) {
    const leaf = e.params?.missingProperty
    const path = leaf === undefined ? e.instancePath : `${e.instancePath}/${leaf}`
    const pointer = `#${path}`
    if (seen.has(pointer)) continue
    seen.add(pointer)
    errors.push({ pointer, detail: e.message })
  }
  const first = errors[0]
  const detail = `The request breaks its schema${first === undefined ? '' : ` (${first.pointer}: ${first.detail})`}`
  return new HttpProblem(422, 'BRISK_OPENAPI_ERR_VALIDATION', detail, { extensions: { errors } })
}

/**
 * The app's error handler (`app.setErrorHandler(errorHandler(dev))`): every error becomes a problem. The app's
 * own problems and 4xx show their detail and code; any other 5xx shows only its title outside development
 * mode (no stack, path or secret) and is logged to stderr.
 *
 * @example
 * app.setErrorHandler(errorHandler(false))
 */
export function errorHandler(dev) {
  return function handleError(error, request, reply) {
    let problem = error instanceof HttpProblem ? error : undefined
    if (problem === undefined && error.validation !== undefined) problem = validationProblem(error)
    problem ??= known(error, request) ?? jwtProblem(error, request)
    const status = problem?.statusCode ?? (error.statusCode >= 400 ? error.statusCode : 500)
    // The app's own problems are meant for the client (the stores' 503s too); other 5xx are not.
    const exposed = problem !== undefined || status < 500
    if (!exposed) {
      process.stderr.write(
        `${JSON.stringify({ level: 'error', msg: 'request failed', method: request.method, url: request.url, err: { message: error.message, code: error.code } })}\n`,
      )
    }
    const body = { type: 'about:blank', title: statusTitle(status), status }
    if (exposed || dev) {
      const detail = problem?.message ?? error.message
      if (detail && detail !== body.title) body.detail = detail
      const code = problem?.code ?? error.code
      if (code !== undefined) body.code = code
      if (problem?.extensions) Object.assign(body, problem.extensions)
    }
    const headers = problem?.headers ?? error.headers
    if (headers) reply.headers(headers)
    return sendProblem(request, reply, body, dev ? error.stack : undefined)
  }
}
