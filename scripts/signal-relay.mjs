/**
 * Passes a stop (SIGINT, SIGTERM, SIGHUP) on to a child in its own process group, once per stop.
 *
 * Why its own group: a terminal's Ctrl-C reaches every process of the foreground group, and pnpm passes its
 * own SIGINT on to the script's process as well. An app in the same group would hear one Ctrl-C two or three
 * times, and @brisk/core takes a repeat during the drain as "exit now" (exit 1). Alone in its group, the app
 * hears only what this relay sends it.
 *
 * Why a window: the launcher itself hears that one Ctrl-C twice (from the terminal, then from pnpm, a few
 * milliseconds apart). Signals within `echoMs` of the first are the same stop and are dropped; a later one is
 * the operator's second Ctrl-C, which core reads as "now", so it goes through.
 */
import { spawn } from 'node:child_process'

const STOPS = ['SIGINT', 'SIGTERM', 'SIGHUP']

/**
 * Starts relaying stops to `target()` (the child running at the moment, or undefined). SIGHUP (the terminal
 * went away) goes on as SIGTERM, since the app drains on that. Returns whether a stop has been heard, and a
 * function that removes the handlers.
 *
 * @param {() => import('node:child_process').ChildProcess | undefined} target
 * @param {{ echoMs?: number }} [options] @default echoMs 1000
 * @returns {{ stopped: () => NodeJS.Signals | undefined, dispose: () => void }}
 * @example
 * const relay = relayStops(() => app)
 * app.once('exit', () => relay.dispose())
 */
export function relayStops(target, options = {}) {
  const echoMs = options.echoMs ?? 1000
  let first
  let firstAt = 0
  const onSignal = (signal) => {
    const now = Date.now()
    if (first === undefined) {
      first = signal
      firstAt = now
    } else if (now - firstAt < echoMs) {
      return
    }
    const child = target()
    if (child !== undefined && child.exitCode === null && child.signalCode === null) {
      child.kill(signal === 'SIGHUP' ? 'SIGTERM' : signal)
    }
  }
  for (const signal of STOPS) process.on(signal, onSignal)
  return {
    stopped: () => first,
    dispose: () => {
      for (const signal of STOPS) process.off(signal, onSignal)
    },
  }
}

/**
 * Makes sure a detached child's group does not outlive this process: a tiny `sh` reads a pipe from this
 * process and, at its end of file (this process is gone, however it ended, SIGKILL included), sends SIGTERM
 * to the group, which drains and exits as on Ctrl-C. Returns a function that dismisses the guard.
 *
 * @param {number} pgid the child's pid, which leads its own group (spawned with `detached: true`)
 * @returns {() => void}
 * @example
 * const dismiss = stopWithThisProcess(app.pid)
 * app.once('exit', dismiss)
 */
export function stopWithThisProcess(pgid) {
  const guard = spawn('sh', ['-c', 'read _; kill -TERM -"$0" 2>/dev/null', String(pgid)], {
    stdio: ['pipe', 'ignore', 'ignore'],
    detached: true, // a Ctrl-C to this group must not end the guard
  })
  guard.on('error', () => {})
  guard.stdin.on('error', () => {})
  guard.unref()
  guard.stdin.unref?.()
  return () => guard.kill('SIGKILL')
}
