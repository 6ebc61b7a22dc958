/**
 * One list of cases every server-side store must pass, run against MemoryStore and RedisStore (a real
 * redis-server on loopback).
 */
import { type RedisServer, startRedisServer } from '@brisk/testing/services'
import { Redis } from 'ioredis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { MemoryStore, RedisStore, type Store } from '../src/index'

let redis: RedisServer
let client: Redis
beforeAll(async () => {
  redis = await startRedisServer()
  client = new Redis(redis.url, { maxRetriesPerRequest: 1 })
})
afterAll(async () => {
  client.disconnect()
  await redis.stop()
})

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
let n = 0
const newId = () => `id-${process.pid}-${++n}`

describe.each([
  ['MemoryStore', () => new MemoryStore() as Store],
  ['RedisStore', () => new RedisStore({ client, prefix: 'test:sess:' }) as Store],
])('%s', (_name, make) => {
  it('keeps a record and hands back a copy, not the object it was given', async () => {
    const store = make()
    const id = newId()
    const data = { user: { id: 7 }, tags: ['a'] }
    expect(await store.set(id, data, 60_000, { mustExist: false })).toBe(true)
    data.tags.push('changed')
    const first = await store.get(id)
    expect(first).toEqual({ user: { id: 7 }, tags: ['a'] })
    ;(first!.tags as string[]).push('mutated')
    expect(await store.get(id)).toEqual({ user: { id: 7 }, tags: ['a'] })
  })

  it('answers undefined for an id it does not know', async () => {
    expect(await make().get(newId())).toBeUndefined()
  })

  it('forgets a record on destroy, and destroying an unknown id is fine', async () => {
    const store = make()
    const id = newId()
    await store.set(id, { a: 1 }, 60_000, { mustExist: false })
    await store.destroy(id)
    await store.destroy(id)
    expect(await store.get(id)).toBeUndefined()
  })

  it('with mustExist, does not bring back a record that is gone, and answers false', async () => {
    const store = make()
    const id = newId()
    expect(await store.set(id, { a: 1 }, 60_000, { mustExist: true })).toBe(false)
    expect(await store.get(id)).toBeUndefined()
    await store.set(id, { a: 1 }, 60_000, { mustExist: false })
    expect(await store.set(id, { a: 2 }, 60_000, { mustExist: true })).toBe(true)
    expect(await store.get(id)).toEqual({ a: 2 })
  })

  it('expires a record after its time to live, and touch() renews it', async () => {
    const store = make()
    const [a, b] = [newId(), newId()]
    await store.set(a, { a: 1 }, 150, { mustExist: false })
    await store.set(b, { b: 1 }, 150, { mustExist: false })
    await sleep(80)
    expect(await store.touch(b, 400)).toBe(true)
    await sleep(150)
    expect(await store.get(a)).toBeUndefined()
    expect(await store.get(b)).toEqual({ b: 1 })
    expect(await store.touch(a, 400)).toBe(false)
  })

  it('refuses a value JSON cannot carry', async () => {
    const store = make()
    await expect(async () => store.set(newId(), { n: 1n }, 1000, { mustExist: false })).rejects.toThrow(
      TypeError,
    )
  })
})

describe('MemoryStore', () => {
  it('keeps at most `max` sessions, dropping the least recently used', () => {
    const store = new MemoryStore({ max: 3 })
    for (const id of ['a', 'b', 'c']) store.set(id, { id }, 60_000, { mustExist: false })
    store.get('a') // a is now the most recently used; b the least
    store.set('d', { id: 'd' }, 60_000, { mustExist: false })
    expect(store.size).toBe(3)
    expect(store.get('b')).toBeUndefined()
    expect(['a', 'c', 'd'].map((id) => store.get(id)?.id)).toEqual(['a', 'c', 'd'])
    expect(() => new MemoryStore({ max: 0 })).toThrow(TypeError)
  })
})

describe('RedisStore', () => {
  it('writes one JSON string per session under its prefix, with a TTL on every write', async () => {
    const store = new RedisStore({ client, prefix: 'shop:' })
    await store.set('abc', { visits: 3 }, 60_000, { mustExist: false })
    expect(await client.get('shop:abc')).toBe('{"visits":3}')
    const ttl = await client.pttl('shop:abc')
    expect(ttl).toBeGreaterThan(50_000)
    expect(ttl).toBeLessThanOrEqual(60_000)
    await client.persist('shop:abc')
    await store.set('abc', { visits: 4 }, 30_000, { mustExist: true })
    expect(await client.pttl('shop:abc')).toBeGreaterThan(20_000)
    await client.set('shop:junk', 'not json')
    expect(await store.get('junk')).toBeUndefined()
    expect(() => new RedisStore({ client: undefined as never })).toThrow(/ioredis client/)
  })
})
