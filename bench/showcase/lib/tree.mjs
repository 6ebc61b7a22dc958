/**
 * A server as the kernel sees it: the process that was started and every process below it (the cluster's
 * workers), with their CPU time and resident memory summed. Linux only: everything comes from /proc.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { parseRssKiB, parseStatTicks } from '../../lib/proc.mjs'

/** The parent pid in the text of /proc/<pid>/stat (field 4, counted after the command name's last `)`). */
function parentOf(stat) {
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1])
}

function read(path) {
  try {
    return readFileSync(path, 'utf8')
  } catch {
    return undefined // the process ended meanwhile
  }
}

/**
 * `root` and every living descendant of it, root first.
 *
 * @example
 * treePids(primary.pid) // [4711, 4720, 4721]: the primary and its two workers
 */
export function treePids(root) {
  const children = new Map()
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    const stat = read(`/proc/${entry}/stat`)
    if (stat === undefined) continue
    const parent = parentOf(stat)
    if (!children.has(parent)) children.set(parent, [])
    children.get(parent).push(Number(entry))
  }
  const out = []
  const queue = [root]
  while (queue.length > 0) {
    const pid = queue.shift()
    out.push(pid)
    queue.push(...(children.get(pid) ?? []))
  }
  return out
}

/**
 * utime + stime of `root` and its descendants, in clock ticks, with the pids read: a process that has ended
 * since is left out (its ticks would be lost anyway; the bench's workers never end during a run).
 *
 * @example
 * const before = treeTicks(pid); await load(); const ticks = treeTicks(pid).ticks - before.ticks
 */
export function treeTicks(root) {
  let ticks = 0
  const pids = []
  for (const pid of treePids(root)) {
    const stat = read(`/proc/${pid}/stat`)
    if (stat === undefined) continue
    ticks += parseStatTicks(stat)
    pids.push(pid)
  }
  return { ticks, pids }
}

/**
 * VmRSS of `root` and its descendants, summed, in KiB, and how many processes that was.
 *
 * @example
 * treeRssKiB(pid) // { kib: 123456, processes: 3 }
 */
export function treeRssKiB(root) {
  let kib = 0
  let processes = 0
  for (const pid of treePids(root)) {
    const status = read(`/proc/${pid}/status`)
    if (status === undefined) continue
    try {
      kib += parseRssKiB(status)
      processes++
    } catch {
      // a zombie has no VmRSS line
    }
  }
  return { kib, processes }
}

/**
 * The pid of the `redis-server` listening on `port` (its process title is `redis-server 127.0.0.1:<port>`), or
 * undefined: its CPU time is read on its own, beside the app's.
 *
 * @example
 * redisPid(6390) // 5123
 */
export function redisPid(port) {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    const cmd = read(`/proc/${entry}/cmdline`)
    if (cmd === undefined || !cmd.startsWith('redis-server')) continue
    const words = cmd.split(/[\0 ]+/)
    if (words.includes(`127.0.0.1:${port}`) || words.includes(`*:${port}`)) return Number(entry)
    const at = words.indexOf('--port')
    if (at !== -1 && words[at + 1] === String(port)) return Number(entry)
  }
  return undefined
}
