/**
 * Serves `makeApp()` with `Deno.serve(app.fetch)` on a free loopback port and prints the port.
 */
import { makeApp } from './app'

declare const Deno: {
  serve(
    options: { port: number; hostname: string; onListen: (address: { port: number }) => void },
    handler: (request: Request) => Promise<Response>,
  ): unknown
}

const app = makeApp()
Deno.serve(
  { port: 0, hostname: '127.0.0.1', onListen: ({ port }) => console.log(`listening ${port}`) },
  app.fetch,
)
