/**
 * The graceful close both servers share: stop accepting, say goodbye to websockets, close keep-alive
 * connections as they go idle, and after `grace` ms cut whatever is left.
 */
import type { WebSocket } from 'ws'

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
}

/**
 * Closes `server` within `grace` milliseconds.
 *
 * @example
 * await drainServer({ closed, sockets, closeIdle: () => s.closeIdleConnections(), closeAll: () => s.closeAllConnections() }, 10_000)
 */
export async function drainServer(server: Drainable, grace: number): Promise<void> {
  for (const ws of server.sockets) ws.close(1001, 'Server shutting down')
  // Keep-alive connections that finish their response become idle: close them as they do.
  const sweep = setInterval(() => server.closeIdle(), 50)
  server.closeIdle()
  let timer: ReturnType<typeof setTimeout> | undefined
  const expired = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, grace)
  })
  await Promise.race([server.closed, expired])
  clearInterval(sweep)
  clearTimeout(timer)
  server.closeAll()
  for (const ws of server.sockets) ws.terminate()
  await server.closed
}
