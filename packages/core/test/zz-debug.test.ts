import { connect } from 'node:net'
import { it } from 'vitest'
import { Brisk, sse } from '../src/index'
import { silent } from './_helpers'
it('dbg', { timeout: 20000 }, async () => {
  const app = new Brisk({ logger: silent, server: 'brisk' })
  let sig: AbortSignal | undefined
  app.get('/events', () => sse(async (send, signal) => { sig = signal; await send('hi'); await new Promise(r => signal.addEventListener('abort', r)) }, { heartbeat: 0 }))
  const { port } = await app.listen({ port: 0, signals: false })
  let srv: import('node:net').Socket | undefined
  app.server!.raw.on('connection', (s) => { srv = s
    for (const ev of ['end', 'close', 'finish', 'error']) s.on(ev, (e?: unknown) => console.log('server socket', ev, String(e ?? '')))
  })
  const c = connect(port, '127.0.0.1')
  c.write('GET /events HTTP/1.1\r\nhost: x\r\n\r\n')
  await new Promise(r => c.once('data', r))
  c.destroy()
  await new Promise(r => setTimeout(r, 500))
  const s = srv!
  console.log({ corked: s.writableCorked, len: s.writableLength, ended: s.writableEnded, finished: s.writableFinished, destroyed: s.destroyed, writable: s.writable, half: s.allowHalfOpen, pending: (s as any)._pendingData, ws: (s as any)._writableState.pendingcb })
  console.log('aborted', sig?.aborted)
  await app.close()
})
