/**
 * What handlers may return, what the response helpers return, and how class-based views type `req`.
 */
import { describe, expectTypeOf, it } from 'vitest'
import {
  Brisk,
  type BriskRequest,
  BriskResponse,
  definePlugin,
  empty,
  type Handler,
  type HandlerResult,
  HTTPMethodView,
  html,
  json,
  redirect,
  text,
} from '../../src/index'

interface SessionCtx {
  session: { id: string }
}
const session = definePlugin<{ secret: string }, SessionCtx>({ name: 'session', register() {} })

describe('handler results', () => {
  const app = new Brisk()

  it('accepts objects, arrays, strings, bytes and scalars', () => {
    app.get('/object', () => ({ id: 1, tags: ['a'] }))
    app.get('/array', () => [1, 2, 3])
    app.get('/string', () => 'pong')
    app.get('/bytes', () => new Uint8Array([1, 2, 3]))
    app.get('/number', () => 42)
    app.get('/boolean', () => true)
    app.get('/null', () => null)
    app.get('/nothing', () => undefined)
  })

  it('accepts BriskResponse and Web Response', () => {
    app.get('/brisk', () => new BriskResponse('hi', 200, { 'content-type': 'text/plain' }))
    app.get('/json', () => json({ ok: true }, 201))
    app.get('/web', () => new Response('hi', { status: 202 }))
    app.get('/mixed/:id<int>', (req) =>
      req.params.id > 0 ? { id: req.params.id } : json({ missing: true }, 404),
    )
  })

  it('accepts promises of each of them', () => {
    app.get('/async-object', async () => ({ id: 1 }))
    app.get('/async-string', async () => 'pong')
    app.get('/async-brisk', async () => json({ ok: true }))
    app.get('/async-web', async () => new Response(null, { status: 204 }))
    app.get('/async-void', async () => {})
    app.post('/async-body', async (req) => {
      const body = await req.json<{ title: string }>()
      expectTypeOf(body).toEqualTypeOf<{ title: string }>()
      return { title: body.title }
    })
    app.get('/promise', () => Promise.resolve(text('later')))
  })

  it('rejects values that cannot become a response', () => {
    // @ts-expect-error: a symbol is not a response
    app.get('/symbol', () => Symbol('x'))
    // @ts-expect-error: a bigint does not serialise to JSON
    app.get('/bigint', () => 10n)
  })

  it('types Handler and HandlerResult for handlers written apart from their route', () => {
    const show: Handler<{ id: number }> = (req) => ({ id: req.params.id })
    app.get('/books/:id<int>', show)
    expectTypeOf(show).returns.toEqualTypeOf<HandlerResult | Promise<HandlerResult>>()
    expectTypeOf<BriskResponse>().toExtend<HandlerResult>()
    expectTypeOf<Response>().toExtend<HandlerResult>()
    expectTypeOf<symbol>().not.toExtend<HandlerResult>()
  })
})

describe('response helpers', () => {
  it('return a BriskResponse', () => {
    expectTypeOf(json({ id: 1 })).toEqualTypeOf<BriskResponse>()
    expectTypeOf(json([1, 2], 201)).toEqualTypeOf<BriskResponse>()
    expectTypeOf(
      json(null, { status: 200, headers: { 'cache-control': 'no-store' } }),
    ).toEqualTypeOf<BriskResponse>()
    expectTypeOf(text('pong')).toEqualTypeOf<BriskResponse>()
    expectTypeOf(html('<h1>hi</h1>')).toEqualTypeOf<BriskResponse>()
    expectTypeOf(redirect('/login', 303)).toEqualTypeOf<BriskResponse>()
    expectTypeOf(empty()).toEqualTypeOf<BriskResponse>()
  })

  it('chain on the response', () => {
    expectTypeOf(
      json({}).header('x-a', 'b').setCookie('sid', 'v', { maxAge: 60 }),
    ).toEqualTypeOf<BriskResponse>()
  })

  it('check their arguments', () => {
    // @ts-expect-error: the status is a number or an init object
    json({}, '201')
    // @ts-expect-error: text takes a string
    text(42)
    // @ts-expect-error: a location is a string
    redirect(new URL('http://x'))
    // @ts-expect-error: headers are strings
    json({}, { headers: { 'x-n': 1 } })
  })
})

describe('HTTPMethodView', () => {
  class BookView extends HTTPMethodView<{ id: number }> {
    override get(req: BriskRequest<{ id: number }>) {
      expectTypeOf(req.params.id).toEqualTypeOf<number>()
      return { id: req.params.id }
    }
    override async delete(req: BriskRequest<{ id: number }>) {
      return empty(req.params.id > 0 ? 204 : 404)
    }
  }

  class SessionView extends HTTPMethodView<{ id: number }, SessionCtx> {
    override get(req: BriskRequest<{ id: number }, SessionCtx>) {
      expectTypeOf(req.ctx.session.id).toEqualTypeOf<string>()
      return { id: req.params.id, session: req.ctx.session.id }
    }
  }

  it('types req in the methods of a view class', () => {
    const view = new BookView()
    expectTypeOf(view.get).parameter(0).toEqualTypeOf<BriskRequest<{ id: number }>>()
    expectTypeOf<Parameters<NonNullable<HTTPMethodView<{ slug: string }>['post']>>[0]>().toEqualTypeOf<
      BriskRequest<{ slug: string }>
    >()
  })

  it('mounts a view class (or instance) whose params match the path', () => {
    const app = new Brisk()
    app.view('/books/:id<int>', BookView)
    app.view('/books/:id<int>', new BookView(), { name: 'book' })
  })

  it('types req from the path and ctx in an inline view', () => {
    const app = new Brisk().use(session, { secret: 'x' })
    app.view('/books/:id<int>/:part<slug>', {
      get(req) {
        expectTypeOf(req.params.id).toEqualTypeOf<number>()
        expectTypeOf(req.params.part).toEqualTypeOf<string>()
        expectTypeOf(req.ctx.session.id).toEqualTypeOf<string>()
        return { id: req.params.id }
      },
      post: async (req) => {
        expectTypeOf(req.params.id).toEqualTypeOf<number>()
        return json({ created: req.params.part }, 201)
      },
    })
  })

  it('rejects a view whose params do not match the path', () => {
    const app = new Brisk()
    // @ts-expect-error: the view wants `id` as a number, the path has a string `slug`
    app.view('/books/:slug', BookView)
    // @ts-expect-error: the path's `id` is a string, the view wants a number
    app.view('/books/:id<uuid>', BookView)
  })

  it('mounts a view that needs a plugin only where that plugin is', () => {
    new Brisk().use(session, { secret: 'x' }).view('/books/:id<int>', SessionView)
    // @ts-expect-error: the app has no session plugin
    new Brisk().view('/books/:id<int>', SessionView)
  })

  it('rejects a view that reads a param the path does not declare', () => {
    class ChapterView extends HTTPMethodView<{ id: number; chapter: string }> {
      override get(req: BriskRequest<{ id: number; chapter: string }>) {
        return { id: req.params.id, chapter: req.params.chapter }
      }
    }
    new Brisk().view('/books/:id<int>/:chapter', ChapterView)
    // @ts-expect-error: the path has no `chapter`
    new Brisk().view('/books/:id<int>', ChapterView)
  })
})
