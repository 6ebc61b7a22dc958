/**
 * Runs wrk pinned to the load generator's core and reads its report: requests served, req/s, p99 latency,
 * and anything that went wrong (non-2xx answers, socket errors).
 */
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'

const POST_SCRIPT = fileURLToPath(new URL('../wrk/post-echo.lua', import.meta.url))
const PIPELINE_SCRIPT = fileURLToPath(new URL('../wrk/pipeline.lua', import.meta.url))

/**
 * wrk's per-request timeout. Its default (2 s) drops slow answers from the latency figures of a busy machine;
 * they are still counted as requests served.
 */
export const WRK_TIMEOUT_S = 10

const TIME_UNITS = { us: 1e-3, ms: 1, s: 1e3, m: 60e3, h: 3600e3 }

function toMs(value, unit) {
  const scale = TIME_UNITS[unit]
  if (scale === undefined) throw new Error(`unknown wrk time unit "${unit}"`)
  return Number(value) * scale
}

/**
 * The figures in wrk's `--latency` report.
 *
 * @example
 * parseWrk('  51234 requests in 3.00s, 6.10MB read\nRequests/sec:  17078.00\n') // { requests: 51234, … }
 */
export function parseWrk(output) {
  const total = /(\d+) requests in ([\d.]+)(us|ms|s|m|h)\b/.exec(output)
  if (total === null) throw new Error(`wrk printed no request count:\n${output}`)
  const rps = /Requests\/sec:\s+([\d.]+)/.exec(output)
  const p99 = /^\s*99(?:\.0+)?%\s+([\d.]+)(us|ms|s|m|h)\s*$/m.exec(output)
  const non2xx = /Non-2xx or 3xx responses:\s+(\d+)/.exec(output)
  const errors = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(output)
  return {
    requests: Number(total[1]),
    seconds: toMs(total[2], total[3]) / 1000,
    rps: rps === null ? Number.NaN : Number(rps[1]),
    p99Ms: p99 === null ? Number.NaN : toMs(p99[1], p99[2]),
    non2xx: non2xx === null ? 0 : Number(non2xx[1]),
    socketErrors:
      errors === null
        ? { connect: 0, read: 0, write: 0, timeout: 0 }
        : { connect: +errors[1], read: +errors[2], write: +errors[3], timeout: +errors[4] },
  }
}

/**
 * The command line (without the taskset prefix) that sends `scenario` to `baseUrl`.
 * Bodies go through `wrk/post-echo.lua`; with `pipeline` > 1 every request goes through `wrk/pipeline.lua`.
 */
export function wrkArgs(scenario, baseUrl, { duration, connections, pipeline = 1 }) {
  const args = ['-t1', `-c${connections}`, `-d${duration}s`, `--timeout`, `${WRK_TIMEOUT_S}s`, '--latency']
  const headers = { ...(scenario.headers ?? {}) }
  let contentType = ''
  for (const name of Object.keys(headers)) {
    if (name.toLowerCase() === 'content-type') {
      contentType = headers[name]
      delete headers[name]
    }
  }
  for (const [name, value] of Object.entries(headers)) args.push('-H', `${name}: ${value}`)
  const url = new URL(scenario.path, baseUrl).href
  const method = scenario.method ?? 'GET'
  if (pipeline > 1) {
    args.push('-s', PIPELINE_SCRIPT, url, '--', String(pipeline), method, scenario.body ?? '', contentType)
  } else if (scenario.body !== undefined || method !== 'GET') {
    args.push('-s', POST_SCRIPT, url, '--', method, scenario.body ?? '', contentType)
  } else {
    if (contentType) args.push('-H', `content-type: ${contentType}`)
    args.push(url)
  }
  return args
}

/**
 * Runs wrk (pinned with `taskset -c <cpu>` when `cpu` is given) and resolves with its parsed report and raw output.
 * wrk stops by itself after `duration` seconds; it is killed if it runs much longer than that.
 */
export function runWrk(scenario, baseUrl, options) {
  const args = wrkArgs(scenario, baseUrl, options)
  const [command, argv] =
    options.cpu === undefined ? ['wrk', args] : ['taskset', ['-c', String(options.cpu), 'wrk', ...args]]
  return new Promise((resolve, reject) => {
    const child = spawn(command, argv, { stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    child.stdout.on('data', (chunk) => {
      out += chunk
    })
    child.stderr.on('data', (chunk) => {
      out += chunk
    })
    const timer = setTimeout(() => child.kill('SIGKILL'), (options.duration + WRK_TIMEOUT_S + 15) * 1000)
    child.on('error', (error) => {
      clearTimeout(timer)
      reject(error)
    })
    child.on('close', (code) => {
      clearTimeout(timer)
      if (code !== 0) return reject(new Error(`wrk exited with ${code}:\n${out}`))
      try {
        resolve({ ...parseWrk(out), output: out })
      } catch (error) {
        reject(error)
      }
    })
  })
}
