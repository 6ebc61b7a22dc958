/**
 * Shared pieces of the CORS tests: origins, request builders and a quiet app.
 */
import { Brisk, type Logger } from '@brisk/core'
import type { EntryClient as Client, Got, Sent } from '@brisk/testing/vitest'

export const ALLOWED = 'https://app.example.com'
export const OTHER = 'https://evil.example.net'

const quiet: Logger = { error() {}, warn() {}, info() {}, debug() {} }

/** An app that does not log the 500s the tests provoke. */
export function newApp(): Brisk {
  return new Brisk({ name: 'shop', logger: quiet })
}

/** A simple (non-preflight) cross-origin request. */
export function from(
  origin: string | undefined,
  url = '/books',
  method = 'GET',
  headers: Record<string, string> = {},
): Sent {
  return { method, url, headers: origin === undefined ? headers : { origin, ...headers } }
}

/** A preflight for `method` (and `requestHeaders`, when given). */
export function preflight(
  origin: string,
  url = '/books',
  method = 'PUT',
  requestHeaders?: string,
  extra: Record<string, string> = {},
): Sent {
  const headers: Record<string, string> = { origin, 'access-control-request-method': method, ...extra }
  if (requestHeaders !== undefined) headers['access-control-request-headers'] = requestHeaders
  return { method: 'OPTIONS', url, headers }
}

/** The CORS headers of a response (and `vary`), for whole-object comparisons. */
export function corsHeaders(res: Got): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [name, value] of Object.entries(res.headers)) {
    if (value !== undefined && (name.startsWith('access-control-') || name === 'vary'))
      out[name] = String(value)
  }
  return out
}

/** Sends several requests to one app through one client (an app serves one node server in its life). */
export async function withClient(
  make: (app: Brisk<any>) => Promise<Client>,
  app: Brisk<any>,
  run: (request: (sent: Sent) => Promise<Got>) => Promise<void>,
): Promise<void> {
  const client = await make(app)
  try {
    await run((sent) => client.request(sent))
  } finally {
    await client.close()
  }
}
