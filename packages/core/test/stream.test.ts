import { request } from 'node:http'
import { describe, expect, it } from 'vitest'
import { Brisk, formatEvent, sse, stream } from '../src/index'
import { forEachEntry, once } from './_matrix'

forEachEntry('stream()', (make) => {
  it('sends what the producer writes, in order, then ends', async () => {
    const app = new Brisk()
    app.get('/count', () =>
      stream(
        async (write) => {
          for (let i = 0; i < 5; i++) await write(`${i}\n`)
          await write(new Uint8Array([0x21]))
        },
        { headers: { 'content-type': 'text/plain; charset=utf-8' } },
      ),
    )
    const res = await once(make, app, '/count')
    expect(res.status).toBe(200)
    expect(res.headers['content-type']).toBe('text/plain; charset=utf-8')
    expect(res.body).toBe('0\n1\n2\n3\n4\n!')
  })

  it('streams more than the buffer holds, waiting for the reader', async () => {
    const app = new Brisk()
    const chunk = 'y'.repeat(16_384)
    app.get('/big', () =>
      stream(async (write) => {
        for (let i = 0; i < 64; i++) await write(chunk)
      }),
    )
    const res = await once(make, app, '/big')
    expect(res.body.length).toBe(64 * 16_384)
  })
})

forEachEntry('sse()', (make) => {
  it('sends events in the text/event-stream format with no-cache headers', async () => {
    const app = new Brisk()
    app.get('/events', () =>
      sse(async (send) => {
        await send('hello')
        await send({ event: 'tick', id: '7', data: { n: 1 } })
        await send({ data: 'two\nlines', retry: 1000 })
      }),
    )
    const res = await once(make, app, '/events')
    expect(res.headers['content-type']).toBe('text/event-stream; charset=utf-8')
    expect(res.headers['cache-control']).toBe('no-cache')
    expect(res.body).toBe(
      'data: hello\n\nevent: tick\nid: 7\ndata: {"n":1}\n\nretry: 1000\ndata: two\ndata: lines\n\n',
    )
  })

  it('sends heartbeat comments while idle', async () => {
    const app = new Brisk()
    app.get('/idle', () =>
      sse(
        async (send) => {
          await new Promise((resolve) => setTimeout(resolve, 120))
          await send('done')
        },
        { heartbeat: 25 },
      ),
    )
    const res = await once(make, app, '/idle')
    expect(res.body).toContain(': heartbeat\n\n')
    expect(res.body.endsWith('data: done\n\n')).toBe(true)
  })
})

describe('formatEvent()', () => {
  it('refuses line breaks in event names and ids, and bad retry values', () => {
    expect(() => formatEvent({ event: 'a\nb', data: 1 })).toThrow(/line break/)
    expect(() => formatEvent({ id: '1\r', data: 1 })).toThrow(/line break/)
    expect(() => formatEvent({ retry: -1, data: 1 })).toThrow(/retry/)
  })
})

describe('stream() on the node server', () => {
  it('aborts the producer signal when the client disconnects', async () => {
    const app = new Brisk()
    let aborted!: () => void
    const sawAbort = new Promise<void>((resolve) => {
      aborted = resolve
    })
    app.get('/forever', () =>
      sse(async (send, signal) => {
        await send('first')
        await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve()))
        aborted()
      }),
    )
    const { port } = await app.listen({ port: 0 })
    await new Promise<void>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, path: '/forever', agent: false }, (res) => {
        res.once('data', () => {
          req.destroy() // the browser tab closes
          resolve()
        })
      })
      req.on('error', () => {})
      req.end()
      setTimeout(() => reject(new Error('no data')), 5000)
    })
    await sawAbort
    await app.close()
  })

  it('refuses a producer that is not a function', () => {
    expect(() => stream('x' as never)).toThrow(TypeError)
    expect(() => sse(async () => {}, { heartbeat: -5 })).toThrow(/heartbeat/)
  })
})
