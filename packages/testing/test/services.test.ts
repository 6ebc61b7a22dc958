import { execFile } from 'node:child_process'
import { connect } from 'node:net'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { TestClientError } from '../src/index'
import { ensureDebianPackage, type RedisServer, startRedisServer } from '../src/services'

/** Sends one inline Redis command and resolves with the first reply line. */
function command(port: number, line: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ port, host: '127.0.0.1' })
    let reply = ''
    socket.once('error', reject)
    socket.on('data', (chunk: Buffer) => {
      reply += chunk.toString()
      if (reply.includes('\r\n')) {
        socket.destroy()
        resolve(reply.slice(0, reply.indexOf('\r\n')))
      }
    })
    socket.write(`${line}\r\n`)
  })
}

describe('ensureDebianPackage()', () => {
  it('returns at once for a program that is there', () => {
    expect(() => ensureDebianPackage('sh', 'dash')).not.toThrow()
  })

  it('refuses what is not a program or package name, before running anything', () => {
    expect(() => ensureDebianPackage('redis-server; rm -rf /')).toThrow(TestClientError)
  })
})

describe('startRedisServer()', () => {
  let redis: RedisServer
  beforeAll(async () => {
    redis = await startRedisServer()
  }, 180_000) // a first run may install Debian's redis-server

  afterAll(() => redis.stop())

  it('serves on loopback at the port of its url', async () => {
    expect(redis.url).toBe(`redis://127.0.0.1:${redis.port}`)
    expect(await command(redis.port, 'SET greeting hello')).toBe('+OK')
    expect(await command(redis.port, 'GET greeting')).toBe('$5')
  })

  it('is killed with the test process even when that one is SIGKILLed (as Vitest ends its workers)', async () => {
    // The owner runs the built package (`pnpm build` first; the test pipeline does).
    const owner = fileURLToPath(new URL('./fixtures/app-process-owner.mjs', import.meta.url))
    const printed = await new Promise<string>((resolve) =>
      execFile(
        process.execPath,
        [owner],
        { timeout: 20_000, env: { ...process.env, REDIS: '1', HOW: 'kill' } },
        (_e, out) => resolve(out),
      ),
    )
    const port = Number(/started \d+ \d+ (\d+)/.exec(printed)![1])
    expect(port).toBeGreaterThan(0)
    const deadline = Date.now() + 3_000
    let answer = await command(port, 'PING').catch((error) => error.code)
    while (answer !== 'ECONNREFUSED' && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50))
      answer = await command(port, 'PING').catch((error) => error.code)
    }
    expect(answer).toBe('ECONNREFUSED')
  })

  it('stops, refuses connections while down, and starts again empty on the same port', async () => {
    await command(redis.port, 'SET kept no')
    await redis.stop()
    expect(redis.running).toBe(false)
    await expect(command(redis.port, 'PING')).rejects.toMatchObject({ code: 'ECONNREFUSED' })
    await redis.start()
    expect(redis.running).toBe(true)
    expect(await command(redis.port, 'PING')).toBe('+PONG')
    expect(await command(redis.port, 'EXISTS kept')).toBe(':0')
  })
})
