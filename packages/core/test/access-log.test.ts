import { afterEach, describe, expect, it, vi } from 'vitest'
import { Brisk, consoleLogger, NotFound } from '../src/index'
import { prettyLine } from '../src/log/pretty-log'

const ESC = '\u001b['
let written: string[] = []

afterEach(() => {
  vi.restoreAllMocks()
  written = []
})

function captureStderr(): void {
  vi.spyOn(console, 'error').mockImplementation((line: unknown) => void written.push(String(line)))
}

function makeApp(options: ConstructorParameters<typeof Brisk>[0]): Brisk {
  const app = new Brisk(options)
  app.get('/books', () => ({ books: [] }))
  app.get('/boom', () => {
    throw new Error('kaput')
  })
  app.get('/gone', () => {
    throw new NotFound('no such book')
  })
  return app
}

describe('the access log through the default logger', () => {
  it('in development mode is one readable line per request: method, path, status, duration', async () => {
    captureStderr()
    const app = makeApp({ dev: true, env: {} })
    expect((await app.inject({ url: '/books?page=2' })).status).toBe(200)
    expect((await app.inject({ method: 'POST', url: '/books' })).status).toBe(405)
    const access = written.filter((line) => / (GET|POST) \//.test(line))
    expect(access).toHaveLength(2)
    expect(access[0]).toMatch(/^\d\d:\d\d:\d\d\.\d{3} INFO {2}GET \/books 200 \d+(\.\d+)? ms$/)
    expect(access[1]).toMatch(/^\d\d:\d\d:\d\d\.\d{3} INFO {2}POST \/books 405 \d+(\.\d+)? ms$/)
    // Vitest's stderr is not a terminal: no colour codes, and no JSON anywhere.
    for (const line of written) {
      expect(line).not.toContain(ESC)
      expect(line.trimStart().startsWith('{')).toBe(false)
    }
    await app.close()
  })

  it('in development mode shows an unexpected error as a line and its stack', async () => {
    captureStderr()
    const app = makeApp({ dev: true, env: {} })
    expect((await app.inject({ url: '/boom' })).status).toBe(500)
    const error = written.find((line) => line.includes(' ERROR '))
    expect(error).toBeDefined()
    expect(error!.split('\n')[1]).toBe('Error: kaput')
    expect(error).toMatch(/\n {4}at /)
    expect(written.some((line) => / GET \/boom 500 /.test(line))).toBe(true)
    await app.close()
  })

  it('outside development mode stays JSON lines, with the request id', async () => {
    captureStderr()
    const app = makeApp({ accessLog: true, env: {} })
    await app.inject({ url: '/gone' })
    expect(written).toHaveLength(1)
    const entry = JSON.parse(written[0]!)
    expect(entry).toMatchObject({ level: 'info', msg: 'request', method: 'GET', path: '/gone', status: 404 })
    expect(typeof entry.ms).toBe('number')
    expect(typeof entry.time).toBe('number')
    expect(entry.reqId).toBeDefined()
    await app.close()
  })

  it('a logger you pass is given the fields as before, in either mode', async () => {
    const calls: unknown[][] = []
    const record = (...args: unknown[]) => void calls.push(args)
    const logger = { debug: record, info: record, warn: record, error: record }
    const app = makeApp({ dev: true, logger, env: {} })
    await app.inject({ url: '/books' })
    expect(calls).toContainEqual([
      expect.objectContaining({ method: 'GET', path: '/books', status: 200 }),
      'request',
    ])
    await app.close()
  })
})

describe('consoleLogger({ pretty: true })', () => {
  it('colours the level and the status when asked (a terminal), by class of status', () => {
    captureStderr()
    const log = consoleLogger('info', { pretty: true, colours: true })
    for (const status of [201, 302, 404, 503])
      log.info({ method: 'GET', path: '/x', status, ms: 1 }, 'request')
    const colourOf = (line: string, status: number) =>
      new RegExp(`\\u001b\\[(\\d+)m${status}\\u001b\\[0m`).exec(line)?.[1]
    expect(written.map((line, i) => colourOf(line, [201, 302, 404, 503][i]!))).toEqual([
      '32',
      '36',
      '33',
      '31',
    ])
    expect(written[0]).toContain(`${ESC}32mINFO ${ESC}0m`)
    expect(written[0]).toContain(`${ESC}1mGET${ESC}0m /x`)
  })

  it('writes other entries as the message and key=value fields, from its level up', () => {
    captureStderr()
    const log = consoleLogger('info', { pretty: true, colours: false })
    log.debug('not shown')
    log.warn({ url: 'http://127.0.0.1:8000', workers: 2, note: 'two words' }, 'listening')
    log.info({ url: 'http://127.0.0.1:8000', port: 8000, workers: 1 }, 'listening on http://127.0.0.1:8000')
    log.info('plain')
    expect(written).toEqual([
      expect.stringMatching(
        /^\d\d:\d\d:\d\d\.\d{3} WARN {2}listening url=http:\/\/127\.0\.0\.1:8000 workers=2 note="two words"$/,
      ),
      // Fields the message already shows are left out (three characters or more: a 1 could be anywhere).
      expect.stringMatching(
        /^\d\d:\d\d:\d\d\.\d{3} INFO {2}listening on http:\/\/127\.0\.0\.1:8000 workers=1$/,
      ),
      expect.stringMatching(/^\d\d:\d\d:\d\d\.\d{3} INFO {2}plain$/),
    ])
  })

  it('prettyLine: the time is local HH:MM:SS.mmm; an access entry without a duration has none', () => {
    const time = new Date(2026, 11, 3, 9, 5, 7, 42).getTime()
    expect(prettyLine('info', { msg: 'request', method: 'HEAD', path: '/', status: 204 }, time, false)).toBe(
      '09:05:07.042 INFO  HEAD / 204',
    )
  })
})
