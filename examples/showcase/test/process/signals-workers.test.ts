/**
 * SIGTERM and SIGINT while uploads are being read, with two workers and Redis: the showcase stops accepting,
 * reads every request it is reading to its end and answers it in full, then exits 0 with no worker left
 * behind. Sent to the whole process group (a terminal's Ctrl-C, systemd, a container stop) or to the main
 * process alone (`kill <pid>`).
 */
import { type AppProcess, type RedisServer, startRedisServer } from '@brisk/testing/services'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { drainsOn } from './_drain'
import { leftovers, startShowcase, waitForWorkers } from './_helpers'

let redis: RedisServer
const started: AppProcess[] = []

beforeAll(async () => {
  redis = await startRedisServer()
}, 150_000)

afterEach(async () => {
  await Promise.all(started.splice(0).map((app) => app.stop()))
})

afterAll(() => redis?.stop())

async function start(env: Record<string, string>): Promise<AppProcess> {
  const app = await startShowcase(env)
  started.push(app)
  return app
}

describe('SIGTERM / SIGINT with requests in flight, WORKERS=2 with Redis', () => {
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    it(`answers every upload being read and exits 0 on ${signal} to the process group (WORKERS=2, Redis)`, async () => {
      const app = await start({ WORKERS: '2', REDIS_URL: redis.url })
      const workers = await waitForWorkers(app.pid, 2)
      expect(workers).toHaveLength(2)
      await drainsOn(app, 6, () => app.kill(signal, { group: true }))
      expect(await leftovers(workers)).toEqual([])
    }, 120_000)
  }

  it('answers every upload being read and exits 0 on SIGTERM to the main process alone (WORKERS=2, Redis)', async () => {
    const app = await start({ WORKERS: '2', REDIS_URL: redis.url })
    const workers = await waitForWorkers(app.pid, 2)
    await drainsOn(app, 4, () => app.kill('SIGTERM'))
    expect(await leftovers(workers)).toEqual([])
  }, 120_000)
})
