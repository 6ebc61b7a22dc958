/**
 * Many workers, one port: the primary process forks the workers (each runs the same script and serves the
 * app; `node:cluster` shares the listening socket), restarts a worker that dies, with backoff, and stops them
 * all gracefully. The primary itself serves nothing and runs only `mainStart` / `mainStop` listeners.
 */
import cluster, { type Worker } from 'node:cluster'
import type { Logger } from './logger'

/** The primary's view of its workers. */
export interface PrimaryHandle {
  readonly address: { port: number; host: string; url: string }
  /** Stops every worker with SIGTERM; SIGKILL for those still running after `grace` ms. */
  close(grace: number): Promise<void>
}

/** Whether this process is a cluster worker (then `listen` serves in-process). */
export function isWorker(): boolean {
  return cluster.isWorker
}

/**
 * Forks `count` workers and resolves once they all listen.
 *
 * @example
 * const handle = await startPrimary(4, logger, false)
 */
export async function startPrimary(count: number, log: Logger, tls: boolean): Promise<PrimaryHandle> {
  let stopping = false
  let recent: number[] = []
  const fork = (): Worker => cluster.fork({ BRISK_WORKER: '1' })

  cluster.on('exit', (worker, code, signal) => {
    if (stopping) return
    // Back off when workers keep dying (a crash at start-up would otherwise spin), but stay under 5 s.
    const now = Date.now()
    recent = recent.filter((t) => now - t < 30_000)
    recent.push(now)
    const delay = Math.min(100 * 2 ** (recent.length - 1), 3_200)
    log.warn({ pid: worker.process.pid, code, signal, restartIn: delay }, 'worker exited; starting a new one')
    setTimeout(() => {
      if (!stopping) fork()
    }, delay).unref()
  })

  const listening = new Promise<{ address: string; port: number }>((resolve) => {
    let ready = 0
    const onListening = (_worker: Worker, address: { address: string | null; port: number }): void => {
      if (++ready < count) return
      cluster.off('listening', onListening)
      resolve({ address: address.address ?? '127.0.0.1', port: address.port })
    }
    cluster.on('listening', onListening)
  })
  for (let i = 0; i < count; i++) fork()
  const { address, port } = await listening
  const shown = address.includes(':') ? `[${address}]` : address

  return {
    address: { port, host: address, url: `${tls ? 'https' : 'http'}://${shown}:${port}` },
    async close(grace) {
      stopping = true
      const workers = Object.values(cluster.workers ?? {}).filter((w): w is Worker => w !== undefined)
      const exits = workers.map(
        (w) => new Promise<void>((resolve) => (w.isDead() ? resolve() : w.once('exit', () => resolve()))),
      )
      for (const w of workers) w.process.kill('SIGTERM')
      // The workers drain within their own shutdownTimeout; give them a little more before killing them.
      const timer = setTimeout(() => {
        for (const w of workers) if (!w.isDead()) w.process.kill('SIGKILL')
      }, grace + 2_000)
      await Promise.all(exits)
      clearTimeout(timer)
    },
  }
}
