/**
 * The showcase benchmark's results as markdown, and the writer that puts them into bench/RESULTS.md between
 * `<!-- showcase:start -->` and `<!-- showcase:end -->`, leaving the rest of the file (the core run's block,
 * other sections) as it is.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { formatUs } from '../../lib/report.mjs'
import { summarize } from '../../lib/stats.mjs'
import { KIND } from './mix.mjs'
import { PLUGINS } from './plugins.mjs'

export const START = '<!-- showcase:start -->'
export const END = '<!-- showcase:end -->'

const DASH = '—'
const fixed = (v, d) => (Number.isFinite(v) ? v.toFixed(d) : DASH)
const int = (v) => (Number.isFinite(v) ? Math.round(v).toLocaleString('en-US') : DASH)
const ratio = (a, b) => (Number.isFinite(a) && Number.isFinite(b) && b > 0 ? `${(a / b).toFixed(2)}×` : DASH)
const mib = (kib) => kib / 1024

function table(header, rows) {
  const line = (cells) => `| ${cells.join(' | ')} |`
  return [line(header), line(header.map((_, i) => (i === 0 ? '---' : '---:'))), ...rows.map(line)].join('\n')
}

// A latency of 0 or none (no latency recorded, or an older run's wrk figure of 0) is no figure.
const stat = (list, key) =>
  summarize((list ?? []).map((r) => (key.endsWith('Ms') && !(r[key] > 0) ? Number.NaN : r[key])))
const spread = (s, f) => (s.n === 0 ? DASH : s.n === 1 ? f(s.min) : `${f(s.min)}–${f(s.max)}`)

/** A route run's label: its kinds' labels (a create and a delete run together). */
function routeLabel(run) {
  return run
    .split('+')
    .map((k) => KIND[k]?.label ?? k)
    .join(' + ')
}

/**
 * The markdown of one run: settings, the mix, the target, each route alone, the plugin routes, start-up.
 *
 * @example
 * console.log(renderShowcase(JSON.parse(readFileSync('showcase/results-….json', 'utf8'))))
 */
export function renderShowcase(results) {
  const { meta, configs, apps, runs, starts, plugins, failures, notes } = results
  const s = meta.settings
  const title = (name) => ({ brisk: 'Brisk', twin: 'Fastify twin', floor: 'node:net floor' })[name] ?? name
  const out = []
  out.push(`### Run of ${meta.date}`, '')
  if (meta.note) out.push(`> ${meta.note}`, '')
  out.push(`- Command: \`${meta.command}\` (in \`bench/\`)`)
  out.push(`- Node ${meta.node} on ${meta.platform}; CPU: ${meta.cpu} (${meta.cores} cores)`)
  out.push(
    `- One worker: the app's process pinned to CPU 0, wrk (1 thread) and redis-server to CPU 1. Two workers: the app's processes on CPUs 0 and 1, wrk and redis-server on CPU 1 (a 2-core machine has no core to spare: read the two-worker req/s and latency with that in mind). ${s.rounds} round${s.rounds === 1 ? '' : 's'}, each on fresh processes, the servers one after another within a round; per run ${s.warmup} s of warm-up (${s.routeWarmup} s before a route alone), then ${s.duration} s measured; ${s.connections} connections without pipelining, ${s.pipelineConnections} connections × ${s.pipeline} requests per write pipelined; ${s.logins} logins (refresh pool) per run`,
  )
  out.push(
    `- Versions: Brisk ${meta.versions.brisk}, Fastify ${meta.versions.fastify}${meta.versions.redis ? `, redis-server ${meta.versions.redis}` : ''}; repo at ${meta.git ?? '?'}`,
  )
  out.push(
    `- Load average (1 min) at start, before each configuration and round, and at the end (1/5/15 min): ${meta.load.join(', ')}`,
  )
  if (meta.stale?.length > 0)
    out.push(
      `- Built code older than its sources for: ${meta.stale.map((p) => `@brisk/${p}`).join(', ')} (the figures are the built code's)`,
    )
  out.push(
    "- CPU µs/req: user + system time of every process of the app (the cluster primary and its workers, all threads, from /proc) over the measured run, divided by the answers wrk counted; redis-server's own CPU is in a column of its own, not in the app's. Figures are medians over rounds, spreads min–max.",
    `- p50 / p99 ms: of the latencies wrk recorded, each from a write to the last answer it asked for (one request; pipelined, a write of ${s.pipeline}), with the made-up samples wrk 4.1 adds after the run taken out again (showcase/README.md, "The figures"); wrk's own printed figures are in the results JSON.`,
    '',
  )

  out.push('#### The mix', '')
  out.push(
    'One wrk Lua script sends the kinds in a fixed interleaved order of 100 (weights): ' +
      Object.values(KIND)
        .map((k) => `${k.weight} ${k.name}`)
        .join(', ') +
      '. See [showcase/README.md](showcase/README.md).',
    '',
  )
  const rows = []
  for (const config of configs) {
    for (const [runName, byApp] of Object.entries(runs[config.name] ?? {})) {
      if (!runName.startsWith('mix')) continue
      const twin = stat(byApp.twin, 'usPerReq').median
      const floor = stat(byApp.floor, 'usPerReq').median
      for (const app of apps) {
        const list = byApp[app]
        if (list === undefined) continue
        const us = stat(list, 'usPerReq')
        const rss = summarize((starts[config.name]?.[app] ?? []).map((r) => mib(r.finalRssKiB)))
        rows.push([
          config.title,
          runName,
          title(app),
          formatUs(us.median),
          spread(us, formatUs),
          ratio(us.median, twin),
          ratio(us.median, floor),
          config.redis ? formatUs(stat(list, 'redisUsPerReq').median) : DASH,
          int(stat(list, 'rps').median),
          fixed(stat(list, 'p50Ms').median, 2),
          fixed(stat(list, 'p99Ms').median, 2),
          fixed(rss.median, 1),
        ])
      }
    }
  }
  out.push(
    table(
      [
        'configuration',
        'run',
        'server',
        'CPU µs/req',
        'spread',
        '× twin',
        '× floor',
        'redis-server µs/req',
        'req/s',
        'p50 ms',
        'p99 ms',
        'RSS after MiB',
      ],
      rows,
    ),
    '',
  )
  out.push("`RSS after`: all the app's processes, after its last run of the round.", '')

  // What the mix would cost if each request cost what it costs alone: the routes' figures, weighted.
  const alone = runs['memory-1'] ?? {}
  const weighted = (app) => {
    let sum = 0
    for (const kind of Object.values(KIND)) {
      const run = Object.keys(alone).find((r) => !r.startsWith('mix') && r.split('+').includes(kind.name))
      const us = stat(alone[run]?.[app], 'usPerReq').median
      if (!Number.isFinite(us)) return Number.NaN
      sum += kind.weight * us
    }
    return sum / 100
  }
  const sums = apps.map((app) => [app, weighted(app), stat(alone.mix?.[app], 'usPerReq').median])
  if (sums.some(([, w]) => Number.isFinite(w))) {
    out.push(
      `Memory mode, one worker: the routes alone, weighted as in the mix, would cost ${sums
        .map(([app, w, m]) => `${title(app)} ${formatUs(w)} µs/req (the mix: ${ratio(m, w)} that)`)
        .join(', ')}.`,
      '',
    )
  }

  // Against the target: the mix ≤ 0.7× the twin's CPU with p99 no higher; plugin routes ≤ 0.8×.
  const verdicts = []
  for (const config of configs) {
    for (const [runName, byApp] of Object.entries(runs[config.name] ?? {})) {
      if (!runName.startsWith('mix') || byApp.brisk === undefined || byApp.twin === undefined) continue
      const b = stat(byApp.brisk, 'usPerReq').median
      const t = stat(byApp.twin, 'usPerReq').median
      const bp = stat(byApp.brisk, 'p99Ms').median
      const tp = stat(byApp.twin, 'p99Ms').median
      const cpu = b / t <= 0.7 ? 'met' : 'not met'
      const p99 =
        Number.isFinite(bp) && Number.isFinite(tp)
          ? `p99 ${fixed(bp, 2)} vs ${fixed(tp, 2)} ms: ${bp <= tp ? 'met' : 'not met'}`
          : 'p99 not measured (no latency recorded)'
      verdicts.push(
        `- ${config.title}, ${runName}: CPU ${ratio(b, t)} the twin's (target ≤ 0.70×): ${cpu}; ${p99}`,
      )
    }
  }
  if (verdicts.length > 0) out.push('#### Against the target (issue 18)', '', ...verdicts, '')

  const routeRows = []
  for (const config of configs) {
    for (const [runName, byApp] of Object.entries(runs[config.name] ?? {})) {
      if (runName.startsWith('mix')) continue
      const b = stat(byApp.brisk, 'usPerReq')
      const t = stat(byApp.twin, 'usPerReq')
      routeRows.push([
        `${routeLabel(runName)}`,
        config.title,
        formatUs(b.median),
        spread(b, formatUs),
        formatUs(t.median),
        spread(t, formatUs),
        ratio(b.median, t.median),
        formatUs(stat(byApp.floor, 'usPerReq').median),
        int(stat(byApp.brisk, 'rps').median),
        int(stat(byApp.twin, 'rps').median),
        fixed(stat(byApp.brisk, 'p99Ms').median, 2),
        fixed(stat(byApp.twin, 'p99Ms').median, 2),
      ])
    }
  }
  if (routeRows.length > 0) {
    out.push('#### Each route of the mix alone', '')
    out.push(
      'The same script with one kind only (a create and a delete alternate, so the list keeps its size; refreshes run with as many connections as there are refresh tokens). No pipelining.',
      '',
    )
    out.push(
      table(
        [
          'route',
          'configuration',
          'Brisk µs/req',
          'spread',
          'twin µs/req',
          'spread',
          'Brisk × twin',
          'floor µs/req',
          'Brisk req/s',
          'twin req/s',
          'Brisk p99 ms',
          'twin p99 ms',
        ],
        routeRows,
      ),
      '',
    )
  }

  const pluginRows = []
  for (const plugin of PLUGINS) {
    const byServer = plugins[plugin.name]
    if (byServer === undefined) continue
    const b = stat(byServer.brisk, 'usPerReq')
    const f = stat(byServer.fastify, 'usPerReq')
    const r = b.median / f.median
    pluginRows.push([
      plugin.title,
      plugin.against,
      formatUs(b.median),
      spread(b, formatUs),
      formatUs(f.median),
      spread(f, formatUs),
      ratio(b.median, f.median),
      Number.isFinite(r) ? (r <= 0.8 ? 'met' : 'not met') : DASH,
      plugin.redis
        ? `${formatUs(stat(byServer.brisk, 'redisUsPerReq').median)} / ${formatUs(stat(byServer.fastify, 'redisUsPerReq').median)}`
        : DASH,
      int(stat(byServer.brisk, 'rps').median),
      int(stat(byServer.fastify, 'rps').median),
      fixed(stat(byServer.brisk, 'p99Ms').median, 2),
      fixed(stat(byServer.fastify, 'p99Ms').median, 2),
    ])
  }
  if (pluginRows.length > 0) {
    out.push('#### Plugin routes, each on a server of its own', '')
    out.push(
      'The servers of bench/jwt, bench/session and bench/openapi, and showcase/plugins/ for templates and CORS; one worker on CPU 0, wrk with 50 connections on CPU 1, no pipelining. Target: ≤ 0.80× the @fastify/* equivalent.',
      '',
    )
    out.push(
      table(
        [
          'route',
          'plugins',
          'Brisk µs/req',
          'spread',
          'Fastify µs/req',
          'spread',
          'Brisk × Fastify',
          '≤ 0.80×',
          'redis-server µs/req (B / F)',
          'Brisk req/s',
          'Fastify req/s',
          'Brisk p99 ms',
          'Fastify p99 ms',
        ],
        pluginRows,
      ),
      '',
    )
  }

  const startRows = []
  for (const config of configs) {
    for (const app of apps) {
      const list = starts[config.name]?.[app]
      if (list === undefined) continue
      const cold = summarize(list.map((r) => r.coldStartMs))
      const idle = summarize(list.map((r) => mib(r.idleRssKiB)))
      startRows.push([
        config.title,
        title(app),
        fixed(cold.median, 0),
        spread(cold, (v) => fixed(v, 0)),
        fixed(idle.median, 1),
        spread(idle, (v) => fixed(v, 1)),
        String(list[0].processes),
      ])
    }
  }
  if (startRows.length > 0) {
    out.push('#### Cold start and idle memory', '')
    out.push(
      "`cold start`: spawn to the first 200 from `GET /health` on a fresh connection (Brisk through `node --import tsx src/main.ts`, which compiles its TypeScript on start; with Redis, after the connection is made). `idle RSS`: all the app's processes once every worker is up, before any request.",
      '',
    )
    out.push(
      table(
        ['configuration', 'server', 'cold start ms', 'spread', 'idle RSS MiB', 'spread', 'processes'],
        startRows,
      ),
      '',
    )
  }
  if (failures.length > 0)
    out.push('#### Problems', '', ...failures.map((f) => `- ${f.where}: ${f.detail}`), '')
  if (notes.length > 0) out.push('#### Notes', '', ...notes.map((n) => `- ${n.where}: ${n.detail}`), '')
  return out.join('\n')
}

const SECTION = `## Whole app: the showcase against its Fastify twin

Written by \`node showcase/run.mjs --write\` in \`bench/\` (\`pnpm bench:showcase\`): it replaces only the part
between the two markers below. What is measured and how: [showcase/README.md](showcase/README.md).

`

/**
 * Puts `markdown` between the showcase markers of `file`, adding the section (before "What each change
 * bought", or at the end) when it is not there yet. Reads the file right before writing: others edit it too.
 *
 * @example
 * writeShowcase('bench/RESULTS.md', renderShowcase(results))
 */
export function writeShowcase(file, markdown) {
  let text = existsSync(file) ? readFileSync(file, 'utf8') : '# Benchmark results\n'
  if (!text.includes(START) || !text.includes(END)) {
    const block = `${SECTION}${START}\n${END}\n\n`
    const at = text.indexOf('## What each change bought')
    text = at === -1 ? `${text.trimEnd()}\n\n${block}` : `${text.slice(0, at)}${block}${text.slice(at)}`
  }
  const start = text.indexOf(START)
  const end = text.indexOf(END)
  const next = `${text.slice(0, start + START.length)}\n${markdown.trim()}\n${text.slice(end)}`
  writeFileSync(file, next)
  return next
}
