import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect, it } from 'vitest'
import { Brisk, HANDLER_SOURCE, type HandlerSource, HTTPMethodView } from '../src/index'

class BookView extends HTTPMethodView {
  override get() {
    return { id: 1 }
  }
  override post() {
    return { created: true }
  }
}

function sources(app: Brisk): Map<string, HandlerSource | undefined> {
  const seen = new Map<string, HandlerSource | undefined>()
  app.onRoute((route) => {
    route.wrapHandler((handler) => {
      seen.set(
        `${route.method} ${route.path}`,
        (handler as { [HANDLER_SOURCE]?: HandlerSource })[HANDLER_SOURCE],
      )
      return handler
    })
  })
  return seen
}

it('a view route handler names the view instance and the unbound method it calls', async () => {
  const app = new Brisk({ accessLog: false })
  const seen = sources(app)
  app.view('/books', BookView)
  app.get('/plain', () => 'x')
  await app.ready()
  const get = seen.get('GET /books')
  expect(get?.kind).toBe('view')
  if (get?.kind !== 'view') throw new Error('not a view')
  expect(get.view).toBeInstanceOf(BookView)
  expect(get.method).toBe(BookView.prototype.get)
  const post = seen.get('POST /books')
  expect(post?.kind === 'view' && post.method).toBe(BookView.prototype.post)
  expect(seen.get('GET /plain')).toBeUndefined()
  expect((await app.inject({ url: '/books' })).json()).toEqual({ id: 1 })
  await app.close()
})

it('both routes of app.static() carry the folder they serve', async () => {
  const folder = await mkdtemp(join(tmpdir(), 'brisk-source-'))
  try {
    await writeFile(join(folder, 'a.txt'), 'hello')
    const app = new Brisk({ accessLog: false })
    const seen = sources(app)
    app.static('/files', folder)
    await app.ready()
    expect(seen.get('GET /files/:path<path>')).toEqual({ kind: 'static', folder })
    expect(seen.get('GET /files')).toEqual({ kind: 'static', folder })
    expect((await app.inject({ url: '/files/a.txt' })).body).toBe('hello')
    await app.close()
  } finally {
    await rm(folder, { recursive: true, force: true })
  }
})
