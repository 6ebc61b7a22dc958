/**
 * Two worker processes on one port and one Redis: a refresh token issued by one worker refreshes on the other,
 * and reuse is caught across workers. The fixture runs with `node` against the built package (`pnpm build`
 * first; the test pipeline does).
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

interface Answer {
  status: number
  body: any
  worker: string
}

/** One request on a new connection (no keep-alive), so the cluster may hand it to either worker. */
function send(
  url: string,
  method: string,
  json?: unknown,
  headers: Record<string, string> = {},
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const payload = json === undefined ? undefined : JSON.stringify(json)
    const req = request(
      url,
      {
        method,
        agent: false,
        timeout: 5000,
        headers: payload === undefined ? headers : { ...headers, 'content-type': 'application/json' },
      },
      (res) => {
        let body = ''
        res.setEncoding('utf8').on('data', (chunk: string) => {
          body += chunk
        })
        res.on('end', () =>
          resolve({
            status: res.statusCode!,
            body: body === '' ? null : JSON.parse(body),
            worker: String(res.headers['x-worker']),
          }),
        )
      },
    )
    req.on('timeout', () => req.destroy(new Error('timed out')))
    req.on('error', reject)
    req.end(payload)
  })
}

/** Starts the fixture on a free port; resolves with its URL once both workers listen (it says so then). */
async function startFixture(): Promise<string> {
  child = await startAppProcess({
    args: [fixture],
    env: { REDIS_URL: redis.url, BRISK_WORKER: undefined },
    readyPath: null,
    readyOutput: /listening http:\/\//,
    timeout: 15_000,
  })
  return child.url
}

it('refreshes on one worker a token issued by the other, and catches reuse across workers', {
  timeout: 30_000,
}, async () => {
  const url = await startFixture()
  const login = await send(`${url}/auth`, 'POST', { username: 'alice', password: 'wonderland' })
  expect(login.status).toBe(200)
  let { refresh_token, access_token } = login.body
  let issuer = login.worker
  const workers = new Set([issuer])
  let crossed = 0
  const used: string[] = []
  // Chain refreshes on new connections: each token is refreshed wherever the cluster sends the request.
  for (let i = 0; i < 20 && crossed < 2; i++) {
    const res = await send(`${url}/auth/refresh`, 'POST', { refresh_token })
    expect(res.status).toBe(200)
    workers.add(res.worker)
    if (res.worker !== issuer) crossed++
    const books = await send(`${url}/books`, 'GET', undefined, {
      authorization: `Bearer ${res.body.access_token}`,
    })
    expect(books.status).toBe(200)
    workers.add(books.worker)
    used.push(refresh_token)
    ;({ refresh_token, access_token } = res.body)
    issuer = res.worker
  }
  expect(workers.size).toBe(2)
  expect(crossed).toBeGreaterThan(0)
  expect(access_token).toBeTypeOf('string')
  // A replaced token presented again, to whichever worker: reuse, and the family is revoked everywhere.
  const reuse = await send(`${url}/auth/refresh`, 'POST', { refresh_token: used[0] })
  expect(reuse.status).toBe(401)
  expect(reuse.body.code).toBe('BRISK_JWT_ERR_REFRESH_REUSED')
  for (let i = 0; i < 4; i++) {
    const dead = await send(`${url}/auth/refresh`, 'POST', { refresh_token })
    expect(dead.status).toBe(401)
  }
})
