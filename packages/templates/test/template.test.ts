import { type BriskRequest, BriskResponse, redirect, text } from '@brisk/core'
import { forEachEntry, once } from '@brisk/testing/vitest'
import { describe, expect, it } from 'vitest'
import { template, templates } from '../src/index'
import { appFolder, newApp } from './_helpers'

forEachEntry('the template route option', (make) => {
  it('renders what a sync or async handler returns, as text/html; charset=utf-8', async () => {
    const app = newApp().use(templates, { folders: [appFolder] })
    app.get('/sync', { template: 'plain.html' }, () => ({ message: 'sync <ok>' }))
    app.get('/async', { template: 'plain.html' }, async () => {
      await new Promise((resolve) => setTimeout(resolve, 1))
      return { message: 'async' }
    })
    const client = await make(app)
    try {
      const sync = await client.request('/sync')
      expect(sync.status).toBe(200)
      expect(sync.headers['content-type']).toBe('text/html; charset=utf-8')
      expect(sync.body).toBe('<p>sync &lt;ok&gt;</p>\n')
      expect((await client.request('/async')).body).toBe('<p>async</p>\n')
    } finally {
      await client.close()
    }
  })

  it('lets a returned response, redirect, string or Web Response pass through untouched', async () => {
    const app = newApp().use(templates, { folders: [appFolder] })
    app.get('/redirect', { template: 'plain.html' }, () => redirect('/elsewhere', 303))
    app.get('/text', { template: 'plain.html' }, async () => text('plain', 202))
    app.get('/string', { template: 'plain.html' }, () => 'just a string')
    app.get('/web', { template: 'plain.html' }, () => new Response('web', { status: 201 }))
    app.get(
      '/custom',
      { template: 'plain.html' },
      () => new BriskResponse('<b>mine</b>', 200, { 'content-type': 'text/html' }),
    )
    const client = await make(app)
    try {
      const moved = await client.request('/redirect')
      expect(moved.status).toBe(303)
      expect(moved.headers.location).toBe('/elsewhere')
      const plain = await client.request('/text')
      expect([plain.status, plain.body]).toEqual([202, 'plain'])
      expect((await client.request('/string')).body).toBe('just a string')
      const web = await client.request('/web')
      expect([web.status, web.body]).toEqual([201, 'web'])
      expect((await client.request('/custom')).body).toBe('<b>mine</b>')
    } finally {
      await client.close()
    }
  })

  it('renders with an empty context when the handler returns nothing, and answers HEAD and OPTIONS', async () => {
    const app = newApp().use(templates, { folders: [appFolder] })
    app.get('/empty', { template: 'plain.html' }, () => undefined)
    const client = await make(app)
    try {
      expect((await client.request('/empty')).body).toBe('<p></p>\n')
      const head = await client.request({ method: 'HEAD', url: '/empty' })
      expect(head.status).toBe(200)
      expect(head.headers['content-type']).toBe('text/html; charset=utf-8')
      expect(head.body).toBe('')
      const options = await client.request({ method: 'OPTIONS', url: '/empty' })
      expect(options.status).toBe(204)
      expect(options.headers.allow).toContain('GET')
    } finally {
      await client.close()
    }
  })
})

forEachEntry('template(name, handler)', (make) => {
  it('wraps a handler, keeping its name for urlFor and its typed params', async () => {
    const app = newApp().use(templates, { folders: [appFolder] })
    app.get(
      '/books/:id<int>',
      template('plain.html', function showBook(req) {
        return { message: `book ${req.params.id + 1}` }
      }),
    )
    const res = await once(make, app, '/books/41')
    expect(res.body).toBe('<p>book 42</p>\n')
    expect(app.urlFor('showBook', { id: 1 })).toBe('/books/1')
  })
})

describe('template()', () => {
  it('refuses an empty name, a handler that is not a function, and a legacy decorator call', () => {
    expect(() => template('')).toThrow(TypeError)
    expect(() => template('x.html', 'nope' as never)).toThrow(/must be a function/)
    const decorate = template('x.html') as unknown as (method: unknown, key: string) => unknown
    expect(() => decorate(() => ({}), 'get')).toThrow(/standard \(TypeScript 5\) method decorator/)
  })

  it('wraps a handler that stays synchronous until it renders', async () => {
    const app = newApp().use(templates, { folders: [appFolder] })
    let seen: BriskRequest<any, any> | undefined
    app.get(
      '/',
      template('plain.html', (req) => {
        seen = req
        return { message: 'hi' }
      }),
    )
    expect((await app.inject({ url: '/' })).body).toBe('<p>hi</p>\n')
    expect(seen?.path).toBe('/')
    await app.close()
  })
})
