/**
 * The process entry: serves the app on HOST:PORT (127.0.0.1:8000 by default). APP_SECRET signs tokens and
 * session ids (32 characters or more, e.g. `openssl rand -hex 32`); without it, outside production, a
 * random one is made at each start (tokens and sessions then end with the process). SIGTERM and SIGINT
 * (Ctrl-C) let the requests in flight finish, then the process exits with code 0.
 */
import { randomBytes } from 'node:crypto'
import { createApp } from './app.js'

const port = Number(process.env.PORT ?? 8000)
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`__APP_NAME__: PORT must be a port number, got ${JSON.stringify(process.env.PORT)}`)
  process.exit(1)
}

const production = process.env.NODE_ENV === 'production'
const secret = process.env.APP_SECRET ?? (production ? '' : randomBytes(32).toString('hex'))
if (secret.length < 32) {
  console.error('__APP_NAME__: set APP_SECRET to 32 characters or more (openssl rand -hex 32)')
  process.exit(1)
}

await createApp({ secret, dev: !production }).listen({ port, host: process.env.HOST ?? '127.0.0.1' })
