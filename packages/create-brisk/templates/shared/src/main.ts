/**
 * The process entry: serves the app on HOST:PORT (127.0.0.1:8000 by default). SIGTERM and SIGINT (Ctrl-C)
 * let the requests in flight finish, then the process exits with code 0.
 */
import { createApp } from './app.js'

const port = Number(process.env.PORT ?? 8000)
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`__APP_NAME__: PORT must be a port number, got ${JSON.stringify(process.env.PORT)}`)
  process.exit(1)
}

await createApp().listen({ port, host: process.env.HOST ?? '127.0.0.1' })
