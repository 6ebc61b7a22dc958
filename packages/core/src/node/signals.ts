/**
 * SIGTERM and SIGINT for listening apps: one process-wide handler (not one per app, so many apps in one
 * process add no listeners), which closes every app gracefully and exits 0.
 *
 * What a second signal means depends on the process. A cluster worker hears every stop twice or more: a
 * terminal's Ctrl-C and a process-group SIGTERM (systemd, a container runtime) reach each process of the
 * group, and the primary passes its own on to each worker. So a worker drains once, however often it is
 * told; it never turns a repeat into a cut. The primary, or a single process, only hears a repeat when the
 * operator sends one: a second Ctrl-C during the drain means "now", so it exits 1 at once (the primary's
 * workers are killed on its way out, see `cluster.ts`).
 */
import type { Logger } from '../log/logger'
import { builtins } from './builtins'

interface Closable {
  close(): Promise<void>
  readonly log: Logger
}

const apps = new Set<Closable>()
let stopping = false

function onSignal(signal: NodeJS.Signals): void {
  if (stopping) {
    if (builtins.cluster.isWorker) return
    const [first] = apps
    first?.log.warn({ signal }, 'second signal while stopping: exiting without waiting for the drain')
    process.exit(1)
  }
  stopping = true
  Promise.allSettled([...apps].map((app) => app.close())).then((results) => {
    process.exit(results.some((r) => r.status === 'rejected') ? 1 : 0)
  })
}

/**
 * Makes SIGTERM/SIGINT close `app` (and every other tracked app) and exit.
 *
 * @example
 * trackSignals(app) // in listen()
 */
export function trackSignals(app: Closable): void {
  if (apps.size === 0) {
    process.on('SIGTERM', onSignal)
    process.on('SIGINT', onSignal)
  }
  apps.add(app)
}

/**
 * Stops tracking `app`; the process handlers go away with the last app.
 *
 * @example
 * untrackSignals(app) // in close()
 */
export function untrackSignals(app: Closable): void {
  if (!apps.delete(app) || apps.size > 0) return
  // A worker keeps ignoring repeats until it exits: a late SIGINT must not kill it during its last steps.
  if (stopping && builtins.cluster.isWorker) return
  process.off('SIGTERM', onSignal)
  process.off('SIGINT', onSignal)
}
