import { Blueprint, Brisk } from '@brisk/core'
import { expectTypeOf, it } from 'vitest'
import {
  type AccessClaims,
  type JwtCtx,
  type JwtUser,
  jwt,
  MemoryStore,
  type RefreshTokenStore,
  requireAuth,
} from '../../src/index'

it('types req.ctx.jwt where the plugin is registered, and only there', () => {
  const app = new Brisk().use(jwt, { secret: 'x'.repeat(32), authenticate: () => null })
  expectTypeOf(app).toEqualTypeOf<Brisk<{ ctx: JwtCtx }>>()
  app.get('/a', { auth: true }, (req) => {
    expectTypeOf(req.ctx.jwt).toEqualTypeOf<AccessClaims | undefined>()
    expectTypeOf(req.ctx.user).toEqualTypeOf<JwtUser | undefined>()
    return req.ctx.jwt?.sub
  })
  // @ts-expect-error no jwt field without the plugin
  new Brisk().get('/b', (req) => req.ctx.jwt)
})

it('takes the auth route option as true, false or scopes', () => {
  const app = new Brisk().use(jwt, { secret: 'x'.repeat(32), blueprint: false })
  app.get('/a', { auth: { scopes: ['books:write'], anyOf: ['x'] } }, () => 'a')
  app.get('/b', { auth: false }, () => 'b')
  // @ts-expect-error scopes are a list
  app.get('/c', { auth: { scopes: 'books:write' } }, () => 'c')
})

it('types the options: authenticate gets string fields, stores implement the interface', () => {
  new Brisk().use(jwt, {
    secret: 'x'.repeat(32),
    authenticate: (body) => {
      expectTypeOf(body).toEqualTypeOf<Record<string, string>>()
      return { user_id: 1 }
    },
    store: new MemoryStore(),
  })
  expectTypeOf<MemoryStore>().toMatchTypeOf<RefreshTokenStore>()
  // @ts-expect-error accessTtl is a number of seconds
  new Brisk().use(jwt, { secret: 'x'.repeat(32), accessTtl: '15m' })
})

it('requireAuth returns the scope it was given, for blueprints and groups', () => {
  const bp = requireAuth(new Blueprint('a'), { scopes: ['x'] })
  expectTypeOf(bp).toEqualTypeOf<Blueprint>()
  requireAuth(Blueprint.group([bp]))
})
