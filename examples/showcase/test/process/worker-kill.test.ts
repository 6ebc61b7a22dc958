/**
 * A worker killed outright (SIGKILL, as the OOM killer does) while a small, bounded load runs on kept-alive
 * connections: the other worker keeps serving, only the requests that were on the dead worker's connections
 * may fail, a new worker takes its place within 5 s, and afterwards every request succeeds.
 */
import { Agent } from 'node:http'
import { type AppProcess, type RedisServer, startRedisServer } from '@brisk/testing/services'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  login,
  send,
  sidCookie,
  sleep,
  startShowcase,
  waitForOutput,
  waitForWorkers,
  workerPids,
} from './_helpers'

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

interface Outcome {
  path: string
  ok: boolean
  /** When it was sent and when it ended, in ms since the load began. */
  sent: number
  ended: number
  error?: string
}

const LANES = 8

/**
 * `LANES` clients, each sending requests one after the other on the kept-alive connections of one shared
 * agent (so at most `LANES` are in flight at once), `gap` ms apart, for `ms` or `max` requests in all (a
 * few hundred over a few seconds: a steady load, not a benchmark). Each lane has its own
 * session and counts its visits: they must only go up, since sessions are in Redis, not in a worker.
 */
async function load(
  ms: number,
  max: number,
  gap: number,
  during?: (at: () => number) => Promise<void>,
): Promise<Outcome[]> {
  const agent = new Agent({ keepAlive: true, maxSockets: LANES })
  const start = performance.now()
  const at = (): number => performance.now() - start
  const outcomes: Outcome[] = []
  const paths = ['/health', '/api/v1/books/1', '/session/visits', '/api/v1/books']
  const lane = async (n: number): Promise<void> => {
    let cookie: string | undefined
    let visits = 0
    for (let i = n; at() < ms && outcomes.length < max; i += 1) {
      const path = paths[i % paths.length]!
      const sent = at()
      try {
        const res = await send(app.url, 'GET', path, {
          agent,
          headers: cookie ? { cookie } : {},
          timeout: 5_000,
        })
        const ok = res.status === 200
        if (path === '/session/visits' && ok) {
          cookie ??= sidCookie(res)
          expect(res.body.visits).toBeGreaterThan(visits)
          visits = res.body.visits
        }
        outcomes.push({ path, ok, sent, ended: at(), error: ok ? undefined : `${res.status} ${res.text}` })
      } catch (error) {
        outcomes.push({ path, ok: false, sent, ended: at(), error: String(error) })
      }
      await sleep(gap)
    }
  }
  await Promise.all([...Array.from({ length: LANES }, (_, n) => lane(n)), during?.(at)])
  agent.destroy()
  return outcomes
}

describe('a worker killed under load', () => {
  it('keeps serving on the other worker, replaces the dead one within 5 s, and then serves every request', async () => {
    const workers = await waitForWorkers(app.pid, 2)
    expect(workers, app.output()).toHaveLength(2)
    const victim = workers[0]!
    const { access_token } = await login(app.url)

    let killedAt = 0
    let replacement: number | undefined
    let replacedAfter = Number.POSITIVE_INFINITY
    const outcomes = await load(3_000, 600, 50, async (at) => {
      await sleep(1_000)
      process.kill(victim, 'SIGKILL')
      killedAt = at()
      // The new worker process appears (polled, bounded): a child running main.ts that was not there.
      while (replacement === undefined && at() < killedAt + 5_000) {
        await sleep(50)
        replacement = workerPids(app.pid).find((pid) => !workers.includes(pid))
      }
      replacedAfter = at() - killedAt
    })

    expect(replacement, `no new worker within 5 s; output:\n${app.output()}`).toBeDefined()
    expect(replacedAfter).toBeLessThan(5_000)
    const failed = outcomes.filter((o) => !o.ok)
    // Nothing failed before the kill; at most one request per connection failed (each has one in flight at
    // a time, and only the dead worker's were cut), and none later than a moment after the kill.
    expect(outcomes.filter((o) => o.ended < killedAt && !o.ok)).toEqual([])
    expect(failed.length, JSON.stringify(failed, null, 1)).toBeLessThanOrEqual(LANES)
    for (const o of failed) expect(o.sent, JSON.stringify(o)).toBeLessThan(killedAt + 1_000)
    for (const o of failed) expect(o.error).not.toMatch(/^\d{3} /) // cut, never answered with an error
    const afterKill = outcomes.filter((o) => o.sent > killedAt + 1_000)
    expect(afterKill.length).toBeGreaterThan(20) // the survivor kept serving meanwhile
    expect(afterKill.every((o) => o.ok)).toBe(true)
    expect(outcomes.length).toBeGreaterThan(100)

    // The replacement serves: its book list is the seeded one, so a book added there is found on it only.
    // New connections alternate between the workers; look (bounded) until one reaches the new worker.
    const marker = await send(app.url, 'POST', '/api/v1/books', {
      json: { title: 'before the replacement', author: 'process test' },
      headers: { authorization: `Bearer ${access_token}` },
    })
    expect(marker.status).toBe(201)
    const deadline = Date.now() + 10_000
    let reached = false
    while (!reached && Date.now() < deadline) {
      const list = await send(app.url, 'GET', '/api/v1/books').catch(() => undefined)
      reached =
        list?.status === 200 &&
        !list.body.some((b: { title: string }) => b.title === 'before the replacement')
      if (!reached) await sleep(100)
    }
    expect(reached, 'the new worker never answered').toBe(true)
    expect(await waitForWorkers(app.pid, 2)).toEqual([workers[1]!, replacement!].sort((a, b) => a - b))
    expect(await waitForOutput(app, /worker exited; starting a new one/)).toMatch(
      /worker exited; starting a new one/,
    )

    // Afterwards, every request succeeds: kept-alive connections and new ones, on both workers.
    const after = await load(1_500, 300, 20)
    expect(after.filter((o) => !o.ok)).toEqual([])
    for (let i = 0; i < 20; i++) expect((await send(app.url, 'GET', '/health')).status).toBe(200)
    expect(app.running).toBe(true)
  }, 45_000)
})
