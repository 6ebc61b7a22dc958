import { Blueprint, Brisk } from '@brisk/core'
import { expectTypeOf, it } from 'vitest'
import { type CorsOptions, cors, type OriginFunction } from '../../src/index'

it('registers with or without options, on an app and on a blueprint', () => {
  const app = new Brisk().use(cors)
  new Brisk().use(cors, { origins: ['https://a.example'], credentials: true })
  new Blueprint('api').use(cors, { origins: async (origin, req) => origin.endsWith(req.hostname) })
  expectTypeOf(app).toEqualTypeOf<Brisk<{ ctx: {} }>>()
  // @ts-expect-error Express's option name is not Brisk's
  new Brisk().use(cors, { origin: '*' })
  // @ts-expect-error maxAge is a number of seconds
  new Brisk().use(cors, { maxAge: '600' })
})

it('adds `cors` to the route options: a configuration or false', () => {
  const app = new Brisk().use(cors)
  app.get('/a', { cors: false }, () => 'a')
  app.get('/b', { cors: { origins: '*', exposeHeaders: ['x-total'] } }, () => 'b')
  // @ts-expect-error true is not a configuration
  app.get('/c', { cors: true }, () => 'c')
  expectTypeOf<OriginFunction>().returns.toEqualTypeOf<boolean | Promise<boolean>>()
  expectTypeOf<CorsOptions['methods']>().toEqualTypeOf<readonly string[] | '*' | undefined>()
})
