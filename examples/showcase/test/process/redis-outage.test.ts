/**
 * Redis goes away under a running showcase (two workers) and comes back: the routes that need it (session
 * visits, login, refresh, logout) answer 503 problem+json within 2 s, never hanging; every other route goes
 * on; and once redis-server is back (empty, as after a restart), those routes work again.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { type AppProcess, type RedisServer, startRedisServer } from '@brisk/testing/services'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Answer, expectProblem, login, send, sleep, startShowcase, type Tokens } from './_helpers'

let redis: RedisServer
let app: AppProcess

beforeAll(async () => {
  redis = await startRedisServer()
  app = await startShowcase({ WORKERS: '2', REDIS_URL: redis.url })
}, 150_000)

afterAll(async () => {
  await app?.stop()
  await redis?.stop()
})

/**
 * The contract's bound is 2 s; the margin is for a busy machine (the clock runs in this process, not the
 * app). The point is the outcome: an answer, not a hang.
 */
const BOUND_MS = 2_500

/** The requests that need Redis, each on a new connection (so both workers are asked, in turn). */
function needingRedis(tokens: Tokens, cookie: string): [string, () => Promise<Answer>][] {
  return [
    ['GET /session/visits (new session)', () => send(app.url, 'GET', '/session/visits', { timeout: 5_000 })],
    [
      'GET /session/visits (known cookie)',
      () => send(app.url, 'GET', '/session/visits', { headers: { cookie }, timeout: 5_000 }),
    ],
    [
      'POST /auth',
      () =>
        send(app.url, 'POST', '/auth', {
          json: { username: 'alice', password: 'wonderland' },
          timeout: 5_000,
        }),
    ],
    [
      'POST /auth/refresh',
      () =>
        send(app.url, 'POST', '/auth/refresh', {
          json: { refresh_token: tokens.refresh_token },
          timeout: 5_000,
        }),
    ],
    [
      'POST /auth/logout',
      () =>
        send(app.url, 'POST', '/auth/logout', {
          json: { refresh_token: tokens.refresh_token },
          timeout: 5_000,
        }),
    ],
  ]
}

/** The pid of the redis-server listening on `port` (its command line names the port). */
function redisPid(port: number): number {
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue
    try {
      const cmdline = readFileSync(`/proc/${name}/cmdline`, 'utf8')
      if (cmdline.startsWith('redis-server') && cmdline.includes(String(port))) return Number(name)
    } catch {} // gone while we looked
  }
  throw new Error(`no redis-server on port ${port}`)
}

describe('a Redis outage', () => {
  it('answers 503 quickly on the routes that need Redis, keeps the others, and recovers', async () => {
    const tokens = await login(app.url)
    const visit = await send(app.url, 'GET', '/session/visits')
    expect(visit.body).toEqual({ visits: 1 })
    const cookie = (visit.headers['set-cookie'] ?? [])[0]!.split(';')[0]!
    const bearer = { authorization: `Bearer ${tokens.access_token}` }

    await redis.stop()

    // Twice round, so each route is asked of both workers (new connections alternate between them).
    for (let round = 0; round < 2; round++) {
      for (const [what, ask] of needingRedis(tokens, cookie)) {
        const res = await ask()
        expectProblem(res, 503)
        expect(res.ms, `${what} took ${Math.round(res.ms)} ms`).toBeLessThan(BOUND_MS)
        // No stack, path or connection detail leaks into the body (NODE_ENV is not development).
        expect(res.text).not.toMatch(/\bat .*\(|\/work\/|node_modules|\.ts\b|ECONNREFUSED|127\.0\.0\.1/)
      }
      // Everything else keeps answering.
      expect((await send(app.url, 'GET', '/health')).body).toEqual({ status: 'ok' })
      expect((await send(app.url, 'GET', '/api/v1/books')).status).toBe(200)
      expect((await send(app.url, 'GET', '/api/v1/books/1')).status).toBe(200)
      expect((await send(app.url, 'GET', '/auth/verify', { headers: bearer })).body).toEqual({ valid: true })
      expect((await send(app.url, 'GET', '/auth/me', { headers: bearer })).status).toBe(200)
      const page = await send(app.url, 'GET', '/')
      expect(page.status).toBe(200)
      expect(page.headers['content-type']).toBe('text/html; charset=utf-8')
    }
    // Several at once, too: none of them waits on another.
    const together = await Promise.all(needingRedis(tokens, cookie).map(([, ask]) => ask()))
    for (const res of together) {
      expectProblem(res, 503)
      expect(res.ms).toBeLessThan(BOUND_MS)
    }

    await redis.start() // on the same port, empty

    // Recovery, polled (bounded): a login on each worker (two new connections in a row) works again.
    const deadline = Date.now() + 10_000
    let recovered = false
    while (!recovered && Date.now() < deadline) {
      const answers = await Promise.all(
        [1, 2].map(() =>
          send(app.url, 'POST', '/auth', { json: { username: 'alice', password: 'wonderland' } }),
        ),
      )
      recovered = answers.every((res) => res.status === 200)
      if (!recovered) await sleep(200)
    }
    expect(recovered, app.output()).toBe(true)

    // Every route that needed Redis works on both workers (asked twice, on new connections).
    for (let round = 0; round < 2; round++) {
      const fresh = await login(app.url)
      const refreshed = await send(app.url, 'POST', '/auth/refresh', {
        json: { refresh_token: fresh.refresh_token },
      })
      expect(refreshed.status, refreshed.text).toBe(200)
      const out = await send(app.url, 'POST', '/auth/logout', {
        json: { refresh_token: refreshed.body.refresh_token },
      })
      expect(out.status).toBe(204)
      const first = await send(app.url, 'GET', '/session/visits')
      expect(first.body).toEqual({ visits: 1 })
      const next = await send(app.url, 'GET', '/session/visits', {
        headers: { cookie: (first.headers['set-cookie'] ?? [])[0]!.split(';')[0]! },
      })
      expect(next.body).toEqual({ visits: 2 })
    }
    // The session from before the outage was in the Redis that restarted empty: a new one starts.
    expect((await send(app.url, 'GET', '/session/visits', { headers: { cookie } })).body).toEqual({
      visits: 1,
    })
    expect(app.running).toBe(true)
  }, 45_000)

  it('answers 503 in time when Redis accepts connections but does not answer (a frozen server)', async () => {
    const tokens = await login(app.url)
    const visit = await send(app.url, 'GET', '/session/visits')
    const cookie = (visit.headers['set-cookie'] ?? [])[0]!.split(';')[0]!
    const pid = redisPid(redis.port)
    process.kill(pid, 'SIGSTOP') // connections stay open; nothing is answered
    try {
      for (const [what, ask] of needingRedis(tokens, cookie)) {
        const res = await ask()
        expectProblem(res, 503)
        expect(res.ms, `${what} took ${Math.round(res.ms)} ms`).toBeLessThan(BOUND_MS)
      }
      expect((await send(app.url, 'GET', '/api/v1/books')).status).toBe(200)
      expect(
        (
          await send(app.url, 'GET', '/auth/verify', {
            headers: { authorization: `Bearer ${tokens.access_token}` },
          })
        ).status,
      ).toBe(200)
    } finally {
      process.kill(pid, 'SIGCONT')
    }
    // Thawed, with its data: the same session and refresh token work again (polled, bounded).
    const deadline = Date.now() + 10_000
    let res = await send(app.url, 'GET', '/session/visits', { headers: { cookie } })
    while (res.status !== 200 && Date.now() < deadline) {
      await sleep(200)
      res = await send(app.url, 'GET', '/session/visits', { headers: { cookie } })
    }
    expect(res.status, res.text).toBe(200)
    expect(res.body.visits).toBeGreaterThanOrEqual(2)
    // (The refresh and logout asked during the freeze may have been carried out on thawing, though they got
    // their 503: a command that timed out is not a command undone. So a new login shows recovery.)
    const fresh = await login(app.url)
    const refreshed = await send(app.url, 'POST', '/auth/refresh', {
      json: { refresh_token: fresh.refresh_token },
    })
    expect(refreshed.status, refreshed.text).toBe(200)
  }, 120_000)
})
