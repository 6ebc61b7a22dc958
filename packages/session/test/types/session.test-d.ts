import { Blueprint, Brisk } from '@brisk/core'
import { Redis } from 'ioredis'
import { expectTypeOf, it } from 'vitest'
import {
  CookieStore,
  MemoryStore,
  RedisStore,
  type Session,
  type SessionCtx,
  type SessionOptions,
  session,
} from '../../src/index'

declare module '../../src/store' {
  interface SessionData {
    typedCart?: { items: number[] }
  }
}

const secret = 'x'.repeat(32)

it('types req.ctx.session where the plugin is registered, and nowhere else', () => {
  const app = new Brisk().use(session, { secret })
  app.get('/', (req) => {
    expectTypeOf(req.ctx.session).toEqualTypeOf<Session>()
  })
  new Brisk().get('/', (req) => {
    // @ts-expect-error no session without the plugin
    req.ctx.session
  })
  // @ts-expect-error the secret is required
  new Brisk().use(session, {})
  // @ts-expect-error ttl is a number of seconds
  new Brisk().use(session, { secret, ttl: '1d' })
})

it('mounts a blueprint that needs the session only on an app that has it', () => {
  const account = new Blueprint<{ ctx: SessionCtx }>('account')
  account.get('/', async (req) => req.ctx.session.get('anything'))
  new Brisk().use(session, { secret }).blueprint(account)
  // @ts-expect-error this app has no session
  new Brisk().blueprint(account)
})

it('types values by SessionData augmentation, and unknown for other keys', async () => {
  const s = {} as Session
  expectTypeOf(await s.get('typedCart')).toEqualTypeOf<{ items: number[] } | undefined>()
  expectTypeOf(await s.get('other')).toEqualTypeOf<unknown>()
  await s.set('typedCart', { items: [1] })
  // @ts-expect-error items are numbers
  await s.set('typedCart', { items: ['a'] })
  expectTypeOf(await s.flashes('info')).toEqualTypeOf<string[]>()
  expectTypeOf(await s.flashes()).toEqualTypeOf<Record<string, string[]>>()
})

it('takes every store, an ioredis client for RedisStore', () => {
  const stores: SessionOptions['store'][] = [
    new MemoryStore({ max: 10 }),
    new RedisStore({ client: new Redis(), prefix: 'x:' }),
    new CookieStore(),
  ]
  expectTypeOf(stores).toBeArray()
})
