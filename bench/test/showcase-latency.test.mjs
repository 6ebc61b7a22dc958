// wrk/mix.lua's recorded latencies against a real wrk run: wrk 4.1 adds made-up samples to its latency
// histogram after the run (and then prints a p99 of 0 for some pipelined runs); mix.lua takes them out again.
// What is left must be one latency per write wrk finished: one per answer without pipelining, one per ten
// answers with ten requests per write. Skipped without wrk (CI's bench job installs it).
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, test } from 'node:test'
import { runMix } from '../showcase/lib/load.mjs'
import { luaSingle } from '../showcase/lib/mix.mjs'

const wrk = spawnSync('wrk', ['--version']).error === undefined
const ANSWER = 'HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok'
let server
let url
let dir
let answered = 0

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'showcase-latency-'))
  // Answers every request of a read at once; every 2000th answer after a 4 ms stall, so that some latencies
  // are well above the expected interval and wrk's correction has something to add.
  server = createServer((socket) => {
    let pending = ''
    socket.on('error', () => {})
    socket.on('data', (chunk) => {
      pending += chunk
      let out = ''
      for (let end = pending.indexOf('\r\n\r\n'); end >= 0; end = pending.indexOf('\r\n\r\n')) {
        pending = pending.slice(end + 4)
        out += ANSWER
        answered++
        if (answered % 2000 === 0) {
          const until = Date.now() + 4
          while (Date.now() < until);
        }
      }
      if (out !== '') socket.write(out)
    })
  })
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  url = `http://127.0.0.1:${server.address().port}`
})

after(() => {
  server?.close()
  if (dir) rmSync(dir, { recursive: true, force: true })
})

for (const depth of [1, 10]) {
  test(`one recorded latency per finished write, depth ${depth}`, {
    skip: !wrk && 'wrk is not installed',
  }, async () => {
    const dataFile = join(dir, `depth-${depth}.lua`)
    writeFileSync(dataFile, luaSingle({ path: '/' }, depth))
    const connections = 8
    const report = await runMix(url, dataFile, { duration: 1, connections })
    assert.ok(report.requests >= 1000, `${report.requests} answers`)
    // wrk counts every answer; a write's latency is recorded when its last answer arrives, so the writes
    // still partly answered when wrk stopped (at most one per connection) have answers but no latency.
    const writes = report.requests / depth
    assert.ok(report.latencyCount <= writes, `${report.latencyCount} latencies for ${writes} writes`)
    assert.ok(
      report.latencyCount >= writes - connections,
      `${report.latencyCount} latencies for ${writes} writes`,
    )
    assert.ok(report.p50Ms > 0 && report.p99Ms >= report.p50Ms, `p50 ${report.p50Ms} p99 ${report.p99Ms}`)
  })
}
