/**
 * Conditional and range requests on `app.static()`, through every entry. Many cases (and their expected
 * outcomes) follow the `send` package's test suite (pillarjs/send, test/send.js); where Brisk answers
 * differently on purpose the test says so and the README lists the difference.
 */
import { mkdtemp, rm, utimes, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { Brisk } from '../src/index'
import { forEachEntry, type Got, type Make } from './_matrix'

let root: string
const modified = new Date('2020-01-01T00:00:00Z')
const before = 'Tue, 31 Dec 2019 23:59:00 GMT' // a minute earlier
const after = 'Wed, 01 Jan 2020 00:01:00 GMT'

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'brisk-conditional-'))
  await writeFile(join(root, 'nums.txt'), '123456789')
  await writeFile(join(root, 'name.html'), '<p>tobi</p>')
  await writeFile(join(root, 'app.js'), 'console.log(1)')
  await writeFile(join(root, 'app.js.gz'), gzipSync('console.log(1)'))
  for (const name of ['nums.txt', 'name.html', 'app.js', 'app.js.gz'])
    await utimes(join(root, name), modified, modified)
})
afterAll(async () => {
  await rm(root, { recursive: true, force: true })
})

function app(options: Parameters<Brisk['static']>[2] = {}): Brisk {
  const a = new Brisk()
  a.static('/', root, options)
  return a
}

/** Sends each request (a path, or a path with headers) to one fresh app, in order. */
async function send(
  make: Make,
  requests: (string | [string, Record<string, string>] | [string, Record<string, string>, string])[],
  options: Parameters<Brisk['static']>[2] = {},
): Promise<Got[]> {
  const client = await make(app(options))
  try {
    const out: Got[] = []
    for (const r of requests) {
      const [url, headers = {}, method = 'GET'] = typeof r === 'string' ? [r] : r
      out.push(await client.request({ url, headers, method }))
    }
    return out
  } finally {
    await client.close()
  }
}

forEachEntry('static files: If-Match (RFC 9110 §13.1.1)', (make) => {
  it('answers 200 to "*"', async () => {
    const [res] = await send(make, [['/nums.txt', { 'if-match': '*' }]])
    expect([res!.status, res!.body]).toEqual([200, '123456789'])
  })

  it('answers 412 to tags that do not match, however the list is spaced', async () => {
    const [res] = await send(make, [['/nums.txt', { 'if-match': ' "foo",, "bar" ,' }]])
    expect(res!.status).toBe(412)
    expect(res!.json()).toMatchObject({ status: 412, code: 'BRISK_ERR_PRECONDITION_FAILED' })
  })

  it('answers 412 even to its own weak tag: If-Match compares strongly (send answers 200)', async () => {
    const [first] = await send(make, ['/nums.txt'])
    const tag = first!.headers.etag as string
    expect(tag).toMatch(/^W\//)
    const [own, bare] = await send(make, [
      ['/nums.txt', { 'if-match': `"foo", "bar", ${tag}` }],
      ['/nums.txt', { 'if-match': tag.slice(2) }],
    ])
    expect([own!.status, bare!.status]).toEqual([412, 412])
  })

  it('decides before If-None-Match and Range', async () => {
    const [first] = await send(make, ['/nums.txt'])
    const tag = first!.headers.etag as string
    const [res, range] = await send(make, [
      ['/nums.txt', { 'if-match': '"other"', 'if-none-match': tag }],
      ['/nums.txt', { 'if-match': '"other"', range: 'bytes=0-1' }],
    ])
    expect([res!.status, range!.status]).toEqual([412, 412])
  })
})

forEachEntry('static files: If-Unmodified-Since (RFC 9110 §13.1.4)', (make) => {
  it('answers 200 when the file is unmodified since the date', async () => {
    const [first] = await send(make, ['/nums.txt'])
    const [same, later] = await send(make, [
      ['/nums.txt', { 'if-unmodified-since': first!.headers['last-modified'] as string }],
      ['/nums.txt', { 'if-unmodified-since': after }],
    ])
    expect([same!.status, later!.status]).toEqual([200, 200])
  })

  it('answers 412 when the file changed after the date', async () => {
    const [res] = await send(make, [['/nums.txt', { 'if-unmodified-since': before }]])
    expect(res!.status).toBe(412)
  })

  it('ignores a date that does not parse, and the header when If-Match is present', async () => {
    const [invalid, withMatch] = await send(make, [
      ['/nums.txt', { 'if-unmodified-since': 'foo' }],
      ['/nums.txt', { 'if-match': '*', 'if-unmodified-since': before }],
    ])
    expect([invalid!.status, withMatch!.status]).toEqual([200, 200])
  })

  it('is ignored when Last-Modified is turned off', async () => {
    const [res] = await send(make, [['/nums.txt', { 'if-unmodified-since': before }]], {
      lastModified: false,
    })
    expect(res!.status).toBe(200)
  })
})

forEachEntry('static files: 304 Not Modified', (make) => {
  it('answers If-None-Match with the tag, weak or not, and If-Modified-Since', async () => {
    const [first] = await send(make, ['/nums.txt'])
    const tag = first!.headers.etag as string
    const [weak, strong, since, changed, other] = await send(make, [
      ['/nums.txt', { 'if-none-match': tag }],
      ['/nums.txt', { 'if-none-match': tag.slice(2) }],
      ['/nums.txt', { 'if-modified-since': first!.headers['last-modified'] as string }],
      ['/nums.txt', { 'if-modified-since': before }],
      ['/nums.txt', { 'if-none-match': '"123"' }],
    ])
    expect([weak!.status, strong!.status, since!.status]).toEqual([304, 304, 304])
    expect([changed!.status, changed!.body]).toEqual([200, '123456789'])
    expect([other!.status, other!.body]).toEqual([200, '123456789'])
  })

  it('carries the validators and caching fields, not Content-Type, Content-Length or Accept-Ranges', async () => {
    const [first] = await send(make, ['/name.html'])
    const [res] = await send(make, [['/name.html', { 'if-none-match': first!.headers.etag as string }]])
    expect(res!.status).toBe(304)
    expect(res!.body).toBe('')
    expect(res!.headers.etag).toBe(first!.headers.etag)
    expect(res!.headers['last-modified']).toBe(first!.headers['last-modified'])
    expect(res!.headers['cache-control']).toBe('public, max-age=0')
    expect(res!.headers['content-type']).toBeUndefined()
    expect(res!.headers['accept-ranges']).toBeUndefined()
    expect(res!.headers['content-length']).toBeUndefined()
  })

  it('keeps Vary but not Content-Encoding for a precompressed file', async () => {
    const [first] = await send(make, [['/app.js', { 'accept-encoding': 'gzip' }]])
    expect(first!.headers['content-encoding']).toBe('gzip')
    const [res] = await send(make, [
      ['/app.js', { 'accept-encoding': 'gzip', 'if-none-match': first!.headers.etag as string }],
    ])
    expect(res!.status).toBe(304)
    expect(res!.headers.vary).toBe('Accept-Encoding')
    expect(res!.headers['content-encoding']).toBeUndefined()
  })
})

forEachEntry('static files: Range (RFC 9110 §14)', (make) => {
  it('serves single ranges as send does', async () => {
    const responses = await send(make, [
      ['/nums.txt', { range: 'bytes=0-4' }],
      ['/nums.txt', { range: 'bytes=0-0' }],
      ['/nums.txt', { range: 'bytes=2-5' }],
      ['/nums.txt', { range: 'bytes=-3' }],
      ['/nums.txt', { range: 'bytes=3-' }],
      ['/nums.txt', { range: 'bytes=2-3' }],
      ['/nums.txt', { range: 'bytes=2-50' }],
    ])
    expect(responses.map((r) => [r.status, r.body, r.headers['content-range']])).toEqual([
      [206, '12345', 'bytes 0-4/9'],
      [206, '1', 'bytes 0-0/9'],
      [206, '3456', 'bytes 2-5/9'],
      [206, '789', 'bytes 6-8/9'],
      [206, '456789', 'bytes 3-8/9'],
      [206, '34', 'bytes 2-3/9'],
      [206, '3456789', 'bytes 2-8/9'],
    ])
    expect(responses[5]!.headers['content-length']).toBe('2')
    expect(responses[6]!.headers['content-length']).toBe('7')
  })

  it('answers 416 with Content-Range when the first byte is past the end', async () => {
    const [res] = await send(make, [['/nums.txt', { range: 'bytes=9-50' }]])
    expect(res!.status).toBe(416)
    expect(res!.headers['content-range']).toBe('bytes */9')
  })

  it('serves the whole file for ranges it does not serve: other units, bad syntax, several ranges', async () => {
    const responses = await send(make, [
      ['/nums.txt', { range: 'items=0-4' }],
      ['/nums.txt', { range: 'asdf' }],
      ['/nums.txt', { range: 'bytes=1-1,3-' }],
      // send combines these into one range (206 "23456"); Brisk serves no multiple ranges at all.
      ['/nums.txt', { range: 'bytes=1-2,3-5' }],
    ])
    for (const res of responses) {
      expect([res.status, res.body]).toEqual([200, '123456789'])
      expect(res.headers['content-range']).toBeUndefined()
    }
  })

  it('honours If-Range with a date, and serves the whole file for a weak or unknown validator', async () => {
    const [first] = await send(make, ['/nums.txt'])
    const responses = await send(make, [
      ['/nums.txt', { range: 'bytes=0-0', 'if-range': first!.headers['last-modified'] as string }],
      ['/nums.txt', { range: 'bytes=0-0', 'if-range': before }],
      ['/nums.txt', { range: 'bytes=0-0', 'if-range': 'foo' }],
      // send answers 206 here; a weak tag never validates a range (RFC 9110 §13.1.5), so Brisk sends it all.
      ['/nums.txt', { range: 'bytes=0-0', 'if-range': first!.headers.etag as string }],
    ])
    expect(responses.map((r) => [r.status, r.body])).toEqual([
      [206, '1'],
      [200, '123456789'],
      [200, '123456789'],
      [200, '123456789'],
    ])
  })
})

forEachEntry('static files: paths', (make) => {
  it('answers 404 to a file asked for as a folder (file.html/), as send does', async () => {
    const [slash, encoded, plain] = await send(make, ['/name.html/', '/name.html%2F', '/name.html'])
    expect([slash!.status, encoded!.status, plain!.status]).toEqual([404, 404, 200])
  })

  it('finds a file through any equivalent spelling of its name', async () => {
    const responses = await send(make, ['/%6Eums.txt', '/%6eums%2etxt', '/./nums.txt', '/x/../nums.txt'])
    expect(responses.map((r) => r.body)).toEqual(responses.map(() => '123456789'))
  })
})
