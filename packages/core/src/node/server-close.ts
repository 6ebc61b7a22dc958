/**
 * The graceful close both servers share: stop accepting, say goodbye to websockets, close keep-alive
 * connections as they go idle, and after `grace` ms cut whatever is left.
 */
import type { WebSocket } from 'ws'
import type { Logger } from '../log/logger'

/** What {@link drainServer} needs from a server. */
export interface Drainable {
  /** Resolves once the listening socket and every connection are closed. */
  readonly closed: Promise<void>
  /** Open websockets (no longer HTTP: each gets 1001 Going Away). */
  readonly sockets: Set<WebSocket>
  /** Closes the connections that have nothing in progress. */
  closeIdle(): void
  /** Cuts every connection that is left. */
  closeAll(): void
  /** How many connections are still open, websockets and other upgraded sockets included (idle ones are closed by then). */
  open(): Promise<number>
}

/**
 * Closes `server` within `grace` milliseconds. What is still open then is cut, and `log` says so: a request
 * cut off by a shutdown is a lost answer that an operator must be able to see.
 *
 * @example
 * await drainServer({ closed, sockets, closeIdle, closeAll, open }, 10_000, app.log)
 */
export async function drainServer(server: Drainable, grace: number, log: Logger): Promise<void> {
  for (const ws of server.sockets) ws.close(1001, 'Server shutting down')
  // Keep-alive connections that finish their response become idle: close them as they do.
  const sweep = setInterval(() => server.closeIdle(), 50)
  server.closeIdle()
  let timer: ReturnType<typeof setTimeout> | undefined
  const expired = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(true), grace)
  })
  const late = await Promise.race([server.closed.then(() => false), expired])
  clearInterval(sweep)
  clearTimeout(timer)
  if (late) {
    const connections = await server.open()
    const websockets = server.sockets.size
    if (connections > 0 || websockets > 0) {
      log.warn(
        { shutdownTimeout: grace, connections, websockets },
        `shutdownTimeout (${grace} ms) passed: cutting ${connections} connection(s) still in use (${websockets} of them websockets); requests in progress get no answer`,
      )
    }
  }
  server.closeAll()
  for (const ws of server.sockets) ws.terminate()
  await server.closed
}
