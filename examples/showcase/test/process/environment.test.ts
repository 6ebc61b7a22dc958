/**
 * What the environment does to the process: a bad `WORKERS` (or workers without `REDIS_URL`) is refused with
 * one clear line and exit code 1 before anything listens; the development `JWT_SECRET` is announced once;
 * and with `NODE_ENV` unset, error bodies carry no stack trace, file path or secret.
 */
import { connect } from 'node:net'
import { type AppProcess, type RedisServer, startRedisServer } from '@brisk/testing/services'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import {
  type Answer,
  expectProblem,
  listening,
  SECRET,
  send,
  showcaseDir,
  startShowcase,
  waitForOutput,
  waitForWorkers,
} from './_helpers'

let redis: RedisServer
const started: AppProcess[] = []

beforeAll(async () => {
  redis = await startRedisServer()
}, 150_000)

afterEach(async () => {
  await Promise.all(started.splice(0).map((app) => app.stop()))
})

afterAll(() => redis?.stop())

async function start(env: Record<string, string | undefined>, wait = true): Promise<AppProcess> {
  const app = await startShowcase(env, wait ? {} : { readyPath: null })
  started.push(app)
  return app
}

describe('a bad environment', () => {
  for (const [env, pattern] of [
    [{ WORKERS: '0' }, /^showcase: WORKERS must be a positive integer, got "0"$/],
    [{ WORKERS: 'abc' }, /^showcase: WORKERS must be a positive integer, got "abc"$/],
    [{ WORKERS: '1.5' }, /^showcase: WORKERS must be a positive integer/],
    [{ WORKERS: '2' }, /^showcase: .*REDIS_URL/],
  ] as const) {
    it(`refuses ${JSON.stringify(env)} with one line on stderr and exit code 1, listening on nothing`, async () => {
      const app = await start(env, false)
      expect(await app.exited, app.output()).toEqual({ code: 1, signal: null })
      const lines = app.stderr().trimEnd().split('\n')
      expect(lines, app.stderr()).toHaveLength(1)
      expect(lines[0]).toMatch(pattern)
      expect(lines[0]).not.toContain(SECRET)
      expect(app.stdout()).toBe('')
      expect(await listening(app.port)).toBe(false)
    }, 150_000)
  }
})

describe('the development JWT secret', () => {
  const warning = /JWT_SECRET is not set/g

  it('is announced with one line when JWT_SECRET is unset', async () => {
    const app = await start({ JWT_SECRET: undefined })
    const out = await waitForOutput(app, /listening on/)
    expect(out.match(warning), out).toHaveLength(1)
    expect(out.split('\n').filter((line) => /JWT_SECRET/.test(line))).toHaveLength(1)
    expect(
      (await send(app.url, 'POST', '/auth', { json: { username: 'bob', password: 'builder' } })).status,
    ).toBe(200)
  }, 120_000)

  it('is announced once, not once per worker, with WORKERS=2', async () => {
    const app = await start({ JWT_SECRET: undefined, WORKERS: '2', REDIS_URL: redis.url })
    expect(await waitForWorkers(app.pid, 2)).toHaveLength(2)
    expect(app.output().match(warning), app.output()).toHaveLength(1)
  }, 120_000)

  it('is not mentioned when JWT_SECRET is set', async () => {
    const app = await start({})
    expect(await waitForOutput(app, /listening on/)).not.toMatch(/JWT_SECRET/)
  }, 120_000)
})

/**
 * Sends raw bytes on a new connection and resolves with all the server answered before closing; with
 * `end: false` the request is left unfinished, as a client still sending its body would.
 */
function raw(port: number, bytes: string, end = true): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ port, host: '127.0.0.1' })
    let text = ''
    socket.setEncoding('utf8').on('data', (chunk: string) => {
      text += chunk
    })
    socket.setTimeout(5_000, () => socket.destroy(new Error(`no end of answer in 5 s: ${text}`)))
    socket.on('error', reject)
    socket.on('close', () => resolve(text))
    if (end) socket.end(bytes)
    else socket.write(bytes)
  })
}

/** What must never be in a production error body. */
function expectNothingInternal(text: string): void {
  expect(text).not.toContain(showcaseDir)
  expect(text).not.toMatch(/\/work\/|node_modules|[\w-]+\.(?:ts|js|mjs):\d+|\n\s+at \S/)
  expect(text).not.toMatch(/\bat (?:async )?[\w.<>]+ \(/)
  expect(text).not.toContain(SECRET)
}

describe('errors with NODE_ENV unset', () => {
  it('answer without stack traces, file paths or secrets, as problem+json or an HTML page', async () => {
    const app = await start({})
    const answers: [string, Answer, number][] = [
      ['unknown path', await send(app.url, 'GET', '/no/such/page'), 404],
      ['non-integer id', await send(app.url, 'GET', '/api/v1/books/abc'), 404],
      ['unknown book', await send(app.url, 'GET', '/api/v1/books/99999'), 404],
      ['wrong method', await send(app.url, 'PUT', '/health'), 405],
      [
        'malformed JSON',
        await send(app.url, 'POST', '/auth', {
          body: '{"username":',
          headers: { 'content-type': 'application/json' },
        }),
        400,
      ],
      [
        'bad credentials',
        await send(app.url, 'POST', '/auth', { json: { username: 'alice', password: 'nope' } }),
        401,
      ],
      [
        'bad token',
        await send(app.url, 'GET', '/auth/me', { headers: { authorization: 'Bearer not.a.token' } }),
        401,
      ],
      [
        'header lines too long',
        await send(app.url, 'GET', '/health', { headers: { 'x-big': 'y'.repeat(17_000) } }),
        431,
      ],
    ]
    for (const [what, res, status] of answers) {
      expect(res.status, what).toBe(status)
      expectProblem(res, status)
      expectNothingInternal(res.text)
    }
    const page = await send(app.url, 'GET', '/no/such/page', { headers: { accept: 'text/html' } })
    expect(page.status).toBe(404)
    expect(page.headers['content-type']).toMatch(/^text\/html/)
    expectNothingInternal(page.text)
    const badLine = await raw(app.port, 'GET /health HTTP/1.1 extra\r\nhost: x\r\n\r\n')
    expect(badLine).toMatch(/^HTTP\/1\.1 400 /)
    expect(badLine).toMatch(/content-type: application\/problem\+json/i)
    expectNothingInternal(badLine)
    // A body announced over the 1 MiB limit is refused without waiting for it.
    const tooLarge = await raw(
      app.port,
      'POST /auth HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: 2000000\r\n\r\n{"a":',
      false,
    )
    expect(tooLarge).toMatch(/^HTTP\/1\.1 413 /)
    expect(tooLarge).toMatch(/content-type: application\/problem\+json/i)
    expectNothingInternal(tooLarge)
  }, 120_000)

  it('for the 503 of a Redis that is down, too', async () => {
    const down = await startRedisServer()
    const app = await start({ WORKERS: '2', REDIS_URL: down.url })
    await down.stop()
    for (const res of [
      await send(app.url, 'GET', '/session/visits'),
      await send(app.url, 'POST', '/auth', { json: { username: 'alice', password: 'wonderland' } }),
    ]) {
      expectProblem(res, 503)
      expectNothingInternal(res.text)
      expect(res.text).not.toMatch(/ECONNREFUSED|127\.0\.0\.1|redis:\/\//)
    }
  }, 120_000)
})
