/**
 * `WS /ws/echo`: every message comes back unchanged (text as text, binary as binary).
 */
import type { Brisk } from '@brisk/core'

/**
 * Adds the echo websocket route.
 *
 * @example
 * addEcho(app) // then: const ws = await client.websocket('/ws/echo'); await ws.send('hi')
 */
export function addEcho(app: Brisk<any>): void {
  app.websocket(
    '/ws/echo',
    async (_req, ws) => {
      for await (const message of ws) await ws.send(message)
    },
    { name: 'echo' },
  )
}
