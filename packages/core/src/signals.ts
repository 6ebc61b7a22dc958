/**
 * SIGTERM and SIGINT for listening apps: one process-wide handler (not one per app, so many apps in one
 * process add no listeners), which closes every app gracefully and exits 0. A second signal exits at once.
 */

interface Closable {
  close(): Promise<void>
}

const apps = new Set<Closable>()
let stopping = false

function onSignal(): void {
  if (stopping) process.exit(1) // asked twice: the operator wants out now
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
  process.off('SIGTERM', onSignal)
  process.off('SIGINT', onSignal)
}
