/**
 * The mix sent with `fetch`, each answer checked against its kind: the smoke test's driver where wrk is not
 * installed, the runner's check of every app before it is measured, and the capture of the answers the
 * floor server replays. It follows the same order and the same rules as `wrk/mix.lua` (ids queued by
 * creates for the deletes, refresh tokens pooled and rotated, the same substitutions).
 */
import { KIND, schedule, statusOk } from './mix.mjs'

/**
 * The state a driver shares between its connections: the clients, the queued ids, the refresh pool. The
 * pool is the clients' own list of refresh tokens, so that tokens rotated here stay the clients' tokens.
 *
 * @example
 * const state = driverState(clients)
 * await sendOne(url, 'auth.refresh', state) // clients.refresh now holds the rotated token
 */
export function driverState(clients) {
  return { clients, queue: [], pool: clients.refresh, turn: 0, substituted: {} }
}

const count = (tally, key) => {
  tally[key] = (tally[key] ?? 0) + 1
}

/** The request for the next `kind` (after its substitution, if any): `{ kind, url, init }`. */
function nextRequest(baseUrl, name, state) {
  let kind = KIND[name]
  if (kind.name === 'books.delete' && state.queue.length === 0) {
    count(state.substituted, 'books.delete -> books.create')
    kind = KIND['books.create']
  }
  let token
  if (kind.name === 'auth.refresh') {
    token = state.pool.pop()
    if (token === undefined) {
      count(state.substituted, 'auth.refresh -> auth.me')
      kind = KIND['auth.me']
    }
  }
  const turn = state.turn++
  const { access, cookies } = state.clients
  const headers = { ...(kind.headers ?? {}) }
  if (kind.auth) headers.authorization = `Bearer ${access[turn % access.length]}`
  if (kind.cookie) headers.cookie = cookies[turn % cookies.length]
  const path = kind.name === 'books.delete' ? kind.path.replace('{id}', state.queue.shift()) : kind.path
  const body = kind.name === 'auth.refresh' ? kind.body.replace('{refresh}', token) : kind.body
  return { kind, url: new URL(path, baseUrl), init: { method: kind.method, headers, body } }
}

/**
 * Sends the next request of kind `name` and judges the answer. Resolves with
 * `{ kind, status, body, headers, problem }`: `problem` is undefined when the answer is right.
 *
 * @example
 * const { problem } = await sendOne('http://127.0.0.1:4000', 'page', driverState(clients))
 */
export async function sendOne(baseUrl, name, state) {
  const { kind, url, init } = nextRequest(baseUrl, name, state)
  const res = await fetch(url, { ...init, signal: AbortSignal.timeout(10_000) })
  const body = await res.text()
  let problem
  if (!statusOk(kind, res.status)) problem = `status ${res.status}, expected ${kind.status}`
  else {
    try {
      if (!kind.check(body, res.headers)) problem = 'the answer does not hold what the kind expects'
    } catch (error) {
      problem = `the answer does not hold what the kind expects (${error.message})`
    }
  }
  if (res.status === 201) {
    const id = /(\d+)$/.exec(res.headers.get('location') ?? '')?.[1]
    if (id !== undefined) state.queue.push(id)
  } else if (res.status === 200 && body.includes('"refresh_token"')) {
    const token = /"refresh_token"\s*:\s*"([^"]+)"/.exec(body)?.[1]
    if (token !== undefined) state.pool.push(token)
  }
  return { kind: kind.name, status: res.status, body, headers: res.headers, problem }
}

/**
 * Drives the mix (or the kinds in `only`) over `connections` concurrent keep-alive clients for `durationMs`,
 * checking every answer. Resolves with `{ sent, statuses, substituted, failures }`; `failures` holds the
 * first 20 wrong answers (kind, status, what was wrong, the start of the body).
 *
 * @example
 * const { failures } = await driveMix(url, { clients, connections: 8, durationMs: 1000 })
 */
export async function driveMix(baseUrl, { clients, connections = 8, durationMs = 1000, only } = {}) {
  const order = schedule(only)
  const state = driverState(clients)
  const sent = {}
  const statuses = {}
  const failures = []
  let wrong = 0
  let position = 0
  const deadline = Date.now() + durationMs
  const loop = async () => {
    while (Date.now() < deadline) {
      const name = order[position++ % order.length]
      try {
        const answer = await sendOne(baseUrl, name, state)
        count(sent, answer.kind)
        count(statuses, answer.status)
        if (answer.problem !== undefined) {
          wrong++
          if (failures.length < 20)
            failures.push({
              kind: answer.kind,
              status: answer.status,
              problem: answer.problem,
              body: answer.body.slice(0, 200),
            })
        }
      } catch (error) {
        wrong++
        if (failures.length < 20) failures.push({ kind: name, problem: `request failed: ${error.message}` })
      }
    }
  }
  await Promise.all(Array.from({ length: connections }, loop))
  return { sent, statuses, substituted: state.substituted, failures, wrong, queue: state.queue }
}

/** Headers of an answer that the floor server replays (what a client of the mix reads). */
const REPLAYED = /^(content-type|location|vary|access-control-.*|allow)$/

/**
 * One answer of each kind of the mix, as `{ [kind]: { status, headers, body } }`, for the floor server to
 * replay. Each is checked; a wrong one throws. A create goes first, so the delete has an id.
 *
 * @example
 * writeFileSync(file, JSON.stringify(await captureAnswers(briskUrl, clients)))
 */
export async function captureAnswers(baseUrl, clients) {
  const state = driverState(clients)
  const answers = {}
  const names = ['books.create', ...Object.keys(KIND).filter((n) => n !== 'books.create')]
  for (const name of names) {
    const answer = await sendOne(baseUrl, name, state)
    if (answer.problem !== undefined || answer.kind !== name)
      throw new Error(`capture of ${name}: ${answer.problem ?? `sent ${answer.kind}`}: ${answer.body}`)
    const headers = {}
    for (const [key, value] of answer.headers) if (REPLAYED.test(key)) headers[key] = value
    answers[name] = { status: answer.status, headers, body: answer.body }
  }
  return answers
}
