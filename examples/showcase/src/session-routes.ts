/**
 * The session routes: a visit counter kept in a server-side session (memory or Redis), and a reset that
 * destroys it. The session plugin is registered on this blueprint only, so no other route ever touches the
 * session store: with Redis down, only these (and the token endpoints) answer 503.
 */
import { Blueprint, empty } from '@brisk/core'
import { type Store, session } from '@brisk/session'

declare module '@brisk/session' {
  interface SessionData {
    visits?: number
  }
}

/** How the session plugin is set up here. */
export interface SessionRoutesOptions {
  /** Signs the session ids (at least 32 bytes; every worker must have the same). */
  readonly secret: string
  /** Where sessions live: `MemoryStore` by default, `RedisStore` with `REDIS_URL`. */
  readonly store?: Store
  /** Milliseconds a store call may take before the request gets a 503. */
  readonly storeTimeout: number
}

/**
 * The `/session` blueprint: `GET /session/visits` and `POST /session/reset`.
 *
 * @example
 * app.blueprint(sessionBlueprint({ secret, storeTimeout: 1000 }))
 */
export function sessionBlueprint(options: SessionRoutesOptions): Blueprint {
  const bp = new Blueprint('session', { prefix: '/session' }).use(session, {
    secret: options.secret,
    ...(options.store === undefined ? {} : { store: options.store }),
    storeTimeout: options.storeTimeout,
    // The defaults are what the contract asks: cookie `sid`, HttpOnly, SameSite=Lax, Path=/, and Secure when
    // the request came over HTTPS (behind a proxy, with the app's trustProxy).
  })

  bp.get(
    '/visits',
    {
      name: 'visits',
      openapi: {
        summary: 'Count this session’s visits',
        responses: {
          200: {
            type: 'object',
            properties: { visits: { type: 'integer', minimum: 1 } },
            required: ['visits'],
          },
          503: { description: 'The session store is unavailable', contentType: 'application/problem+json' },
        },
      },
    },
    async (req) => {
      const visits = ((await req.ctx.session.get('visits')) ?? 0) + 1
      await req.ctx.session.set('visits', visits)
      return { visits }
    },
  )

  bp.post(
    '/reset',
    {
      name: 'reset',
      openapi: {
        summary: 'End the session: destroyed in its store, cookie cleared',
        responses: {
          204: { description: 'Done, whether or not there was a session' },
          503: { description: 'The session store is unavailable', contentType: 'application/problem+json' },
        },
      },
    },
    async (req) => {
      await req.ctx.session.destroy()
      return empty()
    },
  )

  return bp
}
