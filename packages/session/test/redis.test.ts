/**
 * Sessions in a real Redis, through real sockets: shared state, and what happens when Redis goes away,
 * hangs, and comes back. Every outage answer must be a 503 problem+json within 2 s.
 */
import { testClient } from '@brisk/testing'
import { type RedisServer, startRedisServer } from '@brisk/testing/services'
import { Redis } from 'ioredis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { RedisStore } from '../src/index'
import { memoryLogger, sessionApp } from './_helpers'

let redis: RedisServer
beforeAll(async () => {
  redis = await startRedisServer()
})
afterAll(() => redis.stop())

async function timed<T>(run: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const started = performance.now()
  const value = await run()
  return { value, ms: performance.now() - started }
}

describe('RedisStore with the plugin', () => {
  it('shares sessions between two apps (two processes would do the same) through one Redis', async () => {
    const a = new Redis(redis.url)
    const b = new Redis(redis.url)
    const one = testClient(sessionApp({ store: new RedisStore({ client: a }) }), { mode: 'listen' })
    const two = testClient(sessionApp({ store: new RedisStore({ client: b }) }), { mode: 'listen' })
    const sid = (await one.get('/visits')).cookies.sid!.value
    expect((await two.get('/visits', { cookies: { sid } })).json()).toEqual({ visits: 2 })
    expect((await one.get('/visits')).json()).toEqual({ visits: 3 })
    await one.close()
    await two.close()
    a.disconnect()
    b.disconnect()
  })

  it('Redis down: session routes answer 503 problem+json within 2 s, others keep working, and all recover', async () => {
    const log = memoryLogger()
    // ioredis's default options: it queues commands and retries while reconnecting.
    const client = new Redis(redis.url)
    client.on('error', () => {}) // ioredis reports each failed reconnect here
    const http = testClient(sessionApp({ store: new RedisStore({ client }) }, log), { mode: 'listen' })
    expect((await http.get('/visits')).json()).toEqual({ visits: 1 })
    expect((await http.get('/visits')).json()).toEqual({ visits: 2 })

    await redis.stop()
    for (let i = 0; i < 3; i++) {
      const { value: res, ms } = await timed(() => http.get('/visits'))
      expect(res.status).toBe(503)
      expect(ms).toBeLessThan(2000)
      expect(res.headers.get('content-type')).toBe('application/problem+json')
      expect(res.json()).toMatchObject({ status: 503, code: 'BRISK_SESSION_ERR_STORE_UNAVAILABLE' })
      const { value: reset, ms: resetMs } = await timed(() => http.post('/reset'))
      expect(reset.status).toBe(503)
      expect(resetMs).toBeLessThan(2000)
      const plain = await http.get('/plain')
      expect(plain.status).toBe(200)
      expect(plain.json()).toEqual({ ok: true })
    }
    const logged = log.lines.filter((l) => l.level === 'error')
    expect(logged.length).toBeGreaterThanOrEqual(1)
    expect(String(logged[0]!.msg)).toMatch(/session store failed/)

    await redis.start() // back, and empty
    let recovered: number | undefined
    for (let i = 0; i < 100 && recovered === undefined; i++) {
      const res = await http.get('/visits')
      if (res.status === 200) recovered = res.json().visits
      else await new Promise((r) => setTimeout(r, 100))
    }
    expect(recovered).toBe(1) // the old session died with Redis's data: a new one starts
    expect((await http.get('/visits')).json()).toEqual({ visits: 2 })
    await http.close()
    client.disconnect()
  }, 30_000)

  it('Redis connected but not answering: 503 within 2 s (storeTimeout), then back to normal', async () => {
    const client = new Redis(redis.url)
    const admin = new Redis(redis.url)
    const http = testClient(sessionApp({ store: new RedisStore({ client }) }, memoryLogger()), {
      mode: 'listen',
    })
    expect((await http.get('/visits')).json()).toEqual({ visits: 1 })
    await admin.call('CLIENT', 'PAUSE', '2500', 'ALL')
    const { value: res, ms } = await timed(() => http.get('/visits'))
    expect(res.status).toBe(503)
    expect(ms).toBeLessThan(2000)
    expect((await http.get('/plain')).status).toBe(200)
    await new Promise((r) => setTimeout(r, 2000))
    expect((await http.get('/visits')).status).toBe(200)
    await http.close()
    client.disconnect()
    admin.disconnect()
  }, 15_000)
})
