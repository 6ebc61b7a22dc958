import { afterEach, describe, expect, it } from 'vitest'
import { type TestClient, testClient } from '../src/index'
import { type Echo, modes, shopApp } from './_apps'

const open: TestClient[] = []
afterEach(async () => {
  await Promise.all(open.splice(0).map((c) => c.close()))
})

describe.each(modes)('client.withHeaders() in %s mode', (mode) => {
  function client(headers?: Record<string, string>): TestClient {
    const c = testClient(shopApp(), { mode, ...(headers ? { headers } : {}) })
    open.push(c)
    return c
  }

  it('sends its headers with every request, leaving the original client as it was', async () => {
    const c = client()
    const admin = c.withHeaders({ Authorization: 'Bearer root', 'x-tenant': 'acme' })
    const seen = (await admin.get('/echo')).json<Echo>().headers
    expect(seen.authorization).toBe('Bearer root')
    expect(seen['x-tenant']).toBe('acme')
    expect((await c.get('/echo')).json<Echo>().headers.authorization).toBeUndefined()
    expect(admin.headers).toEqual({ authorization: 'Bearer root', 'x-tenant': 'acme' })
    expect(c.headers).toEqual({})
  })

  it('feeds the app middleware (ctx) like any header', async () => {
    const res = await client().withHeaders({ authorization: 'Bearer ada' }).get('/books/1')
    expect(res.request.ctx.user).toBe('ada')
    expect(res.json().user).toBe('ada')
  })

  it('stacks, with later values winning and per-request headers winning over all', async () => {
    const c = client({ 'x-a': 'from options', 'x-b': 'from options' })
    const stacked = c.withHeaders({ 'x-b': 'from withHeaders', 'x-c': '1' }).withHeaders({ 'X-C': '2' })
    const seen = (await stacked.get('/echo', { headers: { 'x-a': 'from request' } })).json<Echo>().headers
    expect(seen['x-a']).toBe('from request')
    expect(seen['x-b']).toBe('from withHeaders')
    expect(seen['x-c']).toBe('2')
  })

  it('removes a default header given as undefined', async () => {
    const c = client({ 'x-debug': '1' })
    expect(
      (await c.withHeaders({ 'x-debug': undefined }).get('/echo')).json<Echo>().headers['x-debug'],
    ).toBeUndefined()
    expect(
      (await c.get('/echo', { headers: { 'X-Debug': undefined } })).json<Echo>().headers['x-debug'],
    ).toBeUndefined()
  })

  it('shares the cookie jar both ways', async () => {
    const c = client()
    const other = c.withHeaders({ 'x-who': 'other' })
    other.cookies.set('sid', 'shared')
    expect(c.cookies).toBe(other.cookies)
    expect((await c.get('/echo')).json<Echo>().cookies).toEqual({ sid: 'shared' })
  })

  it('shares close(): closing either closes both', async () => {
    const c = client()
    const other = c.withHeaders({ 'x-who': 'other' })
    await other.close()
    expect(c.closed).toBe(true)
    await expect(c.get('/books')).rejects.toMatchObject({ code: 'BRISK_TEST_ERR_CLOSED' })
  })
})
