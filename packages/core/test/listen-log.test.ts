/**
 * `app.listen()` says where it listens: one `info` line through the app's logger, with the URL and the worker
 * count, once the app is serving; and the default logger's level, which decides whether that line is seen.
 */
import { afterEach, describe, expect, it, vi } from 'vitest'
import { resolveConfig } from '../src/app/config'
import { Brisk, consoleLogger, type Logger } from '../src/index'

/** A logger that keeps every call, level by level. */
function recorder(): { logger: Logger; calls: [string, unknown, string | undefined][] } {
  const calls: [string, unknown, string | undefined][] = []
  const keep =
    (level: string) =>
    (obj: unknown, msg?: string): void =>
      void calls.push([level, obj, msg])
  return {
    logger: { error: keep('error'), warn: keep('warn'), info: keep('info'), debug: keep('debug') },
    calls,
  }
}

const apps: Brisk<any>[] = []
afterEach(async () => {
  for (const app of apps.splice(0)) await app.close()
  vi.restoreAllMocks()
})

describe('app.listen() logs one line', () => {
  for (const server of ['brisk', 'node'] as const) {
    it(`with the URL and the worker count, once listening, after afterStart [${server}]`, async () => {
      const { logger, calls } = recorder()
      const app = new Brisk({ name: 'shop', logger, env: {} })
      apps.push(app)
      app.afterStart(() => void calls.push(['afterStart', null, undefined]))
      app.get('/', () => 'ok')
      const address = await app.listen({ port: 0, host: '127.0.0.1', server })
      expect(calls).toEqual([
        ['afterStart', null, undefined],
        [
          'info',
          { url: address.url, host: '127.0.0.1', port: address.port, workers: 1 },
          `Brisk app "shop" listening on ${address.url} (1 worker)`,
        ],
      ])
      expect(address.url).toBe(`http://127.0.0.1:${address.port}`)
    })
  }

  it('logs nothing with log: false, nor for fetch, inject or ready()', async () => {
    const { logger, calls } = recorder()
    const app = new Brisk({ logger, env: {} })
    apps.push(app)
    app.get('/', () => 'ok')
    await app.ready()
    await app.inject('/')
    await app.fetch(new Request('http://x/'))
    await app.listen({ port: 0, host: '127.0.0.1', log: false })
    expect(calls).toEqual([])
  })

  it('logs nothing when listen() fails', async () => {
    const { logger, calls } = recorder()
    const app = new Brisk({ logger, env: {} })
    apps.push(app)
    app.afterStart(() => {
      throw new Error('not today')
    })
    await expect(app.listen({ port: 0, host: '127.0.0.1' })).rejects.toThrow('not today')
    expect(calls.filter(([level]) => level === 'info')).toEqual([])
  })

  it('reaches stderr through the default logger, as one JSON line, and not when it is silent', async () => {
    const written: string[] = []
    vi.spyOn(console, 'error').mockImplementation((line: unknown) => void written.push(String(line)))
    const app = new Brisk({ name: 'plain', env: {} }) // NODE_ENV unset: production's default level, info
    apps.push(app)
    const { url } = await app.listen({ port: 0, host: '127.0.0.1' })
    expect(written).toHaveLength(1)
    expect(JSON.parse(written[0]!)).toMatchObject({
      level: 'info',
      url,
      workers: 1,
      msg: `Brisk app "plain" listening on ${url} (1 worker)`,
    })
    for (const env of [{ BRISK_LOG_LEVEL: 'silent' }, { BRISK_LOG_LEVEL: 'warn' }, { NODE_ENV: 'test' }]) {
      const quiet = new Brisk({ env })
      apps.push(quiet)
      await quiet.listen({ port: 0, host: '127.0.0.1' })
    }
    expect(written).toHaveLength(1)
  })
})

describe('the default log level', () => {
  it("is 'info', 'debug' in dev mode, 'warn' under NODE_ENV=test, and BRISK_LOG_LEVEL or logLevel wins", () => {
    expect(resolveConfig({ env: {} }).logLevel).toBe('info')
    expect(resolveConfig({ env: { NODE_ENV: 'production' } }).logLevel).toBe('info')
    expect(resolveConfig({ env: { NODE_ENV: 'development' } }).logLevel).toBe('debug')
    expect(resolveConfig({ env: { NODE_ENV: 'test' } }).logLevel).toBe('warn')
    expect(resolveConfig({ env: { NODE_ENV: 'test', BRISK_LOG_LEVEL: 'info' } }).logLevel).toBe('info')
    expect(resolveConfig({ logLevel: 'silent', env: { BRISK_LOG_LEVEL: 'debug' } }).logLevel).toBe('silent')
    expect(resolveConfig({ env: { BRISK_LOG_LEVEL: 'error' } }).vars).toEqual({})
  })

  it('refuses an unknown level, naming where it came from', () => {
    expect(() => resolveConfig({ env: { BRISK_LOG_LEVEL: 'loud' } })).toThrow(
      new TypeError(`BRISK_LOG_LEVEL must be 'debug', 'info', 'warn', 'error' or 'silent', got "loud"`),
    )
    expect(() => resolveConfig({ logLevel: 'trace' as never, env: {} })).toThrow(
      /^new Brisk\(\): logLevel must be/,
    )
  })

  it('consoleLogger() writes from its level up; true is debug and false is warn', () => {
    const written: string[] = []
    vi.spyOn(console, 'error').mockImplementation((line: unknown) => void written.push(String(line)))
    const levels = (logger: Logger): string[] => {
      written.length = 0
      logger.debug('d')
      logger.info('i')
      logger.warn('w')
      logger.error({ err: new Error('e') }, 'e')
      return written.map((line) => JSON.parse(line).level)
    }
    expect(levels(consoleLogger())).toEqual(['info', 'warn', 'error'])
    expect(levels(consoleLogger('debug'))).toEqual(['debug', 'info', 'warn', 'error'])
    expect(levels(consoleLogger(true))).toEqual(['debug', 'info', 'warn', 'error'])
    expect(levels(consoleLogger(false))).toEqual(['warn', 'error'])
    expect(levels(consoleLogger('error'))).toEqual(['error'])
    expect(levels(consoleLogger('silent'))).toEqual([])
    expect(() => consoleLogger('loud' as never)).toThrow(TypeError)
  })
})
