/**
 * Small helpers shared by the core's tests.
 */
import type { Logger } from '../src/index'

/** A logger that says nothing, for tests whose failures are expected. */
export const silent: Logger = { error() {}, warn() {}, info() {}, debug() {} }

/** A logger that keeps the errors it is given, so tests can look at them and stderr stays quiet. */
export function recordingLogger(): { logger: Logger; errors: { obj: unknown; msg: string | undefined }[] } {
  const errors: { obj: unknown; msg: string | undefined }[] = []
  const ignore = (): void => {}
  return {
    logger: {
      error: (obj, msg) => void errors.push({ obj, msg }),
      warn: ignore,
      info: ignore,
      debug: ignore,
    },
    errors,
  }
}

/** Waits a millisecond, so an async hook really goes through the event loop. */
export const tick = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 1))
