/**
 * The cases of several requests against `makeFullApp()`, where a later request uses what an earlier one
 * answered (a token, a cookie) or a response is read as it streams: server-sent events, JWT login and
 * refresh, sessions in the cookie. Each flow sends through a `Send` function, so the same flow runs through
 * `app.fetch`, over a socket, or into workerd, and returns what differed from what was expected.
 */
import type { RuntimeCase } from './cases'
import { checkResponse } from './check'

/** Sends one request to the app under test. */
export type Send = (request: Request) => Promise<Response>

/** A case of several requests. */
export interface RuntimeFlow {
  name: string
  /** Sends the requests; resolves to what differed from the expectations (an empty list when all fit). */
  run(send: Send, origin: string): Promise<string[]>
}

/** Sends requests of a flow and keeps what differed, each line prefixed by its step. */
class Steps {
  readonly found: string[] = []
  constructor(
    readonly send: Send,
    readonly origin: string,
  ) {}

  /** Sends a request, checks its response, and gives the body and headers for the next steps. */
  async step(
    label: string,
    request: { method?: string; path: string; headers?: Record<string, string>; body?: string },
    expected: RuntimeCase['expect'],
  ): Promise<{ body: string; data: any; headers: Headers }> {
    const { method = 'GET', path, headers, body } = request
    const res = await this.send(new Request(new URL(path, this.origin), { method, headers, body }))
    const { found, body: text } = await checkResponse(expected, res)
    for (const line of found) this.found.push(`${label}: ${line}`)
    let data: unknown
    try {
      data = JSON.parse(text)
    } catch {
      data = undefined
    }
    return { body: text, data, headers: res.headers }
  }

  expect(label: string, ok: boolean, detail: string): void {
    if (!ok) this.found.push(`${label}: ${detail}`)
  }
}

const problem = /^application\/problem\+json/
const asJSON = { 'content-type': 'application/json', accept: 'application/json' }

/** One event of a `text/event-stream`, as a browser's EventSource dispatches it. */
export interface ParsedEvent {
  event: string
  data: string
  id: string | undefined
}

/**
 * Parses complete events (those ended by a blank line) out of `buffer`, per WHATWG HTML §9.2; gives the
 * rest back to be completed by the next chunk.
 *
 * @example
 * parseEvents('event: tick\ndata: 1\n\ndata: 2') // { events: [{ event: 'tick', data: '1', id: undefined }], rest: 'data: 2' }
 */
export function parseEvents(buffer: string): { events: ParsedEvent[]; rest: string } {
  const events: ParsedEvent[] = []
  const blocks = buffer.replace(/\r\n?/g, '\n').split('\n\n')
  const rest = blocks.pop() ?? ''
  for (const block of blocks) {
    let event = 'message'
    const data: string[] = []
    let id: string | undefined
    let comment = true
    for (const line of block.split('\n')) {
      if (line.startsWith(':')) continue
      comment = false
      const colon = line.indexOf(':')
      const name = colon === -1 ? line : line.slice(0, colon)
      const value = colon === -1 ? '' : line.slice(colon + 1).replace(/^ /, '')
      if (name === 'event') event = value
      else if (name === 'data') data.push(value)
      else if (name === 'id') id = value
    }
    if (!comment) events.push({ event, data: data.join('\n'), id })
  }
  return { events, rest }
}

/** Waits `ms` milliseconds (between polls of a state the server changes after a client left). */
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** Opens `/events` (as a browser reconnecting after event 5) and reads its first three events. */
async function openEvents(
  steps: Steps,
): Promise<{ events: ParsedEvent[]; reader: ReadableStreamDefaultReader<Uint8Array> }> {
  const res = await steps.send(
    new Request(new URL('/events', steps.origin), { headers: { 'last-event-id': '5' } }),
  )
  steps.expect('status', res.status === 200, `status ${res.status}, expected 200`)
  const type = res.headers.get('content-type')
  steps.expect('content-type', type === 'text/event-stream; charset=utf-8', `content-type ${type}`)
  steps.expect('cache-control', res.headers.get('cache-control') === 'no-cache', 'no Cache-Control: no-cache')
  const reader = res.body!.getReader()
  const decoder = new TextDecoder()
  const events: ParsedEvent[] = []
  let rest = ''
  // The producer sends three events and then keeps the stream open until the client leaves (10 s at most):
  // three events read here, before the stream ends, were sent as they were written, not at the end.
  while (events.length < 3) {
    const { done, value } = await reader.read()
    if (done) {
      steps.expect('stream', false, `ended after ${events.length} events`)
      break
    }
    const parsed = parseEvents(rest + decoder.decode(value, { stream: true }))
    events.push(...parsed.events)
    rest = parsed.rest
  }
  return { events, reader }
}

/** How many event streams the server saw the client leave, so far. */
async function closedStreams(steps: Steps): Promise<number> {
  const res = await steps.send(new Request(new URL('/events/closed', steps.origin)))
  return ((await res.json()) as { closed: number }).closed
}

/** SSE: three events, parsed as a browser does, in order, read while the stream stays open. */
export const sseFlow: RuntimeFlow = {
  name: 'sse: events arrive one by one, in order, while the stream stays open',
  async run(send, origin) {
    const steps = new Steps(send, origin)
    const { events, reader } = await openEvents(steps)
    steps.expect(
      'events',
      JSON.stringify(events) ===
        JSON.stringify([
          { event: 'tick', data: '{"n":6}', id: '6' },
          { event: 'tick', data: 'two lines\nof text', id: '7' },
          { event: 'message', data: 'plain 8', id: undefined },
        ]),
      `got ${JSON.stringify(events)}`,
    )
    await reader.cancel()
    return steps.found
  },
}

/**
 * What happens to an event stream's producer when the client leaves: its signal aborts (`aborts`), or, on
 * workerd, which never cancels a response body's source when the client goes away, nothing at all
 * (`unseen`): the producer runs on until workerd ends the request's work.
 *
 * @example
 * const flow = leavingFlow('aborts')
 */
export function leavingFlow(outcome: 'aborts' | 'unseen'): RuntimeFlow {
  return {
    name:
      outcome === 'aborts'
        ? 'sse: a client that leaves aborts the producer’s signal'
        : 'sse: a client that leaves is not seen by the producer (workerd)',
    async run(send, origin) {
      const steps = new Steps(send, origin)
      const before = await closedStreams(steps)
      const { reader } = await openEvents(steps)
      await reader.cancel()
      // The close reaches a server across a socket a moment later: polled, 5 s at most (1 s to see nothing).
      let closed = before
      const polls = outcome === 'aborts' ? 50 : 10
      for (let i = 0; i < polls && closed === before; i++) {
        await pause(100)
        closed = await closedStreams(steps)
      }
      const expected = outcome === 'aborts' ? 1 : 0
      steps.expect(
        'abort',
        closed - before === expected,
        `the producer saw ${closed - before} aborts, expected ${expected}`,
      )
      return steps.found
    },
  }
}

/** The header of a JWT, decoded. */
function jwtHeader(token: string): Record<string, unknown> {
  const part = token.split('.')[0] ?? ''
  return JSON.parse(atob(part.replace(/-/g, '+').replace(/_/g, '/')))
}

/** JWT HS256 with the memory store: login, guards, verify, me, a forged token, scopes, refresh rotation and reuse. */
export const jwtFlow: RuntimeFlow = {
  name: 'jwt (HS256, memory store): login, guarded routes with and without a token, me, refresh rotation',
  async run(send, origin) {
    const s = new Steps(send, origin)
    await s.step(
      'no token',
      { path: '/jwt/claims', headers: { accept: 'application/json' } },
      {
        status: 401,
        headers: { 'www-authenticate': 'Bearer', 'content-type': problem },
        jsonHas: { code: 'BRISK_JWT_ERR_TOKEN_MISSING' },
      },
    )
    await s.step(
      'wrong password',
      { method: 'POST', path: '/auth', headers: asJSON, body: '{"username":"alice","password":"no"}' },
      { status: 401, jsonHas: { code: 'BRISK_JWT_ERR_LOGIN_FAILED' } },
    )
    const login = await s.step(
      'login',
      {
        method: 'POST',
        path: '/auth',
        headers: asJSON,
        body: '{"username":"alice","password":"wonderland"}',
      },
      { status: 200 },
    )
    const access = String(login.data?.access_token)
    const refresh = String(login.data?.refresh_token)
    s.expect('login', jwtHeader(access).alg === 'HS256', `token header ${JSON.stringify(jwtHeader(access))}`)
    const bearer = { authorization: `Bearer ${access}` }
    await s.step(
      'claims',
      { path: '/jwt/claims', headers: bearer },
      { status: 200, json: { sub: '1', scope: 'books:read books:write' } },
    )
    await s.step(
      'guarded POST',
      { method: 'POST', path: '/jwt/books', headers: { ...bearer, ...asJSON }, body: '{"title":"Dune"}' },
      { status: 200, json: { by: '1', book: { title: 'Dune' } } },
    )
    await s.step('verify', { path: '/auth/verify', headers: bearer }, { status: 200, json: { valid: true } })
    await s.step(
      'me',
      { path: '/auth/me', headers: bearer },
      { status: 200, json: { me: { user_id: 1, username: 'alice' } } },
    )
    const forged = `${access.slice(0, -4)}${access.slice(-4) === 'AAAA' ? 'BBBB' : 'AAAA'}`
    await s.step(
      'forged signature',
      { path: '/jwt/claims', headers: { authorization: `Bearer ${forged}`, accept: 'application/json' } },
      {
        status: 401,
        headers: { 'www-authenticate': /^Bearer error="invalid_token"/ },
        jsonHas: { code: 'BRISK_JWT_ERR_TOKEN_INVALID' },
      },
    )
    const bob = await s.step(
      'login bob',
      { method: 'POST', path: '/auth', headers: asJSON, body: '{"username":"bob","password":"builder"}' },
      { status: 200 },
    )
    await s.step(
      'insufficient scope',
      {
        method: 'POST',
        path: '/jwt/books',
        headers: { authorization: `Bearer ${bob.data?.access_token}`, ...asJSON },
        body: '{}',
      },
      {
        status: 403,
        headers: { 'www-authenticate': /error="insufficient_scope"/ },
        jsonHas: { code: 'BRISK_JWT_ERR_INSUFFICIENT_SCOPE' },
      },
    )
    const rotated = await s.step(
      'refresh',
      {
        method: 'POST',
        path: '/auth/refresh',
        headers: asJSON,
        body: JSON.stringify({ refresh_token: refresh }),
      },
      { status: 200 },
    )
    const next = String(rotated.data?.refresh_token)
    s.expect('refresh', next !== refresh && next !== 'undefined', 'the refresh token was not replaced')
    await s.step(
      'new access token',
      { path: '/jwt/claims', headers: { authorization: `Bearer ${rotated.data?.access_token}` } },
      { status: 200, json: { sub: '1', scope: 'books:read books:write' } },
    )
    await s.step(
      'old refresh token again',
      {
        method: 'POST',
        path: '/auth/refresh',
        headers: asJSON,
        body: JSON.stringify({ refresh_token: refresh }),
      },
      { status: 401, jsonHas: { code: 'BRISK_JWT_ERR_REFRESH_REUSED' } },
    )
    await s.step(
      'its family is revoked',
      {
        method: 'POST',
        path: '/auth/refresh',
        headers: asJSON,
        body: JSON.stringify({ refresh_token: next }),
      },
      { status: 401, jsonHas: { code: 'BRISK_JWT_ERR_REFRESH_INVALID' } },
    )
    return s.found
  },
}

/** JWT ES256 on a blueprint: the token's header, a guarded route, the JWKS, an HS256 token refused. */
export const es256Flow: RuntimeFlow = {
  name: 'jwt (ES256, on a blueprint): login, guarded route, the JWKS, and an HS256 token refused there',
  async run(send, origin) {
    const s = new Steps(send, origin)
    const login = await s.step(
      'login',
      { method: 'POST', path: '/es/auth', headers: asJSON, body: '{"username":"bob","password":"builder"}' },
      { status: 200 },
    )
    const access = String(login.data?.access_token)
    const header = jwtHeader(access)
    s.expect(
      'header',
      header.alg === 'ES256' && header.kid === 'es-1',
      `token header ${JSON.stringify(header)}`,
    )
    await s.step(
      'claims',
      { path: '/es/claims', headers: { authorization: `Bearer ${access}` } },
      { status: 200, json: { sub: 'bob' } },
    )
    const jwks = await s.step('jwks', { path: '/es/auth/jwks.json' }, { status: 200 })
    const key = jwks.data?.keys?.[0] as Record<string, unknown> | undefined
    s.expect(
      'jwks',
      jwks.data?.keys?.length === 1 && key?.kid === 'es-1' && key?.crv === 'P-256' && !('d' in (key ?? {})),
      `JWK set ${jwks.body}`,
    )
    const hs = await s.step(
      'HS256 login',
      { method: 'POST', path: '/auth', headers: asJSON, body: '{"username":"bob","password":"builder"}' },
      { status: 200 },
    )
    await s.step(
      'HS256 token on the ES256 blueprint',
      {
        path: '/es/claims',
        headers: { authorization: `Bearer ${hs.data?.access_token}`, accept: 'application/json' },
      },
      { status: 401, jsonHas: { code: 'BRISK_JWT_ERR_TOKEN_INVALID' } },
    )
    return s.found
  },
}

/** The `sid` cookie's value in a response's `Set-Cookie`, if any. */
function sid(headers: Headers): string | undefined {
  return /(?:^|, )sid=([^;]*)/.exec(headers.get('set-cookie') ?? '')?.[1]
}

/** Sessions in the cookie: set, read back, a new cookie per change, tampered → new session, an older cookie. */
export const sessionFlow: RuntimeFlow = {
  name: 'session (cookie store): set, read back across requests, a tampered cookie starts anew',
  async run(send, origin) {
    const s = new Steps(send, origin)
    const untouched = await s.step(
      'no cookie',
      { path: '/session/read' },
      { status: 200, json: { data: {} } },
    )
    s.expect('no cookie', sid(untouched.headers) === undefined, 'an empty session set a cookie')
    const first = await s.step(
      'first visit',
      { method: 'POST', path: '/session/visit?name=ada' },
      {
        status: 200,
        headers: { 'set-cookie': /^sid=[^;]+; Path=\/; Max-Age=86400; HttpOnly; SameSite=Lax$/ },
        json: { visits: 1, name: 'ada', isNew: true },
      },
    )
    const one = sid(first.headers) ?? ''
    const second = await s.step(
      'second visit',
      { method: 'POST', path: '/session/visit', headers: { cookie: `sid=${one}` } },
      { status: 200, json: { visits: 2, name: 'ada', isNew: false } },
    )
    const two = sid(second.headers) ?? ''
    s.expect(
      'second visit',
      two !== '' && two !== one,
      'a changed session in the cookie store sent no new cookie',
    )
    await s.step(
      'read back',
      { path: '/session/read', headers: { cookie: `a=1; sid=${two}` } },
      { status: 200, json: { data: { visits: 2, name: 'ada' } } },
    )
    // One character changed in the middle of the sealed value: it no longer opens.
    const at = Math.floor(two.length / 2)
    const tampered = `${two.slice(0, at)}${two[at] === 'A' ? 'B' : 'A'}${two.slice(at + 1)}`
    await s.step(
      'tampered cookie',
      { method: 'POST', path: '/session/visit', headers: { cookie: `sid=${tampered}` } },
      { status: 200, headers: { 'set-cookie': /^sid=/ }, json: { visits: 1, name: null, isNew: true } },
    )
    // The cookie store is stateless: an older cookie still opens, with what it held (README: CookieStore).
    await s.step(
      'an older cookie',
      { path: '/session/read', headers: { cookie: `sid=${one}` } },
      { status: 200, json: { data: { visits: 1, name: 'ada' } } },
    )
    return s.found
  },
}

/**
 * Every flow, in the order they run, but for the one that depends on the runtime: `leavingFlow()`.
 *
 * @example
 * for (const flow of flows) expect(await flow.run((r) => app.fetch(r), 'http://localhost')).toEqual([])
 */
export const flows: RuntimeFlow[] = [sseFlow, jwtFlow, es256Flow, sessionFlow]
