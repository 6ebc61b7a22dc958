/**
 * What a registration of the plugin shares with its requests: the checked settings, the signer, the cookie
 * store's sealer, and the store calls with their time limit and the logging of failures.
 */
import type { Logger } from '@brisk/core'
import type { CookieSealer } from './cookie-store'
import { SessionStoreUnavailable } from './errors'
import type { Settings } from './options'
import type { Signer } from './signer'

/** One registration's settings and helpers, built when the app starts. */
export interface Engine {
  readonly settings: Settings
  readonly signer: Signer
  readonly sealer: CookieSealer | null
  /** When a store failure was last logged (ms), so an outage logs once a second, not once per request. */
  lastLog: number
  /** Failures not logged since then. */
  unlogged: number
}

/**
 * Waits for a store call, at most `storeTimeout` ms; a failure, or no answer in time, becomes a
 * {@link SessionStoreUnavailable} (503) and is logged. A call that answered synchronously costs no timer.
 *
 * @example
 * const data = await settle(engine, log, store.get(id))
 */
export function settle<T>(engine: Engine, log: Logger, value: T | Promise<T>): T | Promise<T> {
  if (!(value instanceof Promise)) return value
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(unavailable(engine, log, new Error(`no answer within ${engine.settings.storeTimeout} ms`)))
    }, engine.settings.storeTimeout)
    value.then(
      (result) => {
        clearTimeout(timer)
        resolve(result)
      },
      (error: unknown) => {
        clearTimeout(timer)
        reject(unavailable(engine, log, error))
      },
    )
  })
}

/**
 * The 503 for a store failure, logged at most once a second with the number of failures in between.
 *
 * @example
 * throw unavailable(engine, req.app.log, error)
 */
export function unavailable(engine: Engine, log: Logger, cause: unknown): SessionStoreUnavailable {
  const now = Date.now()
  if (now - engine.lastLog >= 1000) {
    log.error(
      { err: cause, failuresSinceLastLog: engine.unlogged },
      '@brisk/session: the session store failed; requests that use a session get 503',
    )
    engine.lastLog = now
    engine.unlogged = 0
  } else {
    engine.unlogged++
  }
  return new SessionStoreUnavailable(cause)
}
