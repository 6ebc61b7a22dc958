/**
 * Starts the smoke app on a free loopback port after a request through @brisk/testing's client (no
 * sockets), and prints `listening <url>` for the test that drives it. SIGTERM stops it (exit 0).
 */
import { testClient } from '@brisk/testing'
import { makeApp } from './app.mjs'

const client = testClient(makeApp())
const health = await client.get('/health')
await client.close()
if (health.status !== 200 || health.json().status !== 'ok') {
  console.error(`the in-process check failed: ${health.status} ${health.text()}`)
  process.exit(1)
}

const { url } = await makeApp().listen({ port: 0, host: '127.0.0.1' })
console.log(`listening ${url}`)
