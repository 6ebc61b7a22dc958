import { type Brisk, type BriskRequest, json } from '@brisk/core'
import { forEachEntry, once } from '@brisk/testing/vitest'
import { expect, it } from 'vitest'
import { type CorsOptions, cors } from '../src/index'
import { ALLOWED, corsHeaders, from, newApp, OTHER } from './_apps'

/** An app with CORS and a few routes. */
function booksApp(options?: CorsOptions): Brisk {
  const app = newApp().use(cors, options)
  app.get('/books', () => [{ id: 1 }])
  app.post('/books', () => json({ id: 2 }, 201))
  return app
}

forEachEntry('simple requests', (make) => {
  it('allows every origin by default with Access-Control-Allow-Origin: * and no Vary (the answer is the same for all)', async () => {
    const res = await once(make, booksApp(), from(OTHER))
    expect(res.status).toBe(200)
    expect(res.json()).toEqual([{ id: 1 }])
    expect(corsHeaders(res)).toEqual({ 'access-control-allow-origin': '*' })
  })

  it("sends Access-Control-Allow-Origin: * with '*' even without an Origin, so caches keep one answer", async () => {
    const res = await once(make, booksApp({ origins: '*' }), from(undefined))
    expect(corsHeaders(res)).toEqual({ 'access-control-allow-origin': '*' })
  })

  it('echoes an allowed single origin, with Vary: Origin', async () => {
    const res = await once(make, booksApp({ origins: ALLOWED }), from(ALLOWED))
    expect(corsHeaders(res)).toEqual({ 'access-control-allow-origin': ALLOWED, vary: 'Origin' })
  })

  it('accepts a configured origin in any case and compares it in the lower case browsers send', async () => {
    const res = await once(make, booksApp({ origins: 'HTTPS://App.Example.com' }), from(ALLOWED))
    expect(res.headers['access-control-allow-origin']).toBe(ALLOWED)
  })

  it('gives an origin that is not allowed no Access-Control-Allow-* header, only Vary: Origin', async () => {
    const res = await once(
      make,
      booksApp({ origins: ALLOWED, credentials: true, exposeHeaders: ['x-total'] }),
      from(OTHER),
    )
    expect(res.status).toBe(200)
    expect(corsHeaders(res)).toEqual({ vary: 'Origin' })
  })

  it('adds Vary: Origin but no allow headers to a same-origin request (no Origin header)', async () => {
    const res = await once(make, booksApp({ origins: [ALLOWED] }), from(undefined))
    expect(corsHeaders(res)).toEqual({ vary: 'Origin' })
  })

  it('allows the strings and RegExps of a list, and nothing else', async () => {
    const options: CorsOptions = { origins: [ALLOWED, /^https:\/\/[a-z]+\.partner\.example$/] }
    const a = await once(make, booksApp(options), from(ALLOWED))
    expect(a.headers['access-control-allow-origin']).toBe(ALLOWED)
    const b = await once(make, booksApp(options), from('https://shop.partner.example'))
    expect(b.headers['access-control-allow-origin']).toBe('https://shop.partner.example')
    const c = await once(make, booksApp(options), from('https://shop.partner.example.evil.net'))
    expect(c.headers['access-control-allow-origin']).toBeUndefined()
    expect(c.headers.vary).toBe('Origin')
  })

  it('allows by a single RegExp, and a global RegExp matches on every request alike', async () => {
    const app = booksApp({ origins: /^https:\/\/app\.example\.com$/g })
    const client = await make(app)
    try {
      for (let i = 0; i < 3; i++) {
        const res = await client.request(from(ALLOWED))
        expect(res.headers['access-control-allow-origin']).toBe(ALLOWED)
      }
    } finally {
      await client.close()
    }
  })

  it('asks a sync origin function with the origin and the request', async () => {
    const seen: string[] = []
    const origins = (origin: string, req: BriskRequest<any, any>) => {
      seen.push(`${origin} ${req.method} ${req.path}`)
      return origin.endsWith('.example.com')
    }
    const yes = await once(make, booksApp({ origins }), from(ALLOWED))
    expect(yes.headers['access-control-allow-origin']).toBe(ALLOWED)
    expect(yes.headers.vary).toBe('Origin')
    const no = await once(make, booksApp({ origins }), from(OTHER))
    expect(no.headers['access-control-allow-origin']).toBeUndefined()
    expect(seen).toEqual([`${ALLOWED} GET /books`, `${OTHER} GET /books`])
  })

  it('waits for an async origin function', async () => {
    const origins = async (origin: string) => {
      await new Promise((resolve) => setTimeout(resolve, 5))
      return origin === ALLOWED
    }
    const yes = await once(make, booksApp({ origins, credentials: true }), from(ALLOWED, '/books', 'POST'))
    expect(yes.status).toBe(201)
    expect(corsHeaders(yes)).toEqual({
      'access-control-allow-origin': ALLOWED,
      'access-control-allow-credentials': 'true',
      vary: 'Origin',
    })
    const no = await once(make, booksApp({ origins }), from(OTHER))
    expect(corsHeaders(no)).toEqual({ vary: 'Origin' })
  })

  it('allows only `true` from an origin function: a truthy string or a forgotten return refuses', async () => {
    const truthy = (() => 'yes') as unknown as () => boolean
    const res = await once(make, booksApp({ origins: truthy }), from(ALLOWED))
    expect(res.headers['access-control-allow-origin']).toBeUndefined()
    const forgot = (() => undefined) as unknown as () => boolean
    expect(
      (await once(make, booksApp({ origins: forgot }), from(ALLOWED))).headers['access-control-allow-origin'],
    ).toBeUndefined()
  })

  it('does not call the origin function when there is no Origin header', async () => {
    let calls = 0
    const res = await once(make, booksApp({ origins: () => ++calls > 0 }), from(undefined))
    expect(calls).toBe(0)
    expect(corsHeaders(res)).toEqual({ vary: 'Origin' })
  })

  it("refuses Origin: null unless listed: a list, a RegExp that would match it, but '*' allows it", async () => {
    const list = await once(make, booksApp({ origins: [ALLOWED] }), from('null'))
    expect(list.headers['access-control-allow-origin']).toBeUndefined()
    const pattern = await once(make, booksApp({ origins: /.*/ }), from('null'))
    expect(pattern.headers['access-control-allow-origin']).toBeUndefined()
    const listed = await once(make, booksApp({ origins: [ALLOWED, 'null'] }), from('null'))
    expect(listed.headers['access-control-allow-origin']).toBe('null')
    const wildcard = await once(make, booksApp({ origins: '*' }), from('null'))
    expect(wildcard.headers['access-control-allow-origin']).toBe('*')
  })

  it('lets an origin function decide about null', async () => {
    const res = await once(make, booksApp({ origins: (o) => o === 'null' }), from('null'))
    expect(res.headers['access-control-allow-origin']).toBe('null')
  })

  it('sends credentials and exposed headers to allowed origins, and neither in a preflight-only form', async () => {
    const res = await once(
      make,
      booksApp({
        origins: [ALLOWED],
        credentials: true,
        exposeHeaders: ['X-Total', 'x-request-id'],
        maxAge: 60,
      }),
      from(ALLOWED),
    )
    expect(corsHeaders(res)).toEqual({
      'access-control-allow-origin': ALLOWED,
      'access-control-allow-credentials': 'true',
      'access-control-expose-headers': 'X-Total, x-request-id',
      vary: 'Origin',
    })
  })

  it("exposes every header with exposeHeaders: '*' (without credentials)", async () => {
    const res = await once(make, booksApp({ exposeHeaders: '*' }), from(OTHER))
    expect(corsHeaders(res)).toEqual({
      'access-control-allow-origin': '*',
      'access-control-expose-headers': '*',
    })
  })

  it('keeps an Access-Control-Allow-Origin the handler set itself', async () => {
    const app = newApp().use(cors, { origins: [ALLOWED] })
    app.get('/books', () => json([], { headers: { 'access-control-allow-origin': 'https://other.example' } }))
    const res = await once(make, app, from(ALLOWED))
    expect(res.headers['access-control-allow-origin']).toBe('https://other.example')
    expect(res.headers.vary).toBe('Origin')
  })

  it('decorates a Web Response a handler returns', async () => {
    const app = newApp().use(cors, { origins: [ALLOWED] })
    app.get(
      '/books',
      () => new Response('[]', { headers: { 'content-type': 'application/json', vary: 'Accept' } }),
    )
    const res = await once(make, app, from(ALLOWED))
    expect(res.body).toBe('[]')
    expect(corsHeaders(res)).toEqual({ 'access-control-allow-origin': ALLOWED, vary: 'Accept, Origin' })
  })

  it('applies to the automatic HEAD of a GET route', async () => {
    const res = await once(make, booksApp({ origins: [ALLOWED] }), from(ALLOWED, '/books', 'HEAD'))
    expect(res.status).toBe(200)
    expect(res.body).toBe('')
    expect(res.headers['access-control-allow-origin']).toBe(ALLOWED)
  })

  it('treats two Origin values as no valid origin', async () => {
    const res = await once(make, booksApp({ origins: [ALLOWED] }), {
      url: '/books',
      headers: { origin: [ALLOWED, OTHER] },
    })
    expect(res.headers['access-control-allow-origin']).toBeUndefined()
  })
})
