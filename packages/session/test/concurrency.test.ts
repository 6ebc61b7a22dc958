/**
 * The rule for concurrent requests on one session: last writer wins, for the whole session. Each request
 * works on its own copy (loaded once, when first touched) and the response writes that copy whole, so the
 * stored session is always exactly what one request wrote: never a mix of two, never lost.
 */
import { Brisk } from '@brisk/core'
import { testClient } from '@brisk/testing'
import { type RedisServer, startRedisServer } from '@brisk/testing/services'
import { Redis } from 'ioredis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { MemoryStore, RedisStore, type Store, session } from '../src/index'
import { SECRET } from './_helpers'

let redis: RedisServer
let client: Redis
beforeAll(async () => {
  redis = await startRedisServer()
  client = new Redis(redis.url)
})
afterAll(async () => {
  client.disconnect()
  await redis.stop()
})

function app(store: Store) {
  const app = new Brisk().use(session, { secret: SECRET, store })
  app.post('/start', async (req) => {
    await req.ctx.session.set('count', 0)
    await req.ctx.session.set('writer', -1)
    await req.ctx.session.set('stamp', -1)
  })
  app.post('/update/:i<int>', async (req) => {
    const s = req.ctx.session
    const count = (await s.get('count')) as number
    await new Promise((r) => setTimeout(r, Math.random() * 5)) // interleave the requests
    await s.set('writer', req.params.i)
    await s.set('count', count + 1)
    await s.set('stamp', req.params.i)
    return { id: s.id }
  })
  app.get('/state', async (req) => ({ ...(await req.ctx.session.all()), id: req.ctx.session.id }))
  return app
}

describe.each([
  ['MemoryStore', () => new MemoryStore() as Store],
  ['RedisStore', () => new RedisStore({ client, prefix: 'concurrency:' }) as Store],
])('50 parallel updates of one session (%s)', (_name, make) => {
  it('all answer 2xx, keep the session and its id, and leave exactly one writer’s whole state', async () => {
    const http = testClient(app(make()), { mode: 'listen' })
    await http.post('/start')
    const before = (await http.get('/state')).json()
    const answers = await Promise.all(Array.from({ length: 50 }, (_, i) => http.post(`/update/${i}`)))
    expect(answers.map((r) => r.status)).toEqual(Array(50).fill(200))
    expect(new Set(answers.map((r) => r.json().id))).toEqual(new Set([before.id]))
    expect(answers.flatMap((r) => r.headers.getSetCookie())).toEqual([]) // no new session was started
    const after = (await http.get('/state')).json()
    expect(after.id).toBe(before.id)
    expect(after.writer).toBe(after.stamp) // one request's state, not a mix of two
    expect(after.writer).toBeGreaterThanOrEqual(0)
    expect(after.writer).toBeLessThan(50)
    expect(after.count).toBeGreaterThanOrEqual(1)
    expect(after.count).toBeLessThanOrEqual(50)
    // and it goes on normally
    await http.post('/update/99')
    expect((await http.get('/state')).json()).toMatchObject({ count: after.count + 1, writer: 99, stamp: 99 })
    await http.close()
  })
})
