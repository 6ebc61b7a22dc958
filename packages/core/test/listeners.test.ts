import { describe, expect, it } from 'vitest'
import { Blueprint, Brisk, BriskError, type BriskOptions, definePlugin, type Logger } from '../src/index'
import { type Client, makeClient } from './_matrix'

// Listeners and tasks are about the app's life, not the transport: the socket-less entry and a real server.
const entries = ['inject', 'node'] as const

/** A logger that keeps the errors it is given; `next()` resolves at the next one. */
function recordingLogger() {
  const errors: { obj: unknown; msg: string | undefined }[] = []
  let wake: (() => void) | undefined
  const ignore = (): void => {}
  const logger: Logger = {
    error: (obj, msg) => {
      errors.push({ obj, msg })
      wake?.()
    },
    warn: ignore,
    info: ignore,
    debug: ignore,
  }
  const next = (): Promise<void> =>
    new Promise((resolve) => {
      wake = resolve
    })
  return { logger, errors, next }
}

const tick = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 1))

/** A promise and the function that settles it. */
function deferred<T = void>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void
  const promise = new Promise<T>((r) => {
    resolve = r
  })
  return { promise, resolve }
}

/** A client for `app` once the app has fully started (`inject` starts it on the first request). */
async function running(app: Brisk, entry: (typeof entries)[number]): Promise<Client> {
  const client = await makeClient(app, entry)
  await client.request('/')
  return client
}

function quietApp(options: BriskOptions = {}): Brisk {
  return new Brisk({ logger: recordingLogger().logger, ...options })
}

for (const entry of entries) {
  describe(`lifecycle listeners [${entry}]`, () => {
    it('run beforeStart and afterStart before the first request, beforeStop and afterStop at close, blueprints included', async () => {
      const log: string[] = []
      const app = quietApp()
      const first = new Blueprint('first')
      const second = new Blueprint('second')
      const group = Blueprint.group([second], { name: 'group', prefix: '/g' })
      for (const [name, scope] of [
        ['app', app],
        ['first', first],
        ['group', group],
        ['second', second],
      ] as const) {
        scope.beforeStart(() => void log.push(`${name}:beforeStart`))
        scope.afterStart(() => void log.push(`${name}:afterStart`))
        scope.beforeStop(() => void log.push(`${name}:beforeStop`))
        scope.afterStop(() => void log.push(`${name}:afterStop`))
      }
      app.get('/', () => {
        log.push('request')
        return 'ok'
      })
      app.blueprint(first).blueprint(group)
      expect(log).toEqual([])
      const client = await makeClient(app, entry)
      expect((await client.request('/')).body).toBe('ok')
      await client.close()
      const scopes = ['app', 'first', 'group', 'second']
      const reversed = [...scopes].reverse()
      expect(log).toEqual([
        ...scopes.map((s) => `${s}:beforeStart`),
        ...scopes.map((s) => `${s}:afterStart`),
        'request',
        // What started last stops first.
        ...reversed.map((s) => `${s}:beforeStop`),
        ...reversed.map((s) => `${s}:afterStop`),
      ])
    })

    it('await each async listener before the next one starts', async () => {
      const log: string[] = []
      const app = quietApp()
      app.beforeStart(async () => {
        await tick()
        log.push('slow')
      })
      app.beforeStart(() => void log.push('fast'))
      app.afterStop(async () => {
        await tick()
        log.push('slow stop')
      })
      app.afterStop(() => void log.push('fast stop'))
      app.get('/', () => 'ok')
      const client = await makeClient(app, entry)
      await client.request('/')
      await client.close()
      expect(log).toEqual(['slow', 'fast', 'slow stop', 'fast stop'])
    })

    it('give each listener the app', async () => {
      const app = quietApp()
      const seen: unknown[] = []
      const bp = new Blueprint('bp')
      bp.beforeStart((given) => void seen.push(given))
      app.afterStart((given) => void seen.push(given))
      app.blueprint(bp)
      app.get('/', () => 'ok')
      const client = await makeClient(app, entry)
      await client.request('/')
      await client.close()
      expect(seen).toEqual([app, app])
    })

    it('run once however often the app is readied, used and closed', async () => {
      const counts = { beforeStart: 0, afterStart: 0, beforeStop: 0, afterStop: 0 }
      const app = quietApp()
      for (const event of Object.keys(counts) as (keyof typeof counts)[])
        app[event](() => void counts[event]++)
      app.get('/', () => 'ok')
      await app.ready()
      await app.ready()
      const client = await makeClient(app, entry)
      await client.request('/')
      await client.request('/')
      await Promise.all([client.close(), app.close()])
      await app.close()
      expect(counts).toEqual({ beforeStart: 1, afterStart: 1, beforeStop: 1, afterStop: 1 })
    })

    it('make start-up fail when a beforeStart listener throws', async () => {
      const app = quietApp()
      const failure = new Error('cannot reach the database')
      app.beforeStart(() => {
        throw failure
      })
      app.get('/', () => 'ok')
      await expect(app.ready()).rejects.toBe(failure)
      await expect(makeClient(app, entry).then((c) => c.request('/'))).rejects.toBe(failure)
      await app.close()
    })
  })

  describe(`app.addTask() [${entry}]`, () => {
    it('starts a task when the app starts, not before', async () => {
      const app = quietApp()
      const started = deferred<AbortSignal>()
      let calls = 0
      app.addTask(async (signal) => {
        calls++
        started.resolve(signal)
      })
      app.get('/', () => 'ok')
      await app.ready()
      expect(calls).toBe(0)
      const client = await running(app, entry)
      await client.request('/')
      const signal = await started.promise
      expect(calls).toBe(1)
      expect(signal.aborted).toBe(false)
      await client.close()
      expect(signal.aborted).toBe(true)
    })

    it('runs a task added after start right away', async () => {
      const app = quietApp()
      app.get('/', () => 'ok')
      const client = await running(app, entry)
      await client.request('/')
      const started = deferred()
      app.addTask(async () => started.resolve())
      await started.promise
      await client.close()
    })

    it('aborts the signal at close, after beforeStop, and awaits the task before afterStop', async () => {
      const log: string[] = []
      const app = quietApp()
      const started = deferred()
      let signalAtBeforeStop: boolean | undefined
      let signal: AbortSignal | undefined
      app.addTask(async (given) => {
        signal = given
        started.resolve()
        await new Promise((resolve) => given.addEventListener('abort', resolve, { once: true }))
        log.push('task saw abort')
        await tick()
        log.push('task cleaned up')
      })
      app.beforeStop(() => {
        signalAtBeforeStop = signal?.aborted
        log.push('beforeStop')
      })
      app.afterStop(() => void log.push('afterStop'))
      app.get('/', () => 'ok')
      const client: Client = await running(app, entry)
      await client.request('/')
      await started.promise
      await client.close()
      log.push('closed')
      expect(signalAtBeforeStop).toBe(false)
      expect(log).toEqual(['beforeStop', 'task saw abort', 'task cleaned up', 'afterStop', 'closed'])
    })

    it('awaits every task at close', async () => {
      const done: number[] = []
      const app = quietApp()
      for (const n of [1, 2, 3]) {
        app.addTask(async (signal) => {
          await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }))
          for (let i = 0; i < n; i++) await tick()
          done.push(n)
        })
      }
      const client = await running(app, entry)
      await client.close()
      expect(done.sort()).toEqual([1, 2, 3])
    })

    it('logs a task that fails, and the app keeps serving', async () => {
      const recorded = recordingLogger()
      const app = new Brisk({ logger: recorded.logger })
      const failure = new Error('metrics endpoint down')
      const logged = recorded.next()
      app.addTask(async () => {
        await tick()
        throw failure
      })
      app.get('/', () => 'still serving')
      const client = await running(app, entry)
      await logged
      expect(recorded.errors).toEqual([{ obj: { err: failure }, msg: 'background task failed' }])
      expect((await client.request('/')).body).toBe('still serving')
      await client.close()
    })

    it('logs a task that throws synchronously instead of returning a promise', async () => {
      const recorded = recordingLogger()
      const app = new Brisk({ logger: recorded.logger })
      const logged = recorded.next()
      app.addTask((() => {
        throw new TypeError('not even a promise')
      }) as never)
      const client = await running(app, entry)
      await logged
      expect((recorded.errors[0]!.obj as { err: Error }).err.message).toBe('not even a promise')
      await client.close()
    })

    it('does not log a task that rejects because its signal was aborted', async () => {
      const recorded = recordingLogger()
      const app = new Brisk({ logger: recorded.logger })
      const started = deferred()
      app.addTask(async (signal) => {
        started.resolve()
        await new Promise((_resolve, reject) => signal.addEventListener('abort', () => reject(signal.reason)))
      })
      const client = await running(app, entry)
      await started.promise
      await client.close()
      expect(recorded.errors).toEqual([])
    })

    it('cuts off a task that ignores its signal after shutdownTimeout, and still runs afterStop', async () => {
      const app = quietApp({ shutdownTimeout: 20 })
      const log: string[] = []
      const started = deferred()
      app.addTask(async () => {
        started.resolve()
        await new Promise(() => {}) // never settles, whatever the signal says
      })
      app.afterStop(() => void log.push('afterStop'))
      const client = await running(app, entry)
      await started.promise
      await client.close()
      expect(log).toEqual(['afterStop'])
    })
  })
}

describe('app.listen() and app.close()', () => {
  it('runs beforeStart before the server listens and afterStart once it does', async () => {
    const app = quietApp()
    const seen: string[] = []
    app.beforeStart((given) => void seen.push(`beforeStart server=${given.server === null ? 'none' : 'up'}`))
    app.afterStart(async (given) => {
      // The server answers from inside afterStart: it is really listening.
      const res = await fetch(`${given.server!.address.url}/`)
      seen.push(`afterStart ${res.status} ${await res.text()}`)
    })
    app.get('/', () => 'up')
    const address = await app.listen({ port: 0, host: '127.0.0.1' })
    expect(address.port).toBeGreaterThan(0)
    expect(address.url).toBe(`http://127.0.0.1:${address.port}`)
    expect(seen).toEqual(['beforeStart server=none', 'afterStart 200 up'])
    await app.close()
  })

  it('runs no stop listener when the app never started, and can still start and stop later', async () => {
    const log: string[] = []
    const app = quietApp()
    app.beforeStart(() => void log.push('beforeStart'))
    app.beforeStop(() => void log.push('beforeStop'))
    app.afterStop(() => void log.push('afterStop'))
    await app.close()
    expect(log).toEqual([])
    await app.ready()
    await app.close()
    expect(log).toEqual(['beforeStart', 'beforeStop', 'afterStop'])
  })

  it('runs no stop listener when the start failed before beforeStart (a plugin or a route that could not register)', async () => {
    const failing = definePlugin({
      name: 'failing',
      register() {
        throw new Error('no config')
      },
    })
    const cases: [string, (app: Brisk) => void][] = [
      ['a plugin', (app) => app.use(failing)],
      ['two routes on one path', (app) => app.get('/', () => 'a').get('/', () => 'b')],
      ['a listen() whose start fails', () => {}],
    ]
    for (const [what, breakIt] of cases) {
      const log: string[] = []
      const app = quietApp()
      const bp = new Blueprint('bp')
      for (const scope of [app, bp] as const) {
        scope.beforeStart(() => void log.push('beforeStart'))
        scope.beforeStop(() => void log.push('beforeStop'))
        scope.afterStop(() => void log.push('afterStop'))
      }
      app.mainStart(() => void log.push('mainStart'))
      app.mainStop(() => void log.push('mainStop'))
      app.blueprint(bp)
      breakIt(app)
      if (what === 'a listen() whose start fails') {
        app.use(failing)
        await expect(app.listen({ port: 0, host: '127.0.0.1' }), what).rejects.toThrow(/no config/)
      } else {
        await expect(app.ready(), what).rejects.toThrow()
      }
      await app.close()
      // mainStart ran under listen(), so its counterpart does; nothing else started, so nothing else stops.
      expect(log, what).toEqual(what === 'a listen() whose start fails' ? ['mainStart', 'mainStop'] : [])
    }
  })

  it('runs the stop listeners when a beforeStart listener failed, so the ones before it can undo their work', async () => {
    const log: string[] = []
    const app = quietApp()
    app.beforeStart(() => void log.push('connect'))
    app.beforeStart(() => {
      throw new Error('migrations failed')
    })
    app.afterStop(() => void log.push('disconnect'))
    await expect(app.ready()).rejects.toThrow('migrations failed')
    await app.close()
    expect(log).toEqual(['connect', 'disconnect'])
  })

  it('app.compile() knows the routes without running a listener, and the app can still start later', async () => {
    const log: string[] = []
    const registered: string[] = []
    const probe = definePlugin({
      name: 'probe',
      register() {
        registered.push('register')
      },
    })
    const app = quietApp().use(probe)
    app.get('/books/:id<int>', { name: 'book' }, () => 'book')
    for (const event of ['beforeStart', 'afterStart', 'beforeStop', 'afterStop'] as const) {
      app[event](() => void log.push(event))
    }
    await app.compile()
    await app.compile() // once
    expect(registered).toEqual(['register'])
    expect(app.routes().map((r) => `${r.method} ${r.path}`)).toContain('GET /books/:id<int>')
    expect(app.urlFor('book', { id: 3 })).toBe('/books/3')
    expect(() => app.get('/late', () => 'late')).toThrow(BriskError)
    await app.close() // nothing started: nothing to stop
    expect(log).toEqual([])
    const other = quietApp()
    other.beforeStart(() => void log.push('other'))
    await other.compile()
    expect((await other.inject('/')).status).toBe(404)
    expect(log).toEqual(['other'])
    expect(registered).toEqual(['register'])
    expect((await app.inject('/books/1')).body).toBe('book')
    await app.close()
    expect(log).toEqual(['other', 'beforeStart', 'afterStart', 'beforeStop', 'afterStop'])
  })

  it('waits for a start in progress before it stops', async () => {
    const log: string[] = []
    const slow = definePlugin({
      name: 'slow',
      async register(scope) {
        await new Promise((resolve) => setTimeout(resolve, 50))
        scope.beforeStart(() => void log.push('beforeStart'))
        scope.afterStop(() => void log.push('afterStop'))
      },
    })
    const app = quietApp().use(slow)
    const starting = app.ready()
    await app.close()
    await starting
    expect(log).toEqual(['beforeStart', 'afterStop'])
  })

  it('refuses to listen twice', async () => {
    const app = quietApp()
    await app.listen({ port: 0 })
    const again = app.listen({ port: 0 })
    await expect(again).rejects.toBeInstanceOf(BriskError)
    await expect(again).rejects.toMatchObject({ code: 'BRISK_ERR_LISTENING' })
    await app.close()
  })

  it('stops the server at close so the port refuses new connections', async () => {
    const app = quietApp()
    app.get('/', () => 'ok')
    const { url } = await app.listen({ port: 0 })
    expect(await (await fetch(url)).text()).toBe('ok')
    await app.close()
    await expect(fetch(url)).rejects.toThrow()
  })
})

describe('listener and task registration', () => {
  it('refuses a listener that is not a function, naming the event', () => {
    const app = quietApp()
    expect(() => app.beforeStart('x' as never)).toThrow(
      new TypeError('beforeStart(): expected a function, got string'),
    )
    expect(() => new Blueprint('bp').afterStop(null as never)).toThrow(
      new TypeError('afterStop(): expected a function, got object'),
    )
  })

  it('refuses a listener added once the app has started', async () => {
    const app = quietApp()
    await app.ready()
    expect(() => app.afterStart(() => {})).toThrow(expect.objectContaining({ code: 'BRISK_ERR_APP_STARTED' }))
    await app.close()
  })

  it('refuses a task that is not a function', () => {
    const app = quietApp()
    expect(() => app.addTask(Promise.resolve() as never)).toThrow(
      new TypeError('addTask(): expected a function (signal) => Promise'),
    )
  })
})
