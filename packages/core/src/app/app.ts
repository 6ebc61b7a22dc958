/**
 * The app: a route scope with plugins, blueprints, lifecycle, and the three entries (node server, `fetch`,
 * `inject`) that all go through {@link Brisk.handle}.
 */

import type { Entry } from '../entries/adapter'
import { type InjectOptions, type InjectResponse, injectRequest } from '../entries/inject'
import { fetchRequest } from '../entries/web'
import type { TrustProxy } from '../http/client-ip'
import { defaultErrorResponse } from '../http/default-error'
import { BriskError } from '../http/errors'
import { BriskRequest, type RequestHost } from '../http/request'
import { absoluteTarget, normalizePath, originTarget } from '../http/url-path'
import { accessLogHooks } from '../log/access-log'
import { consoleLogger, type Logger } from '../log/logger'
import type { PrimaryHandle } from '../node/cluster'
import type { ListenOptions, ServerHandle } from '../node/server'
import { type NodeHalf, openNode } from '../node-door'
import { runPlan } from '../plan/chain'
import { type Compiled, compileApp } from '../plan/compile'
import type { RoutePlan } from '../plan/route-plan'
import { buildPath, UrlParamsError } from '../router/path'
import { adopt, type Mountable } from './blueprint'
import { claimMounted, copyScope } from './blueprint-copy'
import { type BriskConfig, type BriskOptions, resolveConfig } from './config'
import type { Plugin, PluginOptionsArg } from './plugin'
import { registerPlugins } from './plugin-registry'
import type { RouteInfo } from './route-info'
import { RouteScope } from './route-scope'
import { kScope, type ListenerEvent, type Scope } from './scope'
import type { CtxOf, Env } from './types'

/** A background task: it gets a signal that aborts when the app closes. */
export type Task = (signal: AbortSignal) => Promise<unknown>

const EMPTY_PARAMS = Object.freeze(Object.create(null)) as Record<string, unknown>

/**
 * A Brisk application.
 *
 * @example
 * const app = new Brisk({ name: 'shop' })
 * app.get('/books/:id<int>', (req) => ({ id: req.params.id }))
 * await app.listen({ port: 8000 })
 */
export class Brisk<E extends Env = {}> extends RouteScope<E> implements RequestHost {
  /** The resolved configuration. */
  readonly config: BriskConfig
  /** The app's logger. */
  readonly log: Logger
  /** The running node server, once `listen()` has resolved. */
  server: ServerHandle | null = null

  #compiled: Compiled | null = null
  #compiling: Promise<void> | null = null
  #ready: Promise<void> | null = null
  #started: Promise<void> | null = null
  /** A start that failed: every later `fetch` / `inject` rejects with its error instead of being served. */
  #startFailed = false
  #closing: Promise<void> | null = null
  #primary: PrimaryHandle | null = null
  #listening = false
  #main = false
  /** Whether the start got as far as the `beforeStart` listeners: from then on, stopping undoes something. */
  #began = false
  readonly #tasks = new Set<Promise<unknown>>()
  readonly #queued: Task[] = []
  /**
   * Aborts the background tasks' signal at close. Made on first use, not here: workerd refuses to make an
   * AbortController in a module's global scope, where a Worker builds its app (`new Brisk()` at top level).
   */
  #abort: AbortController | null = null

  constructor(options: BriskOptions = {}) {
    const config = resolveConfig(options)
    super('app', config.name, { strictSlashes: config.strictSlashes })
    this.config = config
    // Runtimes call the handler they were given without the app as `this` (Deno.serve(app.fetch)), or with their
    // own (Bun's server, a Worker's exported object).
    this.fetch = this.fetch.bind(this)
    // Readable lines in development mode (a person watches them), JSON lines otherwise (a collector parses them).
    this.log = options.logger ?? consoleLogger(config.logLevel, { pretty: config.dev })
    if (config.accessLog) {
      const { onRequest, onResponse } = accessLogHooks(this.log)
      this.onRequest(onRequest)
      this.onResponse(onResponse)
    }
  }

  /** Whether the app runs in development mode. */
  get dev(): boolean {
    return this.config.dev
  }

  /** How far proxy headers are trusted (from the `trustProxy` option). */
  get trustProxy(): TrustProxy {
    return this.config.trustProxy
  }

  /**
   * Registers a plugin for the whole app; returns the app typed with what the plugin adds to `req.ctx`.
   *
   * @example
   * const app = new Brisk().use(timing, { header: 'x-time' })
   */
  use<O, C extends object>(
    plugin: Plugin<O, C>,
    ...[options]: PluginOptionsArg<O>
  ): Brisk<{ ctx: CtxOf<E> & C }> {
    this.usePlugin(plugin, options)
    return this as unknown as Brisk<{ ctx: CtxOf<E> & C }>
  }

  /**
   * Mounts a blueprint or a group. It fails to type-check when the blueprint needs ctx fields (plugins) that
   * this app does not have.
   *
   * @example
   * app.blueprint(Blueprint.group([books, authors], { prefix: '/api', version: 1 }))
   */
  blueprint(item: Mountable<CtxOf<E>> & Scope<any>): this {
    this.guardOpen('blueprint')
    const kind = item?.[kScope]?.kind
    if (kind !== 'blueprint' && kind !== 'group')
      throw new TypeError('app.blueprint(): expected a Blueprint or a group')
    adopt(this, item)
    return this
  }

  /**
   * Builds the URL of a named route; values are checked against the parameter types and encoded.
   *
   * @example
   * app.urlFor('books.show', { id: 7 }, { tab: 'reviews' }) // '/books/7?tab=reviews'
   */
  urlFor(name: string, params: Record<string, unknown> = {}, query?: Record<string, unknown>): string {
    const compiled = this.#compiled
    if (compiled === null)
      throw new BriskError('BRISK_ERR_NOT_STARTED', 'urlFor(): routes are known once the app has started')
    const entry = compiled.names.get(name)
    if (entry === undefined)
      throw new BriskError('BRISK_ERR_URL_NAME', `urlFor(): no route is named "${name}"`)
    if (entry === null) {
      throw new BriskError(
        'BRISK_ERR_URL_NAME',
        `urlFor(): "${name}" names several routes; give them explicit names`,
      )
    }
    for (const key in params) {
      // A misspelt or misplaced key would otherwise vanish from the URL without a word.
      if (params[key] !== undefined && !entry.segments.some((s) => s.type === 'param' && s.name === key)) {
        throw new UrlParamsError(
          `urlFor(): the route "${name}" (${entry.info.path}) has no parameter "${key}"; query values go in the third argument`,
        )
      }
    }
    let url = buildPath(entry.segments, params)
    if (query !== undefined) {
      const search = new URLSearchParams()
      for (const [key, value] of Object.entries(query)) {
        if (value === undefined) continue
        for (const item of Array.isArray(value) ? value : [value]) search.append(key, String(item))
      }
      const encoded = search.toString()
      if (encoded) url += `?${encoded}`
    }
    return url
  }

  /** The route table, once started. @example for (const r of app.routes()) console.log(r.method, r.path) */
  routes(): readonly RouteInfo[] {
    return this.#compiled?.routes ?? []
  }

  /** @internal A fresh `req.ctx`. */
  newCtx(): object {
    return {}
  }

  /**
   * Runs a background task; it is started when the app starts and, at `close()`, its signal aborts and it is
   * awaited.
   *
   * @example
   * app.addTask(async (signal) => { while (!signal.aborted) { await flushMetrics(); await sleep(1000, signal) } })
   */
  addTask(task: Task): void {
    if (typeof task !== 'function') throw new TypeError('addTask(): expected a function (signal) => Promise')
    if (this.#started === null) this.#queued.push(task)
    else this.#run(task)
  }

  /**
   * Registers every plugin, compiles the routes ({@link Brisk.compile}) and runs `beforeStart` listeners; called
   * by `listen`, `fetch` and `inject`, so calling it yourself is only needed to surface start-up errors early.
   *
   * @example
   * await app.ready()
   */
  ready(): Promise<void> {
    if (this.#ready === null) this.#ready = this.compile().then(() => this.#beforeStart())
    return this.#ready
  }

  /**
   * Registers every plugin and compiles the routes, and nothing more: no listener runs, nothing is served,
   * and there is nothing to stop afterwards. The route table (`routes()`) and `urlFor()` are known once it
   * resolves; `ready()` (and so `listen`, `fetch`, `inject`) starts with it. `brisk routes` uses it to read an
   * app's routes without starting the app.
   *
   * @example
   * await app.compile()
   * for (const route of app.routes()) console.log(route.method, route.path)
   */
  compile(): Promise<void> {
    if (this.#compiling === null) this.#compiling = this.#compile()
    return this.#compiling
  }

  /** @internal `ready()` then `afterStart` listeners and queued tasks: what `fetch`/`inject` wait for. */
  start(): Promise<void> {
    if (this.#started === null) {
      this.#started = this.ready().then(async () => {
        await this.#emit('afterStart')
        for (const task of this.#queued.splice(0)) this.#run(task)
      })
      this.#started.catch(() => {
        this.#startFailed = true
      })
    }
    return this.#started
  }

  /**
   * Serves the app on Brisk's HTTP/1.1 server (HTTPS with `tls`). Resolves once it listens; with `workers`,
   * once every worker listens, and rejects with a worker's error, after stopping them all, when one of them
   * cannot start. Then logs one `info` line with the address and the worker count (not with `log: false`).
   *
   * @example
   * const { url } = await app.listen({ port: 8000, host: '127.0.0.1' })
   */
  async listen(options: ListenOptions = {}): Promise<{ port: number; host: string; url: string }> {
    // Claimed before the first await, so two calls in one tick cannot both start a server.
    const again = this.#listening
    this.#listening = true
    let node: NodeHalf
    try {
      node = await openNode('listen')
    } catch (error) {
      this.#listening = again // a runtime without a node server: nothing listens
      throw error
    }
    if (!node.isWorker()) {
      const address = await this.#listen(options, again)
      // One line for the whole server: a cluster's primary speaks for its workers, which say nothing.
      if (options.log !== false) {
        const workers = options.workers ?? 1
        this.log.info(
          { url: address.url, host: address.host, port: address.port, workers },
          `Brisk app "${this.name}" listening on ${address.url} (${workers} ${workers === 1 ? 'worker' : 'workers'})`,
        )
      }
      return address
    }
    // A worker serves for its primary, whose listen() answers for all of them: the worker reports how its
    // start went, and when it failed it exits without printing, so the error is printed once, by the primary.
    try {
      const address = await this.#listen(options, again)
      node.reportReady(address)
      return address
    } catch (error) {
      if (!(await node.reportFailure(error))) this.log.error({ err: error }, 'worker failed to start')
      await this.close().catch(() => {})
      process.exit(1)
    }
  }

  async #listen(
    options: ListenOptions,
    again: boolean,
  ): Promise<{ port: number; host: string; url: string }> {
    if (again) throw new BriskError('BRISK_ERR_LISTENING', 'listen(): the app is already listening')
    try {
      return await this.#serve(options)
    } catch (error) {
      // Nothing listens (a port in use, say): a later listen() may try again.
      if (this.server === null && this.#primary === null) this.#listening = false
      throw error
    }
  }

  async #serve(options: ListenOptions): Promise<{ port: number; host: string; url: string }> {
    const workers = options.workers ?? 1
    if (!Number.isInteger(workers) || workers < 1) {
      throw new TypeError(`listen(): workers must be a positive integer, got ${String(workers)}`)
    }
    const { isWorker, listenServer, startPrimary, trackSignals } = await openNode('listen')
    const worker = isWorker()
    if (!worker) await this.#emit('mainStart')
    if (workers > 1 && !worker) {
      try {
        this.#primary = await startPrimary(workers, {
          log: this.log,
          grace: this.config.shutdownTimeout,
          // listen() resolved long ago, so the error is said here; the process exits 1 once all is stopped.
          onFailure: (error) => {
            this.log.error({ err: error }, 'a new worker could not start; stopping the server')
            process.exitCode = 1
            void this.close()
          },
        })
      } catch (error) {
        await this.#emit('mainStop') // the workers are gone; undo what mainStart began
        throw error
      }
      if (options.signals !== false) trackSignals(this)
      return this.#primary.address
    }
    this.#main = !worker
    await this.ready()
    this.server = await listenServer(this, options)
    if (options.signals !== false) trackSignals(this)
    try {
      await this.start()
    } catch (error) {
      await this.close().catch(() => {}) // an afterStart listener failed: do not leave the port bound
      throw error
    }
    return this.server.address
  }

  /**
   * Stops the app: `beforeStop`, stop accepting and drain in-flight requests (up to `shutdownTimeout`), abort
   * and await background tasks, `afterStop`.
   *
   * @example
   * process.on('SIGTERM', () => app.close())
   */
  close(): Promise<void> {
    if (this.#closing === null) {
      if (this.#primary !== null) this.#closing = this.#stopWorkers(this.#primary)
      // Nothing started, nothing to stop: stop listeners must not tear down what beforeStart never set up.
      else if (this.#ready === null) return Promise.resolve()
      else this.#closing = this.#shutdown()
    }
    return this.#closing
  }

  async #stopWorkers(primary: PrimaryHandle): Promise<void> {
    await primary.close(this.config.shutdownTimeout)
    await this.#emit('mainStop')
    await untrack(this)
  }

  /**
   * Answers a Web-standard `Request`: the same app on Bun, Deno, Workers, or in tests. It is bound to the app,
   * so it can be handed over as it is: `Bun.serve({ fetch: app.fetch })`, `Deno.serve(app.fetch)`,
   * `export default { fetch: app.fetch }`. The first call starts the app; when the start fails (a plugin or a
   * `beforeStart` listener throws, or the runtime lacks what `app.static()` needs), that call and every later
   * one reject with the start's error, and no request is served.
   *
   * Like Hono's, it gives the `Response` itself when the route answered without waiting (Bun, Deno and Workers
   * then skip a promise turn), else a promise of it: `await` it either way.
   *
   * @example
   * const res = await app.fetch(new Request('http://localhost/books/1'))
   */
  fetch(request: Request): Response | Promise<Response> {
    if (this.#started === null || this.#compiled === null || this.#startFailed)
      return this.start().then(() => fetchRequest(this, request))
    try {
      return fetchRequest(this, request)
    } catch (error) {
      return Promise.reject(error) // a failure is a rejection, as it was when fetch was async
    }
  }

  /**
   * Sends a request through the whole app without a socket, for tests.
   *
   * @example
   * const res = await app.inject({ method: 'POST', url: '/books', body: { title: 'Dune' } })
   * res.status // 201
   */
  async inject(options: InjectOptions | string): Promise<InjectResponse> {
    if (this.#started === null || this.#compiled === null || this.#startFailed) await this.start()
    return injectRequest(this, typeof options === 'string' ? { url: options } : options)
  }

  /**
   * @internal The one way into the app for every entry: match, build the request, run the plan, and hand
   * the result to the entry. Stays synchronous unless the route is async. `headers` is `null` when the entry
   * builds them on first use (its `headers` and `header`); such an entry sends origin-form targets only.
   */
  handle<Raw, R>(
    entry: Entry<Raw, R>,
    raw: Raw,
    method: string,
    url: string,
    headers: Record<string, string | string[] | undefined> | null,
    lookup: string = method,
  ): R | Promise<R> {
    const compiled = this.#compiled!
    let plan: RoutePlan = compiled.notFound
    let params = EMPTY_PARAMS
    let target = url
    if (target.charCodeAt(0) !== 47 /* / */) {
      // Absolute form (RFC 9112 §3.2.2): the authority in the target replaces the Host header.
      const absolute = absoluteTarget(target)
      if (absolute === null) plan = compiled.malformed
      else if (absolute !== undefined) {
        target = absolute.target
        if (headers !== null) headers.host = absolute.host
      }
    }
    const mark = target.indexOf('?')
    const sent = mark === -1 ? target : target.slice(0, mark)
    // One normal form before routing, so guards, routes and static files agree on what the path names.
    let path = normalizePath(sent)
    if (path === null) {
      path = sent
      plan = compiled.malformed
    } else if (path !== sent || (mark !== -1 && target.indexOf('#', mark) !== -1)) {
      target = originTarget(target, mark, path)
    }
    if (plan !== compiled.malformed) {
      try {
        // Without a record (app.fetch builds req.headers on first use), the Host header only if a route needs it.
        const router = compiled.router
        const host =
          headers !== null
            ? (headers.host as string | undefined)
            : router.hostBound
              ? entry.header!(raw, 'host')
              : undefined
        const match = router.find(lookup, path, host)
        if (match !== null) {
          plan = match.store
          params = match.params
        }
      } catch {
        plan = compiled.malformed // a parameter that is not valid UTF-8 once decoded: 400
      }
    }
    const req = new BriskRequest(this, entry, raw, method, target, path, headers, params, plan)
    const out = runPlan(plan, req)
    if (out instanceof Promise) return respondLater(entry, raw, req, plan, out)
    return entry.respond(raw, req, out, plan.fallback)
  }

  async #compile(): Promise<void> {
    // Blueprints are shared definitions: this app registers plugins on, compiles and runs its own copies.
    const release = claimMounted(this)
    let compiled = false
    try {
      await registerPlugins(this, [], copyScope)
      this.#compiled = compileApp(this, {
        bodyLimit: this.config.bodyLimit,
        requestTimeout: this.config.requestTimeout,
        multipart: this.config.multipart,
        strictSlashes: this.config.strictSlashes,
        fallback: (error, req) =>
          defaultErrorResponse(error, req, this.config.dev, this.log, this.config.problemTypeBase),
      })
      seal(this)
      compiled = true
    } finally {
      release(compiled)
    }
  }

  async #beforeStart(): Promise<void> {
    this.#began = true
    await this.#emit('beforeStart')
  }

  async #emit(event: ListenerEvent): Promise<void> {
    const scopes: Scope<any>[] = []
    const walk = (scope: Scope<any>): void => {
      scopes.push(scope)
      for (const child of scope[kScope].children) walk(child)
    }
    walk(this)
    // Stop listeners run in reverse so what started last stops first.
    if (event === 'beforeStop' || event === 'afterStop') scopes.reverse()
    const stopping = event === 'beforeStop' || event === 'afterStop' || event === 'mainStop'
    for (const scope of scopes) {
      for (const listener of scope[kScope].listeners[event]) {
        if (!stopping) {
          await listener(this)
          continue
        }
        // A failing stop listener must not keep the server open or skip the others: log it and go on.
        try {
          await listener(this)
        } catch (error) {
          this.log.error({ err: error, event }, 'stop listener failed')
        }
      }
    }
  }

  #taskSignal(): AbortSignal {
    this.#abort ??= new AbortController()
    return this.#abort.signal
  }

  #run(task: Task): void {
    const running = Promise.resolve()
      .then(() => task(this.#taskSignal()))
      .catch((error) => {
        if (!this.#taskSignal().aborted) this.log.error({ err: error }, 'background task failed')
      })
      .finally(() => this.#tasks.delete(running))
    this.#tasks.add(running)
  }

  async #shutdown(): Promise<void> {
    if (!this.#began) {
      // A start in progress (plugins registering) is waited for. One that failed before its beforeStart
      // listeners (a plugin or a route that could not register) never started: no stop listener runs, since
      // nothing it would undo was done. Only mainStop, the counterpart of a mainStart that did run.
      await this.#ready?.catch(() => {})
      if (!this.#began) {
        if (this.#main) await this.#emit('mainStop')
        return
      }
    }
    await this.#emit('beforeStop')
    if (this.server !== null) await this.server.close(this.config.shutdownTimeout)
    this.#abort ??= new AbortController() // a task added after close() gets an aborted signal
    this.#abort.abort()
    if (this.#tasks.size > 0) {
      let timer: ReturnType<typeof setTimeout> | undefined
      const timeout = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, this.config.shutdownTimeout)
      })
      await Promise.race([Promise.allSettled([...this.#tasks]), timeout])
      clearTimeout(timer)
    }
    await this.#emit('afterStop')
    if (this.#main) await this.#emit('mainStop')
    if (this.server !== null) await untrack(this)
  }
}

async function untrack(app: Brisk<any>): Promise<void> {
  ;(await openNode('listen')).untrackSignals(app)
}

function respondLater<Raw, R>(
  entry: Entry<Raw, R>,
  raw: Raw,
  req: BriskRequest<any, any>,
  plan: RoutePlan,
  pending: Promise<unknown>,
): Promise<R> {
  const send = (result: unknown): R | Promise<R> => {
    const sent = entry.respond(raw, req, result, plan.fallback)
    // Only async routes can have read a body, so only they can have left temporary files behind.
    req.cleanup()
    return sent
  }
  // The runner handles errors itself; the second callback is a last guard.
  return pending.then(send, (error) => send(plan.fallback(error, req)))
}

function seal(scope: Scope<any>): void {
  scope[kScope].started = true
  for (const child of scope[kScope].children) seal(child)
}
