import { Blueprint, Brisk, type BriskRequest, json } from '@brisk/core'
import { type Static, Type } from '@sinclair/typebox'
import { type } from 'arktype'
import * as v from 'valibot'
import { expectTypeOf, it } from 'vitest'
import { z } from 'zod'
import { type Infer, openapi, typed, type ValidatedRequest, validated } from '../../src/index'

const BookT = Type.Object({ title: Type.String(), year: Type.Optional(Type.Integer()) })
const BookZ = z.object({ title: z.string(), year: z.number().int().optional() })

it('types the body from a TypeBox schema, with no cast', () => {
  const app = new Brisk().use(openapi)
  app.post(
    '/books',
    validated({ body: BookT }, async (req) => {
      const book = await req.json()
      expectTypeOf(book).toEqualTypeOf<Static<typeof BookT>>()
      expectTypeOf(book.title).toBeString()
      return json(book, 201)
    }),
  )
})

it('types the body from zod, valibot and arktype (their output)', () => {
  const app = new Brisk()
  app.post(
    '/z',
    validated({ body: BookZ.transform((b) => ({ ...b, slug: b.title.toLowerCase() })) }, async (req) => {
      expectTypeOf(await req.json()).toEqualTypeOf<{
        title: string
        year?: number | undefined
        slug: string
      }>()
    }),
  )
  app.post(
    '/v',
    validated({ body: v.object({ n: v.number() }) }, async (req) => {
      expectTypeOf(await req.json()).toEqualTypeOf<{ n: number }>()
    }),
  )
  app.post(
    '/a',
    validated({ body: type({ n: 'number' }) }, async (req) => {
      expectTypeOf(await req.json()).toEqualTypeOf<{ n: number }>()
    }),
  )
})

it('types the query from its schema, and keeps path parameters typed from the path', () => {
  const app = new Brisk()
  app.get(
    '/authors/:id<int>/books',
    validated(
      { query: z.object({ page: z.number().default(1), tag: z.array(z.string()).optional() }) },
      (req) => {
        expectTypeOf(req.query.page).toBeNumber()
        expectTypeOf(req.query.tag).toEqualTypeOf<string[] | undefined>()
        expectTypeOf(req.params.id).toBeNumber()
        // @ts-expect-error the path has no such parameter
        req.params.slug
        return []
      },
    ),
  )
})

it('types params from a params schema over the path', () => {
  new Brisk().get(
    '/items/:id',
    validated({ params: Type.Object({ id: Type.String({ format: 'uuid' }) }) }, (req) => {
      expectTypeOf(req.params).toEqualTypeOf<{ id: string }>()
      return req.params.id
    }),
  )
})

it('keeps the ctx of the scope, and everything else of BriskRequest', () => {
  const bp = new Blueprint<{ ctx: { user: string } }>('books')
  bp.post(
    '/',
    validated({ body: BookT }, async (req) => {
      expectTypeOf(req.ctx.user).toBeString()
      expectTypeOf(req.headers).toEqualTypeOf<BriskRequest['headers']>()
      expectTypeOf(req.method).toBeString()
      return (await req.json()).title
    }),
  )
})

it('types a plain JSON Schema branded with typed(), and leaves an unbranded one unknown', () => {
  const Plain = { type: 'object', properties: { n: { type: 'number' } } } as const
  new Brisk().post(
    '/plain',
    validated({ body: Plain }, async (req) => {
      expectTypeOf(await req.json()).toBeUnknown()
    }),
  )
  new Brisk().post(
    '/typed',
    validated({ body: typed<{ n: number }>(Plain) }, async (req) => {
      expectTypeOf(await req.json()).toEqualTypeOf<{ n: number }>()
    }),
  )
})

it('names the request type for handlers written apart', () => {
  type Req = ValidatedRequest<{ body: typeof BookZ }, { id: number }>
  const handler = async (req: Req) => ({ id: req.params.id, title: (await req.json()).title })
  new Brisk().put('/books/:id<int>', validated({ body: BookZ }, handler))
  expectTypeOf<Infer<typeof BookZ>>().toEqualTypeOf<{ title: string; year?: number | undefined }>()
})

it('takes schemas and documentation in the route option', () => {
  const app = new Brisk().use(openapi, { docsPath: '/api/docs', validateResponses: true })
  app.post(
    '/books',
    { openapi: { summary: 'Add', body: BookZ, responses: { 201: BookT, 400: { description: 'Bad' } } } },
    () => 'x',
  )
  app.get('/hidden', { openapi: false }, () => 'x')
  // @ts-expect-error summary is a string
  app.get('/wrong', { openapi: { summary: 1 } }, () => 'x')
})

it('takes any part of the operation spec beside the schemas', () => {
  new Brisk().post(
    '/books',
    validated(
      {
        body: BookZ,
        summary: 'Add a book',
        tags: ['books'],
        responses: { 201: BookT, 409: { description: 'Taken' } },
      },
      async (req) => json(await req.json(), 201),
    ),
  )
  // @ts-expect-error tags are strings
  validated({ tags: [1] }, () => 'x')
})
