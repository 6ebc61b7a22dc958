/**
 * Fastify's `clientErrorHandler`: what node's HTTP parser refuses before Fastify sees a request (a request
 * line it cannot parse, header lines over node's 16 KiB) is answered as problem+json too, as the contract
 * asks, instead of Fastify's default JSON body. The connection is closed after it.
 */
import { statusTitle } from './problem.mjs'

/**
 * @example
 * Fastify({ clientErrorHandler })
 */
export function clientErrorHandler(error, socket) {
  if (error.code === 'ECONNRESET' || socket.destroyed) return
  const status =
    error.code === 'HPE_HEADER_OVERFLOW' ? 431 : error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400
  const body = JSON.stringify({ type: 'about:blank', title: statusTitle(status), status })
  if (!socket.writable) return void socket.destroy()
  socket.end(
    `HTTP/1.1 ${status} ${statusTitle(status)}\r\ncontent-type: application/problem+json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
  )
}
