/**
 * A real `redis-server` for tests: on a free loopback port, keeping nothing on disk, stopped and started again
 * at will (to test what an app does while Redis is down), and always stopped when the test process exits.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { connect } from 'node:net'
import { TestClientError } from '../errors'
import { ensureDebianPackage } from './debian-package'
import { freePort } from './free-port'
import { killWithThisProcess } from './orphan-guard'

/** A running (or stopped) `redis-server`. */
export interface RedisServer {
  /** `redis://127.0.0.1:<port>`: give it to `ioredis`. */
  readonly url: string
  readonly port: number
  /** Whether it is running now. */
  readonly running: boolean
  /** Stops it (SIGTERM, then SIGKILL after 2 s); its data is gone. Resolves once the process has exited. */
  stop(): Promise<void>
  /** Starts it again on the same port, empty. */
  start(): Promise<void>
}

const running = new Set<ChildProcess>()
let exitHook = false

/** Resolves once the server answers PING with PONG, or rejects after `ms`. */
function pinged(port: number, ms: number): Promise<void> {
  const deadline = Date.now() + ms
  return new Promise((resolve, reject) => {
    const attempt = (): void => {
      const socket = connect({ port, host: '127.0.0.1' })
      let reply = ''
      const retry = (): void => {
        socket.destroy()
        if (Date.now() > deadline)
          reject(
            new TestClientError(
              'BRISK_TEST_ERR_SERVICE',
              `redis-server on port ${port} did not answer PING within ${ms} ms`,
            ),
          )
        else setTimeout(attempt, 25)
      }
      socket.once('error', retry)
      socket.on('data', (chunk: Buffer) => {
        reply += chunk.toString()
        if (reply.includes('PONG')) {
          socket.destroy()
          resolve()
        }
      })
      socket.once('connect', () => socket.write('PING\r\n'))
      socket.setTimeout(500, retry)
    }
    attempt()
  })
}

/**
 * Starts a `redis-server` on a free loopback port (installing Debian's package first when it is missing, as
 * {@link ensureDebianPackage} does). Stop it in `afterAll`; it is killed with the test process in any case.
 *
 * @example
 * const redis = await startRedisServer()
 * const client = new Redis(redis.url)
 * await redis.stop()   // Redis is down: routes that need it answer 503
 * await redis.start()  // and back
 */
export async function startRedisServer(): Promise<RedisServer> {
  ensureDebianPackage('redis-server')
  const port = await freePort()
  let child: ChildProcess | null = null
  const launch = async (): Promise<void> => {
    const proc = spawn(
      'redis-server',
      [
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--save',
        '',
        '--appendonly',
        'no',
        '--protected-mode',
        'yes',
      ],
      { stdio: 'ignore' },
    )
    running.add(proc)
    // Vitest ends its workers without running exit listeners: this guard kills redis-server then.
    const dismiss = proc.pid === undefined ? () => {} : killWithThisProcess(proc.pid)
    proc.once('exit', () => {
      running.delete(proc)
      dismiss()
    })
    child = proc
    if (!exitHook) {
      exitHook = true
      process.once('exit', () => {
        for (const p of running) p.kill('SIGKILL')
      })
    }
    await pinged(port, 10_000)
  }
  await launch()
  const alive = (): boolean => child !== null && child.exitCode === null && child.signalCode === null
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    get running() {
      return alive()
    },
    async stop() {
      const proc = child
      if (proc === null || proc.exitCode !== null || proc.signalCode !== null) return
      const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()))
      proc.kill('SIGTERM')
      const timer = setTimeout(() => proc.kill('SIGKILL'), 2_000)
      await exited
      clearTimeout(timer)
      child = null
    },
    async start() {
      if (!alive()) await launch()
    },
  }
}
