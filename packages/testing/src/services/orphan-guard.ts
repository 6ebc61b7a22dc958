/**
 * Processes a test starts must die with the test process, however it ends. A `process.on('exit')` hook is not
 * enough: Vitest ends its worker processes without running exit listeners, and a SIGKILL or a crash runs none
 * either. So a tiny `sh` waits on a pipe from this process: when this process is gone, whatever the cause, the
 * kernel closes the pipe, and the guard kills what it watches.
 */
import { spawn } from 'node:child_process'

/**
 * Kills `pid` (with `group`, its whole process group) with SIGKILL as soon as this process is gone. Returns
 * a function that dismisses the guard without killing anything (call it once the process has been stopped).
 *
 * @example
 * const dismiss = killWithThisProcess(child.pid!, { group: true })
 * child.once('exit', dismiss)
 */
export function killWithThisProcess(pid: number, options: { group?: boolean } = {}): () => void {
  const target = options.group === true ? `-${pid}` : String(pid)
  // `read` returns at end of file: when this process has exited and its end of the pipe is closed.
  // Its own group (detached), so that signalling the watched group does not end the guard too early.
  const guard = spawn('sh', ['-c', 'read _; kill -KILL "$0" 2>/dev/null', target], {
    stdio: ['pipe', 'ignore', 'ignore'],
    detached: true,
  })
  guard.on('error', () => {}) // no sh: the exit hooks of the callers still apply
  guard.stdin!.on('error', () => {})
  // The guard must not keep the test process alive.
  guard.unref()
  ;(guard.stdin as unknown as { unref?: () => void }).unref?.()
  let dismissed = false
  return () => {
    if (dismissed) return
    dismissed = true
    guard.kill('SIGKILL')
  }
}
