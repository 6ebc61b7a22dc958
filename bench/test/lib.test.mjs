// Unit tests of the harness's parsers and writer: no server, no wrk.
import assert from 'node:assert/strict'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { parseRssKiB, parseStatTicks } from '../lib/proc.mjs'
import { END, renderMarkdown, START, writeResults } from '../lib/report.mjs'
import { runtimeBinary, runtimeCommand, runtimeVersion } from '../lib/runtimes.mjs'
import { loadScenarios, matchesRoute } from '../lib/scenarios.mjs'
import { median, summarize } from '../lib/stats.mjs'
import { parseWrk, wrkArgs } from '../lib/wrk.mjs'

const WRK_OUTPUT = `Running 3s test @ http://127.0.0.1:4000/
  1 threads and 100 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     2.10ms  500.00us  20.00ms   90.00%
    Req/Sec    48.00k     2.00k   50.00k    80.00%
  Latency Distribution
     50%    2.00ms
     75%    2.20ms
     90%    2.50ms
     99%  850.00us
  143210 requests in 3.00s, 20.00MB read
  Non-2xx or 3xx responses: 7
  Socket errors: connect 0, read 2, write 0, timeout 1
Requests/sec:  47736.67
Transfer/sec:      6.67MB
`

test('parseWrk reads the request count, req/s, p99 and errors', () => {
  const r = parseWrk(WRK_OUTPUT)
  assert.equal(r.requests, 143210)
  assert.equal(r.seconds, 3)
  assert.equal(r.rps, 47736.67)
  assert.equal(r.p99Ms, 0.85)
  assert.equal(r.non2xx, 7)
  assert.deepEqual(r.socketErrors, { connect: 0, read: 2, write: 0, timeout: 1 })
})

test('parseWrk refuses output without a request count', () => {
  assert.throws(() => parseWrk('unable to connect to 127.0.0.1:1 Connection refused'), /no request count/)
})

test('parseStatTicks adds utime and stime, even with spaces and parentheses in the command name', () => {
  // fields: pid (comm) state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime …
  const stat = '4242 (node (x) y) S 1 4242 4242 0 -1 4194304 900 0 3 0 1234 56 0 0 20 0 11 0 100 0'
  assert.equal(parseStatTicks(stat), 1290)
})

test('parseRssKiB reads VmRSS', () => {
  assert.equal(parseRssKiB('Name:\tnode\nVmPeak:\t 999 kB\nVmRSS:\t   51234 kB\nVmData:\t 1 kB\n'), 51234)
})

test('median and summarize skip non-numbers', () => {
  assert.equal(median([3, 1, 2]), 2)
  assert.equal(median([4, 1, 3, 2]), 2.5)
  assert.deepEqual(summarize([5, Number.NaN, 1, 3]), { median: 3, min: 1, max: 5, n: 3 })
  assert.equal(summarize([]).n, 0)
})

test('wrkArgs sends bodies through post-echo.lua and pipelines through pipeline.lua', async () => {
  const scenarios = await loadScenarios()
  const echo = scenarios.find((s) => s.name === 'echo')
  const mw = scenarios.find((s) => s.name === 'mw')
  const post = wrkArgs(echo, 'http://127.0.0.1:4000', { duration: 2, connections: 10 })
  assert.ok(post.some((a) => a.endsWith('post-echo.lua')))
  assert.deepEqual(post.slice(-5), [
    'http://127.0.0.1:4000/echo',
    '--',
    'POST',
    echo.body,
    'application/json',
  ])
  const get = wrkArgs(mw, 'http://127.0.0.1:4000', { duration: 2, connections: 10 })
  assert.deepEqual(get, [
    '-t1',
    '-c10',
    '-d2s',
    '--timeout',
    '10s',
    '--latency',
    '-H',
    'x-bench: brisk-bench',
    'http://127.0.0.1:4000/mw',
  ])
  const piped = wrkArgs(mw, 'http://127.0.0.1:4000', { duration: 2, connections: 10, pipeline: 8 })
  assert.ok(piped.some((a) => a.endsWith('pipeline.lua')))
  assert.equal(piped[piped.indexOf('--') + 1], '8')
})

test('scenarios load in table order and --routes tokens select them', async () => {
  const scenarios = await loadScenarios()
  assert.deepEqual(
    scenarios.slice(0, 6).map((s) => s.name),
    ['text', 'json', 'param', 'echo', 'mw', 'r300'],
  )
  const param = scenarios.find((s) => s.name === 'param')
  for (const token of ['param', '/users/12345', '/users/:id', 'GET /users/:id'])
    assert.ok(matchesRoute(param, token), token)
  assert.ok(!matchesRoute(param, '/users'))
  const r300 = scenarios.find((s) => s.name === 'r300')
  assert.ok(matchesRoute(r300, '/r300/g299/:gid/posts'))
})

test('writeResults replaces only the part between the markers', () => {
  const file = join(mkdtempSync(join(tmpdir(), 'bench-')), 'RESULTS.md')
  writeFileSync(
    file,
    `# R\n\nintro\n\n${START}\nold\n${END}\n\n## What each change bought\n\n- kept by hand\n`,
  )
  writeResults(file, 'new table')
  assert.equal(
    readFileSync(file, 'utf8'),
    `# R\n\nintro\n\n${START}\nnew table\n${END}\n\n## What each change bought\n\n- kept by hand\n`,
  )
  writeResults(file, 'newer')
  assert.match(
    readFileSync(file, 'utf8'),
    /new(er)?\n<!-- results:end -->\n\n## What each change bought\n\n- kept by hand\n$/,
  )
})

test('writeResults adds the markers above the kept section when they are missing', () => {
  const file = join(mkdtempSync(join(tmpdir(), 'bench-')), 'RESULTS.md')
  writeFileSync(file, '# R\n\n## What each change bought\n\n- kept\n')
  writeResults(file, 'table')
  assert.equal(
    readFileSync(file, 'utf8'),
    `# R\n\n${START}\ntable\n${END}\n\n## What each change bought\n\n- kept\n`,
  )
})

test('renderMarkdown gives ratios to Fastify and node:http', () => {
  const run = (us) => [{ usPerReq: us, rps: 1000, p99Ms: 1 }]
  const md = renderMarkdown({
    meta: {
      date: 'd',
      node: 'v20',
      platform: 'Linux',
      cpu: 'cpu',
      cores: 2,
      clockTicks: 100,
      command: 'node run.mjs',
      settings: { serverCpu: 0, loadCpu: 1, connections: 10, pipeline: 1, rounds: 1, warmup: 0, duration: 1 },
      loadStart: '0.00',
      loadEnd: '0.00',
    },
    servers: ['node-http', 'brisk', 'fastify'].map((name) => ({
      name,
      title: name,
      version: '1',
      scenarios: ['text'],
    })),
    scenarios: [{ name: 'text', label: 'GET /' }],
    runs: { text: { 'node-http': run(10), brisk: run(15), fastify: run(20) } },
    starts: {},
    failures: [],
  })
  assert.match(md, /\| brisk \| 15\.0 \| 15\.0 \| 0\.75× \| 1\.50× \| 1,000 \| 1,000 \| 1\.00 \|/)
})

test('bun and deno run with flags that forbid any download, as the binary itself', () => {
  const bun = runtimeCommand('bun', '/x/servers/brisk-bun.mjs')
  assert.equal(bun.command, runtimeBinary('bun'))
  assert.deepEqual(bun.args, ['run', '--no-install', '/x/servers/brisk-bun.mjs'])
  const deno = runtimeCommand('deno', '/x/servers/brisk-deno.mjs')
  assert.equal(deno.command, runtimeBinary('deno'))
  assert.ok(deno.args.includes('--no-remote') && deno.args.includes('--node-modules-dir=manual'))
  assert.equal(deno.args.at(-1), '/x/servers/brisk-deno.mjs')
  assert.deepEqual(runtimeCommand('node', '/x/servers/brisk.mjs'), {
    command: process.execPath,
    args: ['/x/servers/brisk.mjs'],
    env: {},
  })
  assert.throws(() => runtimeCommand('workerd', '/x/s.mjs'), /unknown runtime "workerd"/)
  assert.match(runtimeVersion('bun'), /^1\./)
  assert.match(runtimeVersion('deno'), /^2\./)
})
