/**
 * The test client: one API for requests through `app.inject` (no sockets) or against a live server on a
 * loopback port, a cookie jar kept across requests, websockets, and the request the server saw.
 */
import type { Brisk } from '@brisk/core'
import { nextTestId, serverUrl, TEST_ID_HEADER } from './app-state'
import type { CookieJar } from './cookies/cookie-jar'
import { TestClientError } from './errors'
import {
  buildRequest,
  checkUrl,
  type HeaderValue,
  mergeHeaders,
  type RequestOptions,
} from './request-options'
import { TestResponse } from './response'
import {
  appClosed,
  type ClientMode,
  liveTarget,
  openSession,
  type Session,
  shutdown,
  type TestClientOptions,
} from './session'
import { sendHttp, sendInject } from './transport'
import { connectWebSocket, type TestWebSocket, type WebSocketOptions } from './websocket'

const METHOD = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/

/**
 * Makes a test client for `app`. Create it before the app serves its first request: the client adds two
 * hooks to the app to capture the request the server saw (`res.request`).
 *
 * @example
 * const client = testClient(app)                      // inject mode: no sockets
 * const live = testClient(app, { mode: 'listen' })    // a real server on 127.0.0.1:<free port>
 * const res = await client.post('/books', { json: { title: 'Dune' } })
 * res.status            // 201
 * res.request.routeName // 'books.create'
 * await client.close()
 */
export function testClient(app: Brisk<any>, options: TestClientOptions = {}): TestClient {
  return new TestClient(openSession(app, options), mergeHeaders('testClient()', {}, options.headers ?? {}))
}

/**
 * A test client; made by {@link testClient}. Every verb resolves with a {@link TestResponse} whatever the
 * status: a 404 or a 500 is a response to assert on, not an error.
 *
 * @example
 * const res = await client.get('/books', { query: { page: 2 } })
 * expect(res.status).toBe(200)
 */
export class TestClient {
  readonly #s: Session
  readonly #headers: Readonly<Record<string, string | string[]>>

  /** @internal Use {@link testClient}. */
  constructor(session: Session, headers: Record<string, string | string[]>) {
    this.#s = session
    this.#headers = Object.freeze(headers)
  }

  /** The app this client talks to. @example client.app.routes() */
  get app(): Brisk<any> {
    return this.#s.app
  }

  /** `'inject'` or `'listen'`. @example if (client.mode === 'listen') … */
  get mode(): ClientMode {
    return this.#s.mode
  }

  /** The origin the client acts as, e.g. `http://localhost`. @example client.origin */
  get origin(): string {
    return this.#s.origin.origin
  }

  /** The default headers of this client (lower-case names). @example client.headers.authorization */
  get headers(): Readonly<Record<string, string | string[]>> {
    return this.#headers
  }

  /**
   * The cookie jar, shared with every client made from this one by `withHeaders`.
   *
   * @example
   * client.cookies.set('theme', 'dark')
   * client.cookies.get('sid')
   * client.cookies.clear()
   */
  get cookies(): CookieJar {
    return this.#s.jar
  }

  /** True once `close()` has been called. @example expect(client.closed).toBe(true) */
  get closed(): boolean {
    return this.#s.closing !== null
  }

  /** A GET request. @example await client.get('/books/1') */
  get(url: string, options?: RequestOptions): Promise<TestResponse> {
    return this.request('GET', url, options)
  }

  /** A POST request. @example await client.post('/books', { json: { title: 'Dune' } }) */
  post(url: string, options?: RequestOptions): Promise<TestResponse> {
    return this.request('POST', url, options)
  }

  /** A PUT request. @example await client.put('/books/1', { json: book }) */
  put(url: string, options?: RequestOptions): Promise<TestResponse> {
    return this.request('PUT', url, options)
  }

  /** A PATCH request. @example await client.patch('/books/1', { json: { title: 'Dune' } }) */
  patch(url: string, options?: RequestOptions): Promise<TestResponse> {
    return this.request('PATCH', url, options)
  }

  /** A DELETE request. @example await client.delete('/books/1') */
  delete(url: string, options?: RequestOptions): Promise<TestResponse> {
    return this.request('DELETE', url, options)
  }

  /** A HEAD request; the body is always empty. @example await client.head('/books') */
  head(url: string, options?: RequestOptions): Promise<TestResponse> {
    return this.request('HEAD', url, options)
  }

  /** An OPTIONS request. @example (await client.options('/books')).headers.get('allow') */
  options(url: string, options?: RequestOptions): Promise<TestResponse> {
    return this.request('OPTIONS', url, options)
  }

  /**
   * A request with any method. Redirects are not followed: a 3xx is returned as it is.
   *
   * @example
   * const res = await client.request('PROPFIND', '/files')
   */
  async request(method: string, url: string, options: RequestOptions = {}): Promise<TestResponse> {
    if (typeof method !== 'string' || !METHOD.test(method)) {
      throw new TestClientError(
        'BRISK_TEST_ERR_OPTIONS',
        `client.request(): ${JSON.stringify(method)} is not an HTTP method`,
      )
    }
    const verb = method.toUpperCase()
    const s = this.#s
    this.#assertOpen(`client.${verb === 'DELETE' ? 'delete' : verb.toLowerCase()}(${JSON.stringify(url)})`)
    const { wire, cookieUrl } = buildRequest(verb, url, options, {
      origin: s.origin,
      headers: this.#headers,
      jar: s.jar,
    })
    const id = s.state.capture ? nextTestId() : null
    if (id !== null) {
      wire.headers[TEST_ID_HEADER] = id
      s.state.pending.set(id, null)
    }
    try {
      const got =
        s.mode === 'inject' ? await sendInject(s.app, wire) : await sendHttp(...(await liveTarget(s)), wire)
      s.jar.store(got.headers.getSetCookie(), cookieUrl)
      const seen = id === null ? null : (s.state.pending.get(id) ?? null)
      return new TestResponse(s.app, verb, wire.url, got, seen, id === null ? 'started' : 'unseen')
    } finally {
      if (id !== null) s.state.pending.delete(id)
    }
  }

  /**
   * A client with more default headers, sharing this one's cookie jar, server and `close()`. A header set to
   * `undefined` is removed.
   *
   * @example
   * const admin = client.withHeaders({ authorization: `Bearer ${token}` })
   * await admin.delete('/books/1')
   */
  withHeaders(headers: Record<string, HeaderValue>): TestClient {
    this.#assertOpen('client.withHeaders()')
    return new TestClient(this.#s, mergeHeaders('client.withHeaders()', this.#headers, headers))
  }

  /**
   * The URL of the live server, starting it on a free loopback port if needed (in either mode); for tools that
   * need a real address.
   *
   * @example
   * const base = await client.listen() // 'http://127.0.0.1:40123'
   * await fetch(`${base}/health`)
   */
  async listen(): Promise<string> {
    this.#assertOpen('client.listen()')
    return serverUrl(this.#s.state)
  }

  /**
   * Opens a websocket on the live server (started if needed, in either mode), with the client's default
   * headers, `Host` and cookies. Resolves once the handshake is done; a server that answers with plain HTTP
   * rejects with `BRISK_TEST_ERR_WS_HANDSHAKE` and the status.
   *
   * @example
   * const ws = await client.websocket('/ws/chat', { protocols: ['chat.v1'] })
   * await ws.send('hi')
   * expect(await ws.next()).toBe('hi')
   * await ws.close()
   */
  async websocket(path: string, options: WebSocketOptions = {}): Promise<TestWebSocket> {
    const api = `client.websocket(${JSON.stringify(path)})`
    this.#assertOpen(api)
    const s = this.#s
    const target = checkUrl(api, path)
    if (options === null || typeof options !== 'object') {
      throw new TestClientError('BRISK_TEST_ERR_OPTIONS', `${api}: options must be an object`)
    }
    const timeout = options.timeout ?? s.timeout
    if (!Number.isFinite(timeout) || timeout <= 0) {
      throw new TestClientError(
        'BRISK_TEST_ERR_OPTIONS',
        `${api}: timeout must be a number of milliseconds > 0`,
      )
    }
    const protocols =
      typeof options.protocols === 'string' ? [options.protocols] : [...(options.protocols ?? [])]
    const merged = mergeHeaders(api, this.#headers, options.headers ?? {})
    const headers: Record<string, string> = {}
    for (const [name, value] of Object.entries(merged))
      headers[name] = Array.isArray(value) ? value.join(', ') : value
    headers.host ??= s.origin.host
    const cookieUrl = new URL(target, `${s.origin.protocol}//${headers.host}`).href
    if (headers.cookie === undefined) {
      const cookie = s.jar.header(cookieUrl)
      if (cookie !== '') headers.cookie = cookie
    }
    const base = await serverUrl(s.state)
    const ws = await connectWebSocket(
      `${base.replace(/^http/, 'ws')}${target}`,
      target,
      { headers, protocols, timeout },
      (res) => {
        const set = res.headers['set-cookie']
        if (set !== undefined) s.jar.store(set, cookieUrl)
      },
    )
    s.sockets.add(ws)
    void ws.closed.then(() => s.sockets.delete(ws))
    return ws
  }

  /**
   * Ends the client: open websockets are cut, kept-alive connections closed, and (unless `closeApp: false`)
   * the app is closed, which stops the server the client started. Calling it again does nothing; using the
   * client afterwards throws `BRISK_TEST_ERR_CLOSED`.
   *
   * @example
   * afterEach(() => client.close())
   */
  close(): Promise<void> {
    this.#s.closing ??= shutdown(this.#s)
    return this.#s.closing
  }

  /** Fails fast, with a message that says what to do, when the client or its app is closed. */
  #assertOpen(api: string): void {
    if (this.#s.closing !== null) {
      throw new TestClientError(
        'BRISK_TEST_ERR_CLOSED',
        `${api}: this client was closed with client.close(); make a new one with testClient(app)`,
      )
    }
    if (this.#s.state.closed) throw appClosed(api)
  }
}
