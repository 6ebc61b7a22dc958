/**
 * A loopback port nobody listens on, for a service a test starts (redis-server, an app process).
 */
import { createServer } from 'node:net'

/**
 * Asks the system for a free port on 127.0.0.1 and lets it go again, for a process started next to bind.
 *
 * @example
 * const port = await freePort() // e.g. 41873
 */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number }
      server.close(() => resolve(port))
    })
  })
}
