/**
 * The access log: one `info` line per request with method, path, status, duration and request id. It is a
 * pair of app-level hooks registered first, so it times everything else and sees 404s and errors too.
 */

import type { BriskRequest } from '../http/request'
import type { BriskResponse } from '../http/response'
import type { Logger } from './logger'

const started = new WeakMap<object, number>()

/**
 * The two hooks of the access log, for `logger`.
 *
 * @example
 * const { onRequest, onResponse } = accessLogHooks(app.log)
 */
export function accessLogHooks(logger: Logger): {
  onRequest: (req: BriskRequest<any, any>) => void
  onResponse: (req: BriskRequest<any, any>, res: BriskResponse) => void
} {
  return {
    onRequest(req) {
      started.set(req, performance.now())
    },
    onResponse(req, res) {
      const begin = started.get(req)
      const ms = begin === undefined ? undefined : Math.round((performance.now() - begin) * 100) / 100
      logger.info({ method: req.method, path: req.path, status: res.status, ms, reqId: req.id }, 'request')
    },
  }
}
