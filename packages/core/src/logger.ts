/**
 * The logger interface: the subset of pino's API that Brisk calls, so a pino instance fits as it is.
 */

/** A pino-compatible logger: each level takes an object of fields and/or a message. */
export interface Logger {
  error(obj: object | string, msg?: string): void
  warn(obj: object | string, msg?: string): void
  info(obj: object | string, msg?: string): void
  debug(obj: object | string, msg?: string): void
}

function write(level: string, obj: object | string, msg?: string): void {
  const fields: Record<string, unknown> = typeof obj === 'string' ? { msg: obj } : { ...obj, msg }
  const err = fields.err
  // Error objects serialise to `{}`; keep what is useful for an operator.
  if (err instanceof Error) fields.err = { type: err.name, message: err.message, stack: err.stack }
  console.error(JSON.stringify({ level, time: Date.now(), ...fields }))
}

/**
 * The default logger: JSON lines on stderr; `info` and `debug` only when `verbose`.
 *
 * @example
 * const app = new Brisk({ logger: consoleLogger(true) })
 */
export function consoleLogger(verbose = false): Logger {
  return {
    error: (obj, msg) => write('error', obj, msg),
    warn: (obj, msg) => write('warn', obj, msg),
    info: (obj, msg) => {
      if (verbose) write('info', obj, msg)
    },
    debug: (obj, msg) => {
      if (verbose) write('debug', obj, msg)
    },
  }
}
