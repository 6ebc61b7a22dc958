/**
 * The refresh-token stores, through the endpoints and directly: one list of cases run against the memory
 * store and against a real redis-server. Then what only Redis has: outages (503 within 2 s, verification
 * unaffected) and what it keeps (hashes, never tokens).
 */
import { createHash } from 'node:crypto'
import { type RedisServer, startRedisServer } from '@brisk/testing/services'
import { Redis } from 'ioredis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { hashToken, MemoryStore, RedisStore, type RefreshTokenStore } from '../src/index'
import { clientFor, loginAs, newApp } from './_apps'

let server: RedisServer
const clients: Redis[] = []

/** A client made to fail fast while Redis is down, as the README advises. */
function redisClient(): Redis {
  const redis = new Redis(server.url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 500,
  })
  redis.on('error', () => {}) // connection errors while the server is stopped are expected
  clients.push(redis)
  return redis
}

beforeAll(async () => {
  server = await startRedisServer()
})
afterAll(async () => {
  for (const c of clients) c.disconnect()
  await server.stop()
})

async function connected(redis: Redis): Promise<Redis> {
  if (redis.status !== 'ready') await new Promise((resolve) => redis.once('ready', resolve))
  return redis
}

const stores: [string, () => Promise<RefreshTokenStore>][] = [
  ['MemoryStore', async () => new MemoryStore()],
  [
    'RedisStore',
    async () => new RedisStore(await connected(redisClient()), { prefix: `t${Math.random()}:` }),
  ],
]

describe.each(stores)('%s', (_name, makeStore) => {
  it('rotates through the endpoints: each refresh token works once', async () => {
    const client = clientFor(newApp({ store: await makeStore() }))
    let { refresh_token } = await loginAs(client)
    for (let i = 0; i < 3; i++) {
      const res = await client.post('/auth/refresh', { json: { refresh_token } })
      expect(res.status).toBe(200)
      refresh_token = res.json().refresh_token
    }
    await client.close()
  })

  it('treats a reused refresh token as stolen: 401, and the whole family is revoked', async () => {
    const client = clientFor(newApp({ store: await makeStore() }))
    const first = await loginAs(client)
    const other = await loginAs(client) // another login of the same user: another family
    const second = (
      await client.post('/auth/refresh', { json: { refresh_token: first.refresh_token } })
    ).json()
    const reuse = await client.post('/auth/refresh', { json: { refresh_token: first.refresh_token } })
    expect(reuse.status).toBe(401)
    expect(reuse.json().code).toBe('BRISK_JWT_ERR_REFRESH_REUSED')
    // The legitimate holder's newer token is dead too: the family is revoked.
    const revoked = await client.post('/auth/refresh', { json: { refresh_token: second.refresh_token } })
    expect(revoked.status).toBe(401)
    expect(revoked.json().code).toBe('BRISK_JWT_ERR_REFRESH_INVALID')
    // Other logins are untouched.
    expect(
      (await client.post('/auth/refresh', { json: { refresh_token: other.refresh_token } })).status,
    ).toBe(200)
    await client.close()
  })

  it('lets exactly one of two concurrent refreshes of one token win (through the endpoints)', async () => {
    const client = clientFor(newApp({ store: await makeStore() }), 'listen')
    const { refresh_token } = await loginAs(client)
    const answers = await Promise.all([
      client.post('/auth/refresh', { json: { refresh_token } }),
      client.post('/auth/refresh', { json: { refresh_token } }),
    ])
    expect(answers.map((r) => r.status).sort()).toEqual([200, 401])
    expect(answers.find((r) => r.status === 401)?.json().code).toBe('BRISK_JWT_ERR_REFRESH_REUSED')
    // The winner's new token belongs to the revoked family now.
    const winner = answers.find((r) => r.status === 200)!.json().refresh_token
    expect((await client.post('/auth/refresh', { json: { refresh_token: winner } })).status).toBe(401)
    await client.close()
  })

  it('lets exactly one of ten concurrent rotations win (the store itself)', async () => {
    const store = await makeStore()
    await store.create(hashToken('t0'), 'fam', '{"sub":"1"}', 60_000)
    const outcomes = await Promise.all(
      Array.from({ length: 10 }, (_, i) => store.rotate(hashToken('t0'), hashToken(`n${i}`), 60_000)),
    )
    expect(outcomes.filter((o) => o.status === 'rotated')).toEqual([
      { status: 'rotated', claims: '{"sub":"1"}' },
    ])
    // The first loser finds the token replaced (reuse: the family is revoked), the rest find a revoked family.
    expect(outcomes.filter((o) => o.status === 'reused')).toHaveLength(1)
    expect(outcomes.filter((o) => o.status === 'invalid')).toHaveLength(8)
  })

  it('revokes the family at logout, whichever of its tokens is presented', async () => {
    const client = clientFor(newApp({ store: await makeStore() }))
    const first = await loginAs(client)
    const second = (
      await client.post('/auth/refresh', { json: { refresh_token: first.refresh_token } })
    ).json()
    expect((await client.post('/auth/logout', { json: { refresh_token: first.refresh_token } })).status).toBe(
      204,
    )
    const res = await client.post('/auth/refresh', { json: { refresh_token: second.refresh_token } })
    expect(res.status).toBe(401)
    expect(res.json().code).toBe('BRISK_JWT_ERR_REFRESH_INVALID')
    await client.close()
  })

  it('forgets a family once its refresh TTL has passed', async () => {
    const client = clientFor(newApp({ store: await makeStore(), refreshTtl: 1 }))
    const { refresh_token } = await loginAs(client)
    await new Promise((resolve) => setTimeout(resolve, 1100))
    const res = await client.post('/auth/refresh', { json: { refresh_token } })
    expect(res.status).toBe(401)
    expect(res.json().code).toBe('BRISK_JWT_ERR_REFRESH_INVALID')
    await client.close()
  })

  it('answers invalid for unknown tokens and revoke of an unknown token is harmless', async () => {
    const store = await makeStore()
    expect(await store.rotate(hashToken('nope'), hashToken('next'), 1000)).toEqual({ status: 'invalid' })
    await expect(store.revoke(hashToken('nope'))).resolves.toBeUndefined()
  })
})

describe('hashToken', () => {
  it('is the base64url SHA-256 of the token, the same bytes a Hash object gives', () => {
    expect(hashToken('abc')).toBe('ungWv48Bz-pBQUDeXa4iI7ADYaOWF3qctBD_YfIAFa0')
    const token = 'ł-not-only-ascii-'.repeat(8)
    expect(hashToken(token)).toBe(createHash('sha256').update(token).digest('base64url'))
  })
})

describe('MemoryStore', () => {
  it('is bounded: past maxFamilies the oldest login is dropped', async () => {
    let now = 0
    const store = new MemoryStore({ maxFamilies: 2, now: () => now })
    await store.create('h1', 'f1', '{}', 1000)
    now = 1
    await store.create('h2', 'f2', '{}', 1000)
    await store.create('h3', 'f3', '{}', 1000)
    expect(store.size).toBe(2)
    expect(await store.rotate('h1', 'x', 1000)).toEqual({ status: 'invalid' })
    expect((await store.rotate('h2', 'y', 1000)).status).toBe('rotated')
    now = 5000 // everything expired: the next create drops them all
    await store.create('h4', 'f4', '{}', 1000)
    expect(store.size).toBe(1)
  })
})

describe('RedisStore', () => {
  it('keeps only hashes of tokens, with a TTL on every key', async () => {
    const redis = await connected(redisClient())
    const client = clientFor(newApp({ store: new RedisStore(redis, { prefix: 'hashes:' }) }))
    const { refresh_token } = await loginAs(client)
    const next = (await client.post('/auth/refresh', { json: { refresh_token } })).json().refresh_token
    const keys = await redis.keys('hashes:*')
    expect(keys.length).toBe(3) // two token keys, one family
    const dump: string[] = [...keys]
    for (const key of keys) {
      dump.push(
        JSON.stringify((await redis.type(key)) === 'hash' ? await redis.hgetall(key) : await redis.get(key)),
      )
      expect(await redis.pttl(key)).toBeGreaterThan(0)
    }
    const all = dump.join(' ')
    expect(all).not.toContain(refresh_token)
    expect(all).not.toContain(next)
    expect(all).toContain(hashToken(next))
    await client.close()
  })

  it('works again after Redis lost its scripts (EVALSHA falls back to EVAL)', async () => {
    const redis = await connected(redisClient())
    const store = new RedisStore(redis, { prefix: 'flush:' })
    await store.create(hashToken('a'), 'f', '{}', 10_000)
    await redis.script('FLUSH')
    expect((await store.rotate(hashToken('a'), hashToken('b'), 10_000)).status).toBe('rotated')
  })

  it('while Redis is down: 503 within 2 s from the endpoints that need it, verification keeps working', async () => {
    const redis = await connected(redisClient())
    const app = newApp({ store: new RedisStore(redis) })
    const client = clientFor(app)
    const { access_token, refresh_token } = await loginAs(client)
    await server.stop()
    try {
      for (const [url, json] of [
        ['/auth', { username: 'alice', password: 'wonderland' }],
        ['/auth/refresh', { refresh_token }],
        ['/auth/logout', { refresh_token }],
      ] as const) {
        const started = Date.now()
        const res = await client.post(url, { json })
        expect(Date.now() - started).toBeLessThan(2500)
        expect(res.status, url).toBe(503)
        expect(res.headers.get('content-type')).toBe('application/problem+json')
        expect(res.json().code).toBe('BRISK_JWT_ERR_STORE_UNAVAILABLE')
        expect(res.headers.get('retry-after')).toBe('5')
      }
      const guarded = await client.get('/books', { headers: { authorization: `Bearer ${access_token}` } })
      expect(guarded.status).toBe(200)
      expect(
        (await client.get('/auth/verify', { headers: { authorization: `Bearer ${access_token}` } })).status,
      ).toBe(200)
    } finally {
      await server.start()
    }
    await connected(redis)
    expect((await client.post('/auth', { json: { username: 'alice', password: 'wonderland' } })).status).toBe(
      200,
    )
    await client.close()
  })

  it('answers 503 within the store timeout even from a client that queues commands while disconnected', async () => {
    const patient = new Redis(server.url, { maxRetriesPerRequest: null }) // waits forever by itself
    patient.on('error', () => {})
    clients.push(patient)
    await connected(patient)
    const client = clientFor(newApp({ store: new RedisStore(patient), storeTimeout: 300 }))
    await server.stop()
    try {
      const started = Date.now()
      const res = await client.post('/auth', { json: { username: 'alice', password: 'wonderland' } })
      expect(res.status).toBe(503)
      expect(Date.now() - started).toBeLessThan(1500)
    } finally {
      await server.start()
    }
    await client.close()
  })
})
