/**
 * What the test client keeps per app, shared by every client of that app: the hooks that capture the
 * request the server saw, whether the app has started or closed, and the live server the clients started.
 *
 * Capture works through the app's own hooks so it is the same in inject and listen mode (the server runs in
 * this process either way): the client tags each request with {@link TEST_ID_HEADER}, and the hooks hand the
 * `BriskRequest` carrying a pending tag back to the client that sent it.
 */
import type { Brisk, BriskRequest } from '@brisk/core'

/**
 * The header that correlates a request with the client that sent it: the only header the client adds, removed
 * again by the client's `onRequest` hook (app middleware registered before the client was made sees it).
 */
export const TEST_ID_HEADER = 'x-brisk-test-id'

/** Per-app state; one per app, whatever the number of clients. */
export interface AppState {
  readonly app: Brisk<any>
  /** Requests in flight, by test id; the value is filled by the app's hooks. */
  readonly pending: Map<string, BriskRequest<any, any> | null>
  /** False when the app had started before any client saw it, so no hook could be added. */
  capture: boolean
  /** Set by an `afterStart` listener (or known from the start when `capture` is false). */
  started: boolean
  /** Set by a `beforeStop` listener. */
  closed: boolean
  /** The live server a client started, if any. */
  listening: Promise<string> | null
}

const states = new WeakMap<object, AppState>()

/**
 * The state of `app`, adding the capture hooks on first use. Hooks can only be added before the app
 * starts; on a started app capture is off and `res.request` says why.
 *
 * @example
 * const state = attach(app)
 */
export function attach(app: Brisk<any>): AppState {
  const known = states.get(app)
  if (known !== undefined) return known
  if (app === null || typeof app !== 'object' || typeof (app as Brisk<any>).inject !== 'function') {
    throw new TypeError('testClient(): expected a Brisk app (new Brisk())')
  }
  const pending = new Map<string, BriskRequest<any, any> | null>()
  const state: AppState = { app, pending, capture: true, started: false, closed: false, listening: null }
  const record = (req: BriskRequest<any, any>): void => {
    const id = req.headers[TEST_ID_HEADER]
    if (typeof id === 'string' && pending.has(id)) pending.set(id, req)
  }
  try {
    // Both hooks record: a request middleware that answers early skips the onRequest hooks after it, and a
    // response middleware that throws skips the onResponse hooks after it; one of the two always runs.
    app.onRequest((req) => {
      record(req)
      // The handler and later middleware never see the tag; the onResponse hook finds it missing and
      // leaves the recorded request alone.
      delete req.headers[TEST_ID_HEADER]
    })
    app.onResponse((req) => {
      record(req)
    })
    app.afterStart(() => {
      state.started = true
    })
    app.beforeStop(() => {
      state.closed = true
    })
  } catch (error) {
    if ((error as { code?: unknown }).code !== 'BRISK_ERR_APP_STARTED') throw error
    state.capture = false
    state.started = true
  }
  states.set(app, state)
  return state
}

/**
 * The URL of the app's live server: the one it already has, or one started on an ephemeral loopback port
 * (once per app, however many clients ask at the same time).
 *
 * @example
 * const url = await serverUrl(state) // 'http://127.0.0.1:43121'
 */
export function serverUrl(state: AppState): Promise<string> {
  if (state.app.server !== null) return Promise.resolve(state.app.server.address.url)
  state.listening ??= state.app.listen({ port: 0, host: '127.0.0.1' }).then((address) => address.url)
  return state.listening
}

let counter = 0
const prefix = Math.random().toString(36).slice(2, 8)

/** A test id unique in this process. @example nextTestId() // 'k3j9x1-42' */
export function nextTestId(): string {
  counter += 1
  return `${prefix}-${counter}`
}
