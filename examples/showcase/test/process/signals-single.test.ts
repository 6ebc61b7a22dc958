/**
 * SIGTERM and SIGINT while uploads are being read, in memory mode with one process (`WORKERS=1`, the
 * default): every request being read gets its full answer, new connections are refused, and it exits 0.
 */
import { Agent } from 'node:http'
import type { AppProcess } from '@brisk/testing/services'
import { afterEach, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { drainsOn, expectCreated, startUpload } from './_drain'
import { login, send, sleep, startShowcase, waitForOutput } from './_helpers'

const started: AppProcess[] = []

afterEach(async () => {
  await Promise.all(started.splice(0).map((app) => app.stop()))
})

async function start(env: Record<string, string>): Promise<AppProcess> {
  const app = await startShowcase(env)
  started.push(app)
  return app
}

describe('SIGTERM / SIGINT with requests in flight, memory mode, WORKERS=1', () => {
  for (const [signal, group] of [
    ['SIGTERM', false],
    ['SIGINT', true],
  ] as const) {
    it(`answers every upload being read and exits 0 on ${signal} to the ${group ? 'group' : 'process'} (memory mode, WORKERS=1)`, async () => {
      const app = await start({ WORKERS: '1' })
      expect(await waitForOutput(app, /listening on/)).toMatch(/sessions and refresh tokens in memory/)
      await drainsOn(app, 4, () => app.kill(signal, { group }))
    }, 120_000)
  }

  it('stops accepting new connections once the signal has come', async () => {
    const app = await start({ WORKERS: '1' })
    const { access_token } = await login(app.url)
    const upload = startUpload(app.url, access_token, 'the last one')
    await upload.reading
    app.kill('SIGTERM', { group: true })
    // New connections are refused soon (polled, bounded), while the upload, most of whose body has not
    // been sent, keeps the server draining.
    const deadline = Date.now() + 3_000
    let late: number | 'refused' = 0
    while (late !== 'refused' && Date.now() < deadline) {
      late = await send(app.url, 'GET', '/health', { timeout: 2_000 }).then(
        (res) => res.status,
        () => 'refused' as const,
      )
      if (late !== 'refused') await sleep(50)
    }
    expect(late).toBe('refused')
    expect(app.running).toBe(true)
    await upload.finish(30)
    expectCreated(await upload.answer, 'the last one')
    expect(await app.exited).toEqual({ code: 0, signal: null })
  }, 120_000)

  it('closes open websockets (1001) and idle kept-alive connections rather than wait for them', async () => {
    const app = await start({ WORKERS: '1' })
    const ws = new WebSocket(`ws://127.0.0.1:${app.port}/ws/echo`)
    const wsClosed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)))
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject))
    ws.send('still here')
    expect(String(await new Promise((resolve) => ws.once('message', resolve)))).toBe('still here')
    const agent = new Agent({ keepAlive: true, maxSockets: 1 })
    const idle = await send(app.url, 'GET', '/health', { agent })
    expect(idle.headers.connection).toBe('keep-alive')
    const socketClosed = new Promise<void>((resolve) => {
      const socket = Object.values(agent.freeSockets)[0]?.[0]
      if (socket === undefined || socket.destroyed) resolve()
      else socket.once('close', () => resolve())
    })
    app.kill('SIGTERM', { group: true })
    expect(await wsClosed).toBe(1001) // going away
    await socketClosed
    // Neither kept it waiting for its shutdown timeout (10 s by default): it exits 0 long before.
    const exit = await Promise.race([app.exited, sleep(5_000).then(() => 'still running after 5 s')])
    expect(exit).toEqual({ code: 0, signal: null })
    agent.destroy()
  }, 120_000)
})
