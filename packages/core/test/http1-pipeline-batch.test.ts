/**
 * Pipelined requests on Brisk's own server: answers that are ready in the same tick leave the server in one
 * socket write, in order. The writes are counted on the server's side of each connection (its `_write` and
 * `_writev` calls: one per batch that reaches the kernel), so the test does not depend on how TCP segments
 * the bytes on their way to the client.
 */
import type { Socket } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Brisk, stream } from '../src/index'
import { silent } from './_helpers'
import { closeRawClients, Raw, sleep } from './_raw-client'

let app: Brisk<any>
let port = 0
/** Writes that reached the kernel (`_write` / `_writev` calls), by the client's port. */
const writes = new Map<number, number>()

beforeAll(async () => {
  app = new Brisk({ logger: silent, server: 'brisk', shutdownTimeout: 500 })
  app.get('/n/:i', (req) => `n${req.params.i}`)
  app.get('/async/:i', async (req) => {
    await null
    return { i: Number(req.params.i) }
  })
  app.get('/slow/:i', async (req) => {
    await sleep(30)
    return `slow${req.params.i}`
  })
  app.post('/echo', async (req) => await req.text())
  app.get('/broken', () =>
    stream(async () => {
      throw new Error('the stream fails before its first chunk')
    }),
  )
  port = (await app.listen({ port: 0, signals: false })).port
  app.server!.raw.on('connection', (socket: Socket) => {
    const client = socket.remotePort!
    writes.set(client, 0)
    const count = (name: '_write' | '_writev') => {
      const original = (socket as any)[name]
      ;(socket as any)[name] = function (this: Socket, ...args: unknown[]) {
        writes.set(client, (writes.get(client) ?? 0) + 1)
        return original.apply(this, args)
      }
    }
    count('_write')
    count('_writev')
  })
})

afterAll(async () => {
  closeRawClients()
  await app.close()
})

async function client(): Promise<Raw> {
  const raw = new Raw(port)
  await raw.ready()
  return raw
}

const get = (path: string): string => `GET ${path} HTTP/1.1\r\nhost: x\r\n\r\n`

describe('pipelined requests sent in one write', () => {
  it('get every answer, in order, in one write when the handlers are synchronous', async () => {
    const raw = await client()
    const n = 10
    raw.write(Array.from({ length: n }, (_, i) => get(`/n/${i}`)).join(''))
    const answers = await raw.responses(n)
    expect(answers.map((r) => r.status)).toEqual(Array(n).fill(200))
    expect(answers.map((r) => r.body.toString())).toEqual(Array.from({ length: n }, (_, i) => `n${i}`))
    expect(writes.get(raw.socket.localPort!)).toBe(1)
  })

  it('get every answer, in order, in one write when the handlers settle in the same round of microtasks', async () => {
    const raw = await client()
    const n = 10
    raw.write(Array.from({ length: n }, (_, i) => get(`/async/${i}`)).join(''))
    const answers = await raw.responses(n)
    expect(answers.map((r) => JSON.parse(r.body.toString()).i)).toEqual(
      Array.from({ length: n }, (_, i) => i),
    )
    expect(writes.get(raw.socket.localPort!)).toBe(1)
  })

  it('keep their order around a handler that waits, and with bodies; what is ready early is not held back', async () => {
    const raw = await client()
    const body = 'hello'
    raw.write(
      get('/n/1') +
        get('/n/2') +
        get('/slow/3') +
        `POST /echo HTTP/1.1\r\nhost: x\r\ncontent-length: ${body.length}\r\n\r\n${body}` +
        get('/n/5'),
    )
    // The two answers before the slow one arrive while it still waits.
    const early = await raw.responses(2)
    expect(early.map((r) => r.body.toString())).toEqual(['n1', 'n2'])
    const rest = await raw.responses(3)
    expect(rest.map((r) => r.body.toString())).toEqual(['slow3', 'hello', 'n5'])
    // One write before the slow handler, one (or two, should the echo's body read take a tick) after it.
    const count = writes.get(raw.socket.localPort!)!
    expect(count).toBeGreaterThanOrEqual(2)
    expect(count).toBeLessThanOrEqual(3)
  })

  it('still deliver the complete answers before a stream that fails cuts the connection', async () => {
    const raw = await client()
    raw.write(get('/n/1') + get('/n/2') + get('/broken') + get('/n/4'))
    const answers = await raw.responses(2)
    expect(answers.map((r) => r.body.toString())).toEqual(['n1', 'n2'])
    await raw.closed
    // Nothing of a third complete answer: the failed stream's head at most, then the cut.
    expect(raw.text).not.toContain('n4')
  })

  it('a request that is not pipelined is written at once, as before', async () => {
    const raw = await client()
    raw.write(get('/n/7'))
    expect((await raw.response()).body.toString()).toBe('n7')
    expect(writes.get(raw.socket.localPort!)).toBe(1)
    raw.write(get('/async/8'))
    expect(JSON.parse((await raw.response()).body.toString())).toEqual({ i: 8 })
    expect(writes.get(raw.socket.localPort!)).toBe(2)
  })
})
