import { connect } from 'node:net'
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
