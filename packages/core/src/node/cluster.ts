/**
 * Many workers, one port: the primary process forks the workers (each runs the same script and serves the
 * app; `node:cluster` shares the listening socket), replaces a worker that dies, with backoff, and stops them
 * all gracefully. The primary itself serves nothing and runs only `mainStart` / `mainStop` listeners.
 *
 * Each worker tells the primary how its start went, over the cluster's IPC channel: `ready` once its
 * `listen()` has resolved, or `failed` with the error. A worker that fails, or exits before it is ready, is a
 * failed start, and a failed start stops the whole server: the fault (a port in use, a missing folder, a
 * `beforeStart` that throws) would only repeat in every replacement, so restarting it would loop, and the
 * error belongs to whoever called `listen()` in the primary. Only a worker that dies after it was ready is
 * replaced.
 */
import type { Worker } from 'node:cluster'
import { BriskError } from '../http/errors'
import type { Logger } from '../log/logger'
import { builtins } from './builtins'

type Address = { port: number; host: string; url: string }

/** An error as it crosses the IPC channel (structured clone keeps no class, `code` or stack). */
interface SentError {
  name: string
  message: string
  code?: string
  stack?: string
}

type WorkerMessage = { brisk: 'ready'; address: Address } | { brisk: 'failed'; error: SentError }

/** The primary's view of its workers. */
export interface PrimaryHandle {
  readonly address: Address
  /** Stops every worker with SIGTERM; SIGKILL for those still running after `grace` ms. */
  close(grace: number): Promise<void>
}

/** What {@link startPrimary} needs besides the worker count. */
export interface PrimaryOptions {
  readonly log: Logger
  /** How long a worker may take to drain (the app's `shutdownTimeout`). */
  readonly grace: number
  /**
   * Called when a worker fails to start after `startPrimary` resolved (a replacement): the server should
   * stop. Before that, a failed start rejects `startPrimary` instead.
   */
  readonly onFailure: (error: Error) => void
}

/** Whether this process is a cluster worker (then `listen` serves in-process). */
export function isWorker(): boolean {
  return builtins.cluster.isWorker
}

/**
 * Forks `count` workers and resolves once they all listen; rejects with the first worker's error, after
 * every worker has exited, when one of them cannot start.
 *
 * @example
 * const handle = await startPrimary(4, { log, grace: 10_000, onFailure: (err) => stop(err) })
 */
export async function startPrimary(count: number, options: PrimaryOptions): Promise<PrimaryHandle> {
  const { log, grace } = options
  const workers = new Set<Worker>()
  const pending = new Set<ReturnType<typeof setTimeout>>() // replacements waiting for their backoff
  let stopping = false
  let failed = false
  let started = false
  let ready = 0
  let recent: number[] = []
  let settle!: { resolve: (address: Address) => void; reject: (error: Error) => void }
  const starting = new Promise<Address>((resolve, reject) => {
    settle = { resolve, reject }
  })

  const fail = (error: Error): void => {
    if (stopping || failed) return // the first error is the one to report; the others are its echoes
    failed = true
    cancelReplacements()
    if (started) options.onFailure(error)
    else settle.reject(error)
  }

  const replace = (worker: Worker, code: number | null, signal: string | null): void => {
    // Back off when workers keep dying (a crash soon after start would otherwise spin), but stay under 5 s.
    const now = Date.now()
    recent = recent.filter((t) => now - t < 30_000)
    recent.push(now)
    const delay = Math.min(100 * 2 ** (recent.length - 1), 3_200)
    log.warn({ pid: worker.process.pid, code, signal, restartIn: delay }, 'worker exited; starting a new one')
    // Not unref'd: when every worker has died at once, this timer is all that keeps the primary alive.
    const timer = setTimeout(() => {
      pending.delete(timer)
      fork()
    }, delay)
    pending.add(timer)
  }

  const fork = (): void => {
    const worker = builtins.cluster.fork({ BRISK_WORKER: '1' })
    workers.add(worker)
    let listening = false
    worker.on('message', (message: WorkerMessage) => {
      if (message?.brisk === 'failed') fail(receiveError(message.error))
      else if (message?.brisk === 'ready' && !listening) {
        listening = true
        if (!started && ++ready === count) {
          started = true
          settle.resolve(message.address)
        }
      }
    })
    // Spawning failed (EAGAIN, …), or the channel broke: before it is ready, that is a failed start too.
    worker.on('error', (error: Error) => {
      if (listening) log.warn({ err: error, pid: worker.process.pid }, 'worker error')
      else fail(error)
    })
    worker.on('exit', (code, signal) => {
      workers.delete(worker)
      if (stopping || failed) return
      if (listening) return replace(worker, code, signal)
      const how = signal === null ? `with code ${code}` : `on ${signal}`
      const exited = (): void =>
        fail(
          new BriskError(
            'BRISK_ERR_WORKER_START',
            `a worker process (pid ${worker.process.pid}) exited ${how} before it was listening`,
          ),
        )
      // 'exit' may come before the channel is read to its end: its last message may be the real error.
      if (worker.isConnected()) worker.once('disconnect', exited)
      else exited()
    })
  }

  // However the primary ends (an uncaught error, a forced exit), it takes its workers with it.
  const killAll = (): void => {
    for (const w of workers) if (!w.isDead()) w.process.kill('SIGKILL')
  }
  process.once('exit', killAll)

  const cancelReplacements = (): void => {
    for (const timer of pending) clearTimeout(timer)
    pending.clear()
  }

  const stop = async (): Promise<void> => {
    stopping = true
    cancelReplacements()
    const live = [...workers].filter((w) => !w.isDead())
    const exits = live.map((w) => new Promise<void>((resolve) => w.once('exit', () => resolve())))
    for (const w of live) w.process.kill('SIGTERM')
    // The workers drain within their own shutdownTimeout; give them a little more before killing them.
    const timer = setTimeout(killAll, grace + 2_000)
    await Promise.all(exits)
    clearTimeout(timer)
    process.off('exit', killAll)
  }

  for (let i = 0; i < count; i++) fork()
  let address: Address
  try {
    address = await starting
  } catch (error) {
    await stop()
    throw error
  }
  return { address, close: stop }
}

/**
 * In a worker: tells the primary that `listen()` resolved.
 *
 * @example
 * reportReady(server.address)
 */
export function reportReady(address: Address): void {
  process.send?.({ brisk: 'ready', address } satisfies WorkerMessage)
}

/**
 * In a worker: hands a start-up error to the primary, which reports it once for all workers (its `listen()`
 * rejects with it). Resolves once the message is on its way, or at once when there is no primary to tell.
 *
 * @example
 * await reportFailure(error); process.exit(1)
 */
export function reportFailure(error: unknown): Promise<boolean> {
  return new Promise((resolve) => {
    if (process.send === undefined || !process.connected) return resolve(false)
    const message: WorkerMessage = { brisk: 'failed', error: sendError(error) }
    process.send(message, undefined, {}, (err: Error | null) => resolve(!err))
  })
}

function sendError(error: unknown): SentError {
  if (!(error instanceof Error)) return { name: 'Error', message: String(error) }
  const code = (error as { code?: unknown }).code
  return {
    name: error.name,
    message: error.message,
    code: typeof code === 'string' ? code : undefined,
    stack: error.stack,
  }
}

function receiveError(sent: SentError): Error {
  const error: Error & { code?: string } =
    sent.name === 'BriskError' && sent.code !== undefined
      ? new BriskError(sent.code, sent.message)
      : new Error(sent.message)
  error.name = sent.name
  if (sent.code !== undefined) error.code = sent.code
  // The worker's stack says where it failed; the primary's would only show this IPC handler.
  if (sent.stack !== undefined) error.stack = sent.stack
  return error
}
