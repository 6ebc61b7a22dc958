/**
 * Cookie mode: tokens in HttpOnly cookies, and double-submit CSRF protection on unsafe methods.
 */
import { testClient } from '@brisk/testing'
import { describe, expect, it } from 'vitest'
import { newApp } from './_apps'

const https = (app: ReturnType<typeof newApp>) => testClient(app, { origin: 'https://localhost' })

describe('cookie mode', () => {
  it('sets the tokens as HttpOnly cookies (the refresh one for the auth paths only) and answers the CSRF token', async () => {
    const client = https(newApp({ cookies: true }))
    const res = await client.post('/auth', { json: { username: 'alice', password: 'wonderland' } })
    expect(res.status).toBe(200)
    const body = res.json()
    expect(Object.keys(body)).toEqual(['csrf_token'])
    expect(res.text()).not.toContain(res.cookies.access_token!.value)
    expect(res.cookies.access_token).toMatchObject({
      httpOnly: true,
      secure: true,
      sameSite: 'Lax',
      path: '/',
      maxAge: 900,
    })
    expect(res.cookies.refresh_token).toMatchObject({ httpOnly: true, secure: true, path: '/auth' })
    expect(res.cookies.csrf_token).toMatchObject({ value: body.csrf_token, secure: true })
    expect(res.cookies.csrf_token?.httpOnly).toBeFalsy()
    await client.close()
  })

  it('lets safe methods through with the cookie, and unsafe ones only with the matching CSRF header', async () => {
    const client = https(newApp({ cookies: true }))
    const { csrf_token } = (
      await client.post('/auth', { json: { username: 'alice', password: 'wonderland' } })
    ).json()
    expect((await client.get('/books')).json()).toEqual({ sub: '1' })
    const without = await client.post('/books', { json: { t: 1 } })
    expect(without.status).toBe(403)
    expect(without.json().code).toBe('BRISK_JWT_ERR_CSRF')
    const wrong = await client.post('/books', {
      json: { t: 1 },
      headers: { 'x-csrf-token': `${csrf_token}x` },
    })
    expect(wrong.status).toBe(403)
    // A CSRF cookie planted by a sibling site does not help: the token must match the one in the access token.
    client.cookies.set('csrf_token', 'planted', { secure: true })
    const planted = await client.post('/books', { json: { t: 1 }, headers: { 'x-csrf-token': 'planted' } })
    expect(planted.status).toBe(403)
    const ok = await client.post('/books', { json: { t: 1 }, headers: { 'x-csrf-token': csrf_token } })
    expect(ok.status).toBe(200)
    await client.close()
  })

  it('refreshes from the cookie (CSRF-checked) with new cookies, and logout clears them', async () => {
    const client = https(newApp({ cookies: true }))
    const login = await client.post('/auth', { json: { username: 'alice', password: 'wonderland' } })
    const { csrf_token } = login.json()
    const firstRefresh = login.cookies.refresh_token!.value
    expect((await client.post('/auth/refresh')).status).toBe(403)
    const res = await client.post('/auth/refresh', { headers: { 'x-csrf-token': csrf_token } })
    expect(res.status).toBe(200)
    expect(res.cookies.refresh_token!.value).not.toBe(firstRefresh)
    const next = res.json().csrf_token
    expect((await client.get('/books')).status).toBe(200)
    const out = await client.post('/auth/logout', { headers: { 'x-csrf-token': next } })
    expect(out.status).toBe(204)
    expect(client.cookies.get('access_token')).toBeUndefined()
    expect((await client.get('/books')).status).toBe(401)
    // The old refresh token (from before logout) is dead.
    const again = await client.post('/auth/refresh', { json: { refresh_token: firstRefresh } })
    expect(again.status).toBe(401)
    await client.close()
  })

  it('still takes a Bearer header (no CSRF needed: browsers do not add it by themselves)', async () => {
    const client = https(newApp({ cookies: true }))
    const login = await client.post('/auth', { json: { username: 'alice', password: 'wonderland' } })
    const token = login.cookies.access_token!.value
    client.cookies.clear()
    const res = await client.post('/books', { json: {}, headers: { authorization: `Bearer ${token}` } })
    expect(res.status).toBe(200)
    await client.close()
  })

  it('takes other cookie and header names', async () => {
    const app = newApp({
      cookies: {
        accessCookie: 'at',
        refreshCookie: 'rt',
        csrfCookie: 'xsrf',
        csrfHeader: 'X-XSRF',
        sameSite: 'Strict',
      },
    })
    const client = https(app)
    const login = await client.post('/auth', { json: { username: 'alice', password: 'wonderland' } })
    expect(Object.keys(login.cookies).sort()).toEqual(['at', 'rt', 'xsrf'])
    expect(login.cookies.at?.sameSite).toBe('Strict')
    const ok = await client.post('/books', { json: {}, headers: { 'x-xsrf': login.json().csrf_token } })
    expect(ok.status).toBe(200)
    await client.close()
  })
})
