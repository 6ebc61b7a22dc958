/**
 * The own server's body fast path: a body that has all arrived when the handler reads it (most often, in the
 * same packet as its head) is taken at once, with no await and no copy. Whatever way the bytes arrive (one
 * packet, the head's packet and a rest, one byte at a time, chunked), the handler gets the same body, and the
 * limits answer the same.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { isJSONContentType, parseJSONBody, parseJSONText } from '../src/http/body-parse'
import { Brisk } from '../src/index'
import { parseHead } from '../src/node/http1-parse'
import { silent } from './_helpers'
import { closeRawClients, Raw, sleep } from './_raw-client'

const apps: Brisk[] = []
afterEach(async () => {
  closeRawClients()
  await Promise.all(apps.splice(0).map((app) => app.close()))
})

async function serve(): Promise<number> {
  const app = new Brisk({ logger: silent, server: 'brisk', shutdownTimeout: 1000 })
  app.post('/json', async (req) => ({ got: await req.json() }))
  app.post('/bytes', { bodyLimit: 64 }, async (req) => {
    const bytes = await req.bytes()
    return { size: bytes.byteLength, text: Buffer.from(bytes).toString('latin1') }
  })
  const { port } = await app.listen({ port: 0, signals: false })
  apps.push(app)
  return port
}

const BOOK = JSON.stringify({ title: 'Solaris', author: 'Stanisław Lem', year: 1961 })
const length = (body: string): number => Buffer.byteLength(body)
const head = (path: string, fields: string): string =>
  `POST ${path} HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\n${fields}\r\n`
const chunked = (body: string): string => {
  const bytes = Buffer.from(body)
  const half = bytes.byteLength >> 1
  return `${half.toString(16)}\r\n${bytes.subarray(0, half).toString('latin1')}\r\n${(bytes.byteLength - half).toString(16)}\r\n${bytes.subarray(half).toString('latin1')}\r\n0\r\n\r\n`
}

/** Sends `wire` (latin1) in the given pieces, waiting between them so each is a packet of its own. */
async function send(port: number, pieces: string[]): Promise<{ status: number; body: string }> {
  const raw = new Raw(port)
  await raw.ready()
  for (const piece of pieces) {
    raw.write(Buffer.from(piece, 'latin1'))
    if (pieces.length > 1) await sleep(2)
  }
  const res = await raw.response()
  return { status: res.status, body: res.body.toString() }
}

/** The ways one request can arrive: whole, the head's packet with part of the body, byte by byte, chunked. */
function deliveries(path: string, body: string): Record<string, string[]> {
  const wire = Buffer.from(body).toString('latin1')
  const sized = head(path, `content-length: ${length(body)}\r\n`)
  const split = sized.length + 5
  const all = sized + wire
  const chunkedWire = head(path, 'transfer-encoding: chunked\r\n') + chunked(body)
  return {
    'one packet': [all],
    'the head alone, then the body': [sized, wire],
    "part of the body in the head's packet": [all.slice(0, split), all.slice(split)],
    'one byte at a time': [...all],
    'chunked, in one packet': [chunkedWire],
    'chunked, a piece per chunk line': chunkedWire.split(/(?<=\r\n)/),
  }
}

describe("the own server's body fast path", () => {
  it('hands the handler the same JSON however the body arrives', async () => {
    const port = await serve()
    for (const [how, pieces] of Object.entries(deliveries('/json', BOOK))) {
      const res = await send(port, pieces)
      expect(res.status, how).toBe(200)
      expect(JSON.parse(res.body), how).toEqual({ got: JSON.parse(BOOK) })
    }
  })

  it('hands the handler the same bytes however they arrive, up to the limit exactly', async () => {
    const port = await serve()
    const atLimit = `${'x'.repeat(62)}é` // 64 bytes as UTF-8, one character of two bytes
    for (const [how, pieces] of Object.entries(deliveries('/bytes', atLimit))) {
      const res = await send(port, pieces)
      expect(res.status, how).toBe(200)
      expect(JSON.parse(res.body), how).toEqual({
        size: 64,
        text: Buffer.from(atLimit).toString('latin1'),
      })
    }
  })

  it('answers 413 one byte over the limit, however the body arrives', async () => {
    const port = await serve()
    const over = 'y'.repeat(65)
    for (const [how, pieces] of Object.entries(deliveries('/bytes', over))) {
      const res = await send(port, pieces)
      expect(res.status, how).toBe(413)
      expect(JSON.parse(res.body).code, how).toBe('BRISK_ERR_BODY_TOO_LARGE')
    }
  })

  it('answers 413 to a declared length over the limit before its body arrives', async () => {
    const port = await serve()
    const raw = new Raw(port)
    await raw.ready()
    raw.write(head('/bytes', 'content-length: 100000\r\n'))
    const res = await raw.response()
    expect(res.status).toBe(413)
  })

  it('keeps the 400s and the 415 of a JSON body whole in one packet', async () => {
    const port = await serve()
    const cases: [string, string, number, string][] = [
      ['application/json', '{bad', 400, 'BRISK_ERR_JSON_MALFORMED'],
      ['application/json', '{"__proto__":{"admin":true}}', 400, 'BRISK_ERR_JSON_POISONED'],
      ['text/plain', '{"a":1}', 415, 'BRISK_ERR_JSON_CONTENT_TYPE'],
    ]
    for (const [type, body, status, code] of cases) {
      const wire = `POST /json HTTP/1.1\r\nhost: x\r\ncontent-type: ${type}\r\ncontent-length: ${length(body)}\r\n\r\n${body}`
      const res = await send(port, [wire])
      expect(res.status, body).toBe(status)
      expect(JSON.parse(res.body).code, body).toBe(code)
    }
    const empty = await send(port, [
      'POST /json HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\n\r\n',
    ])
    expect(JSON.parse(empty.body).code).toBe('BRISK_ERR_JSON_EMPTY')
  })

  it('finds a head longer than the first look (2 KiB) with its body in the same packet', async () => {
    const port = await serve()
    const long = `x-long: ${'a'.repeat(3000)}\r\ncontent-length: ${length(BOOK)}\r\n`
    const res = await send(port, [head('/json', long) + Buffer.from(BOOK).toString('latin1')])
    expect(res.status).toBe(200)
    expect(JSON.parse(res.body)).toEqual({ got: JSON.parse(BOOK) })
  })

  it('serves pipelined requests whose heads follow each other in one packet', async () => {
    const port = await serve()
    const one = head('/json', `content-length: ${length(BOOK)}\r\n`) + Buffer.from(BOOK).toString('latin1')
    const raw = new Raw(port)
    await raw.ready()
    raw.write(Buffer.from(one.repeat(20), 'latin1'))
    const all = await raw.responses(20)
    for (const res of all) expect(JSON.parse(res.body.toString())).toEqual({ got: JSON.parse(BOOK) })
  })
})

describe('parseHead(text, length)', () => {
  it('reads only the first `length` characters, the rest being the body', () => {
    const text = 'POST /a HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nhi'
    const end = text.indexOf('\r\n\r\n')
    const head = parseHead(text, end)
    expect(head.headers).toEqual({ host: 'x', 'content-length': '2' })
    expect(head.length).toBe(2)
    expect(parseHead(text.slice(0, end))).toEqual(head)
  })

  it('reads a head of a request line alone', () => {
    const text = 'GET / HTTP/1.0\r\n\r\n'
    expect(parseHead(text, text.indexOf('\r\n\r\n')).url).toBe('/')
  })
})

describe('parseJSONBody() and isJSONContentType()', () => {
  it('decodes UTF-8, drops a BOM, and parses', () => {
    const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(BOOK)])
    expect(parseJSONBody(bytes)).toEqual(JSON.parse(BOOK))
    expect(parseJSONText('[1,2]')).toEqual([1, 2])
  })

  it('throws the request 400s with their codes', () => {
    expect(() => parseJSONBody(new Uint8Array(0))).toThrow(
      expect.objectContaining({ status: 400, code: 'BRISK_ERR_JSON_EMPTY' }),
    )
    expect(() => parseJSONText('{')).toThrow(
      expect.objectContaining({ status: 400, code: 'BRISK_ERR_JSON_MALFORMED' }),
    )
    expect(() => parseJSONText('{"a":{"__proto__":{}}}')).toThrow(
      expect.objectContaining({ status: 400, code: 'BRISK_ERR_JSON_POISONED' }),
    )
  })

  it('takes JSON types, with or without parameters, in any case', () => {
    expect(isJSONContentType('application/json')).toBe(true)
    expect(isJSONContentType('Application/JSON; charset=utf-8')).toBe(true)
    expect(isJSONContentType('application/problem+json')).toBe(true)
    expect(isJSONContentType('text/plain')).toBe(false)
    expect(isJSONContentType(undefined)).toBe(false)
  })
})
