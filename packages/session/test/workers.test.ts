/**
 * Two worker processes on one port and one Redis: whichever worker answers, a client's session is the same.
 * The fixture runs with `node` against the built package (`pnpm build` first; the test pipeline does).
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { request } from 'node:http'
import { createServer } from 'node:net'
import { fileURLToPath } from 'node:url'
import { type RedisServer, startRedisServer } from '@brisk/testing/services'
import { afterAll, beforeAll, expect, it } from 'vitest'

const fixture = fileURLToPath(new URL('./fixtures/workers-app.mjs', import.meta.url))
let redis: RedisServer
let child: ChildProcess | undefined

beforeAll(async () => {
  redis = await startRedisServer()
})
afterAll(async () => {
  if (child?.exitCode === null && child.signalCode === null) {
    const exited = new Promise((resolve) => child!.once('exit', resolve))
    process.kill(-child.pid!, 'SIGTERM')
    const timer = setTimeout(() => process.kill(-child!.pid!, 'SIGKILL'), 5000)
    await exited
    clearTimeout(timer)
  }
  await redis.stop()
})

async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  await new Promise((resolve) => server.close(resolve))
  return port
}

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
  const port = await freePort()
  child = spawn(process.execPath, [fixture], {
    env: { ...process.env, PORT: String(port), REDIS_URL: redis.url, BRISK_WORKER: '', NODE_ENV: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  })
  let output = ''
  child.stdout!.setEncoding('utf8').on('data', (c: string) => {
    output += c
  })
  child.stderr!.setEncoding('utf8').on('data', (c: string) => {
    output += c
  })
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`not listening in 15 s:\n${output}`)), 15_000)
    child!.stdout!.on('data', () => {
      const match = /listening (http:\/\/\S+)/.exec(output)
      if (match) {
        clearTimeout(timer)
        resolve(match[1]!)
      }
    })
    child!.once('exit', () => reject(new Error(`exited before listening:\n${output}`)))
  })

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
