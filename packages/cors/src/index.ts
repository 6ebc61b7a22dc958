/**
 * @module @brisk/cors
 * CORS for Brisk: preflights answered, allow headers for allowed origins, per app, blueprint and route.
 *
 * @example
 * import { Brisk } from '@brisk/core'
 * import { cors } from '@brisk/cors'
 *
 * const app = new Brisk().use(cors, { origins: ['https://app.example.com'], credentials: true })
 * app.get('/books', () => [{ id: 1, title: 'Dune' }])
 */

// The plugin
export { cors } from './cors'
export type { CorsErrorCode } from './errors'

// Errors
export { CorsError } from './errors'
// Options (importing the package also adds `cors` to core's RouteOptions)
export type { CorsOptions, OriginFunction, OriginOption } from './options'
