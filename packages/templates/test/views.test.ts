import { type BriskRequest, HTTPMethodView, redirect } from '@brisk/core'
import { forEachEntry } from '@brisk/testing/vitest'
import { expect, it } from 'vitest'
import { template, templates } from '../src/index'
import { appFolder, newApp } from './_helpers'

const books = new Map([[1, 'Dune']])

class BookView extends HTTPMethodView<{ id: number }> {
  prefix = 'Book: '

  @template('plain.html')
  override get(req: BriskRequest<{ id: number }>) {
    // `this` is the view instance inside a decorated method.
    return { message: `${this.prefix}${books.get(req.params.id) ?? 'unknown'}` }
  }

  @template('plain.html')
  override async post(req: BriskRequest<{ id: number }>) {
    if (req.params.id === 0) return redirect('/books/1', 303)
    await new Promise((resolve) => setTimeout(resolve, 1))
    return { message: `saved ${req.params.id}` }
  }

  override delete() {
    return { deleted: true }
  }
}

forEachEntry('@template() on class-view methods', (make) => {
  it('renders what a decorated method returns and leaves other methods alone', async () => {
    const app = newApp().use(templates, { folders: [appFolder] })
    app.view('/books/:id<int>', BookView)
    const client = await make(app)
    try {
      const shown = await client.request('/books/1')
      expect(shown.status).toBe(200)
      expect(shown.headers['content-type']).toBe('text/html; charset=utf-8')
      expect(shown.body).toBe('<p>Book: Dune</p>\n')
      expect((await client.request({ method: 'POST', url: '/books/2' })).body).toBe('<p>saved 2</p>\n')
      const moved = await client.request({ method: 'POST', url: '/books/0' })
      expect(moved.status).toBe(303)
      const deleted = await client.request({ method: 'DELETE', url: '/books/1' })
      expect(deleted.json()).toEqual({ deleted: true })
    } finally {
      await client.close()
    }
  })
})

it('a decorated method can also be called directly, with a request', async () => {
  const app = newApp().use(templates, { folders: [appFolder] })
  const view = new BookView()
  app.get('/direct/:id<int>', (req) => view.get(req))
  expect((await app.inject({ url: '/direct/1' })).body).toBe('<p>Book: Dune</p>\n')
  await app.close()
})
