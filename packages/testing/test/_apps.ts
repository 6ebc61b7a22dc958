/**
 * The apps the tests drive, and the list of modes every behaviour runs in.
 */
import {
  Blueprint,
  Brisk,
  type BriskRequest,
  BriskResponse,
  json,
  type Logger,
  redirect,
  text,
} from '@brisk/core'
import type { ClientMode } from '../src/index'

export const modes: readonly ClientMode[] = ['inject', 'listen']

/** What the echo route answers: the request as the handler read it. */
export interface Echo {
  method: string
  url: string
  path: string
  query: Record<string, string | string[]>
  headers: Record<string, string | string[] | undefined>
  cookies: Record<string, string>
  body: string
}

/** What the shop's middleware and handlers put on `req.ctx`. */
export interface ShopCtx {
  user?: string
  seen?: number
}

/**
 * A small book shop with named routes, a blueprint, ctx middleware and an echo route.
 *
 * @example
 * const app = shopApp()
 */
export function shopApp(): Brisk<{ ctx: ShopCtx }> {
  const app = new Brisk({ logger: silent }) as Brisk<{ ctx: ShopCtx }>
  app.onRequest((req) => {
    const auth = req.headers.authorization
    if (typeof auth === 'string' && auth.startsWith('Bearer ')) req.ctx.user = auth.slice(7)
  })
  const books = new Blueprint<{ ctx: ShopCtx }>('books', { prefix: '/books' })
  books.get('/', { name: 'list' }, () => [{ id: 1, title: 'Dune' }])
  books.get('/:id<int>', { name: 'show' }, (req) => {
    req.ctx.seen = req.params.id
    return { id: req.params.id, title: 'Dune', user: req.ctx.user ?? null }
  })
  books.post('/', { name: 'create' }, async (req) => json({ created: await req.json() }, 201))
  books.delete('/:id<int>', { name: 'remove' }, () => new BriskResponse(null, 204, {}))
  app.blueprint(books)

  const echo = async (req: BriskRequest<any, any>): Promise<Echo> => ({
    method: req.method,
    url: req.url,
    path: req.path,
    query: { ...req.query },
    headers: { ...req.headers },
    cookies: { ...req.cookies },
    body: await req.text(),
  })
  for (const method of ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const) {
    app.route({ methods: [method], path: '/echo', name: `echo.${method.toLowerCase()}`, handler: echo })
  }
  app.post('/form', { name: 'form' }, async (req) => ({ form: await req.form() }))
  app.post(
    '/bytes',
    { name: 'bytes' },
    async (req) => new BriskResponse(await req.bytes(), 200, { 'content-type': 'application/octet-stream' }),
  )
  app.get('/moved', { name: 'moved' }, () => redirect('/books', 301))
  app.get('/text', { name: 'text' }, () => text('plain words'))
  app.get('/boom', { name: 'boom' }, () => {
    throw new Error('kaboom')
  })
  return app
}

/** A logger that keeps tests quiet (the boom route logs a 500 otherwise). */
export const silent: Logger = { error() {}, warn() {}, info() {}, debug() {} }
