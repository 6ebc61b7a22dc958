/**
 * What the in-process contract tests share: the app built as `main.ts` builds it (memory mode), served on a
 * loopback port through @brisk/testing, a login, and raw bytes over a socket for what a client library
 * would never send.
 */
import { connect } from 'node:net'
import type { TestClient } from '@brisk/testing'
import { createTest } from '@brisk/testing/vitest'
import { expect } from 'vitest'
import { createShowcase, type ShowcaseDeps } from '../src/app'
import { BookStore, type NewBook } from '../src/book-store'
import { readConfig } from '../src/config'
import { createUsers } from '../src/users'

/** A JWT secret of the right size, so the tests do not run on the development one. */
export const SECRET = 'showcase-tests-secret-0123456789abcdef'

/** One user table for every app of a test file: the passwords are hashed once. */
export const users = createUsers()

/**
 * A new showcase app for `env` (the variables main.ts reads), in memory mode unless `deps` says otherwise.
 *
 * @example
 * const app = showcase({ CORS_ORIGINS: 'https://app.example' })
 */
export function showcase(env: NodeJS.ProcessEnv = {}, deps: ShowcaseDeps = {}) {
  return createShowcase(readConfig({ JWT_SECRET: SECRET, ...env }), { users, ...deps })
}

/** A book store that remembers every book a handler asked it to add. */
export class RecordingStore extends BookStore {
  readonly added: NewBook[] = []
  override add(input: NewBook) {
    this.added.push(input)
    return super.add(input)
  }
}

/**
 * Vitest's `test` with `app` (a new showcase per test, with a RecordingStore as `books`), `client` (real
 * HTTP to it on 127.0.0.1) and `books`.
 */
export const test = createTest(() => showcaseWithBooks(), { mode: 'listen' }).extend<{
  books: RecordingStore
}>({
  books: async ({ app }, use) => {
    await use(booksOf(app))
  },
})

const stores = new WeakMap<object, RecordingStore>()

/**
 * A showcase whose book store the test can see (the `books` fixture).
 *
 * @example
 * const app = showcaseWithBooks({ CORS_ORIGINS: 'https://app.example' })
 */
export function showcaseWithBooks(env: NodeJS.ProcessEnv = {}) {
  const books = new RecordingStore()
  const app = showcase(env, { books })
  stores.set(app, books)
  return app
}

function booksOf(app: object): RecordingStore {
  const books = stores.get(app)
  if (books === undefined) throw new Error('this app was not made by showcaseWithBooks()')
  return books
}

/** The pair of tokens `POST /auth` gives `username`. */
export interface Tokens {
  access_token: string
  refresh_token: string
}

/**
 * Logs in and returns the tokens (failing the test if the login does not answer 200).
 *
 * @example
 * const { access_token } = await login(client, 'alice', 'wonderland')
 */
export async function login(client: TestClient, username: string, password: string): Promise<Tokens> {
  const res = await client.post('/auth', { json: { username, password } })
  expect(res.status, res.text()).toBe(200)
  return res.json<Tokens>()
}

/** The bearer header for a token. @example client.get('/auth/me', { headers: bearer(token) }) */
export function bearer(token: string, scheme = 'Bearer'): { authorization: string } {
  return { authorization: `${scheme} ${token}` }
}

/** A response read off a raw socket. */
export interface RawResponse {
  status: number
  headers: Record<string, string>
  body: string
}

/**
 * Sends `bytes` on a new connection to `url` and parses the first response; resolves once the server has
 * answered and closed, or after `timeoutMs` with what arrived.
 *
 * @example
 * const res = await raw(await client.listen(), 'GARBAGE\r\n\r\n')
 */
export function raw(url: string, bytes: string | Buffer, timeoutMs = 5000): Promise<RawResponse> {
  const { hostname, port } = new URL(url)
  return new Promise((resolve, reject) => {
    const socket = connect({ host: hostname, port: Number(port) })
    const chunks: Buffer[] = []
    const done = () => {
      clearTimeout(timer)
      socket.destroy()
      const text = Buffer.concat(chunks).toString('latin1')
      const end = text.indexOf('\r\n\r\n')
      if (end < 0)
        return reject(new Error(`no complete response head: ${JSON.stringify(text.slice(0, 200))}`))
      const [statusLine = '', ...lines] = text.slice(0, end).split('\r\n')
      const headers: Record<string, string> = {}
      for (const line of lines) {
        const colon = line.indexOf(':')
        headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim()
      }
      let body = text.slice(end + 4)
      const length = headers['content-length']
      if (length !== undefined) body = body.slice(0, Number(length))
      resolve({ status: Number(statusLine.split(' ')[1]), headers, body })
    }
    const timer = setTimeout(done, timeoutMs)
    socket.on('data', (chunk) => chunks.push(chunk))
    socket.on('end', done)
    socket.on('close', done)
    socket.on('error', (error) => {
      // The server may reset after answering (it refused the rest): keep what it said.
      if (chunks.length > 0) done()
      else {
        clearTimeout(timer)
        reject(error)
      }
    })
    socket.write(bytes)
  })
}

/**
 * Checks that a response is RFC 9457 problem+json whose `status` member is its status.
 *
 * @example
 * expectProblem(res, 404)
 */
export function expectProblem(
  res: { status: number; headers: Headers; text(): string },
  status: number,
): Record<string, unknown> {
  expect(res.status, res.text()).toBe(status)
  expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/)
  const body = JSON.parse(res.text()) as Record<string, unknown>
  expect(body.status).toBe(status)
  expect(typeof body.title).toBe('string')
  return body
}
