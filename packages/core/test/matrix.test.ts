import { expect, it } from 'vitest'
import { Brisk } from '../src/index'
import { forEachEntry, once } from './_matrix'

forEachEntry('the three entries', (make, entry) => {
  it('answer the same request the same way', async () => {
    const app = new Brisk()
    app.post('/echo/:id<int>', async (req) => ({ id: req.params.id, body: await req.json(), q: req.query.q }))
    const res = await once(make, app, { method: 'POST', url: '/echo/7?q=a&q=b', body: { entry } })
    expect(res.status).toBe(200)
    expect(res.headers['content-type']).toBe('application/json')
    expect(res.json()).toEqual({ id: 7, body: { entry }, q: ['a', 'b'] })
  })
})
