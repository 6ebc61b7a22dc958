/**
 * `req.params` is inferred from the path literal: typed parameters are numbers or strings, a path without
 * parameters has none, and a path only known as `string` falls back to a record of unknowns.
 */
import { describe, expectTypeOf, it } from 'vitest'
import { Blueprint, Brisk, type BriskRequest, type PathParams } from '../../src/index'

describe('PathParams', () => {
  it('types :id<int> and :n<float> as numbers', () => {
    expectTypeOf<PathParams<'/books/:id<int>'>['id']>().toEqualTypeOf<number>()
    expectTypeOf<PathParams<'/price/:amount<float>'>['amount']>().toEqualTypeOf<number>()
  })

  it('types every other kind, and an untyped parameter, as strings', () => {
    type P = PathParams<'/a/:u<uuid>/:s<slug>/:w<alpha>/:n/:r<re:\\d+>/:rest<path>'>
    expectTypeOf<P['u']>().toEqualTypeOf<string>()
    expectTypeOf<P['s']>().toEqualTypeOf<string>()
    expectTypeOf<P['w']>().toEqualTypeOf<string>()
    expectTypeOf<P['n']>().toEqualTypeOf<string>()
    expectTypeOf<P['r']>().toEqualTypeOf<string>()
    expectTypeOf<P['rest']>().toEqualTypeOf<string>()
  })

  it('has exactly the declared keys', () => {
    expectTypeOf<keyof PathParams<'/users/:user<int>/posts/:post<slug>'>>().toEqualTypeOf<'user' | 'post'>()
    expectTypeOf<keyof PathParams<'/health'>>().toEqualTypeOf<never>()
    expectTypeOf<keyof PathParams<'/'>>().toEqualTypeOf<never>()
  })

  it('falls back to a record of unknowns for a non-literal path', () => {
    expectTypeOf<PathParams<string>>().toEqualTypeOf<Record<string, unknown>>()
  })
})

describe('app.get()', () => {
  const app = new Brisk()

  it('types one parameter of each kind', () => {
    app.get('/books/:id<int>', (req) => {
      expectTypeOf(req.params.id).toEqualTypeOf<number>()
      return { id: req.params.id }
    })
    app.get('/price/:amount<float>', (req) => {
      expectTypeOf(req.params.amount).toEqualTypeOf<number>()
      return { amount: req.params.amount }
    })
    app.get('/orders/:ref<uuid>', (req) => {
      expectTypeOf(req.params.ref).toEqualTypeOf<string>()
      return { ref: req.params.ref }
    })
    app.get('/posts/:slug<slug>', (req) => {
      expectTypeOf(req.params.slug).toEqualTypeOf<string>()
      return { slug: req.params.slug }
    })
    app.get('/tags/:tag<alpha>', (req) => {
      expectTypeOf(req.params.tag).toEqualTypeOf<string>()
      return { tag: req.params.tag }
    })
    app.get('/files/:rest<path>', (req) => {
      expectTypeOf(req.params.rest).toEqualTypeOf<string>()
      return { rest: req.params.rest }
    })
    app.get('/codes/:code<re:\\d{4}>', (req) => {
      expectTypeOf(req.params.code).toEqualTypeOf<string>()
      return { code: req.params.code }
    })
    app.get('/hello/:name', (req) => {
      expectTypeOf(req.params.name).toEqualTypeOf<string>()
      return `hello ${req.params.name}`
    })
  })

  it('types several parameters at once', () => {
    app.get('/users/:user<int>/posts/:post<slug>/rev/:rev<float>/:lang', (req) => {
      expectTypeOf(req.params.user).toEqualTypeOf<number>()
      expectTypeOf(req.params.post).toEqualTypeOf<string>()
      expectTypeOf(req.params.rev).toEqualTypeOf<number>()
      expectTypeOf(req.params.lang).toEqualTypeOf<string>()
      expectTypeOf(req.params).branded.toEqualTypeOf<{
        user: number
        post: string
        rev: number
        lang: string
      }>()
      return req.params
    })
  })

  it('rejects a parameter the path does not declare', () => {
    app.get('/health', (req) => {
      // @ts-expect-error: '/health' has no parameters
      return { id: req.params.id }
    })
    app.get('/books/:id<int>', (req) => {
      // @ts-expect-error: only `id` is declared
      return { slug: req.params.slug }
    })
  })

  it('does not let an int parameter be used as a string', () => {
    app.get('/books/:id<int>', (req) => {
      // @ts-expect-error: `id` is a number
      const id: string = req.params.id
      return { id }
    })
  })

  it('rejects a handler annotated with other params', () => {
    // @ts-expect-error: the path gives `id` as a number, the handler wants a string
    app.get('/books/:id<int>', (req: BriskRequest<{ id: string }>) => ({ id: req.params.id }))
  })

  it('accepts a handler annotated with the matching params', () => {
    app.get('/books/:id<int>', (req: BriskRequest<{ id: number }>) => ({ id: req.params.id }))
  })

  it('gives a record of unknowns when the path is only known as a string', () => {
    const path: string = '/books/:id<int>'
    app.get(path, (req) => {
      expectTypeOf(req.params).toEqualTypeOf<Record<string, unknown>>()
      expectTypeOf(req.params.id).toEqualTypeOf<unknown>()
      return {}
    })
  })
})

describe('app.post(path, options, handler)', () => {
  const app = new Brisk()

  it('infers params with route options in the middle', () => {
    app.post(
      '/books/:id<int>/reviews/:review<uuid>',
      { name: 'reviews.create', bodyLimit: '64kb' },
      (req) => {
        expectTypeOf(req.params.id).toEqualTypeOf<number>()
        expectTypeOf(req.params.review).toEqualTypeOf<string>()
        // @ts-expect-error: not declared by the path
        req.params.book
        return { id: req.params.id }
      },
    )
  })

  it('infers params on the other verbs too', () => {
    app.put('/books/:id<int>', (req) => {
      expectTypeOf(req.params.id).toEqualTypeOf<number>()
      return {}
    })
    app.patch('/books/:id<int>', { name: 'books.patch' }, (req) => {
      expectTypeOf(req.params.id).toEqualTypeOf<number>()
      return {}
    })
    app.delete('/books/:id<int>', (req) => {
      expectTypeOf(req.params.id).toEqualTypeOf<number>()
      return {}
    })
  })
})

describe('app.route({...})', () => {
  const app = new Brisk()

  it('infers params from the `path` property', () => {
    app.route({
      methods: ['GET', 'HEAD'],
      path: '/books/:id<int>/:format<alpha>',
      version: 2,
      handler: (req) => {
        expectTypeOf(req.params.id).toEqualTypeOf<number>()
        expectTypeOf(req.params.format).toEqualTypeOf<string>()
        // @ts-expect-error: not declared by the path
        req.params.slug
        return { id: req.params.id }
      },
    })
  })

  it('works without methods and with a method-shorthand handler', () => {
    app.route({
      path: '/score/:value<float>',
      handler(req) {
        expectTypeOf(req.params.value).toEqualTypeOf<number>()
        return { value: req.params.value }
      },
    })
  })

  it('has no params on a static path', () => {
    app.route({
      path: '/health',
      handler: (req) => {
        expectTypeOf<keyof typeof req.params>().toEqualTypeOf<never>()
        return 'ok'
      },
    })
  })
})

describe('blueprints', () => {
  it('infers params on blueprint routes, relative to the blueprint', () => {
    const books = new Blueprint('books', { prefix: '/books' })
    books.get('/:id<int>', (req) => {
      expectTypeOf(req.params.id).toEqualTypeOf<number>()
      return { id: req.params.id }
    })
    books.post('/:id<int>/chapters/:chapter<slug>', { name: 'chapters.create' }, (req) => {
      expectTypeOf(req.params.id).toEqualTypeOf<number>()
      expectTypeOf(req.params.chapter).toEqualTypeOf<string>()
      return {}
    })
    books.route({
      path: '/:isbn<re:\\d{13}>',
      handler: (req) => {
        expectTypeOf(req.params.isbn).toEqualTypeOf<string>()
        return {}
      },
    })
    books.get('/', (req) => {
      // @ts-expect-error: the blueprint's prefix adds no parameters
      return req.params.id
    })
  })

  it('keeps params apart from the blueprint ctx', () => {
    const reviews = new Blueprint<{ ctx: { user: { id: number } } }>('reviews')
    reviews.get('/:review<uuid>', (req) => {
      expectTypeOf(req.params.review).toEqualTypeOf<string>()
      expectTypeOf(req.ctx.user.id).toEqualTypeOf<number>()
      return {}
    })
  })
})
