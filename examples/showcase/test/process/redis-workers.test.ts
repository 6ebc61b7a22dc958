/**
 * Redis mode with two workers, as deployed: `WORKERS=2 REDIS_URL=… node --import tsx src/main.ts` against a
 * real redis-server. Sessions and refresh tokens live in Redis, so whichever worker a connection lands on,
 * a client's session and login are the same. Books are each process's own demo data (the contract says so):
 * a book added on one connection shows which worker that connection reaches, with no route added for tests.
 */
import type { Agent } from 'node:http'
import { type AppProcess, type RedisServer, startRedisServer } from '@brisk/testing/services'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  type Answer,
  connection,
  login,
  send,
  sidCookie,
  startShowcase,
  waitForOutput,
  waitForWorkers,
} from './_helpers'

let redis: RedisServer
let app: AppProcess
/** Kept-alive connections, each reaching one worker, and the worker each reaches (a book title). */
const conns: { agent: Agent; worker: string }[] = []

beforeAll(async () => {
  redis = await startRedisServer()
  app = await startShowcase({ WORKERS: '2', REDIS_URL: redis.url })
}, 150_000)

afterAll(async () => {
  for (const { agent } of conns) agent.destroy()
  await app?.stop()
  await redis?.stop()
})

/**
 * Opens connections until both workers are reached: on each, the first book titled `worker-…` in that
 * process's list names its worker; a connection whose worker has none adds one.
 */
async function connectToBothWorkers(token: string): Promise<void> {
  for (let i = 0; i < 8 && new Set(conns.map((c) => c.worker)).size < 2; i++) {
    const agent = connection()
    const list = await send(app.url, 'GET', '/api/v1/books', { agent })
    expect(list.status).toBe(200)
    let worker = (list.body as { title: string }[]).find((book) => book.title.startsWith('worker-'))?.title
    if (worker === undefined) {
      worker = `worker-${i}`
      const created = await send(app.url, 'POST', '/api/v1/books', {
        agent,
        json: { title: worker, author: 'process test' },
        headers: { authorization: `Bearer ${token}` },
      })
      expect(created.status, created.text).toBe(201)
      expect(created.localPort).toBe(list.localPort) // the same connection, so the same worker
    }
    conns.push({ agent, worker })
  }
}

/** The worker a kept-alive connection reaches now (the server may have closed an idle one since). */
async function workerOf(agent: Agent): Promise<string | undefined> {
  const list = await send(app.url, 'GET', '/api/v1/books', { agent })
  return (list.body as { title: string }[]).find((book) => book.title.startsWith('worker-'))?.title
}

/** A connection to each worker, checked now: [on one, on the other]. */
async function pair(): Promise<[Agent, Agent]> {
  for (const conn of conns) conn.worker = (await workerOf(conn.agent)) ?? 'a new connection'
  const first = conns[0]!
  const other = conns.find((c) => c.worker !== first.worker && c.worker.startsWith('worker-'))
  expect(first.worker).toMatch(/^worker-/)
  expect(other, 'no connection reaches the other worker any more').toBeDefined()
  return [first.agent, other!.agent]
}

describe('WORKERS=2 with REDIS_URL', () => {
  it('runs two worker processes under the one that was started', async () => {
    const workers = await waitForWorkers(app.pid, 2)
    expect(workers, app.output()).toHaveLength(2)
    expect(workers).not.toContain(app.pid)
    expect(await waitForOutput(app, /listening on/)).toMatch(
      /listening on http:\/\/127\.0\.0\.1:\d+ with 2 workers/,
    )
  })

  it('reaches both workers, which keep their own books', async () => {
    const { access_token } = await login(app.url)
    await connectToBothWorkers(access_token)
    expect(new Set(conns.map((c) => c.worker)).size, 'connections reached only one worker').toBe(2)
    // Each connection stays on its worker: its own marker, never the other's.
    for (const { agent, worker } of conns) {
      const titles = (await send(app.url, 'GET', '/api/v1/books', { agent })).body.map(
        (b: { title: string }) => b.title,
      )
      expect(titles.filter((t: string) => t.startsWith('worker-'))).toEqual([worker])
    }
  })

  it('logs in on one worker and refreshes, verifies and reads /auth/me on the other, in turn', async () => {
    const [a, b] = await pair()
    let tokens = await login(app.url, a)
    const agents = [b, a, b, a, b, a]
    for (const agent of agents) {
      const me = await send(app.url, 'GET', '/auth/me', {
        agent,
        headers: { authorization: `Bearer ${tokens.access_token}` },
      })
      expect(me.status, me.text).toBe(200)
      expect(me.body.me).toMatchObject({ username: 'alice', scopes: ['books:read', 'books:write'] })
      const verify = await send(app.url, 'GET', '/auth/verify', {
        agent,
        headers: { authorization: `Bearer ${tokens.access_token}` },
      })
      expect(verify.body).toEqual({ valid: true })
      const refreshed = await send(app.url, 'POST', '/auth/refresh', {
        agent,
        json: { refresh_token: tokens.refresh_token },
      })
      expect(refreshed.status, refreshed.text).toBe(200)
      expect(refreshed.body.refresh_token).not.toBe(tokens.refresh_token) // rotated
      tokens = refreshed.body
    }
    // Refresh on new connections too, whichever worker each lands on: the rotation goes on unbroken.
    for (let i = 0; i < 10; i++) {
      const refreshed = await send(app.url, 'POST', '/auth/refresh', {
        json: { refresh_token: tokens.refresh_token },
      })
      expect(refreshed.status, refreshed.text).toBe(200)
      tokens = refreshed.body
    }
  })

  it('catches a refresh token used twice across workers and revokes the whole login on both', async () => {
    const [a, b] = await pair()
    const first = await login(app.url, a)
    const second = (
      await send(app.url, 'POST', '/auth/refresh', { agent: b, json: { refresh_token: first.refresh_token } })
    ).body
    const third = (
      await send(app.url, 'POST', '/auth/refresh', {
        agent: a,
        json: { refresh_token: second.refresh_token },
      })
    ).body
    expect(typeof third.refresh_token).toBe('string')
    // The first token again, on the other worker than the one that rotated it last: reuse.
    const reused = await send(app.url, 'POST', '/auth/refresh', {
      agent: b,
      json: { refresh_token: first.refresh_token },
    })
    expect(reused.status).toBe(401)
    // The latest token of that login is dead as well, on either worker.
    for (const agent of [a, b]) {
      const latest = await send(app.url, 'POST', '/auth/refresh', {
        agent,
        json: { refresh_token: third.refresh_token },
      })
      expect(latest.status).toBe(401)
    }
    // Another login is not touched.
    const other = await login(app.url, b)
    expect(
      (
        await send(app.url, 'POST', '/auth/refresh', {
          agent: a,
          json: { refresh_token: other.refresh_token },
        })
      ).status,
    ).toBe(200)
  })

  it('logs out on one worker, and the other refuses that refresh token', async () => {
    const [a, b] = await pair()
    const tokens = await login(app.url, a)
    const out = await send(app.url, 'POST', '/auth/logout', {
      agent: a,
      json: { refresh_token: tokens.refresh_token },
    })
    expect(out.status).toBe(204)
    expect(
      (
        await send(app.url, 'POST', '/auth/refresh', {
          agent: b,
          json: { refresh_token: tokens.refresh_token },
        })
      ).status,
    ).toBe(401)
  })

  it('counts one session’s visits across both workers and many connections', async () => {
    const [a, b] = await pair()
    const first = await send(app.url, 'GET', '/session/visits', { agent: a })
    expect(first.body).toEqual({ visits: 1 })
    const cookie = sidCookie(first)!
    expect(cookie).toMatch(/^sid=./)
    let expected = 2
    const check = (res: Answer): void => {
      expect(res.status, res.text).toBe(200)
      expect(res.body).toEqual({ visits: expected++ })
      expect(sidCookie(res)).toBe(undefined) // the same session: no new cookie
    }
    for (const agent of [b, a, b, a])
      check(await send(app.url, 'GET', '/session/visits', { agent, headers: { cookie } }))
    for (let i = 0; i < 20; i++) check(await send(app.url, 'GET', '/session/visits', { headers: { cookie } }))
    // Reset on one worker: the other no longer knows that session and starts a new one.
    expect((await send(app.url, 'POST', '/session/reset', { agent: a, headers: { cookie } })).status).toBe(
      204,
    )
    const again = await send(app.url, 'GET', '/session/visits', { agent: b, headers: { cookie } })
    expect(again.body).toEqual({ visits: 1 })
    expect(sidCookie(again)).not.toBe(cookie)
  })
})
