import { createTest } from '@brisk/testing/vitest'
import { describe, expect } from 'vitest'
import { createApp } from '../src/app.js'

const SECRET = 'a test secret of thirty-two characters or more'

// A new app per test, with a client that needs no socket and keeps cookies; both are closed after the test.
const test = createTest(() => createApp({ secret: SECRET, corsOrigins: ['https://front.example'] }))

describe('__APP_NAME__', () => {
  test('renders the home page with the escaped name', async ({ client }) => {
    const res = await client.get('/?name=%3Cyou%3E')
    expect(res).toHaveStatus(200)
    expect(res).toHaveHeader('content-type', /^text\/html/)
    expect(res.text()).toContain('<h1>Hello, &lt;you&gt;!</h1>')
  })

  test('logs in and opens the guarded route with the token only', async ({ client }) => {
    expect(await client.get('/me')).toHaveStatus(401)
    const login = await client.post('/auth', { json: { username: 'ada', password: 'lovelace' } })
    expect(login).toHaveStatus(200)
    const token = (login.json() as { access_token: string }).access_token
    const me = await client.withHeaders({ authorization: `Bearer ${token}` }).get('/me')
    expect(me).toHaveStatus(200)
    expect(me.json()).toEqual({ sub: '1' })
  })

  test('describes its routes in OpenAPI', async ({ client }) => {
    const res = await client.get('/openapi.json')
    expect(res).toHaveStatus(200)
    const doc = res.json() as { openapi: string; paths: Record<string, unknown> }
    expect(doc.openapi).toMatch(/^3\.1\./)
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/api/books', '/me']))
  })

  test('answers a CORS preflight of the API for an allowed origin only', async ({ client }) => {
    const preflight = (origin: string) =>
      client.options('/api/books', { headers: { origin, 'access-control-request-method': 'GET' } })
    const allowed = await preflight('https://front.example')
    expect(allowed).toHaveStatus(204)
    expect(allowed).toHaveHeader('access-control-allow-origin', 'https://front.example')
    expect(await preflight('https://evil.example')).not.toHaveHeader('access-control-allow-origin')
  })

  test('counts visits in a session', async ({ client }) => {
    expect((await client.get('/visits')).json()).toEqual({ visits: 1 })
    expect((await client.get('/visits')).json()).toEqual({ visits: 2 })
  })
})
