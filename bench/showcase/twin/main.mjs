/**
 * The twin's process entry: `node bench/showcase/twin/main.mjs`, with the showcase's environment (PORT, HOST,
 * WORKERS, JWT_SECRET, REDIS_URL, CORS_ORIGINS, NODE_ENV). A bad environment stops it with a one-line message
 * and exit code 1 before anything listens. WORKERS > 1 runs that many worker processes on the one port with
 * node's `cluster` (a worker that dies is replaced); SIGTERM / SIGINT stop accepting, finish the requests in
 * flight (Fastify's `close()`) and exit 0. Ready when `GET /health` answers; it also prints one line.
 */
import cluster from 'node:cluster'
import { createTwin } from './app.mjs'
import { ConfigError, readConfig } from './config.mjs'

let config
try {
  config = readConfig(process.env)
} catch (error) {
  if (!(error instanceof ConfigError)) throw error
  console.error(`twin: ${error.message}`)
  process.exit(1)
}

const stores = config.redisUrl === undefined ? 'in memory' : 'in Redis'

if (config.workers > 1 && cluster.isPrimary) {
  for (const warning of config.warnings) console.warn(`twin: ${warning}`)
  await runPrimary(config.workers)
} else {
  if (cluster.isPrimary) for (const warning of config.warnings) console.warn(`twin: ${warning}`)
  await runServer()
}

/** One server: this process alone, or one worker of several. */
async function runServer() {
  const app = await createTwin(config)
  let stopping = false
  const stop = async () => {
    if (stopping) return
    stopping = true
    // Fastify closes the idle keep-alive connections when close() starts; one busy then would stay open
    // until its keep-alive timeout (72 s) once its answer is sent, so idle ones are closed again until exit.
    setInterval(() => app.server.closeIdleConnections(), 100).unref()
    // As the showcase's shutdown timeout: after 10 s, whatever is still open is cut.
    setTimeout(() => {
      app.server.closeAllConnections()
      process.exit(0)
    }, 10_000).unref()
    await app.close()
    process.exit(0)
  }
  process.on('SIGTERM', stop)
  process.on('SIGINT', stop)
  // A worker whose primary is gone (killed without passing the stop on) stops too.
  if (cluster.isWorker) process.on('disconnect', stop)
  const url = await app.listen({ port: config.port, host: config.host })
  if (cluster.isPrimary) {
    console.log(`twin: listening on ${url}, sessions and refresh tokens ${stores} (Ctrl-C to stop)`)
  }
}

/** The primary of WORKERS processes: forks them, replaces one that dies, passes a stop on. */
async function runPrimary(count) {
  let stopping = false
  const fork = () => cluster.fork()
  cluster.on('exit', (worker, code, signal) => {
    if (stopping) {
      if (Object.keys(cluster.workers).length === 0) process.exit(0)
      return
    }
    console.error(`twin: worker ${worker.process.pid} died (${signal ?? code}); starting another`)
    fork()
  })
  const stop = () => {
    if (stopping) return
    stopping = true
    const workers = Object.values(cluster.workers)
    if (workers.length === 0) process.exit(0)
    // A signal, not cluster's disconnect(): each worker closes its server itself and exits 0.
    for (const worker of workers) worker.process.kill('SIGTERM')
  }
  process.on('SIGTERM', stop)
  process.on('SIGINT', stop)
  let listening = 0
  const ready = new Promise((resolve) => {
    cluster.on('listening', () => {
      if (++listening === count) resolve()
    })
  })
  for (let i = 0; i < count; i++) fork()
  await ready
  const host = config.host.includes(':') ? `[${config.host}]` : config.host
  console.log(
    `twin: listening on http://${host}:${config.port} with ${count} workers, sessions and refresh tokens ${stores} (Ctrl-C to stop)`,
  )
}
