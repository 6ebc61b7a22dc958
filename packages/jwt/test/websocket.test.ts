/**
 * Websocket routes: the guard runs before the upgrade, with the token from the header, a query parameter or
 * a subprotocol offer.
 */
import { testClient } from '@brisk/testing'
import { describe, expect, it } from 'vitest'
import { clientFor, loginAs, newApp } from './_apps'

function wsApp(extra = {}) {
  const app = newApp(extra)
  app.websocket(
    '/ws/echo',
    async (req, ws) => {
      await ws.send(`hello ${req.ctx.jwt?.sub}`)
      for await (const message of ws) await ws.send(message)
    },
    { auth: { scopes: ['books:read'] }, subprotocols: ['chat.v1'] },
  )
  return app
}

describe('websocket routes', () => {
  it('refuses the upgrade without a valid token (401) or without the scope (403), before the socket opens', async () => {
    const client = clientFor(wsApp())
    await expect(client.websocket('/ws/echo')).rejects.toMatchObject({
      code: 'BRISK_TEST_ERR_WS_HANDSHAKE',
      message: expect.stringContaining('401'),
    })
    await expect(
      client.websocket('/ws/echo', { headers: { authorization: 'Bearer nope.nope.nope' } }),
    ).rejects.toMatchObject({
      message: expect.stringContaining('401'),
    })
    await client.close()
  })

  it('accepts the Authorization header and puts the claims on req.ctx', async () => {
    const client = clientFor(wsApp())
    const { access_token } = await loginAs(client)
    const ws = await client.websocket('/ws/echo', { headers: { authorization: `Bearer ${access_token}` } })
    expect(await ws.next()).toBe('hello 1')
    await ws.send('ping')
    expect(await ws.next()).toBe('ping')
    await ws.close()
    await client.close()
  })

  it('accepts a configured query parameter or subprotocol offer, and not when unconfigured', async () => {
    const plain = clientFor(wsApp())
    const token = (await loginAs(plain)).access_token
    await expect(plain.websocket(`/ws/echo?access_token=${token}`)).rejects.toMatchObject({
      message: expect.stringContaining('401'),
    })
    await plain.close()

    const client = clientFor(wsApp({ websocket: { query: 'access_token', protocolPrefix: 'bearer.' } }))
    const byQuery = await client.websocket(`/ws/echo?access_token=${token}`)
    expect(await byQuery.next()).toBe('hello 1')
    await byQuery.close()
    const byProtocol = await client.websocket('/ws/echo', { protocols: [`bearer.${token}`, 'chat.v1'] })
    expect(byProtocol.protocol).toBe('chat.v1')
    expect(await byProtocol.next()).toBe('hello 1')
    await byProtocol.close()
    await client.close()
  })

  it('refuses a token without the scope with 403, and lets a books:* token through', async () => {
    const noScopes = clientFor(wsApp({ scopes: () => [] }))
    const bare = (await loginAs(noScopes)).access_token
    await expect(
      noScopes.websocket('/ws/echo', { headers: { authorization: `Bearer ${bare}` } }),
    ).rejects.toMatchObject({
      message: expect.stringContaining('403'),
    })
    await noScopes.close()
    const client = clientFor(wsApp())
    const { access_token } = await loginAs(client, 'carol', 'admin')
    const ok = await client.websocket('/ws/echo', { headers: { authorization: `Bearer ${access_token}` } })
    expect(await ok.next()).toBe('hello 3')
    await ok.close()
    await client.close()
  })
})

describe('websocket routes in cookie mode', () => {
  it('takes the access cookie only from a page of the same origin (cross-site websocket hijacking)', async () => {
    const client = testClient(wsApp({ cookies: true }), { origin: 'https://localhost' })
    const login = await client.post('/auth', { json: { username: 'alice', password: 'wonderland' } })
    expect(login.status).toBe(200)
    const same = await client.websocket('/ws/echo', { headers: { origin: 'https://localhost' } })
    expect(await same.next()).toBe('hello 1')
    await same.close()
    await expect(
      client.websocket('/ws/echo', { headers: { origin: 'https://evil.example' } }),
    ).rejects.toMatchObject({
      message: expect.stringContaining('403'),
    })
    await expect(client.websocket('/ws/echo')).rejects.toMatchObject({
      message: expect.stringContaining('403'),
    })
    await client.close()
  })
})
