/**
 * The head of a response as bytes on the wire, for the places that write to a socket themselves (Brisk's
 * server, upgrades that did not happen, requests a server refuses): the status line, the `date` field, and
 * header fields checked one by one so that nothing a handler sets can split the header block.
 */
import { statusTitle } from '../http/error-page'
import { TOKEN } from '../http/token'

// Field values may hold visible characters, spaces, tabs and obs-text; a CR or LF would end the field.
const BAD_VALUE = /[^\t\x20-\x7e\x80-\xff]/

const statusLines: string[] = []

/** `HTTP/1.1 200 OK\r\n`, made once per status. @example statusLine(404) // 'HTTP/1.1 404 Not Found\r\n' */
export function statusLine(status: number): string {
  let line = statusLines[status]
  if (line === undefined) {
    if (!Number.isInteger(status) || status < 100 || status > 999) {
      throw new RangeError(`Invalid HTTP status ${String(status)}`)
    }
    line = statusLines[status] = `HTTP/1.1 ${status} ${statusTitle(status)}\r\n`
  }
  return line
}

let dateLine: string | undefined

function clearDate(): void {
  dateLine = undefined
}

/** The `date` field, formatted at most once a second, as node does. @example currentDate() // 'date: Tue, 24 Nov 2026 03:00:00 GMT\r\n' */
export function currentDate(): string {
  if (dateLine === undefined) {
    const now = new Date()
    dateLine = `date: ${now.toUTCString()}\r\n`
    setTimeout(clearDate, 1000 - now.getMilliseconds()).unref()
  }
  return dateLine
}

/**
 * The header block of a response, checked field by field: nothing a handler sets can split it (a bad name or
 * value throws a `TypeError`). `content-length` and `connection` come back apart, for the writer to frame
 * the body; `transfer-encoding` and `keep-alive` are the writer's alone and dropped.
 *
 * @example
 * fieldLines({ 'x-a': '1' }).lines // 'x-a: 1\r\ndate: …\r\n'
 */
export function fieldLines(headers: Record<string, string | string[]>): {
  lines: string
  length: string | undefined
  close: boolean
} {
  let lines = ''
  let length: string | undefined
  let close = false
  let dated = false
  for (const name in headers) {
    const value = headers[name]!
    const key = name.toLowerCase()
    if (key === 'content-length') {
      length = String(value)
      if (!/^\d{1,15}$/.test(length)) throw new TypeError(`Invalid content-length ${JSON.stringify(length)}`)
      continue
    }
    if (key === 'connection') {
      close = /\bclose\b/i.test(String(value))
      continue
    }
    if (key === 'transfer-encoding' || key === 'keep-alive') continue // framing is the server's job
    if (key === 'date') dated = true
    if (!TOKEN.test(name)) throw new TypeError(`Invalid header name ${JSON.stringify(name)}`)
    if (typeof value === 'string') {
      if (BAD_VALUE.test(value)) throw new TypeError(`Invalid character in header ${name}`)
      lines += `${name}: ${value}\r\n`
    } else {
      for (const item of value) {
        if (BAD_VALUE.test(item)) throw new TypeError(`Invalid character in header ${name}`)
        lines += `${name}: ${item}\r\n`
      }
    }
  }
  if (!dated) lines += currentDate()
  return { lines, length, close }
}

/**
 * A whole problem+json response that closes the connection, for a request a server refuses before any
 * handler sees it (the same shape as every Brisk error, without `detail`).
 *
 * @example
 * socket.end(refusal(431))
 */
export function refusal(status: number): string {
  const title = statusTitle(status)
  const body = JSON.stringify({ type: 'about:blank', title, status })
  return `${statusLine(status)}content-type: application/problem+json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`
}
