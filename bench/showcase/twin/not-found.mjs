/**
 * 404, 405 and OPTIONS for the paths no route answers. Fastify's router answers a known path with an unknown
 * method as a plain 404; the contract wants 405 with `Allow` (and the showcase answers OPTIONS on any known
 * path with 204 and `Allow`). So every route is also put into a second find-my-way router (the one Fastify is
 * built on) by an `onRoute` hook, and the not-found handler asks it which methods the path has. That lookup
 * costs only requests that missed, as the showcase's own 405 does.
 */
import FindMyWay from 'find-my-way'
import { sendProblem, statusTitle } from './problem.mjs'

const METHODS = ['DELETE', 'GET', 'HEAD', 'PATCH', 'POST', 'PUT']
const CODES = { 404: 'BRISK_ERR_NOT_FOUND', 405: 'BRISK_ERR_METHOD_NOT_ALLOWED' }

/**
 * Installs the `onRoute` hook (call it before any route is added) and the not-found handler.
 *
 * @example
 * installNotFound(app) // then register the routes
 */
export function installNotFound(app) {
  const known = FindMyWay()
  const noop = () => {}
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) {
      // @fastify/cors' catch-all `OPTIONS /api/v1*` is not a resource: it must not make unknown paths known.
      if (method === 'OPTIONS' || !METHODS.includes(method)) continue
      try {
        known.on(method, route.url, noop)
      } catch {
        // the same method and path twice (Fastify's HEAD for a GET, `/docs` with and without a slash)
      }
    }
  })

  // The problem is sent from here, not thrown to the error handler: a miss costs no Error and stack trace.
  const problem = (status, detail) =>
    detail === undefined
      ? { type: 'about:blank', title: statusTitle(status), status, code: CODES[status] }
      : { type: 'about:blank', title: statusTitle(status), status, detail, code: CODES[status] }

  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0]
    const allowed = METHODS.filter((method) => known.find(method, path) !== null)
    // The path's own method is known: a route matched and then found nothing (a missing static file, which
    // @fastify/static hands on with callNotFound): a plain 404, without the router's "No route" detail.
    if (allowed.includes(request.method)) return sendProblem(request, reply, problem(404))
    if (allowed.length > 0) {
      const allow = [...allowed, 'OPTIONS'].sort().join(', ')
      reply.header('allow', allow)
      if (request.method === 'OPTIONS') return reply.code(204).send()
      return sendProblem(request, reply, problem(405, `${request.method} is not allowed on ${path}`))
    }
    return sendProblem(request, reply, problem(404, `No route for ${request.method} ${path}`))
  })
}
