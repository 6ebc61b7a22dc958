/**
 * The plugin: resolves its options when it is registered, then puts one CORS configuration on each route.
 *
 * Nearest wins. The app, a blueprint and a route may each configure CORS, and only one configuration may act
 * on a route, or a blueprint's origins would be added to the app's. Core calls a route's `onRoute` hooks with
 * one builder, scope by scope from the app inwards, so the first registration to see a route attaches the
 * hooks (once) with a slot, and every nearer registration overwrites the slot's policy; the route's own
 * `cors` option, read by each of them, has the last word. The hooks read the slot, final once the app has
 * started.
 */
import { Brisk, definePlugin, type RouteBuilder } from '@brisk/core'
import { answerPreflight, decorate, decorateActual } from './hooks'
import type { CorsOptions } from './options'
import { type Policy, resolvePolicy } from './policy'

interface Slot {
  policy: Policy | null
}

const slots = new WeakMap<RouteBuilder, Slot>()
// A route's `cors` object is shared by the route and its automatic OPTIONS route: resolve it once.
const routePolicies = new WeakMap<CorsOptions, Policy>()

/**
 * CORS for an app, a blueprint, or single routes: answers preflights, adds `Access-Control-Allow-*` headers
 * for allowed origins (error responses included) and appends `Vary`. Options are checked and turned into
 * header strings when the app starts; a bad one rejects `ready()`/`listen()` with a {@link CorsError}.
 *
 * @example
 * import { Blueprint, Brisk } from '@brisk/core'
 * import { cors } from '@brisk/cors'
 *
 * const api = new Blueprint('api', { prefix: '/api' }).use(cors, {
 *   origins: ['https://app.example.com'],
 *   credentials: true,
 *   maxAge: 600,
 * })
 * api.get('/books', () => books)
 * api.get('/embed', { cors: { origins: '*' } }, () => embed) // this route's own configuration
 * api.post('/internal', { cors: false }, () => internal)      // no CORS here
 * const app = new Brisk().blueprint(api)
 */
export const cors = definePlugin<CorsOptions | undefined>({
  name: '@brisk/cors',
  core: '>=26.11.0',
  register(scope, options) {
    const app = scope instanceof Brisk
    const where = `@brisk/cors on ${app ? 'app' : 'blueprint'} "${scope.name}"`
    const policy = resolvePolicy(options, where)
    scope.onRoute((route) => {
      let slot = slots.get(route)
      if (slot === undefined) {
        slot = { policy: null }
        slots.set(route, slot)
        attach(route, slot)
      }
      slot.policy = policyFor(route, policy)
    })
    // Requests no route matched (404, 405, a malformed path) run the app's middleware only: the app's
    // configuration covers them, so a page can read the error of an allowed cross-origin request.
    if (app)
      scope.onResponse((req, res) => (req.route === null ? decorateActual(policy, req, res) : undefined))
  },
})

function attach(route: RouteBuilder, slot: Slot): void {
  route.addResponseHook((req, res) => (slot.policy === null ? undefined : decorate(slot.policy, req, res)))
  // Only routes that can receive an OPTIONS request can receive a preflight ('*' is core's any-method marker).
  if (route.method === 'OPTIONS' || route.method === '*') {
    route.addRequestHook((req) => (slot.policy === null ? undefined : answerPreflight(slot.policy, req)))
  }
}

function policyFor(route: RouteBuilder, scoped: Policy): Policy | null {
  const own = route.options.cors
  if (own === undefined) return scoped
  if (own === false) return null
  let policy = routePolicies.get(own)
  if (policy === undefined) {
    policy = resolvePolicy(own, `@brisk/cors option of route ${route.method} ${route.path}`)
    routePolicies.set(own, policy)
  }
  return policy
}
