import { describe, expect, it } from 'vitest'
import { resolveConfig } from '../src/app/config'
import { Brisk } from '../src/index'
import { forEachEntry, once } from './_matrix'

describe('app.config', () => {
  it('has the safe defaults', () => {
    const config = new Brisk({ env: {} }).config
    expect(config).toMatchObject({
      name: 'brisk',
      dev: false,
      bodyLimit: 1024 * 1024,
      strictSlashes: false,
      trustProxy: false,
      accessLog: false,
      requestTimeout: 30_000,
      headersTimeout: 10_000,
      keepAliveTimeout: 5_000,
      sendTimeout: 30_000,
      maxHeaderSize: 16_384,
      shutdownTimeout: 10_000,
      vars: {},
    })
  })

  it('reads BRISK_* variables when an option is not given', () => {
    const config = resolveConfig({
      env: {
        BRISK_NAME: 'shop',
        BRISK_DEV: 'yes',
        BRISK_BODY_LIMIT: '64kb',
        BRISK_STRICT_SLASHES: '1',
        BRISK_TRUST_PROXY: '2',
        BRISK_ACCESS_LOG: 'off',
        BRISK_REQUEST_TIMEOUT: '5000',
        BRISK_HEADERS_TIMEOUT: '2000',
        BRISK_KEEP_ALIVE_TIMEOUT: '1000',
        BRISK_SEND_TIMEOUT: '7000',
        BRISK_MAX_HEADER_SIZE: '8192',
        BRISK_SHUTDOWN_TIMEOUT: '3000',
        BRISK_DB_URL: 'postgres://db/shop',
        OTHER: 'ignored',
      },
    })
    expect(config).toMatchObject({
      name: 'shop',
      dev: true,
      bodyLimit: 65_536,
      strictSlashes: true,
      trustProxy: 2,
      accessLog: false,
      requestTimeout: 5000,
      headersTimeout: 2000,
      keepAliveTimeout: 1000,
      sendTimeout: 7000,
      maxHeaderSize: 8192,
      shutdownTimeout: 3000,
      vars: { DB_URL: 'postgres://db/shop' },
    })
  })

  it('lets options win over variables', () => {
    const config = resolveConfig({
      name: 'given',
      bodyLimit: 10,
      dev: false,
      env: { BRISK_NAME: 'env', BRISK_BODY_LIMIT: '1mb', BRISK_DEV: '1' },
    })
    expect(config).toMatchObject({ name: 'given', bodyLimit: 10, dev: false })
  })

  it('takes development mode from NODE_ENV=development, and turns the access log on with it', () => {
    expect(resolveConfig({ env: { NODE_ENV: 'development' } })).toMatchObject({ dev: true, accessLog: true })
    expect(resolveConfig({ env: { NODE_ENV: 'production' } })).toMatchObject({ dev: false, accessLog: false })
  })

  it('refuses bad values with a message naming the variable or option', () => {
    expect(() => resolveConfig({ env: { BRISK_DEV: 'maybe' } })).toThrow(/BRISK_DEV must be true or false/)
    expect(() => resolveConfig({ env: { BRISK_REQUEST_TIMEOUT: 'soon' } })).toThrow(
      /BRISK_REQUEST_TIMEOUT must be a number/,
    )
    expect(() => resolveConfig({ env: { BRISK_BODY_LIMIT: 'big' } })).toThrow(TypeError)
    expect(() => resolveConfig({ env: { BRISK_TRUST_PROXY: 'some' } })).toThrow(/BRISK_TRUST_PROXY/)
    expect(() => resolveConfig({ requestTimeout: -1, env: {} })).toThrow(/requestTimeout must be a number/)
    expect(() => resolveConfig({ trustProxy: 1.5, env: {} })).toThrow(/trustProxy/)
    expect(() => resolveConfig(null as never)).toThrow(/options must be an object/)
  })
})

forEachEntry('the access log', (make, entry) => {
  it('logs one info line per request with method, path, status, duration and request id, 404s included', async () => {
    const lines: Record<string, unknown>[] = []
    const logger = {
      info: (o: object) => lines.push(o as Record<string, unknown>),
      error() {},
      warn() {},
      debug() {},
    }
    const app = new Brisk({ accessLog: true, logger, env: {} })
    app.get('/books/:id<int>', (req) => ({ id: req.params.id }))
    const client = await make(app)
    await client.request({ url: '/books/1', headers: { 'x-request-id': 'abc-1' } })
    await client.request('/missing')
    await client.close()
    // On a real server, listen() logs its own line at info too, first.
    const listening = entry === 'node' || entry === 'node-http' ? [lines.shift()] : []
    expect(listening.every((line) => typeof line?.url === 'string')).toBe(true)
    expect(lines).toHaveLength(2)
    expect(lines[0]).toMatchObject({ method: 'GET', path: '/books/1', status: 200, reqId: 'abc-1' })
    expect(typeof lines[0]!.ms).toBe('number')
    expect(lines[1]).toMatchObject({ method: 'GET', path: '/missing', status: 404 })
  })

  it('is off by default outside development mode', async () => {
    const lines: unknown[] = []
    const logger = { info: (_o: unknown, msg?: string) => lines.push(msg), error() {}, warn() {}, debug() {} }
    const app = new Brisk({ logger, env: {} })
    app.get('/', () => 'ok')
    await once(make, app, '/')
    expect(lines.filter((msg) => msg === 'request')).toHaveLength(0)
  })
})
