/**
 * Shared pieces of the JWT tests: the showcase's users, a quiet app with the plugin, and token helpers.
 */
import { Brisk, type Logger } from '@brisk/core'
import { type TestClient, testClient } from '@brisk/testing'
import { type JwtOptions, jwt } from '../src/index'

export const SECRET = 'a-test-secret-that-is-long-enough-32+'

export interface User {
  user_id: number
  username: string
  password: string
  scopes: string[]
}

export const USERS: User[] = [
  { user_id: 1, username: 'alice', password: 'wonderland', scopes: ['books:read', 'books:write'] },
  { user_id: 2, username: 'bob', password: 'builder', scopes: ['books:read'] },
  { user_id: 3, username: 'carol', password: 'admin', scopes: ['books:*'] },
]

export const quiet: Logger = { error() {}, warn() {}, info() {}, debug() {} }

/** The options the showcase uses: authenticate against USERS, retrieveUser by id, scopes from the user. */
export function showcaseOptions(extra: Partial<JwtOptions> = {}): JwtOptions {
  return {
    secret: SECRET,
    authenticate: ({ username, password }) => {
      const user = USERS.find((u) => u.username === username && u.password === password)
      return user === undefined ? null : { user_id: user.user_id, username: user.username }
    },
    retrieveUser: (claims) => {
      const user = USERS.find((u) => u.user_id === Number(claims.sub))
      return user === undefined
        ? null
        : { user_id: user.user_id, username: user.username, scopes: user.scopes }
    },
    scopes: (user) => USERS.find((u) => u.user_id === user.user_id)?.scopes ?? [],
    ...extra,
  } as JwtOptions
}

/** An app with the plugin and a few guarded routes. */
export function newApp(extra: Partial<JwtOptions> = {}) {
  const app = new Brisk({ name: 'shop', logger: quiet }).use(jwt, showcaseOptions(extra))
  app.get('/open', () => ({ open: true }))
  app.get('/books', { auth: true }, (req) => ({ sub: req.ctx.jwt?.sub }))
  app.post('/books', { auth: { scopes: ['books:write'] } }, async (req) => ({ created: await req.json() }))
  app.delete('/books/:id<int>', { auth: { anyOf: ['books:delete', 'admin'] } }, () => undefined)
  return app
}

/** Logs in and returns the two tokens. */
export async function loginAs(client: TestClient, username = 'alice', password = 'wonderland') {
  const res = await client.post('/auth', { json: { username, password } })
  if (res.status !== 200) throw new Error(`login failed: ${res.status} ${res.text()}`)
  return res.json() as { access_token: string; refresh_token: string }
}

/** A client for an app (inject mode unless told). */
export function clientFor(app: Brisk<any>, mode: 'inject' | 'listen' = 'inject'): TestClient {
  return testClient(app, { mode })
}

/** The payload of a JWT, decoded without checking it. */
export function payloadOf(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString())
}

/** A JWT part encoded from an object. */
export function part(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url')
}
