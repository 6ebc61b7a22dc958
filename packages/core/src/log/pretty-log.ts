/**
 * The default logger's readable form, for development mode: one line per entry that a person reads in a
 * terminal (`12:04:31.207 INFO  GET /books 200 1.84 ms`), like pino-pretty without the dependency (a
 * dozen lines of formatting do not pay for one). Production keeps JSON lines, which log collectors parse.
 */

const CODES = { red: 31, green: 32, yellow: 33, blue: 34, magenta: 35, cyan: 36, gray: 90, bold: 1 } as const
type Colour = keyof typeof CODES

const LEVEL_COLOURS: Record<string, Colour> = { debug: 'gray', info: 'green', warn: 'yellow', error: 'red' }

/** A status's colour: success green, redirect cyan, client error yellow, server error red. */
function statusColour(status: number): Colour {
  return status >= 500 ? 'red' : status >= 400 ? 'yellow' : status >= 300 ? 'cyan' : 'green'
}

/** `HH:MM:SS.mmm`, local time: the date adds nothing while you watch a development server. */
function clock(time: number): string {
  const d = new Date(time)
  const two = (n: number) => String(n).padStart(2, '0')
  return `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}.${String(d.getMilliseconds()).padStart(3, '0')}`
}

/** `key=value` for a field; strings with spaces or quotes are quoted, objects are JSON. */
function pair(key: string, value: unknown): string {
  const text =
    typeof value === 'string'
      ? /^[^\s"=]+$/.test(value)
        ? value
        : JSON.stringify(value)
      : JSON.stringify(value)
  return `${key}=${text}`
}

/**
 * One readable line (more when an error's stack follows) for a log entry: time, level, then for the access
 * log's `request` entries `METHOD path status duration`, and for others the message and the remaining fields
 * as `key=value`. ANSI colours only when `colours` is true (the caller checks for a terminal).
 *
 * @example
 * prettyLine('info', { method: 'GET', path: '/books', status: 200, ms: 1.84, reqId: '1', msg: 'request' }, 0, false)
 * // '01:00:00.000 INFO  GET /books 200 1.84 ms'
 */
export function prettyLine(
  level: string,
  fields: Record<string, unknown>,
  time: number,
  colours: boolean,
): string {
  const paint = (colour: Colour, text: string): string =>
    colours ? `\u001b[${CODES[colour]}m${text}\u001b[0m` : text
  const head = `${paint('gray', clock(time))} ${paint(LEVEL_COLOURS[level] ?? 'bold', level.toUpperCase().padEnd(5))}`
  const { msg, err, ...rest } = fields
  if (msg === 'request' && typeof rest.method === 'string' && typeof rest.status === 'number') {
    const duration = typeof rest.ms === 'number' ? ` ${paint('gray', `${rest.ms} ms`)}` : ''
    return `${head} ${paint('bold', rest.method)} ${String(rest.path)} ${paint(statusColour(rest.status), String(rest.status))}${duration}`
  }
  const text = typeof msg === 'string' ? msg : ''
  // A field the message already shows (the listening line's url) is not repeated; short values could match by chance.
  const shown = (value: unknown) =>
    (typeof value === 'string' || typeof value === 'number') &&
    String(value).length >= 3 &&
    text.includes(String(value))
  const extra = Object.entries(rest)
    .filter(([, value]) => value !== undefined && !shown(value))
    .map(([key, value]) => paint('gray', pair(key, value)))
  const line = [head, text, ...extra].filter(Boolean).join(' ')
  if (err && typeof err === 'object') {
    const { stack, message } = err as { stack?: unknown; message?: unknown }
    const detail =
      typeof stack === 'string' ? stack : typeof message === 'string' ? message : JSON.stringify(err)
    return `${line}\n${paint('red', detail)}`
  }
  return line
}
