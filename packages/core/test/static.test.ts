import { mkdir, mkdtemp, rm, symlink, utimes, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Brisk, file } from '../src/index'
import { contentDisposition } from '../src/node/static-files'
import { getFresh as raw } from './_helpers'
import { forEachEntry, type Got, makeClient } from './_matrix'

let base: string
let root: string
const big = Buffer.alloc(200_000, 'x')

beforeAll(async () => {
  base = await mkdtemp(join(tmpdir(), 'brisk-static-'))
  root = join(base, 'public')
  await mkdir(join(root, 'docs'), { recursive: true })
  await mkdir(join(root, '.hidden'), { recursive: true })
  await writeFile(join(root, 'index.html'), '<h1>home</h1>')
  await writeFile(join(root, 'style.css'), 'body{color:red}')
  await writeFile(join(root, 'app.js'), 'console.log(1)')
  await writeFile(join(root, 'app.js.gz'), gzipSync('console.log(1)'))
  await writeFile(join(root, 'app.js.br'), 'pretend-brotli')
  await writeFile(join(root, 'digits.txt'), '0123456789')
  await writeFile(join(root, 'big.bin'), big)
  await writeFile(join(root, 'docs', 'index.html'), '<h1>docs</h1>')
  await writeFile(join(root, '.env'), 'SECRET=1')
  await writeFile(join(root, '.hidden', 'a.txt'), 'hidden')
  await writeFile(join(root, '%2e%2e'), 'a file literally named %2e%2e')
  await writeFile(join(base, 'secret.txt'), 'outside the folder')
  await symlink(join(base, 'secret.txt'), join(root, 'leak.txt'))
  await symlink(base, join(root, 'up'))
  await symlink(join(root, 'style.css'), join(root, 'alias.css'))
  const old = new Date('2020-01-01T00:00:00Z')
  await utimes(join(root, 'digits.txt'), old, old)
})
afterAll(async () => {
  await rm(base, { recursive: true, force: true })
})

function app(options: Parameters<Brisk['static']>[2] = {}): Brisk {
  const a = new Brisk()
  a.static('/static', root, options)
  return a
}

forEachEntry('app.static()', (make) => {
  async function get(
    url: string,
    headers: Record<string, string> = {},
    method = 'GET',
    opts = {},
  ): Promise<Got> {
    const client = await make(app(opts))
    try {
      return await client.request({ method, url, headers })
    } finally {
      await client.close()
    }
  }

  it('serves a file with its content type, length, ETag, Last-Modified and Cache-Control', async () => {
    const res = await get('/static/style.css')
    expect(res.status).toBe(200)
    expect(res.body).toBe('body{color:red}')
    expect(res.headers['content-type']).toBe('text/css; charset=utf-8')
    expect(res.headers['content-length']).toBe('15')
    expect(res.headers.etag).toMatch(/^W\/"/)
    expect(res.headers['last-modified']).toMatch(/GMT$/)
    expect(res.headers['cache-control']).toBe('public, max-age=0')
  })

  it('applies maxAge and immutable', async () => {
    const res = await get('/static/style.css', {}, 'GET', { maxAge: 3600, immutable: true })
    expect(res.headers['cache-control']).toBe('public, max-age=3600, immutable')
  })

  it('serves index.html for the folder and for sub-folders, at their URL with a slash', async () => {
    expect((await get('/static/')).body).toBe('<h1>home</h1>')
    expect((await get('/static/docs/')).body).toBe('<h1>docs</h1>')
  })

  it('redirects a folder without its slash to it with 301, keeping the query, before serving index.html', async () => {
    const root = await get('/static')
    expect(root.status).toBe(301)
    expect(root.headers.location).toBe('/static/')
    expect(root.body).toBe('')
    const sub = await get('/static/docs?lang=en')
    expect(sub.status).toBe(301)
    expect(sub.headers.location).toBe('/static/docs/?lang=en')
    const head = await get('/static', {}, 'HEAD')
    expect(head.status).toBe(301)
    expect(head.headers.location).toBe('/static/')
    // No index, no redirect: a folder that cannot be served stays a 404, and so does a file with a slash.
    expect((await get('/static/docs', {}, 'GET', { index: false })).status).toBe(404)
    expect((await get('/static/style.css/')).status).toBe(404)
  })

  it('redirects folders of a mount at the root too, never to a URL that names another host', async () => {
    const a = new Brisk()
    a.static('/', root)
    const client = await make(a)
    try {
      const docs = await client.request('/docs')
      expect([docs.status, docs.headers.location]).toEqual([301, '/docs/'])
      expect((await client.request('/')).body).toBe('<h1>home</h1>')
      for (const url of ['//docs', '//docs/', '/%2Fdocs']) {
        const res = await client.request(url)
        expect(res.status, url).not.toBe(301)
        expect(res.headers.location, url).toBeUndefined()
      }
    } finally {
      await client.close()
    }
  })

  it('answers 404 for a folder without index when index is off, and for missing files', async () => {
    expect((await get('/static/docs/', {}, 'GET', { index: false })).status).toBe(404)
    expect((await get('/static/nope.txt')).status).toBe(404)
  })

  it('answers 304 to If-None-Match and If-Modified-Since', async () => {
    const first = await get('/static/digits.txt')
    const tag = first.headers.etag as string
    const again = await get('/static/digits.txt', { 'if-none-match': tag })
    expect(again.status).toBe(304)
    expect(again.body).toBe('')
    expect((await get('/static/digits.txt', { 'if-none-match': '"other"' })).status).toBe(200)
    expect(
      (await get('/static/digits.txt', { 'if-modified-since': 'Wed, 01 Jan 2020 00:00:00 GMT' })).status,
    ).toBe(304)
    expect(
      (await get('/static/digits.txt', { 'if-modified-since': 'Tue, 31 Dec 2019 00:00:00 GMT' })).status,
    ).toBe(200)
  })

  it('answers byte ranges with 206 and Content-Range', async () => {
    const res = await get('/static/digits.txt', { range: 'bytes=2-5' })
    expect(res.status).toBe(206)
    expect(res.body).toBe('2345')
    expect(res.headers['content-range']).toBe('bytes 2-5/10')
    expect(res.headers['content-length']).toBe('4')
    expect((await get('/static/digits.txt', { range: 'bytes=7-' })).body).toBe('789')
    expect((await get('/static/digits.txt', { range: 'bytes=-3' })).body).toBe('789')
    expect((await get('/static/digits.txt', { range: 'bytes=8-100' })).body).toBe('89')
  })

  it('answers 416 to a range past the end, and ignores ranges it does not serve', async () => {
    const res = await get('/static/digits.txt', { range: 'bytes=10-' })
    expect(res.status).toBe(416)
    expect(res.headers['content-range']).toBe('bytes */10')
    expect(res.headers['content-type']).toBe('application/problem+json')
    expect((await get('/static/digits.txt', { range: 'bytes=0-1,4-5' })).status).toBe(200) // several ranges
    expect((await get('/static/digits.txt', { range: 'pages=1' })).status).toBe(200)
    expect((await get('/static/digits.txt', { range: 'bytes=2-3', 'if-range': '"x"' })).status).toBe(200)
    const exact = await get('/static/digits.txt', {
      range: 'bytes=2-3',
      'if-range': 'Wed, 01 Jan 2020 00:00:00 GMT',
    })
    expect(exact.status).toBe(206)
  })

  it('answers HEAD with the headers and no body', async () => {
    const res = await get('/static/big.bin', {}, 'HEAD')
    expect(res.status).toBe(200)
    expect(res.headers['content-length']).toBe(String(big.length))
    expect(res.body).toBe('')
  })

  it('streams a large file whole', async () => {
    const res = await get('/static/big.bin')
    expect(res.body.length).toBe(big.length)
    expect(res.body).toBe(big.toString())
    const part = await get('/static/big.bin', { range: 'bytes=100000-199999' })
    expect(part.status).toBe(206)
    expect(part.body.length).toBe(100_000)
  })

  it('picks a precompressed sibling by Accept-Encoding, with Vary', async () => {
    const br = await get('/static/app.js', { 'accept-encoding': 'gzip, br' })
    expect(br.headers['content-encoding']).toBe('br')
    expect(br.headers.vary).toBe('Accept-Encoding')
    expect(br.headers['content-type']).toBe('text/javascript; charset=utf-8') // RFC 9239
    const gz = await get('/static/app.js', { 'accept-encoding': 'gzip, br;q=0' })
    expect(gz.headers['content-encoding']).toBe('gzip')
    const plain = await get('/static/app.js', { 'accept-encoding': 'identity' })
    expect(plain.headers['content-encoding']).toBeUndefined()
    expect(plain.body).toBe('console.log(1)')
    expect(plain.headers.vary).toBe('Accept-Encoding')
    expect(br.headers.etag).not.toBe(plain.headers.etag)
    const off = await get('/static/app.js', { 'accept-encoding': 'br' }, 'GET', { precompressed: false })
    expect(off.headers['content-encoding']).toBeUndefined()
  })

  it('ignores dotfiles by default, and denies or allows them on request', async () => {
    expect((await get('/static/.env')).status).toBe(404)
    expect((await get('/static/.hidden/a.txt')).status).toBe(404)
    expect((await get('/static/.env', {}, 'GET', { dotfiles: 'deny' })).status).toBe(403)
    expect((await get('/static/.env', {}, 'GET', { dotfiles: 'allow' })).body).toBe('SECRET=1')
  })

  it('follows symlinks that stay inside the folder, and refuses those that leave it', async () => {
    expect((await get('/static/alias.css')).body).toBe('body{color:red}')
    expect((await get('/static/leak.txt')).status).toBe(404)
    expect((await get('/static/up/secret.txt')).status).toBe(404)
  })
})

describe('app.static() never leaves its folder', () => {
  const attempts: [string, number[]][] = [
    ['/static/../secret.txt', [404]],
    ['/static/..%2fsecret.txt', [404]],
    ['/static/%2e%2e/secret.txt', [404]],
    ['/static/%2e%2e%2fsecret.txt', [404]],
    ['/static/%2E%2E%2Fsecret.txt', [404]],
    ['/static/docs/../../secret.txt', [404]],
    ['/static/..\\secret.txt', [404]],
    ['/static/..%5csecret.txt', [404]],
    ['/static/%5c..%5csecret.txt', [404]],
    ['/static/%252e%252e%252fsecret.txt', [404]],
    ['/static//etc/passwd', [404]],
    ['/static/%2fetc%2fpasswd', [404]],
    ['/static/%00', [400]],
    ['/static/style.css%00.txt', [400]],
    ['/static/../../secret.txt', [400]],
    ['/static/%2e%2e/%2e%2e/secret.txt', [400]],
    ['/static/docs%2f..%2f..%2fsecret.txt', [404]],
    ['/static/docs%2Findex.html', [404]],
    ['/static/style.css/', [404]],
    ['/static/style.css%2f', [404]],
    ['/static/%c0%ae%c0%ae/secret.txt', [400, 404]],
    ['/static/leak.txt', [404]],
    ['/static/up/secret.txt', [404]],
  ]
  let server: Brisk
  let port: number
  beforeAll(async () => {
    server = app()
    port = (await server.listen({ port: 0 })).port
  })
  afterAll(() => server.close())

  for (const [path, statuses] of attempts) {
    it(`refuses ${path} over a real socket and through inject`, async () => {
      const live = await raw(port, path)
      expect(statuses).toContain(live.status)
      expect(live.body).not.toContain('outside the folder')
      expect(live.body).not.toContain('root:')
      const injected = await server.inject(path)
      expect(statuses).toContain(injected.status)
      expect(injected.body).not.toContain('outside the folder')
    })
  }

  it('resolves dot segments before the lookup, as for any route', async () => {
    for (const path of [
      '/static/./style.css',
      '/static/docs/../style.css',
      '/static/docs/%2e%2e/style.css',
    ]) {
      const live = await raw(port, path)
      expect([live.status, live.body]).toEqual([200, 'body{color:red}'])
    }
  })

  it('serves a file whose name merely looks encoded', async () => {
    const res = await raw(port, '/static/%252e%252e')
    expect(res.status).toBe(200)
    expect(res.body).toBe('a file literally named %2e%2e')
  })
})

describe('app.static() options', () => {
  it('fails at start-up when the folder is missing', async () => {
    const a = new Brisk()
    a.static('/s', join(base, 'missing'))
    await expect(a.ready()).rejects.toThrow(/is not a folder/)
  })

  it('refuses bad options at registration', () => {
    const a = new Brisk()
    expect(() => a.static('/s', root, { maxAge: -1 })).toThrow(/maxAge/)
    expect(() => a.static('/s', root, { dotfiles: 'show' as never })).toThrow(/dotfiles/)
    expect(() => a.static('/s', root, { index: '../x' })).toThrow(/index/)
    expect(() => a.static('s', root)).toThrow(/prefix/)
    expect(() => a.static('/s', '')).toThrow(/folder/)
  })

  it('has a named route for urlFor', async () => {
    const a = new Brisk()
    a.static('/assets', root, { name: 'assets' })
    await a.ready()
    expect(a.urlFor('assets', { path: 'docs/index.html' })).toBe('/assets/docs/index.html')
  })
})

describe('file()', () => {
  it('streams a file as a download with Content-Disposition', async () => {
    const a = new Brisk()
    a.get('/report', () => file(join(root, 'digits.txt'), { download: 'résumé 2026.txt' }))
    a.get('/missing', () => file(join(root, 'nope.txt')))
    const client = await makeClient(a, 'node')
    const res = await client.request('/report')
    expect(res.body).toBe('0123456789')
    expect(res.headers['content-disposition']).toBe(
      `attachment; filename="r_sum_ 2026.txt"; filename*=UTF-8''r%C3%A9sum%C3%A9%202026.txt`,
    )
    expect(res.headers['content-type']).toBe('text/plain; charset=utf-8')
    expect((await client.request('/missing')).status).toBe(404)
    await client.close()
  })

  it('writes plain ASCII names as they are', () => {
    expect(contentDisposition('report.pdf')).toBe('attachment; filename="report.pdf"')
    expect(contentDisposition('a"b.pdf')).toBe(`attachment; filename="a_b.pdf"; filename*=UTF-8''a%22b.pdf`)
  })
})
