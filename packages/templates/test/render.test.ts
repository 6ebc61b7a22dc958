import { Blueprint, definePlugin, json, NotFound } from '@brisk/core'
import { forEachEntry, once } from '@brisk/testing/vitest'
import { describe, expect, it } from 'vitest'
import { markSafe, render, renderToString, templates } from '../src/index'
import { appFolder, newApp } from './_helpers'

const books = [
  { id: 1, title: 'Dune' },
  { id: 2, title: 'Solaris' },
]

forEachEntry('render()', (make) => {
  it('renders a page that extends a layout, fills its blocks, includes a partial and calls an imported macro', async () => {
    const app = newApp().use(templates, { folders: [appFolder], globals: { site: 'Brisk Books' } })
    app.get('/', (req) => render(req, 'page.html', { title: 'Shelf', books }))
    const res = await once(make, app, '/')
    expect(res.status).toBe(200)
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8')
    expect(res.body).toContain('<title>Shelf · Brisk</title>')
    expect(res.body).toContain('<header>app layout</header>')
    expect(res.body).toContain('<h1>Shelf</h1>')
    expect(res.body).toContain('<li><a href="/books/1">Dune</a></li><li><a href="/books/2">Solaris</a></li>')
    expect(res.body).toContain('<footer>Brisk Books</footer>')
    expect(res.body.startsWith('<!doctype html>')).toBe(true)
  })

  it('escapes hostile input in text, attributes and scripts, and leaves marked-safe HTML alone', async () => {
    const value = `"><script>alert('x')</script><img src=x onerror=alert(1)>&`
    const app = newApp().use(templates, { folders: [appFolder] })
    app.get('/', (req) => render(req, 'hostile.html', { value, trusted: markSafe('<em>ok</em>') }))
    const res = await once(make, app, '/')
    expect(res.body).not.toContain('<script>alert')
    expect(res.body).not.toContain('<img')
    expect(res.body).toContain(
      '<p title="&quot;&gt;&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;&amp;">',
    )
    // `dump` is JSON; autoescape still applies inside the script element, so it cannot close it.
    expect(res.body).toContain('var v = &quot;&#92;&quot;&gt;&lt;script&gt;')
    expect(res.body).toContain('<div><em>ok</em></div>')
  })

  it('takes a status and headers', async () => {
    const app = newApp().use(templates, { folders: [appFolder] })
    app.post('/form', (req) =>
      render(
        req,
        'plain.html',
        { message: 'Title is required' },
        { status: 422, headers: { 'X-Form': 'invalid' } },
      ),
    )
    app.get('/gone', (req) => render(req, 'plain.html', { message: 'gone' }, 410))
    const client = await make(app)
    try {
      const res = await client.request({ method: 'POST', url: '/form' })
      expect(res.status).toBe(422)
      expect(res.headers['x-form']).toBe('invalid')
      expect(res.headers['content-type']).toBe('text/html; charset=utf-8')
      expect(res.body).toContain('<p>Title is required</p>')
      const gone = await client.request('/gone')
      expect(gone.status).toBe(410)
      expect(gone.body).toContain('<p>gone</p>')
    } finally {
      await client.close()
    }
  })

  it('gives templates the request, url_for with keyword or object arguments, and no session without one', async () => {
    const app = newApp().use(templates, { folders: [appFolder] })
    app.get('/books/:id<int>', { name: 'books.show' }, (req) => render(req, 'request.html'))
    const res = await once(make, app, '/books/3?q=%3Cb%3E')
    expect(res.body).toContain('path=/books/3 q=&lt;b&gt; id=3')
    expect(res.body).toContain('kw=/books/7')
    expect(res.body).toContain('obj=/books/8?tab=reviews')
    expect(res.body).toContain('session=none')
  })

  it('gives templates the session when a session plugin put one on req.ctx', async () => {
    const session = definePlugin<void, { session: { user: string } }>({
      name: 'fake-session',
      register(scope) {
        scope.onRequest((req) => {
          req.ctx.session = { user: '<ada>' }
        })
      },
    })
    const app = newApp()
      .use(session)
      .use(templates, { folders: [appFolder] })
    app.get('/books/:id<int>', { name: 'books.show' }, (req) => render(req, 'request.html'))
    const res = await once(make, app, '/books/1')
    expect(res.body).toContain('session=&lt;ada&gt;')
  })

  it('awaits promises at the top of the context, and lets the handler’s values win over processors', async () => {
    const later = <T>(value: T) => new Promise<T>((resolve) => setTimeout(() => resolve(value), 5))
    const app = newApp().use(templates, {
      folders: [appFolder],
      context: async (req) => ({ message: `from the processor for ${req.path}` }),
    })
    app.get('/', (req) => render(req, 'plain.html', { message: later('from the handler') }))
    app.get('/processor', (req) => render(req, 'plain.html'))
    const client = await make(app)
    try {
      expect((await client.request('/')).body).toBe('<p>from the handler</p>\n')
      expect((await client.request('/processor')).body).toBe('<p>from the processor for /processor</p>\n')
    } finally {
      await client.close()
    }
  })

  it('answers 500 when a promise in the context rejects, without showing why outside development mode', async () => {
    const app = newApp().use(templates, { folders: [appFolder] })
    app.get('/', (req) =>
      render(req, 'plain.html', { message: Promise.reject(new Error('db down at 10.0.0.7')) }),
    )
    const res = await once(make, app, '/')
    expect(res.status).toBe(500)
    expect(res.body).not.toContain('10.0.0.7')
  })

  it('renders from an error handler (a request without a route uses the app’s templates)', async () => {
    const app = newApp().use(templates, { folders: [appFolder] })
    app.onError(NotFound, (_err, req) =>
      render(req, 'plain.html', { message: `No page at ${req.path}` }, 404),
    )
    const res = await once(make, app, '/missing')
    expect(res.status).toBe(404)
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8')
    expect(res.body).toContain('<p>No page at /missing</p>')
  })
})

describe('renderToString()', () => {
  it('returns the rendered text for use in other responses', async () => {
    const app = newApp().use(templates, { folders: [appFolder] })
    app.get('/fragment', async (req) =>
      json({ html: await renderToString(req, 'plain.html', { message: '<hi>' }) }),
    )
    const res = await app.inject({ url: '/fragment' })
    expect(res.json()).toEqual({ html: '<p>&lt;hi&gt;</p>\n' })
    await app.close()
  })

  it('refuses a template name that is not a string', async () => {
    const app = newApp().use(templates, { folders: [appFolder] })
    let seen: unknown
    app.get('/', async (req) => {
      seen = await renderToString(req, 42 as unknown as string).catch((error: unknown) => error)
      return 'done'
    })
    await app.inject({ url: '/' })
    expect(seen).toBeInstanceOf(TypeError)
    expect((seen as Error).message).toMatch(/template name must be a non-empty string/)
    await app.close()
  })
})

describe('templates in blueprints without their own registration', () => {
  it('use the app’s templates', async () => {
    const app = newApp().use(templates, { folders: [appFolder] })
    const bp = new Blueprint('shop', { prefix: '/shop' })
    bp.get('/', (req) => render(req, 'plain.html', { message: 'shop' }))
    app.blueprint(bp)
    const res = await app.inject({ url: '/shop' })
    expect(res.body).toBe('<p>shop</p>\n')
    await app.close()
  })
})
