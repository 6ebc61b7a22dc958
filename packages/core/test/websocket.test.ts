import { once } from 'node:events'
import { afterEach, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { Blueprint, Brisk, BriskResponse, Forbidden, Unauthorized } from '../src/index'
import { silent } from './_helpers'

const apps: Brisk<any>[] = []
async function serve(app: Brisk<any>): Promise<string> {
  apps.push(app)
  const { port } = await app.listen({ port: 0 })
  return `ws://127.0.0.1:${port}`
}
afterEach(async () => {
  await Promise.all(apps.splice(0).map((app) => app.close()))
})

/** Opens a client and collects what it receives. */
async function connect(url: string, protocols?: string[], headers?: Record<string, string>) {
  const ws = new WebSocket(url, protocols, { headers })
  const messages: (string | Buffer)[] = []
  const waiters: (() => void)[] = []
  ws.on('message', (data, binary) => {
    messages.push(binary ? (data as Buffer) : data.toString())
    waiters.shift()?.()
  })
  const closed = once(ws, 'close').then(([code, reason]) => ({
    code: code as number,
    reason: String(reason),
  }))
  await once(ws, 'open')
  const next = async (): Promise<string | Buffer> => {
    if (messages.length === 0) await new Promise<void>((resolve) => waiters.push(resolve))
    return messages.shift()!
  }
  return { ws, next, closed }
}

/** What the server answers to an upgrade it refuses. */
async function refused(
  url: string,
  headers?: Record<string, string>,
): Promise<{ status: number; body: string; headers: Record<string, string | string[] | undefined> }> {
  const ws = new WebSocket(url, { headers })
  ws.on('error', () => {}) // terminate() before the handshake completes reports an error we expect
  const [, res] = await once(ws, 'unexpected-response')
  const chunks: Buffer[] = []
  for await (const chunk of res) chunks.push(chunk as Buffer)
  ws.terminate()
  return { status: res.statusCode, body: Buffer.concat(chunks).toString(), headers: res.headers }
}

describe('app.websocket()', () => {
  it('exchanges text and binary messages with a real client', async () => {
    const app = new Brisk()
    app.websocket('/ws/echo', async (_req, ws) => {
      for await (const message of ws) await ws.send(message)
    })
    const { ws, next } = await connect(`${await serve(app)}/ws/echo`)
    ws.send('hello')
    expect(await next()).toBe('hello')
    ws.send(Buffer.from([1, 2, 3]), { binary: true })
    const binary = await next()
    expect(Buffer.isBuffer(binary)).toBe(true)
    expect([...(binary as Buffer)]).toEqual([1, 2, 3])
    ws.close(1000, 'bye')
  })

  it('gives typed params and the request to the handler', async () => {
    const app = new Brisk()
    app.websocket('/rooms/:id<int>', async (req, ws) => {
      await ws.send(JSON.stringify({ id: req.params.id, type: typeof req.params.id, q: req.query.q }))
    })
    const { next, closed } = await connect(`${await serve(app)}/rooms/42?q=x`)
    expect(JSON.parse(String(await next()))).toEqual({ id: 42, type: 'number', q: 'x' })
    expect((await closed).code).toBe(1000) // the handler returned: the server closes normally
  })

  it('closes with 1009 when a message is over maxPayload', async () => {
    const app = new Brisk()
    app.websocket(
      '/small',
      async (_req, ws) => {
        for await (const message of ws) await ws.send(message)
      },
      { maxPayload: 1024 },
    )
    const { ws, next, closed } = await connect(`${await serve(app)}/small`)
    ws.send('a'.repeat(1024))
    expect(await next()).toBe('a'.repeat(1024))
    ws.send('a'.repeat(1025))
    expect((await closed).code).toBe(1009)
  })

  it('uses a 1 MiB message limit by default', async () => {
    const app = new Brisk()
    app.websocket('/big', async (_req, ws) => {
      for await (const message of ws) await ws.send(String(message.length))
    })
    const { ws, next, closed } = await connect(`${await serve(app)}/big`)
    ws.send('b'.repeat(1024 * 1024))
    expect(await next()).toBe(String(1024 * 1024))
    ws.send('b'.repeat(1024 * 1024 + 1))
    expect((await closed).code).toBe(1009)
  })

  it('runs request middleware and guards before the upgrade, so they can refuse it', async () => {
    const app = new Brisk()
    app.onRequest((req) => {
      if (req.headers.authorization !== 'Bearer good') throw new Unauthorized('Token required')
    })
    const bp = new Blueprint('admin', { prefix: '/admin' })
    bp.onRequest(() => {
      throw new Forbidden('Admins only')
    })
    bp.websocket('/ws', async (_req, ws) => {
      await ws.send('never')
    })
    app.blueprint(bp)
    app.websocket('/ws', async (_req, ws) => {
      await ws.send('welcome')
    })
    const base = await serve(app)
    const noToken = await refused(`${base}/ws`)
    expect(noToken.status).toBe(401)
    expect(JSON.parse(noToken.body)).toMatchObject({ status: 401, detail: 'Token required' })
    const forbidden = await refused(`${base}/admin/ws`, { authorization: 'Bearer good' })
    expect(forbidden.status).toBe(403)
    const { next } = await connect(`${base}/ws`, undefined, { authorization: 'Bearer good' })
    expect(await next()).toBe('welcome')
  })

  it.each(['brisk', 'node'] as const)(
    'runs the response middleware on a refused upgrade, as on any answer, and not on an accepted one (%s server)',
    async (server) => {
      const app = new Brisk({ server, logger: silent })
      const seen: string[] = []
      app.onResponse((req, res) => {
        seen.push(`${req.path} ${res.status}`)
        res.header('x-request-id', 'req-1')
      })
      const bp = new Blueprint('live', { prefix: '/live' })
      bp.onRequest((req) => {
        if (req.headers.authorization !== 'Bearer good') throw new Unauthorized('Token required')
      })
      bp.onResponse((_req, res) => void res.header('x-blueprint', 'live'))
      bp.websocket(
        '/ws',
        async (_req, ws) => {
          await ws.send('welcome')
        },
        { onResponse: (_req, res) => void res.header('x-route', 'ws') },
      )
      app.blueprint(bp)
      app.websocket('/open', async (_req, ws) => {
        await ws.send('open')
      })
      // A guard that answers with a response (rather than throwing) is seen by the middleware too.
      app.onRequest((req) =>
        req.headers['x-block'] === 'yes' ? new BriskResponse('blocked', 429) : undefined,
      )
      const base = await serve(app)
      const refusal = await refused(`${base}/live/ws`)
      expect(refusal.status).toBe(401)
      expect(refusal.headers['x-request-id']).toBe('req-1')
      expect(refusal.headers['x-blueprint']).toBe('live')
      expect(refusal.headers['x-route']).toBe('ws')
      const blocked = await refused(`${base}/open`, { 'x-block': 'yes' })
      expect([blocked.status, blocked.body, blocked.headers['x-request-id']]).toEqual([
        429,
        'blocked',
        'req-1',
      ])
      expect(seen).toEqual(['/live/ws 401', '/open 429'])
      const { next } = await connect(`${base}/live/ws`, undefined, { authorization: 'Bearer good' })
      expect(await next()).toBe('welcome')
      expect(seen).toHaveLength(2) // an upgrade is no response: nothing ran for it
    },
  )

  it.each(['brisk', 'node'] as const)(
    'answers 500 when a guard refuses with a header that would split the head (%s server)',
    async (server) => {
      const app = new Brisk({ server, logger: silent })
      app.onRequest(() => new BriskResponse('no', 403, { 'x-why': 'a\r\nx-injected: evil' }))
      app.websocket('/ws', async (_req, ws) => {
        await ws.send('never')
      })
      const answer = await refused(`${await serve(app)}/ws`)
      expect(answer.status).toBe(500)
      expect(answer.body).not.toContain('evil')
      expect(JSON.parse(answer.body)).toMatchObject({ status: 500 })
    },
  )

  it('negotiates a subprotocol by the server preference among the client offers', async () => {
    const app = new Brisk()
    app.websocket(
      '/chat',
      async (_req, ws) => {
        await ws.send(`protocol=${ws.protocol}`)
      },
      { subprotocols: ['chat.v2', 'chat.v1'] },
    )
    const base = await serve(app)
    const both = await connect(`${base}/chat`, ['chat.v1', 'chat.v2'])
    expect(both.ws.protocol).toBe('chat.v2')
    expect(await both.next()).toBe('protocol=chat.v2')
    const one = await connect(`${base}/chat`, ['chat.v1'])
    expect(one.ws.protocol).toBe('chat.v1')
  })

  it('drops a peer that stops answering pings', async () => {
    const app = new Brisk()
    let closedWith: number | undefined
    app.websocket(
      '/ping',
      async (_req, ws) => {
        closedWith = (await ws.closed).code
      },
      { pingInterval: 50 },
    )
    const ws = new WebSocket(`${await serve(app)}/ping`, { autoPong: false })
    await once(ws, 'open')
    const [code] = await once(ws, 'close')
    expect(code).toBe(1006) // terminated without a closing handshake
    await new Promise((resolve) => setTimeout(resolve, 20))
    expect(closedWith).toBe(1006)
  })

  it('keeps a peer that answers pings', async () => {
    const app = new Brisk()
    app.websocket(
      '/alive',
      async (_req, ws) => {
        for await (const message of ws) await ws.send(message)
      },
      { pingInterval: 30 },
    )
    const { ws, next } = await connect(`${await serve(app)}/alive`)
    await new Promise((resolve) => setTimeout(resolve, 200)) // several ping rounds
    ws.send('still here')
    expect(await next()).toBe('still here')
  })

  it('pauses reading while the handler falls behind, and loses no message', async () => {
    const app = new Brisk()
    app.websocket(
      '/slow',
      async (_req, ws) => {
        let count = 0
        for await (const _message of ws) {
          count++
          if (count % 10 === 0) await new Promise((resolve) => setTimeout(resolve, 5))
          if (count === 200) await ws.send(`got ${count}`)
        }
      },
      { maxQueued: 8 },
    )
    const { ws, next } = await connect(`${await serve(app)}/slow`)
    for (let i = 0; i < 200; i++) ws.send(`m${i}`)
    expect(await next()).toBe('got 200')
  })

  it('answers a plain GET to a websocket path with 426, and other methods with 405', async () => {
    const app = new Brisk()
    app.websocket('/ws', async () => {})
    const { port } = await app.listen({ port: 0 })
    apps.push(app)
    const get = await fetch(`http://127.0.0.1:${port}/ws`)
    expect(get.status).toBe(426)
    expect(get.headers.get('upgrade')).toBe('websocket')
    const post = await fetch(`http://127.0.0.1:${port}/ws`, { method: 'POST' })
    expect(post.status).toBe(405)
    expect(post.headers.get('allow')).toBe('GET')
    const injected = await app.inject('/ws')
    expect(injected.status).toBe(426)
  })

  it('refuses an upgrade to an unknown path with 404', async () => {
    const app = new Brisk()
    app.get('/', () => 'ok')
    const res = await refused(`${await serve(app)}/nowhere`)
    expect(res.status).toBe(404)
  })

  it('closes with 1011 when the handler throws, and logs it', async () => {
    const logged: unknown[] = []
    const logger = { error: (o: unknown) => logged.push(o), warn() {}, info() {}, debug() {} }
    const app = new Brisk({ logger })
    app.websocket('/boom', async () => {
      throw new Error('secret failure')
    })
    const { closed } = await connect(`${await serve(app)}/boom`)
    const { code, reason } = await closed
    expect(code).toBe(1011)
    expect(reason).not.toContain('secret')
    expect(logged).toHaveLength(1)
  })

  it('says goodbye with 1001 when the app closes', async () => {
    const app = new Brisk()
    app.websocket('/stay', async (_req, ws) => {
      for await (const _ of ws) {
        /* keep the socket open */
      }
    })
    const { closed } = await connect(`${await serve(app)}/stay`)
    await app.close()
    expect((await closed).code).toBe(1001)
  })

  it('refuses bad options at registration', () => {
    const app = new Brisk()
    expect(() => app.websocket('/x', async () => {}, { pingInterval: -1 })).toThrow(/pingInterval/)
    expect(() => app.websocket('/x', async () => {}, { subprotocols: [''] })).toThrow(/subprotocols/)
    expect(() => app.websocket('/x', async () => {}, { maxPayload: 'lots' })).toThrow(TypeError)
  })
})
