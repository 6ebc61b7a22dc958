/**
 * Errors that carry their own HTTP status, a stable `code` and an `expose` flag.
 *
 * Codes look like `BRISK_ERR_NOT_FOUND` and never change once released; the README lists each one
 * and a test fails if the two drift apart.
 */

/** Options shared by every {@link HTTPError}. */
export interface HTTPErrorOptions {
  /** A stable machine-readable code. @default derived from the status, e.g. `BRISK_ERR_NOT_FOUND` */
  code?: string
  /** Send `message` to the client. @default `true` below 500, `false` from 500 on */
  expose?: boolean
  /** Headers to send with the error response (`Allow`, `WWW-Authenticate`, `Retry-After`, …). */
  headers?: Record<string, string>
  /** Extra RFC 9457 members for the problem+json body (only sent when `expose` is true). */
  extensions?: Record<string, unknown>
  /** The underlying error, kept for logs and never sent. */
  cause?: unknown
  /**
   * The problem's `type` (RFC 9457 §3.1.1): a URI that names the kind of problem, ideally a page that documents
   * it, sent as given. @default the app's `problemTypeBase` followed by the `code`, else `'about:blank'`
   */
  type?: string
}

const defaultCodes: Record<number, string> = {
  400: 'BRISK_ERR_BAD_REQUEST',
  401: 'BRISK_ERR_UNAUTHORIZED',
  403: 'BRISK_ERR_FORBIDDEN',
  404: 'BRISK_ERR_NOT_FOUND',
  405: 'BRISK_ERR_METHOD_NOT_ALLOWED',
  408: 'BRISK_ERR_REQUEST_TIMEOUT',
  409: 'BRISK_ERR_CONFLICT',
  413: 'BRISK_ERR_BODY_TOO_LARGE',
  415: 'BRISK_ERR_UNSUPPORTED_MEDIA_TYPE',
  422: 'BRISK_ERR_UNPROCESSABLE',
  426: 'BRISK_ERR_UPGRADE_REQUIRED',
  429: 'BRISK_ERR_TOO_MANY_REQUESTS',
  431: 'BRISK_ERR_HEADERS_TOO_LARGE',
  500: 'BRISK_ERR_INTERNAL',
  503: 'BRISK_ERR_UNAVAILABLE',
}

/**
 * An error that becomes an HTTP response with its own status.
 *
 * @example
 * throw new HTTPError(409, 'That title is taken', { code: 'SHOP_TITLE_TAKEN' })
 */
export class HTTPError extends Error {
  readonly status: number
  readonly code: string
  readonly expose: boolean
  readonly headers: Record<string, string> | undefined
  readonly extensions: Record<string, unknown> | undefined
  /** The problem `type` URI given in the options, if any. */
  readonly type: string | undefined

  constructor(status: number, message?: string, options: HTTPErrorOptions = {}) {
    if (!Number.isInteger(status) || status < 400 || status > 599) {
      throw new RangeError(`HTTPError status must be an integer from 400 to 599, got ${String(status)}`)
    }
    super(message ?? '', options.cause === undefined ? undefined : { cause: options.cause })
    this.name = new.target.name
    this.status = status
    this.code =
      options.code ?? defaultCodes[status] ?? (status < 500 ? 'BRISK_ERR_CLIENT' : 'BRISK_ERR_SERVER')
    this.expose = options.expose ?? status < 500
    this.headers = options.headers
    this.extensions = options.extensions
    if (options.type !== undefined && !isProblemType(options.type)) {
      throw new TypeError(`HTTPError type must be a URI, got ${JSON.stringify(options.type)}`)
    }
    this.type = options.type
  }
}

/**
 * @internal Builds an error without capturing a stack trace. For the errors the core raises at the rate clients
 * send requests (a path no route matches, a method a path does not allow): their stack is always the same
 * frames of the router, useless to read, and capturing it costs several microseconds, more than the rest of
 * such a request. The message, status and code are unchanged; `stack` holds the first line only.
 *
 * @example
 * throw unstacked(() => new NotFound(`No route for ${req.method} ${req.path}`))
 */
export function unstacked<E extends Error>(make: () => E): E {
  const limit = Error.stackTraceLimit
  // Only where the limit is a writable number (V8, JavaScriptCore); a frozen `Error` (SES) keeps its stacks.
  if (typeof limit !== 'number' || !Object.getOwnPropertyDescriptor(Error, 'stackTraceLimit')?.writable) {
    return make()
  }
  Error.stackTraceLimit = 0
  try {
    return make()
  } finally {
    Error.stackTraceLimit = limit
  }
}

/**
 * Whether a value can be a problem `type`: a URI reference, loosely (printable characters, no whitespace, as RFC
 * 3986 allows none; non-ASCII for IRIs).
 *
 * @example
 * isProblemType('https://example.com/problems/missing') // true
 * isProblemType('not a uri')                            // false
 */
export function isProblemType(value: unknown): value is string {
  return typeof value === 'string' && /^[!-~\u00a0-\uffff]+$/.test(value)
}

/** 400: the request is malformed. @example throw new BadRequest('page must be a number') */
export class BadRequest extends HTTPError {
  constructor(message = 'Bad Request', options?: HTTPErrorOptions) {
    super(400, message, options)
  }
}

/** 401: credentials are missing or wrong. @example throw new Unauthorized('Token expired', { headers: { 'www-authenticate': 'Bearer' } }) */
export class Unauthorized extends HTTPError {
  constructor(message = 'Unauthorized', options?: HTTPErrorOptions) {
    super(401, message, options)
  }
}

/** 403: the credentials are good but not enough. @example throw new Forbidden('Needs books:write') */
export class Forbidden extends HTTPError {
  constructor(message = 'Forbidden', options?: HTTPErrorOptions) {
    super(403, message, options)
  }
}

/** 404: nothing here. @example throw new NotFound(`No book ${id}`) */
export class NotFound extends HTTPError {
  constructor(message = 'Not Found', options?: HTTPErrorOptions) {
    super(404, message, options)
  }
}

/** 405: the path exists but not for this method; `allowed` becomes the `Allow` header. @example throw new MethodNotAllowed(['GET', 'HEAD']) */
export class MethodNotAllowed extends HTTPError {
  readonly allowed: readonly string[]
  constructor(allowed: readonly string[], message = 'Method Not Allowed', options?: HTTPErrorOptions) {
    super(405, message, { ...options, headers: { ...options?.headers, allow: allowed.join(', ') } })
    this.allowed = allowed
  }
}

/** 408: the client was too slow to send its request. @example throw new RequestTimeout() */
export class RequestTimeout extends HTTPError {
  constructor(message = 'Request Timeout', options?: HTTPErrorOptions) {
    super(408, message, { ...options, headers: { connection: 'close', ...options?.headers } })
  }
}

/** 409: the request conflicts with the current state. @example throw new Conflict('Already exists') */
export class Conflict extends HTTPError {
  constructor(message = 'Conflict', options?: HTTPErrorOptions) {
    super(409, message, options)
  }
}

/** 413: the body is over the limit. @example throw new PayloadTooLarge(1024) */
export class PayloadTooLarge extends HTTPError {
  constructor(limit: number, options?: HTTPErrorOptions) {
    super(413, `Body exceeds the limit of ${limit} bytes`, {
      ...options,
      headers: { connection: 'close', ...options?.headers },
    })
  }
}

/** 415: the body's content type is not one the route reads. @example throw new UnsupportedMediaType('Expected application/json') */
export class UnsupportedMediaType extends HTTPError {
  constructor(message = 'Unsupported Media Type', options?: HTTPErrorOptions) {
    super(415, message, options)
  }
}

/** 422: the body is well-formed but its content is invalid. @example throw new UnprocessableEntity('Invalid book', { extensions: { errors } }) */
export class UnprocessableEntity extends HTTPError {
  constructor(message = 'Unprocessable Content', options?: HTTPErrorOptions) {
    super(422, message, options)
  }
}

/** 429: slow down. @example throw new TooManyRequests('Try later', { headers: { 'retry-after': '30' } }) */
export class TooManyRequests extends HTTPError {
  constructor(message = 'Too Many Requests', options?: HTTPErrorOptions) {
    super(429, message, options)
  }
}

/** 500: something broke; the message is never sent outside development mode. @example throw new InternalServerError('db pool empty') */
export class InternalServerError extends HTTPError {
  constructor(message = 'Internal Server Error', options?: HTTPErrorOptions) {
    super(500, message, options)
  }
}

/** 503: a dependency is down; the message is sent (it is meant for clients). @example throw new ServiceUnavailable('Session store unavailable') */
export class ServiceUnavailable extends HTTPError {
  constructor(message = 'Service Unavailable', options?: HTTPErrorOptions) {
    super(503, message, { expose: true, ...options })
  }
}

/**
 * Throws an {@link HTTPError} with this status; for handlers that read like Sanic's `abort`.
 *
 * @example
 * if (!book) abort(404, `No book ${id}`)
 */
export function abort(status: number, message?: string, options?: HTTPErrorOptions): never {
  throw new HTTPError(status, message, options)
}

/**
 * A mistake in how the app is put together (a bad route, a plugin conflict, a route added after start);
 * thrown at start-up, never turned into a response.
 *
 * @example
 * throw new BriskError('BRISK_ERR_APP_STARTED', 'Routes cannot be added after the app has started')
 */
export class BriskError extends Error {
  readonly code: string
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = 'BriskError'
    this.code = code
  }
}
