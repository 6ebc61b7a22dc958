/**
 * Serves `makeFullApp()` with `Deno.serve(app.fetch)` on a free loopback port and prints the port.
 */
import { makeFullApp } from './full-app'

declare const Deno: {
  serve(
    options: { port: number; hostname: string; onListen: (address: { port: number }) => void },
    handler: (request: Request) => Response | Promise<Response>,
  ): unknown
}

const app = makeFullApp()
Deno.serve(
  { port: 0, hostname: '127.0.0.1', onListen: ({ port }) => console.log(`listening ${port}`) },
  app.fetch,
)
