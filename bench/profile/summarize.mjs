#!/usr/bin/env node
/**
 * Where a .cpuprofile's time went: by package (self time), by function (self time), and the inclusive time of
 * the functions that take most (a function's own time plus its callees', counted once under recursion).
 *
 *   node bench/profile/summarize.mjs FILE.cpuprofile [--top 25] [--requests N]
 *
 * With --requests (the requests answered while profiling), every figure is also given in µs per request.
 * Idle samples (the event loop waiting) are left out of every share: the shares are of the CPU time spent.
 */
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

/** The package a call frame's code belongs to, from its URL (source, dist, bundle-less runs). */
export function packageOf(frame) {
  const { url, functionName } = frame
  if (url === '') {
    if (functionName === '(garbage collector)') return '(gc)'
    if (functionName === '(program)') return '(program: V8/native, outside JS)'
    if (functionName === '(idle)') return '(idle)'
    return '(native / V8 builtins)'
  }
  if (url.startsWith('node:')) {
    const rest = url.slice(5)
    const parts = rest.split('/')
    if (parts[0] === 'internal')
      return `node:${parts[1] === 'streams' ? 'streams' : parts.slice(1, 2).join('/')}`
    return `node:${parts[0]}`
  }
  const path = url.startsWith('file://') ? fileURLToPath(url) : url
  const pnpm = /node_modules\/\.pnpm\/[^/]+\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(path)
  if (pnpm !== null) return pnpm[1]
  const plain = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(path)
  if (plain !== null) return plain[1]
  const ours = /\/packages\/([^/]+)\/(?:src|dist)\//.exec(path)
  if (ours !== null) return `@brisk/${ours[1]}`
  if (path.includes('/examples/showcase/')) return 'showcase'
  if (path.includes('/bench/')) return 'bench'
  return path
}

/** A short place for a frame: the file under its package, and the line (1-based). */
function where(frame) {
  const path = frame.url.startsWith('file://') ? fileURLToPath(frame.url) : frame.url
  const short = path
    .replace(/^.*\/(packages|examples)\//, '')
    .replace(/^.*node_modules\/\.pnpm\/[^/]+\/node_modules\//, '')
  return short === '' ? '' : `${short}:${frame.lineNumber + 1}`
}

/**
 * Self and inclusive sample counts per node, from a profile's `samples` (node ids, one per sample).
 *
 * @example
 * const { self, byId } = tally(JSON.parse(readFileSync('x.cpuprofile', 'utf8')))
 */
export function tally(profile) {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]))
  const self = new Map()
  for (const id of profile.samples) self.set(id, (self.get(id) ?? 0) + 1)
  return { self, byId }
}

/**
 * The summary as plain data: total CPU samples, rows by package and by function (self), and inclusive rows.
 *
 * @example
 * const s = summarize(profile); s.packages[0] // { name: '@brisk/core', samples: 1234 }
 */
export function summarize(profile) {
  const { self, byId } = tally(profile)
  const idleIds = new Set(profile.nodes.filter((n) => n.callFrame.functionName === '(idle)').map((n) => n.id))
  let busy = 0
  const packages = new Map()
  const functions = new Map()
  for (const [id, count] of self) {
    if (idleIds.has(id)) continue
    busy += count
    const frame = byId.get(id).callFrame
    const pkg = packageOf(frame)
    packages.set(pkg, (packages.get(pkg) ?? 0) + count)
    const key = `${frame.functionName || '(anonymous)'} ${where(frame)}`
    const row = functions.get(key) ?? { name: key, pkg, samples: 0 }
    row.samples += count
    functions.set(key, row)
  }
  // Inclusive: walk the tree, counting a node's subtree under every function on its path once.
  const parent = new Map()
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id)
  const inclusive = new Map()
  for (const [id, count] of self) {
    if (idleIds.has(id)) continue
    const seen = new Set()
    for (let at = id; at !== undefined; at = parent.get(at)) {
      const frame = byId.get(at).callFrame
      if (frame.url === '' && frame.functionName === '(root)') continue
      const key = `${frame.functionName || '(anonymous)'} ${where(frame)}`
      if (seen.has(key)) continue
      seen.add(key)
      const row = inclusive.get(key) ?? { name: key, pkg: packageOf(frame), samples: 0 }
      row.samples += count
      inclusive.set(key, row)
    }
  }
  const sorted = (map) => [...map.values()].sort((a, b) => b.samples - a.samples)
  return {
    busy,
    idle: profile.samples.length - busy,
    micros: (profile.endTime - profile.startTime) / profile.samples.length,
    packages: [...packages]
      .map(([name, samples]) => ({ name, samples }))
      .sort((a, b) => b.samples - a.samples),
    functions: sorted(functions),
    inclusive: sorted(inclusive),
  }
}

/**
 * The summary as text (markdown tables).
 *
 * @example
 * console.log(report(summarize(profile), { top: 20, requests: 100000 }))
 */
export function report(summary, { top = 25, requests } = {}) {
  const { busy, micros } = summary
  const pct = (n) => `${((100 * n) / busy).toFixed(1)}%`
  const per = (n) => (requests ? ` | ${((n * micros) / requests).toFixed(2)}` : '')
  const perHead = requests ? ' | µs/req' : ''
  const perRule = requests ? '|---:' : ''
  const lines = []
  lines.push(
    `CPU samples: ${busy} busy, ${summary.idle} idle, ~${micros.toFixed(0)} µs apart` +
      (requests
        ? `; ${requests} requests, ${((busy * micros) / requests).toFixed(2)} µs CPU/req on the main thread`
        : ''),
    '',
    `| package (self) | share${perHead} |`,
    `|---|---:${perRule}|`,
  )
  for (const row of summary.packages) lines.push(`| ${row.name} | ${pct(row.samples)}${per(row.samples)} |`)
  lines.push('', `| function (self) | package | share${perHead} |`, `|---|---|---:${perRule}|`)
  for (const row of summary.functions.slice(0, top))
    lines.push(`| ${row.name} | ${row.pkg} | ${pct(row.samples)}${per(row.samples)} |`)
  lines.push('', `| function (inclusive) | package | share${perHead} |`, `|---|---|---:${perRule}|`)
  for (const row of summary.inclusive.slice(0, top))
    lines.push(`| ${row.name} | ${row.pkg} | ${pct(row.samples)}${per(row.samples)} |`)
  return lines.join('\n')
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const args = process.argv.slice(2)
  const file = args.find((a, i) => !a.startsWith('--') && !args[i - 1]?.startsWith('--'))
  if (file === undefined) {
    console.error('usage: summarize.mjs FILE.cpuprofile [--top N] [--requests N]')
    process.exit(2)
  }
  const opt = (name) => {
    const i = args.indexOf(name)
    return i === -1 ? undefined : Number(args[i + 1])
  }
  const profile = JSON.parse(readFileSync(file, 'utf8'))
  console.log(report(summarize(profile), { top: opt('--top') ?? 25, requests: opt('--requests') }))
}
