#!/usr/bin/env node
/**
 * The `brisk` command: `brisk serve ./app.js`, `brisk routes ./app.js`. See `USAGE` in `cli-args.ts`.
 *
 * This file only runs; the parts that can be tested without a process live in `cli-*.ts`.
 */
import cluster from 'node:cluster'
import { fileURLToPath } from 'node:url'
import { reportFailure } from '../node/cluster'
import { VERSION } from '../version'
import { CliError, parseCommandLine, type RoutesCommand, type ServeCommand, USAGE } from './cli-args'
import { DEV_CHILD_ENV, superviseDev } from './cli-dev'
import { type CliApp, loadApp } from './cli-load'
import { formatRouteTable, routeRows } from './cli-routes'

async function main(argv: readonly string[]): Promise<void> {
  const command = parseCommandLine(argv, process.env)
  switch (command.kind) {
    case 'help':
      process.stdout.write(USAGE)
      return
    case 'version':
      process.stdout.write(`${VERSION}\n`)
      return
    case 'serve':
      return serve(command)
    case 'routes':
      return routes(command)
  }
}

async function serve(command: ServeCommand): Promise<void> {
  const supervised = process.env[DEV_CHILD_ENV] === '1'
  if (command.dev && !supervised) return superviseDev(command, { cli: fileURLToPath(import.meta.url) })
  // Before the import: the app reads NODE_ENV when it is constructed, at the module's top level.
  if (command.dev) process.env.NODE_ENV = 'development'
  const { app } = await loadApp(command.target, process.cwd())
  if (app.server !== null && app.server !== undefined) {
    throw new CliError(alreadyListening(command))
  }
  let address: { url: string }
  try {
    // The CLI prints its own line (below) for a person at a terminal; the app's log line would repeat it.
    address = await app.listen({
      port: command.port,
      host: command.host,
      workers: command.workers,
      log: false,
    })
  } catch (error) {
    await app.close().catch(() => {})
    throw listenError(error as Error & { code?: string }, command)
  }
  // In a cluster, every worker runs this file too; the primary speaks for all of them.
  if (cluster.isPrimary) {
    const workers = command.workers > 1 ? ` (${command.workers} workers)` : ''
    console.log(`Brisk app "${app.config?.name ?? 'brisk'}" listening on ${address.url}${workers}`)
  }
  stopOnSignals(app)
  // A --dev server must not outlive its supervisor, even one killed with SIGKILL. (A cluster worker's channel
  // leads to its primary, which looks after its workers itself.)
  if (supervised && cluster.isPrimary && process.channel !== undefined) {
    process.channel.unref()
    process.once('disconnect', () => void stopAndExit(app))
  }
}

async function routes(command: RoutesCommand): Promise<void> {
  const { app } = await loadApp(command.target, process.cwd())
  let rows: ReturnType<typeof routeRows>
  if (typeof app.compile === 'function') {
    // The route table without starting the app: no listener runs, so nothing they print mixes with --json.
    await app.compile()
    rows = routeRows(app.routes())
  } else {
    // An app of an older @brisk/core: only ready() compiles it, and it runs beforeStart listeners.
    try {
      await app.ready()
      rows = routeRows(app.routes())
    } finally {
      await app.close()
    }
  }
  process.stdout.write(command.json ? `${JSON.stringify(rows, null, 2)}\n` : formatRouteTable(rows))
  // The module may hold the event loop open (a pool, an interval) even after close(): we are done.
  await exitAfterOutput(0)
}

let stopping = false

/**
 * SIGTERM or SIGINT: close gracefully (drain requests, stop tasks) and exit 0; a second one exits at once.
 * Only where nothing else listens for the signal: the app's own `listen()` may already handle it.
 */
function stopOnSignals(app: CliApp): void {
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    if (process.listenerCount(signal) > 0) continue
    process.on(signal, () => {
      if (stopping) {
        console.error(`brisk: ${signal} again, exiting without waiting`)
        process.exit(1)
      }
      void stopAndExit(app)
    })
  }
}

async function stopAndExit(app: CliApp): Promise<void> {
  if (stopping) return
  stopping = true
  try {
    await app.close()
  } catch (error) {
    report(error, 'failed to stop')
    process.exit(1)
  }
  process.exit(0)
}

function listenError(error: Error & { code?: string }, command: ServeCommand): Error {
  // A module that listens itself with workers has no `server` in the primary (its workers serve), so the check
  // after the import misses it and the second listen() says so instead.
  if (error.code === 'BRISK_ERR_LISTENING') return new CliError(alreadyListening(command), { cause: error })
  if (error.code === 'EADDRINUSE') {
    return new CliError(`port ${command.port} on ${command.host} is already in use`, { cause: error })
  }
  if (error.code === 'EADDRNOTAVAIL' || error.code === 'ENOTFOUND') {
    return new CliError(`cannot listen on ${command.host}: not an address of this machine`, { cause: error })
  }
  if (error.code === 'EACCES') {
    return new CliError(`not allowed to listen on port ${command.port} (ports below 1024 need privileges)`, {
      cause: error,
    })
  }
  return error
}

function alreadyListening(command: ServeCommand): string {
  return `${command.target.module} already started its server when imported (it calls app.listen()); remove that call or run it only when the file is the main module, and let brisk serve the app`
}

function report(error: unknown, what = 'failed to start'): void {
  if (error instanceof CliError) {
    console.error(`brisk: ${error.message}`)
    if (error.usage) console.error(`\n${USAGE}`)
    return
  }
  // Anything else is the app's own failure (a listener that threw, …): its stack is what the user needs.
  console.error(`brisk: the app ${what}:`)
  console.error(error instanceof Error ? (error.stack ?? error.message) : error)
}

function exitAfterOutput(code: number): Promise<never> {
  // Wait for stdout to flush: a pipe may still hold the table when process.exit() would cut it off.
  return new Promise(() => process.stdout.write('', () => process.exit(code)))
}

main(process.argv.slice(2)).catch(async (error: unknown) => {
  // A cluster worker hands its error to the primary, which prints it once for all workers and exits 1.
  if (!cluster.isWorker || !(await reportFailure(error))) report(error)
  process.exit(1)
})
