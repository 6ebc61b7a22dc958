// The whole-app benchmark's own logic, without servers: the mix's order, the Lua data it writes, how a wrk
// run's tallies are read and judged, and the results writer's section in RESULTS.md.
import assert from 'node:assert/strict'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { judgeMix, parseMix, parseP50, readReport } from '../showcase/lib/load.mjs'
import { KIND, KINDS, luaString, schedule, statusOk } from '../showcase/lib/mix.mjs'
import { writeShowcase } from '../showcase/lib/report.mjs'

test('one cycle of the mix holds each kind as often as its weight, and spreads it', () => {
  const order = schedule()
  assert.equal(order.length, 100)
  for (const kind of KINDS) assert.equal(order.filter((n) => n === kind.name).length, kind.weight, kind.name)
  // Smooth round-robin: the heaviest kind (18 of 100) never comes twice in a row.
  for (let i = 1; i < order.length; i++)
    assert.ok(!(order[i] === 'books.list' && order[i - 1] === 'books.list'), `position ${i}`)
  assert.deepEqual(schedule(['books.create', 'books.delete']).slice(0, 4), [
    'books.create',
    'books.delete',
    'books.create',
    'books.delete',
  ])
})

test('a delete may be answered 404 (two workers), nothing else may', () => {
  assert.ok(statusOk(KIND['books.delete'], 204) && statusOk(KIND['books.delete'], 404))
  assert.ok(statusOk(KIND.page, 200) && !statusOk(KIND.page, 404))
})

test('Lua strings keep every byte (CRLF, quotes, backslashes, UTF-8)', () => {
  assert.equal(luaString('a"b\\c\r\n'), '"a\\"b\\\\c\\13\\10"')
  assert.equal(luaString('ł'), '"\\197\\130"')
})

test("wrk's report: the median latency and the MIX line", () => {
  const output = [
    '  Latency Distribution',
    '     50%    2.94ms',
    '     99%    1.20s',
    'MIX {"sent":{"page":7,"notfound":2},"statuses":{"200":7,"404":1},"substituted":{},"pool":["t1"]}',
  ].join('\n')
  assert.equal(parseP50(output), 2.94)
  assert.equal(parseP50('     50%  812.00us\n'), 0.812)
  assert.deepEqual(parseMix(output), {
    sent: { page: 7, notfound: 2 },
    statuses: { 200: 7, 404: 1 },
    substituted: {},
    pool: ['t1'],
  })
  assert.throws(() => parseMix('no line'), /no MIX line/)
})

test("the report takes p50 and p99 from the recorded latencies, and keeps wrk's printed ones apart", () => {
  const output = [
    '  Latency Distribution',
    '     50%    2.94ms',
    '     99%    0.00us',
    '  51234 requests in 3.00s, 6.10MB read',
    'Requests/sec:  17078.00',
    'MIX {"sent":{"page":7},"statuses":{"200":7},"substituted":{},"pool":[],"latency":{"count":5123,"p50":2100,"p99":8450,"expected":190}}',
  ].join('\n')
  const report = readReport(output)
  assert.equal(report.requests, 51234)
  assert.equal(report.p50Ms, 2.1)
  assert.equal(report.p99Ms, 8.45)
  assert.equal(report.latencyCount, 5123)
  assert.equal(report.wrkP50Ms, 2.94)
  assert.equal(report.wrkP99Ms, 0)
  // No latency recorded (mix.lua prints null): no figure, not 0.
  const none = readReport(output.replace(/"latency":\{[^}]*\}/, '"latency":null'))
  assert.ok(Number.isNaN(none.p99Ms) && Number.isNaN(none.p50Ms))
  assert.equal(none.latencyCount, 0)
})

test('the tallies are judged: wrong statuses, missing answers beyond those in flight', () => {
  const sent = { page: 10, notfound: 4, 'books.delete': 5 }
  // A delete's 404 (two workers) and one answer still in flight are fine.
  assert.deepEqual(judgeMix({ sent, statuses: { 200: 10, 404: 6, 204: 2 } }, { inflight: 1 }), [])
  assert.deepEqual(judgeMix({ sent, statuses: { 200: 9, 404: 4, 204: 5, 500: 1 } }, { inflight: 0 }), [
    '1 answers with status 500, which no kind sent expects',
    '9 answers with status 200, expected at least 10 (10 sent)',
  ])
  assert.deepEqual(judgeMix({ sent, statuses: { 200: 12, 404: 4, 204: 5 } }, { inflight: 0 }), [
    '12 answers with status 200, more than the 10 requests that may get it',
  ])
  assert.deepEqual(judgeMix({ statuses: { 200: 3, 401: 1 } }, { expect: 200 }), [
    '1 answers with status 401, expected 200',
  ])
})

test('the results go between their own markers, and the rest of RESULTS.md stays', () => {
  const dir = mkdtempSync(join(tmpdir(), 'brisk-showcase-results-'))
  try {
    const file = join(dir, 'RESULTS.md')
    const before =
      '# Benchmark results\n\n<!-- results:start -->\ncore\n<!-- results:end -->\n\n## What each change bought\n\nrows\n'
    writeFileSync(file, before)
    writeShowcase(file, '### Run one')
    writeShowcase(file, '### Run two')
    const text = readFileSync(file, 'utf8')
    assert.match(text, /<!-- results:start -->\ncore\n<!-- results:end -->/)
    assert.match(text, /<!-- showcase:start -->\n### Run two\n<!-- showcase:end -->/)
    assert.ok(!text.includes('Run one'))
    assert.ok(text.indexOf('showcase:end') < text.indexOf('## What each change bought'))
    assert.ok(text.endsWith('rows\n'))
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})
