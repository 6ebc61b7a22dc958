/**
 * The process entry: `pnpm start` (or `node --import tsx src/main.ts`). Reads the environment, refuses a
 * bad one with a one-line message and exit code 1 before listening, and serves on HOST:PORT with WORKERS
 * worker processes. SIGTERM / SIGINT drain the requests in flight and exit 0 (core's listen() handles the
 * signals, and passes them on to the workers).
 */
import cluster from 'node:cluster'
import { createShowcase } from './app'
import { ConfigError, readConfig } from './config'

let config: ReturnType<typeof readConfig>
try {
  config = readConfig(process.env)
} catch (error) {
  if (!(error instanceof ConfigError)) throw error
  console.error(`showcase: ${error.message}`)
  process.exit(1)
}

// With workers this module runs in every process: say things once, in the primary.
const primary = cluster.isPrimary
if (primary) for (const warning of config.warnings) console.warn(`showcase: ${warning}`)

const app = createShowcase(config)
// `log: false`: core's own JSON line would repeat the one below, which also says where the state lives.
const { url } = await app.listen({
  port: config.port,
  host: config.host,
  workers: config.workers,
  log: false,
})
if (primary) {
  const workers = config.workers === 1 ? '' : ` with ${config.workers} workers`
  const stores = config.redisUrl === undefined ? 'in memory' : 'in Redis'
  console.log(
    `showcase: listening on ${url}${workers}, sessions and refresh tokens ${stores} (Ctrl-C to stop)`,
  )
}
