/**
 * What every client made from one `testClient()` call shares (clients from `withHeaders` included): the
 * app, the mode and origin, the cookie jar, the live server's connections, the open websockets, and
 * whether it is closed. Options are checked here, once.
 */
import { Agent as HttpAgent } from 'node:http'
import { Agent as HttpsAgent } from 'node:https'
import type { Brisk } from '@brisk/core'
import { type AppState, attach, serverUrl } from './app-state'
import { CookieJar } from './cookies/cookie-jar'
import { TestClientError } from './errors'
import type { TestWebSocket } from './websocket'

/** How requests reach the app. */
export type ClientMode = 'inject' | 'listen'

/** Options of `testClient()`. */
export interface TestClientOptions {
  /**
   * `'inject'`: through `app.inject`, no sockets (fastest). `'listen'`: real HTTP to the app served on an
   * ephemeral loopback port, started on the first request. Websockets use the live server in both modes.
   * @default 'inject'
   */
  mode?: ClientMode
  /**
   * The origin the client acts as: it sets the `Host` header and the cookie rules (`Secure` cookies are only
   * sent when it is `https`). The transport is the same whatever it says.
   * @default 'http://localhost' ('https://localhost' when the app already listens with TLS)
   */
  origin?: string
  /** Headers sent with every request. @default {} */
  headers?: Record<string, string | string[]>
  /** Whether `client.close()` also closes the app (and so the server the client started). @default true */
  closeApp?: boolean
  /** Milliseconds a websocket waits for its handshake, a message, or the closing handshake. @default 2000 */
  timeout?: number
}

/** The state shared by a client and the clients made from it. */
export interface Session {
  readonly app: Brisk<any>
  readonly state: AppState
  readonly mode: ClientMode
  readonly origin: URL
  readonly jar: CookieJar
  readonly closeApp: boolean
  readonly timeout: number
  readonly sockets: Set<TestWebSocket>
  agent: HttpAgent | null
  closing: Promise<void> | null
}

const OPTION_KEYS = new Set(['mode', 'origin', 'headers', 'closeApp', 'timeout'])

/**
 * Checks the options of `testClient()` and opens the session; adds the capture hooks to the app on first use.
 *
 * @example
 * const session = openSession(app, { mode: 'listen' })
 */
export function openSession(app: Brisk<any>, options: TestClientOptions): Session {
  if (options === null || typeof options !== 'object') {
    throw new TestClientError('BRISK_TEST_ERR_OPTIONS', 'testClient(): options must be an object')
  }
  for (const key of Object.keys(options)) {
    if (!OPTION_KEYS.has(key)) {
      throw new TestClientError(
        'BRISK_TEST_ERR_OPTIONS',
        `testClient(): unknown option "${key}"; the options are ${[...OPTION_KEYS].join(', ')}`,
      )
    }
  }
  const mode = options.mode ?? 'inject'
  if (mode !== 'inject' && mode !== 'listen') {
    throw new TestClientError(
      'BRISK_TEST_ERR_OPTIONS',
      `testClient(): mode must be 'inject' or 'listen', got ${JSON.stringify(mode)}`,
    )
  }
  const timeout = options.timeout ?? 2000
  if (!Number.isFinite(timeout) || timeout <= 0) {
    throw new TestClientError(
      'BRISK_TEST_ERR_OPTIONS',
      `testClient(): timeout must be a number of milliseconds > 0, got ${String(timeout)}`,
    )
  }
  const state = attach(app)
  if (state.closed) throw appClosed('testClient()')
  const secureServer = app.server?.address.url.startsWith('https:') === true
  const origin = parseOrigin(options.origin ?? (secureServer ? 'https://localhost' : 'http://localhost'))
  return {
    app,
    state,
    mode,
    origin,
    jar: new CookieJar(origin.href),
    closeApp: options.closeApp ?? true,
    timeout,
    sockets: new Set(),
    agent: null,
    closing: null,
  }
}

/**
 * The live server's URL and the session's HTTP agent, starting the server if needed.
 *
 * @example
 * const [base, agent] = await liveTarget(session)
 */
export async function liveTarget(s: Session): Promise<[string, HttpAgent]> {
  const base = await serverUrl(s.state)
  // One agent per session keeps connections alive between requests, as a real client would.
  s.agent ??= base.startsWith('https:')
    ? new HttpsAgent({ keepAlive: true })
    : new HttpAgent({ keepAlive: true })
  return [base, s.agent]
}

/**
 * Ends a session: websockets cut, kept-alive connections closed, and the app closed when it should be.
 *
 * @example
 * session.closing ??= shutdown(session)
 */
export async function shutdown(s: Session): Promise<void> {
  await Promise.all([...s.sockets].map((ws) => ws.terminate()))
  s.agent?.destroy()
  await s.state.listening?.catch(() => {}) // a server still starting must be up before it can be closed
  if (s.closeApp && s.state.started && !s.state.closed) await s.app.close()
}

function parseOrigin(origin: string): URL {
  let url: URL
  try {
    url = new URL(origin)
  } catch {
    throw new TestClientError(
      'BRISK_TEST_ERR_OPTIONS',
      `testClient(): origin must be an absolute URL like 'https://shop.example', got ${JSON.stringify(origin)}`,
    )
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new TestClientError(
      'BRISK_TEST_ERR_OPTIONS',
      `testClient(): origin must be http or https, got ${JSON.stringify(origin)}`,
    )
  }
  return url
}

/**
 * The error for using a client whose app was closed.
 *
 * @example
 * throw appClosed('client.get("/")')
 */
export function appClosed(api: string): TestClientError {
  return new TestClientError(
    'BRISK_TEST_ERR_APP_CLOSED',
    `${api}: the app was closed (by client.close() or app.close()) and cannot serve again; build a new app for each test`,
  )
}
