/**
 * The errors of the CORS plugin. They are configuration mistakes, found when the app starts (plugin
 * registration, or compiling a route's `cors` option), never sent to a client. The README lists every code
 * and a test fails when the two drift apart.
 */
import { BriskError } from '@brisk/core'

/**
 * Every code a {@link CorsError} can carry; the README says when each is thrown.
 *
 * @example
 * const code: CorsErrorCode = 'BRISK_CORS_ERR_WILDCARD_CREDENTIALS'
 */
export type CorsErrorCode = 'BRISK_CORS_ERR_OPTIONS' | 'BRISK_CORS_ERR_WILDCARD_CREDENTIALS'

/**
 * A CORS configuration the plugin refuses. It is a `BriskError`, so the app's start-up (`ready()`, `listen()`,
 * the first `fetch`/`inject`) rejects with it as it is.
 *
 * @example
 * try {
 *   await new Brisk().use(cors, { origins: '*', credentials: true }).ready()
 * } catch (error) {
 *   if (error instanceof CorsError) console.error(error.code, error.message)
 * }
 */
export class CorsError extends BriskError {
  declare readonly code: CorsErrorCode

  constructor(code: CorsErrorCode, message: string) {
    super(code, message)
    this.name = 'CorsError'
  }
}
