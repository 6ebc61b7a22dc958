/**
 * The results as markdown, and the writer that puts them into RESULTS.md between
 * `<!-- results:start -->` and `<!-- results:end -->`, keeping everything else in the file as it is.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { summarize } from './stats.mjs'

export const START = '<!-- results:start -->'
export const END = '<!-- results:end -->'

const DASH = '—'

function fixed(value, digits) {
  return Number.isFinite(value) ? value.toFixed(digits) : DASH
}

/** Microseconds: one decimal below 100, whole numbers above. */
export function formatUs(value) {
  return Number.isFinite(value) ? (value < 100 ? value.toFixed(1) : Math.round(value).toString()) : DASH
}

function formatInt(value) {
  return Number.isFinite(value) ? Math.round(value).toLocaleString('en-US') : DASH
}

function spread(s, format) {
  if (s.n === 0) return DASH
  return s.n === 1 ? format(s.min) : `${format(s.min)}–${format(s.max)}`
}

function ratio(value, base) {
  return Number.isFinite(value) && Number.isFinite(base) && base > 0 ? `${(value / base).toFixed(2)}×` : DASH
}

const mib = (kib) => kib / 1024

function table(header, rows) {
  const line = (cells) => `| ${cells.join(' | ')} |`
  const align = header.map((_, i) => (i === 0 ? '---' : '---:'))
  return [line(header), line(align), ...rows.map(line)].join('\n')
}

function medianOf(runs, key) {
  return summarize((runs ?? []).map((r) => r[key]))
}

/** The markdown of one run: header facts, the overview, one table per route, memory and start-up, problems. */
export function renderMarkdown(results) {
  const { meta, servers, scenarios, runs, starts, failures, notes = [] } = results
  const out = []
  out.push(`## ${meta.trial ? 'Trial run' : 'Run'} of ${meta.date}`)
  out.push('')
  if (meta.note) out.push(`> ${meta.note}`, '')
  const s = meta.settings
  out.push(`- Command: \`${meta.command}\` (in \`bench/\`)`)
  out.push(
    `- Node ${meta.node} on ${meta.platform}; CPU: ${meta.cpu} (${meta.cores} cores); CLK_TCK ${meta.clockTicks}`,
  )
  if (meta.runtimes?.length > 0)
    out.push(
      `- Also on ${meta.runtimes.join(', ')} (the binaries of their npm packages; the servers named "(Bun)" / "(Deno)")`,
    )
  out.push(
    `- Server pinned to CPU ${s.serverCpu}, wrk (1 thread, ${s.connections} connections, ${
      s.pipeline > 1 ? `pipelining ${s.pipeline}` : 'no pipelining'
    }) to CPU ${s.loadCpu}; ${s.rounds} round${s.rounds === 1 ? '' : 's'} interleaved, a fresh server process per round; per route ${
      s.warmup > 0 ? `a warm-up (${s.warmup} s runs until ${s.warmupRequests ?? 0} requests), then ` : ''
    }${s.duration} s measured`,
  )
  out.push(`- Figures are the median over rounds; spread is min–max over rounds`)
  out.push(`- Load average (1 min) at start / end: ${meta.loadStart} / ${meta.loadEnd ?? DASH}`)
  out.push(
    `- Versions: ${servers.map((sv) => `${sv.title} ${sv.version}`).join(', ')}${meta.git ? `; repo at ${meta.git}` : ''}`,
  )
  out.push('')

  const base = { fastify: 'fastify', bare: 'node-http' }
  out.push('### Server CPU time per request (µs, median; lower is better)')
  out.push('')
  out.push(
    table(
      ['route', ...servers.map((sv) => sv.title)],
      scenarios.map((sc) => [
        `\`${sc.label}\``,
        ...servers.map((sv) =>
          sv.scenarios.includes(sc.name)
            ? formatUs(medianOf(runs[sc.name]?.[sv.name], 'usPerReq').median)
            : 'n/a',
        ),
      ]),
    ),
  )
  out.push('')

  for (const sc of scenarios) {
    const fast = medianOf(runs[sc.name]?.[base.fastify], 'usPerReq').median
    const bare = medianOf(runs[sc.name]?.[base.bare], 'usPerReq').median
    out.push(`### \`${sc.label}\``)
    out.push('')
    const rows = servers
      .filter((sv) => sv.scenarios.includes(sc.name))
      .map((sv) => {
        const list = runs[sc.name]?.[sv.name]
        const us = medianOf(list, 'usPerReq')
        const rps = medianOf(list, 'rps')
        const p99 = medianOf(list, 'p99Ms')
        return [
          sv.title,
          formatUs(us.median),
          spread(us, formatUs),
          ratio(us.median, fast),
          ratio(us.median, bare),
          formatInt(rps.median),
          spread(rps, formatInt),
          fixed(p99.median, 2),
        ]
      })
    out.push(
      table(
        ['framework', 'CPU µs/req', 'spread', '× Fastify', '× node:http', 'req/s', 'req/s spread', 'p99 ms'],
        rows,
      ),
    )
    out.push('')
  }

  out.push('### Memory and start-up (median, spread min–max)')
  out.push('')
  const memRows = servers.map((sv) => {
    const list = starts[sv.name] ?? []
    const idle = summarize(list.map((r) => mib(r.idleRssKiB)))
    const after = summarize(list.map((r) => mib(r.finalRssKiB)))
    const cold = summarize(list.map((r) => r.coldStartMs))
    const ready = summarize(list.map((r) => r.readyMs))
    const f1 = (v) => fixed(v, 1)
    const f0 = (v) => fixed(v, 0)
    return [
      sv.title,
      f1(idle.median),
      spread(idle, f1),
      f1(after.median),
      spread(after, f1),
      f0(cold.median),
      spread(cold, f0),
      f0(ready.median),
    ]
  })
  out.push(
    table(
      [
        'framework',
        'idle RSS MiB',
        'spread',
        'RSS after run MiB',
        'spread',
        'cold start ms',
        'spread',
        'spawn → ready ms',
      ],
      memRows,
    ),
  )
  out.push('')
  out.push(
    '`idle RSS`: right after the server printed `ready`. `RSS after run`: after its last route of the round. `cold start`: process spawn to the first successful response.',
  )
  if (failures.length > 0) {
    out.push('', '### Problems', '')
    for (const f of failures) out.push(`- ${f.server}${f.scenario ? ` \`${f.scenario}\`` : ''}: ${f.detail}`)
  }
  if (notes.length > 0) {
    out.push('', '### Notes', '')
    for (const n of notes) out.push(`- ${n.server}${n.scenario ? ` \`${n.scenario}\`` : ''}: ${n.detail}`)
  }
  return out.join('\n')
}

const SKELETON = `# Benchmark results

Written by \`pnpm bench\` (\`node run.mjs --write\` in \`bench/\`): it replaces only the part between the two
markers below. How to read the figures: [README.md](README.md).

${START}
${END}

## What each change bought

Performance changes to \`@brisk/core\`, newest first: the change, and the CPU µs/request before and after on the
routes it touched (same machine, same command). Written by hand; the results writer never touches this section.
`

/**
 * Puts `markdown` between the markers of `file` (creating the file with its sections when missing, and adding the
 * markers before "What each change bought" when they are missing). Returns the new text.
 */
export function writeResults(file, markdown) {
  let text = existsSync(file) ? readFileSync(file, 'utf8') : SKELETON
  let start = text.indexOf(START)
  let end = text.indexOf(END)
  if (start === -1 || end === -1 || end < start) {
    const keep = text.indexOf('## What each change bought')
    const block = `${START}\n${END}\n\n`
    text = keep === -1 ? `${text.trimEnd()}\n\n${block}` : `${text.slice(0, keep)}${block}${text.slice(keep)}`
    start = text.indexOf(START)
    end = text.indexOf(END)
  }
  const next = `${text.slice(0, start + START.length)}\n${markdown.trim()}\n${text.slice(end)}`
  writeFileSync(file, next)
  return next
}
