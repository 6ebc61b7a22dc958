/**
 * The websocket client against a tiny `ws` server attached to the app's node server: the client only speaks
 * the protocol, so it must not care who implements the server side.
 */
import type { IncomingMessage } from 'node:http'
import { Brisk, text } from '@brisk/core'
import { afterEach, describe, expect, it } from 'vitest'
import { type WebSocket, WebSocketServer } from 'ws'
import { type TestClient, TestClientError, testClient } from '../src/index'
import { modes, silent } from './_apps'

const cleanup: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const step of cleanup.splice(0)) await step()
})

/** What the server saw of each handshake. */
const handshakes: IncomingMessage[] = []

function serve(ws: WebSocket, req: IncomingMessage): void {
  handshakes.push(req)
  ws.on('error', () => {})
  const path = req.url?.split('?')[0]
  if (path === '/ws/greet') {
    ws.send('welcome')
    ws.send(new Uint8Array([1, 2, 3]))
    ws.close(1000, 'done')
    return
  }
  if (path === '/ws/echo') {
    ws.on('message', (data, binary) => {
      if (!binary && data.toString() === 'close-me') ws.close(4000, 'asked to')
      else ws.send(data, { binary })
    })
  }
  // Any other path stays silent.
}

/** An app with one HTTP route, a client, and a `ws` server on the app's port. */
async function setup(mode: 'inject' | 'listen'): Promise<{ app: Brisk; client: TestClient }> {
  const app = new Brisk({ logger: silent })
  app.get('/', () => 'http')
  app.post('/login', () => text('in').setCookie('sid', 'from-http'))
  const client = testClient(app, { mode, timeout: 500 })
  await client.listen()
  const wss = new WebSocketServer({
    noServer: true,
    handleProtocols: (offered) => (offered.has('chat.v2') ? 'chat.v2' : false),
  })
  wss.on('headers', (headers) => headers.push('Set-Cookie: ws=from-handshake; Path=/'))
  wss.on('connection', serve)
  const server = app.server!.raw
  // The core answers upgrades for its own websocket routes; this test brings its own server side instead.
  server.removeAllListeners('upgrade')
  server.on('upgrade', (req, socket, head) => {
    if (req.url?.startsWith('/ws/refuse')) {
      socket.end(
        'HTTP/1.1 403 Forbidden\r\ncontent-type: text/plain\r\ncontent-length: 7\r\nconnection: close\r\n\r\nno way!',
      )
      return
    }
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req))
  })
  cleanup.push(async () => {
    await client.close()
    await new Promise((resolve) => wss.close(resolve))
  })
  return { app, client }
}

async function rejection(promise: Promise<unknown>): Promise<TestClientError> {
  const error = await promise.then(
    () => {
      throw new Error('expected a rejection')
    },
    (e: unknown) => e,
  )
  expect(error).toBeInstanceOf(TestClientError)
  return error as TestClientError
}

describe.each(modes)('client.websocket() in %s mode', (mode) => {
  it('sends and receives text', async () => {
    const { client } = await setup(mode)
    const ws = await client.websocket('/ws/echo')
    await ws.send('hello')
    await ws.send('')
    expect(await ws.next()).toBe('hello')
    expect(await ws.next()).toBe('')
    expect(ws.isClosed).toBe(false)
  })

  it('sends and receives binary as plain Uint8Array', async () => {
    const { client } = await setup(mode)
    const ws = await client.websocket('/ws/echo')
    await ws.send(new Uint8Array([0, 1, 254, 255]))
    await ws.send(new Uint8Array([9]).buffer)
    const first = await ws.next()
    expect(first).toEqual(new Uint8Array([0, 1, 254, 255]))
    expect(Object.getPrototypeOf(first)).toBe(Uint8Array.prototype)
    expect(await ws.next()).toEqual(new Uint8Array([9]))
  })

  it('iterates messages until the server closes, then reports its code and reason', async () => {
    const { client } = await setup(mode)
    const ws = await client.websocket('/ws/greet')
    const got: (string | Uint8Array)[] = []
    for await (const message of ws) got.push(message)
    expect(got).toEqual(['welcome', new Uint8Array([1, 2, 3])])
    expect(await ws.closed).toEqual({ code: 1000, reason: 'done' })
    expect(ws.isClosed).toBe(true)
  })

  it('reports a close code the server chose, and refuses to read or write after it', async () => {
    const { client } = await setup(mode)
    const ws = await client.websocket('/ws/echo')
    const waiting = ws.next()
    await ws.send('close-me')
    const error = await rejection(waiting)
    expect(error.code).toBe('BRISK_TEST_ERR_WS_CLOSED')
    expect(error.message).toBe('websocket /ws/echo: next() after the socket closed (4000 "asked to")')
    expect(await ws.closed).toEqual({ code: 4000, reason: 'asked to' })
    expect((await rejection(ws.send('more'))).code).toBe('BRISK_TEST_ERR_WS_CLOSED')
    expect((await rejection(ws.next())).code).toBe('BRISK_TEST_ERR_WS_CLOSED')
  })

  it('closes with the code and reason the client gives', async () => {
    const { client } = await setup(mode)
    const ws = await client.websocket('/ws/echo')
    expect(await ws.close(4001, 'bye')).toEqual({ code: 4001, reason: 'bye' })
    expect(await ws.close()).toEqual({ code: 4001, reason: 'bye' }) // closing again changes nothing
  })

  it('closes with 1000 by default', async () => {
    const { client } = await setup(mode)
    const ws = await client.websocket('/ws/echo')
    expect(await ws.close()).toEqual({ code: 1000, reason: '' })
  })

  it('refuses a close code a client may not send', async () => {
    const { client } = await setup(mode)
    const ws = await client.websocket('/ws/echo')
    await expect(ws.close(1005)).rejects.toThrow(
      'ws.close(1005): First argument must be a valid error code number',
    )
    expect(ws.isClosed).toBe(false)
  })

  it('times out next() with a clear error, leaving the socket usable', async () => {
    const { client } = await setup(mode)
    const ws = await client.websocket('/ws/echo')
    const error = await rejection(ws.next(50))
    expect(error.code).toBe('BRISK_TEST_ERR_WS_TIMEOUT')
    expect(error.message).toBe('websocket /ws/echo: no message within 50 ms (0 queued; the socket is open)')
    await ws.send('still here')
    expect(await ws.next()).toBe('still here')
  })

  it('times out a for-await wait with the client timeout', async () => {
    const { client } = await setup(mode)
    const ws = await client.websocket('/ws/silent')
    const loop = (async () => {
      for await (const _ of ws) {
        // never reached: the server sends nothing
      }
    })()
    expect((await rejection(loop)).code).toBe('BRISK_TEST_ERR_WS_TIMEOUT')
  })

  it('offers subprotocols and exposes the one chosen', async () => {
    const { client } = await setup(mode)
    const ws = await client.websocket('/ws/echo', { protocols: ['chat.v1', 'chat.v2'] })
    expect(ws.protocol).toBe('chat.v2')
    const plain = await client.websocket('/ws/echo')
    expect(plain.protocol).toBe('')
  })

  it('sends the default headers, Host and jar cookies with the handshake, and stores its cookies', async () => {
    const { client } = await setup(mode)
    await client.post('/login')
    const ws = await client.withHeaders({ authorization: 'Bearer ada' }).websocket('/ws/echo?room=1', {
      headers: { 'x-extra': 'yes' },
    })
    const seen = handshakes.at(-1)!
    expect(seen.url).toBe('/ws/echo?room=1')
    expect(seen.headers.host).toBe('localhost')
    expect(seen.headers.authorization).toBe('Bearer ada')
    expect(seen.headers['x-extra']).toBe('yes')
    expect(seen.headers.cookie).toBe('sid=from-http')
    expect(client.cookies.get('ws')).toBe('from-handshake')
    await ws.close()
    expect((await client.get('/')).request.cookies).toEqual({ sid: 'from-http', ws: 'from-handshake' })
  })

  it('rejects a refused handshake with the status and body', async () => {
    const { client } = await setup(mode)
    const error = await rejection(client.websocket('/ws/refuse'))
    expect(error.code).toBe('BRISK_TEST_ERR_WS_HANDSHAKE')
    expect(error.message).toBe(
      'websocket /ws/refuse: the server answered 403 instead of 101 Switching Protocols; body: no way!',
    )
  })

  it('cuts open sockets on client.close()', async () => {
    const { client } = await setup(mode)
    const ws = await client.websocket('/ws/echo')
    await client.close()
    expect(await ws.closed).toEqual({ code: 1006, reason: '' })
  })

  it('keeps HTTP requests in the client mode while a websocket is open', async () => {
    const { client } = await setup(mode)
    const ws = await client.websocket('/ws/echo')
    const res = await client.get('/')
    expect(res.text()).toBe('http')
    expect(res.request.headers.connection).toBe(mode === 'listen' ? 'keep-alive' : undefined)
    await ws.close()
  })

  it('refuses a path without a leading slash, and bad options', async () => {
    const { client } = await setup(mode)
    expect((await rejection(client.websocket('ws/echo'))).code).toBe('BRISK_TEST_ERR_URL')
    expect((await rejection(client.websocket('/ws/echo', { timeout: -1 }))).code).toBe(
      'BRISK_TEST_ERR_OPTIONS',
    )
    const ws = await client.websocket('/ws/echo')
    await expect(ws.send({} as never)).rejects.toThrow(/expected a string, a Uint8Array or an ArrayBuffer/)
    await expect(ws.next(Number.NaN)).rejects.toThrow(/timeout must be a number/)
  })
})

describe('client.websocket() and the server', () => {
  it('starts the live server itself in inject mode, reporting what the app answers', async () => {
    const app = new Brisk({ logger: silent })
    app.get('/', () => 'http')
    const client = testClient(app)
    cleanup.push(() => client.close())
    expect(app.server).toBeNull()
    // No websocket server here: the core's own upgrade handling answers 404 for a path it does not know.
    const error = await rejection(client.websocket('/ws/none'))
    expect(app.server).not.toBeNull()
    expect(error.code).toBe('BRISK_TEST_ERR_WS_HANDSHAKE')
    expect(error.message).toMatch(/the server answered 404 instead of 101 Switching Protocols/)
  })

  it('refuses a websocket once the app was closed', async () => {
    const app = new Brisk({ logger: silent })
    const client = testClient(app, { closeApp: false })
    await client.listen()
    await app.close()
    const error = await rejection(client.websocket('/ws'))
    expect(error.code).toBe('BRISK_TEST_ERR_APP_CLOSED')
    await client.close()
  })

  it('reports a server that cannot be reached as BRISK_TEST_ERR_NETWORK', async () => {
    const app = new Brisk({ logger: silent })
    const client = testClient(app)
    cleanup.push(() => client.close())
    await client.listen()
    // Stop the server without the app knowing, as a crash would.
    await new Promise((resolve) => app.server!.raw.close(resolve))
    const error = await rejection(client.websocket('/ws'))
    expect(error.code).toBe('BRISK_TEST_ERR_NETWORK')
    expect(error.message).toMatch(/^websocket \/ws: connect ECONNREFUSED/)
  })
})

describe.each(modes)('client.websocket() against app.websocket() [%s]', (mode) => {
  it('talks to a core websocket route, guards and params included', async () => {
    const app = new Brisk({ logger: silent })
    app.onRequest((req) => {
      if (req.path.startsWith('/rooms') && req.query.token !== 'ok') return text('no token', 401)
    })
    app.websocket('/rooms/:id<int>', async (req, ws) => {
      await ws.send(`room ${req.params.id + 1}`)
      for await (const message of ws) await ws.send(message)
    })
    const client = testClient(app, { mode, timeout: 2000 })
    cleanup.push(() => client.close())
    const ws = await client.websocket('/rooms/41?token=ok')
    expect(await ws.next()).toBe('room 42')
    await ws.send('text')
    expect(await ws.next()).toBe('text')
    await ws.send(new Uint8Array([7, 8]))
    expect([...((await ws.next()) as Uint8Array)]).toEqual([7, 8])
    expect((await ws.close(1000)).code).toBe(1000)
    await expect(client.websocket('/rooms/41')).rejects.toThrow(/401/)
  })
})
