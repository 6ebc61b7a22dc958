/**
 * What the kernel knows about a process: its CPU time (user + system, all threads) and its resident memory.
 * Linux only: both come from /proc.
 */
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'

let clockTicks

/** Clock ticks per second, the unit of utime/stime in /proc/<pid>/stat (`getconf CLK_TCK`, nearly always 100). */
export function clockTicksPerSecond() {
  if (clockTicks === undefined) {
    try {
      clockTicks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100
    } catch {
      clockTicks = 100
    }
  }
  return clockTicks
}

/**
 * utime + stime from the text of /proc/<pid>/stat, in clock ticks. The command name (field 2) is in parentheses
 * and may hold spaces, so fields are counted from the last `)`: field 3 is the first after it.
 */
export function parseStatTicks(stat) {
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  const utime = Number(fields[14 - 3])
  const stime = Number(fields[15 - 3])
  if (!Number.isFinite(utime) || !Number.isFinite(stime))
    throw new Error(`cannot read utime/stime from: ${stat}`)
  return utime + stime
}

/** The CPU time the process has used so far, in clock ticks. */
export function cpuTicks(pid) {
  return parseStatTicks(readFileSync(`/proc/${pid}/stat`, 'utf8'))
}

/** VmRSS from the text of /proc/<pid>/status, in KiB. */
export function parseRssKiB(status) {
  const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(status)
  if (match === null) throw new Error('no VmRSS line in /proc/<pid>/status')
  return Number(match[1])
}

/** The resident set size of the process now, in KiB. */
export function rssKiB(pid) {
  return parseRssKiB(readFileSync(`/proc/${pid}/status`, 'utf8'))
}
