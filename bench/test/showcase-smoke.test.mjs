// CI's check of the whole-app benchmark (bench/showcase): the showcase, its Fastify twin and the node:net floor
// are started in memory mode with one worker, as the runner starts them, and the traffic mix is driven for 1 s
// with fetch, every answer checked against its kind (status, content type, what its body must hold). With wrk
// installed, the same mix also goes through wrk/mix.lua for 1 s, and its tallies must add up: every status one
// the kinds sent allow, as many as they must get, no socket error. Bounded: a few seconds per server.
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, test } from 'node:test'
import { startApp, stopAll } from '../showcase/lib/apps.mjs'
import { captureAnswers, driveMix } from '../showcase/lib/drive.mjs'
import { judgeMix, runMix } from '../showcase/lib/load.mjs'
import { KINDS, luaData, prepareClients } from '../showcase/lib/mix.mjs'

const wrk = spawnSync('wrk', ['--version'], { stdio: 'ignore' }).error === undefined
const dir = mkdtempSync(join(tmpdir(), 'brisk-showcase-smoke-'))
const answersFile = join(dir, 'answers.json')

before(async () => {
  // The floor replays the showcase's answers: record them first (as the runner does).
  const brisk = await startApp('brisk')
  try {
    const clients = await prepareClients(brisk.url, { logins: 1, sessions: 1 })
    writeFileSync(answersFile, JSON.stringify(await captureAnswers(brisk.url, clients)))
  } finally {
    await brisk.stop()
  }
})

after(async () => {
  await stopAll()
  rmSync(dir, { recursive: true, force: true })
})

for (const name of ['brisk', 'twin', 'floor']) {
  test(`${name}: the mix, every answer right (fetch${wrk ? ', then wrk' : ''})`, {
    timeout: 60_000,
  }, async () => {
    const app = await startApp(name, { env: name === 'floor' ? { FLOOR_ANSWERS: answersFile } : {} })
    try {
      const clients =
        name === 'floor'
          ? { access: ['floor'], refresh: Array(4).fill('floor'), cookies: ['sid=floor'] }
          : await prepareClients(app.url, { logins: 4, sessions: 4 })
      const drove = await driveMix(app.url, { clients, connections: 8, durationMs: 1000 })
      assert.deepEqual(drove.failures, [], `${drove.wrong} wrong answers`)
      // Every kind was sent and answered (a 1 s run goes through the 100-request cycle at least once).
      for (const kind of KINDS) assert.ok(drove.sent[kind.name] > 0, `${kind.name} was sent`)
      assert.ok(!Object.keys(drove.statuses).some((s) => Number(s) >= 500), JSON.stringify(drove.statuses))

      if (wrk) {
        const dataFile = join(dir, `${name}.lua`)
        writeFileSync(dataFile, luaData({ clients, depth: 1 }))
        const report = await runMix(app.url, dataFile, { duration: 1, connections: 10 })
        assert.deepEqual(judgeMix(report.mix, { inflight: 10 }), [], JSON.stringify(report.mix))
        assert.ok(report.requests >= 100, `${report.requests} answers in 1 s`)
        const { connect, read, write } = report.socketErrors
        assert.equal(connect + read + write, 0, JSON.stringify(report.socketErrors))
        for (const kind of KINDS) assert.ok(report.mix.sent[kind.name] > 0, `wrk sent ${kind.name}`)
      }
    } finally {
      await app.stop()
    }
  })
}
