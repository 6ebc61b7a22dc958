import { Brisk, json } from '@brisk/core'
import { describe, expect, it } from 'vitest'
import { entryNames, forEachEntry, makeClient, once } from '../src/vitest'

const seen: string[] = []

forEachEntry('forEachEntry()', (make, entry) => {
  it('runs the same request through each entry with the same answer', async () => {
    seen.push(entry)
    const app = new Brisk()
    app.post('/books/:id<int>', async (req) =>
      json({ id: req.params.id, body: await req.json(), tag: req.headers['x-tag'] }, 201),
    )
    const res = await once(make, app, {
      method: 'POST',
      url: '/books/7',
      headers: { 'X-Tag': entry },
      body: { title: 'Dune' },
    })
    expect(res.status).toBe(201)
    expect(res.headers['content-type']).toBe('application/json')
    expect(res.json()).toEqual({ id: 7, body: { title: 'Dune' }, tag: entry })
  })

  it('keeps no cookies between requests, like the other entries', async () => {
    const app = new Brisk()
    app.get('/set', () => json({ ok: true }).setCookie('sid', 'abc'))
    app.get('/echo', (req) => ({ cookie: req.headers.cookie ?? null }))
    const client = await make(app)
    const set = await client.request('/set')
    expect(set.headers['set-cookie']).toEqual([expect.stringMatching(/^sid=abc;/)])
    expect((await client.request('/echo')).json()).toEqual({ cookie: null })
    await client.close()
  })
})

describe('makeClient()', () => {
  it('declared a block for each of the three entries', () => {
    expect([...seen].sort()).toEqual(['fetch', 'inject', 'node'])
    expect(entryNames).toEqual(['inject', 'fetch', 'node'])
  })

  it('sends text and bytes bodies as they are', async () => {
    for (const entry of entryNames) {
      const app = new Brisk()
      app.post('/len', async (req) => ({ length: (await req.bytes()).byteLength }))
      const client = await makeClient(app, entry)
      expect((await client.request({ method: 'POST', url: '/len', body: 'abc' })).json()).toEqual({
        length: 3,
      })
      expect((await client.request({ method: 'POST', url: '/len', body: new Uint8Array(5) })).json()).toEqual(
        { length: 5 },
      )
      await client.close()
    }
  })
})
