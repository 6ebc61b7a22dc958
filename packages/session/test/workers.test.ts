/**
 * Two worker processes on one port and one Redis: whichever worker answers, a client's session is the same.
 * The fixture runs with `node` against the built package (`pnpm build` first; the test pipeline does).
 */
import { request } from 'node:http'
import { fileURLToPath } from 'node:url'
import { type AppProcess, type RedisServer, startAppProcess, startRedisServer } from '@brisk/testing/services'
import { afterAll, beforeAll, expect, it } from 'vitest'

const fixture = fileURLToPath(new URL('./fixtures/workers-app.mjs', import.meta.url))
let redis: RedisServer
let child: AppProcess | undefined

beforeAll(async () => {
  redis = await startRedisServer()
})
afterAll(async () => {
  await child?.stop() // the whole process group: workers too
  await redis.stop()
})

/** One GET on a new connection (no keep-alive), so the cluster may hand it to either worker. */
function get(url: string, cookie?: string): Promise<{ status: number; body: any; setCookie: string[] }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent: false, headers: cookie ? { cookie } : {}, timeout: 5000 }, (res) => {
      let body = ''
      res.setEncoding('utf8').on('data', (chunk: string) => {
        body += chunk
      })
      res.on('end', () =>
        resolve({
          status: res.statusCode!,
          body: JSON.parse(body),
          setCookie: res.headers['set-cookie'] ?? [],
        }),
      )
    })
    req.on('timeout', () => req.destroy(new Error('timed out')))
    req.on('error', reject)
    req.end()
  })
}

it('shares one client’s session between two workers on one port through one Redis', async () => {
  // On a free port; ready once both workers listen (the fixture says so then).
  child = await startAppProcess({
    args: [fixture],
    env: { REDIS_URL: redis.url, BRISK_WORKER: undefined, NODE_ENV: undefined },
    readyPath: null,
    readyOutput: /listening http:\/\//,
    timeout: 15_000,
  })
  const url = child.url

  const first = await get(`${url}/visits`)
  expect(first.body.visits).toBe(1)
  const cookie = first.setCookie[0]!.split(';')[0]!
  const pids = new Set<number>([first.body.pid])
  // Requests on new connections until both workers have answered (bounded); the count goes on across them.
  let expected = 2
  for (let i = 0; i < 40 && (pids.size < 2 || expected < 6); i++) {
    const res = await get(`${url}/visits`, cookie)
    expect(res.status).toBe(200)
    expect(res.body.visits).toBe(expected++)
    expect(res.setCookie).toEqual([])
    pids.add(res.body.pid)
  }
  expect(pids.size).toBe(2)
}, 30_000)
