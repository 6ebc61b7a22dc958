/**
 * Runs wrk with `wrk/mix.lua` and reads its report: wrk's own figures (parsed by bench/lib/wrk.mjs), the
 * median latency, and the mix's tallies (requests sent per kind, answers per status, substitutions, and the
 * ids and refresh tokens left over). Also judges the tallies: every answer had a status its kind allows.
 */
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { parseWrk, WRK_TIMEOUT_S } from '../../lib/wrk.mjs'
import { KIND } from './mix.mjs'

const SCRIPT = fileURLToPath(new URL('../wrk/mix.lua', import.meta.url))

const TIME_UNITS = { us: 1e-3, ms: 1, s: 1e3, m: 60e3 }

/**
 * wrk's median latency (the `50%` line of `--latency`), in ms.
 *
 * @example
 * parseP50('     50%    2.94ms\n') // 2.94
 */
export function parseP50(output) {
  const m = /^\s*50(?:\.0+)?%\s+([\d.]+)(us|ms|s|m)\s*$/m.exec(output)
  return m === null ? Number.NaN : Number(m[1]) * TIME_UNITS[m[2]]
}

/**
 * The `MIX {json}` line that mix.lua's done() prints.
 *
 * @example
 * parseMix('MIX {"sent":{"page":3},"statuses":{"200":3},"substituted":{},"pool":[]}\n').sent.page // 3
 */
export function parseMix(output) {
  const m = /^MIX (\{.*\})\s*$/m.exec(output)
  if (m === null) throw new Error(`wrk printed no MIX line:\n${output}`)
  return JSON.parse(m[1])
}

/**
 * Runs `wrk -t1 -c<connections> -d<duration>s --timeout 10s --latency -s wrk/mix.lua <baseUrl> -- <dataFile>
 * <connections>`, pinned with `taskset -c <cpu>` when `cpu` is given. Resolves with `{ requests, rps, p50Ms,
 * p99Ms, wrkP50Ms, wrkP99Ms, socketErrors, mix, output }`. `p50Ms` and `p99Ms` are of the latencies wrk
 * recorded (a write to its last answer), as mix.lua reads them with wrk's after-the-run correction undone;
 * `wrkP50Ms` and `wrkP99Ms` are what wrk printed, correction included (see the README, "The figures").
 *
 * @example
 * const report = await runMix('http://127.0.0.1:4000', '/tmp/mix-data.lua', { duration: 3, connections: 100, cpu: 1 })
 */
export function runMix(baseUrl, dataFile, { duration, connections, cpu }) {
  const args = ['-t1', `-c${connections}`, `-d${duration}s`, '--timeout', `${WRK_TIMEOUT_S}s`, '--latency']
  args.push('-s', SCRIPT, baseUrl, '--', dataFile, String(connections))
  const [command, argv] = cpu === undefined ? ['wrk', args] : ['taskset', ['-c', String(cpu), 'wrk', ...args]]
  return new Promise((resolve, reject) => {
    const child = spawn(command, argv, { stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    child.stdout.on('data', (chunk) => {
      out += chunk
    })
    child.stderr.on('data', (chunk) => {
      out += chunk
    })
    const timer = setTimeout(() => child.kill('SIGKILL'), (duration + WRK_TIMEOUT_S + 15) * 1000)
    child.on('error', (error) => {
      clearTimeout(timer)
      reject(error)
    })
    child.on('close', (code) => {
      clearTimeout(timer)
      if (code !== 0) return reject(new Error(`wrk exited with ${code}:\n${out}`))
      try {
        resolve(readReport(out))
      } catch (error) {
        reject(error)
      }
    })
  })
}

/**
 * A run's figures from wrk's output: wrk's own (requests, req/s, its printed p50 and p99 as `wrkP50Ms` and
 * `wrkP99Ms`), the mix's tallies, and `p50Ms` / `p99Ms` from the latencies wrk recorded (NaN when none was).
 *
 * @example
 * readReport(out).p99Ms // 4.211: the 99th percentile of the recorded latencies, in ms
 */
export function readReport(output) {
  const wrk = parseWrk(output)
  const mix = parseMix(output)
  const recorded = mix.latency ?? undefined
  return {
    ...wrk,
    wrkP50Ms: parseP50(output),
    wrkP99Ms: wrk.p99Ms,
    p50Ms: recorded === undefined ? Number.NaN : recorded.p50 / 1000,
    p99Ms: recorded === undefined ? Number.NaN : recorded.p99 / 1000,
    latencyCount: recorded === undefined ? 0 : recorded.count,
    mix,
    output,
  }
}

/**
 * What is wrong with a run's tallies, as sentences (none: all right). Each status must be one a kind that
 * was sent allows, and as frequent as the kinds that must get it: at least their count minus the requests
 * still in flight when wrk stopped (`inflight`), at most the count of the kinds that may get it. With
 * `expect` (a plugin route), every answer must have that status.
 *
 * @example
 * judgeMix(report.mix, { inflight: 100 }) // [] when every answer was right
 */
export function judgeMix(mix, { inflight, expect } = {}) {
  const problems = []
  const received = Object.entries(mix.statuses).map(([status, n]) => [Number(status), n])
  if (expect !== undefined) {
    for (const [status, n] of received)
      if (status !== expect) problems.push(`${n} answers with status ${status}, expected ${expect}`)
    return problems
  }
  const must = {}
  const may = {}
  for (const [name, n] of Object.entries(mix.sent)) {
    const allowed = [KIND[name].status].flat()
    for (const status of allowed) may[status] = (may[status] ?? 0) + n
    if (allowed.length === 1) must[allowed[0]] = (must[allowed[0]] ?? 0) + n
  }
  for (const [status, n] of received) {
    if (may[status] === undefined)
      problems.push(`${n} answers with status ${status}, which no kind sent expects`)
    else if (n > may[status])
      problems.push(
        `${n} answers with status ${status}, more than the ${may[status]} requests that may get it`,
      )
  }
  for (const [status, n] of Object.entries(must)) {
    const got = mix.statuses[status] ?? 0
    if (got < n - inflight)
      problems.push(`${got} answers with status ${status}, expected at least ${n - inflight} (${n} sent)`)
  }
  return problems
}
