/**
 * CORS on /api/… only: the origins of CORS_ORIGINS, with credentials and max-age 600; any other origin
 * (`null` too), and every route outside /api (preflights included), gets no Access-Control-Allow-Origin.
 */
import { testClient } from '@brisk/testing'
import { afterEach, describe, expect, it } from 'vitest'
import { bearer, login, showcase, test } from './_helpers'

const ALLOWED = 'http://localhost:5173'

function preflight(method: string, headers: Record<string, string> = {}) {
  return { headers: { 'access-control-request-method': method, ...headers } }
}

const varyOf = (res: { headers: Headers }) =>
  (res.headers.get('vary') ?? '')
    .split(',')
    .map((v) => v.trim().toLowerCase())
    .filter(Boolean)

describe('CORS on /api/…, default CORS_ORIGINS', () => {
  test('a preflight from the allowed origin gets 204 with the allow headers and Vary: Origin', async ({
    client,
  }) => {
    for (const [path, method] of [
      ['/api/v1/books', 'POST'],
      ['/api/v1/books/1', 'DELETE'],
      ['/api/v1/books', 'GET'],
    ] as const) {
      const res = await client.options(
        path,
        preflight(method, {
          origin: ALLOWED,
          'access-control-request-headers': 'authorization, content-type',
        }),
      )
      expect(res, `${method} ${path}`).toHaveStatus(204)
      expect(res.headers.get('access-control-allow-origin')).toBe(ALLOWED)
      expect(res.headers.get('access-control-allow-credentials')).toBe('true')
      expect(res.headers.get('access-control-max-age')).toBe('600')
      expect(res.headers.get('access-control-allow-methods')).toContain(method)
      expect(res.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('authorization')
      expect(varyOf(res)).toContain('origin')
    }
  })

  test('actual requests from the allowed origin get its ACAO, errors too', async ({ client }) => {
    const list = await client.get('/api/v1/books', { headers: { origin: ALLOWED } })
    expect(list.headers.get('access-control-allow-origin')).toBe(ALLOWED)
    expect(list.headers.get('access-control-allow-credentials')).toBe('true')
    expect(varyOf(list)).toContain('origin')
    const missing = await client.get('/api/v1/books/999', { headers: { origin: ALLOWED } })
    expect(missing.status).toBe(404)
    expect(missing.headers.get('access-control-allow-origin')).toBe(ALLOWED)
    const unauthorised = await client.post('/api/v1/books', { json: {}, headers: { origin: ALLOWED } })
    expect(unauthorised.status).toBe(401)
    expect(unauthorised.headers.get('access-control-allow-origin')).toBe(ALLOWED)
    const { access_token } = await login(client, 'alice', 'wonderland')
    const created = await client.post('/api/v1/books', {
      json: { title: 'T', author: 'A' },
      headers: { origin: ALLOWED, ...bearer(access_token) },
    })
    expect(created.status).toBe(201)
    expect(created.headers.get('access-control-allow-origin')).toBe(ALLOWED)
  })

  test('other origins, null among them, get no Access-Control-Allow-* header', async ({ client }) => {
    for (const origin of ['http://localhost:5174', 'https://localhost:5173', 'http://evil.example', 'null']) {
      const pre = await client.options('/api/v1/books', preflight('POST', { origin }))
      expect(pre.status, origin).toBe(204) // the app's own OPTIONS answer, not a CORS grant
      const actual = await client.get('/api/v1/books', { headers: { origin } })
      expect(actual.status).toBe(200)
      for (const res of [pre, actual]) {
        const granted = [...res.headers.keys()].filter((name) => name.startsWith('access-control-allow'))
        expect(granted, origin).toEqual([])
      }
      expect(varyOf(actual)).toContain('origin') // the answer depends on Origin: caches must know
    }
  })

  test('routes outside /api get no ACAO, preflights included, whatever their status', async ({ client }) => {
    const paths = [
      '/health',
      '/',
      '/hello',
      '/auth',
      '/auth/verify',
      '/auth/me',
      '/auth/refresh',
      '/auth/logout',
      '/session/visits',
      '/session/reset',
      '/openapi.json',
      '/docs',
      '/static/style.css',
      '/nowhere',
      '/apiv1/books',
    ]
    for (const path of paths) {
      const actual = await client.get(path, { headers: { origin: ALLOWED } })
      const pre = await client.options(path, preflight('POST', { origin: ALLOWED }))
      for (const res of [actual, pre]) {
        expect(res.headers.get('access-control-allow-origin'), `${res.method} ${path}`).toBeNull()
        expect(res.headers.get('access-control-allow-credentials'), path).toBeNull()
      }
    }
  })
})

describe('CORS_ORIGINS', () => {
  const clients: ReturnType<typeof testClient>[] = []
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()))
  })

  it('allows exactly the listed origins', async () => {
    const client = testClient(showcase({ CORS_ORIGINS: 'https://app.example, https://admin.example:8443' }), {
      mode: 'listen',
    })
    clients.push(client)
    for (const origin of ['https://app.example', 'https://admin.example:8443']) {
      const res = await client.options('/api/v1/books', preflight('POST', { origin }))
      expect(res.headers.get('access-control-allow-origin'), origin).toBe(origin)
    }
    for (const origin of [
      ALLOWED,
      'https://admin.example',
      'http://app.example',
      'https://sub.app.example',
    ]) {
      const res = await client.get('/api/v1/books', { headers: { origin } })
      expect(res.headers.get('access-control-allow-origin'), origin).toBeNull()
    }
  })
})
