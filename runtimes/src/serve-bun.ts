/**
 * Serves `makeFullApp()` with `Bun.serve({ fetch: app.fetch })` on a free loopback port and prints the port.
 */
import { makeFullApp } from './full-app'

declare const Bun: {
  serve(options: {
    port: number
    hostname: string
    fetch: (request: Request) => Response | Promise<Response>
  }): {
    port: number
  }
}

const app = makeFullApp()
const server = Bun.serve({ port: 0, hostname: '127.0.0.1', fetch: app.fetch })
console.log(`listening ${server.port}`)
