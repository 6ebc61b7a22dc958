import { Blueprint, Brisk, json } from '@brisk/core'
import { forEachEntry } from '@brisk/testing/vitest'
import { Type } from '@sinclair/typebox'
import { toStandardJsonSchema } from '@valibot/to-json-schema'
import { type } from 'arktype'
import * as v from 'valibot'
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { openapi, type Schema, validated } from '../src/index'
import { fakeAuth, newApp, silent } from './_helpers'

// The showcase's book, in each schema language: title and author 1..200 characters, year an optional integer.
const books: Record<string, Schema> = {
  'JSON Schema (TypeBox)': Type.Object({
    title: Type.String({ minLength: 1, maxLength: 200 }),
    author: Type.String({ minLength: 1, maxLength: 200 }),
    year: Type.Optional(Type.Integer()),
  }),
  zod: z.object({
    title: z.string().min(1).max(200),
    author: z.string().min(1).max(200),
    year: z.number().int().optional(),
  }),
  valibot: toStandardJsonSchema(
    v.object({
      title: v.pipe(v.string(), v.minLength(1), v.maxLength(200)),
      author: v.pipe(v.string(), v.minLength(1), v.maxLength(200)),
      year: v.optional(v.pipe(v.number(), v.integer())),
    }),
  ),
  arktype: type({ title: '1 <= string <= 200', author: '1 <= string <= 200', 'year?': 'number.integer' }),
}

function showcase(schema: Schema) {
  const app = newApp().use(openapi)
  let calls = 0
  const api = new Blueprint('books', { prefix: '/books' })
  api.post(
    '/',
    validated({ body: schema }, async (req) => {
      calls++
      return json(await req.json(), 201)
    }),
  )
  app.blueprint(Blueprint.group([api], { prefix: '/api', version: 1 }))
  return { app, calls: () => calls }
}

const post = (body: unknown, headers: Record<string, string> = {}) => ({
  method: 'POST',
  url: '/api/v1/books',
  headers: { 'content-type': 'application/json', ...headers },
  body: typeof body === 'string' ? body : JSON.stringify(body),
})

const pointers = (res: { json(): any }) =>
  (res.json().errors as { pointer: string; detail: string }[]).map((e) => e.pointer).sort()

for (const [language, schema] of Object.entries(books)) {
  forEachEntry(`POST /api/v1/books with a ${language} body schema`, (make) => {
    it('passes a good book to the handler, with unknown extra fields ignored', async () => {
      const { app, calls } = showcase(schema)
      const client = await make(app)
      try {
        const res = await client.request(
          post({ title: 'Dune', author: 'Frank Herbert', year: 1965, isbn: 'x' }),
        )
        expect(res.status).toBe(201)
        expect(res.json()).toMatchObject({ title: 'Dune', author: 'Frank Herbert', year: 1965 })
        expect((await client.request(post({ title: 'Dune', author: 'F' }))).status).toBe(201)
        expect(calls()).toBe(2)
      } finally {
        await client.close()
      }
    })

    it('answers 422 problem+json naming each bad field once, and never calls the handler', async () => {
      const { app, calls } = showcase(schema)
      const client = await make(app)
      try {
        const res = await client.request(post({ author: 'x'.repeat(201), year: '2001' }))
        expect(res.status).toBe(422)
        expect(res.headers['content-type']).toMatch(/^application\/problem\+json/)
        const problem = res.json()
        expect(problem).toMatchObject({
          status: 422,
          code: 'BRISK_OPENAPI_ERR_VALIDATION',
          title: 'Unprocessable Content',
        })
        expect(pointers(res)).toEqual(['#/author', '#/title', '#/year'])
        for (const item of problem.errors) expect(typeof item.detail).toBe('string')
        expect(Object.keys(problem.errors[0]).sort()).toEqual(['detail', 'pointer'])
        // A field that breaks several rules is named once: its first broken rule.
        expect(pointers(await client.request(post({ title: 5, author: 'a' })))).toEqual(['#/title'])
        expect(calls()).toBe(0)
      } finally {
        await client.close()
      }
    })

    it('does not coerce JSON: "2001" is not an integer, and a body that is not an object is one item at #', async () => {
      const { app } = showcase(schema)
      const client = await make(app)
      try {
        expect(pointers(await client.request(post({ title: 'a', author: 'b', year: '2001' })))).toEqual([
          '#/year',
        ])
        for (const body of [[], 'null', '"a book"', '42']) {
          const res = await client.request(post(body))
          expect(res.status).toBe(422)
          expect(pointers(res)).toEqual(['#'])
        }
      } finally {
        await client.close()
      }
    })

    it('leaves malformed JSON a 400 and a non-JSON body a 415', async () => {
      const { app } = showcase(schema)
      const client = await make(app)
      try {
        const malformed = await client.request(post('{"title": '))
        expect(malformed.status).toBe(400)
        expect(malformed.json<any>().code).toBe('BRISK_ERR_JSON_MALFORMED')
        const plain = await client.request(post('title=Dune', { 'content-type': 'text/plain' }))
        expect(plain.status).toBe(415)
      } finally {
        await client.close()
      }
    })
  })
}

describe('query, path and header parameters', () => {
  const paging = {
    'JSON Schema (TypeBox)': Type.Object({
      page: Type.Integer({ minimum: 1, default: 1 }),
      tags: Type.Optional(Type.Array(Type.String())),
      exact: Type.Optional(Type.Boolean()),
    }),
    zod: z.object({
      page: z.number().int().min(1).default(1),
      tags: z.array(z.string()).optional(),
      exact: z.boolean().optional(),
    }),
  }
  for (const [language, query] of Object.entries(paging)) {
    it(`converts query strings to the declared types (${language})`, async () => {
      const app = newApp().use(openapi)
      app.get(
        '/books',
        validated({ query }, (req) => ({ query: { ...req.query } })),
      )
      const res = await app.inject({ url: '/books?page=2&tags=sf&exact=true' })
      expect(res.status).toBe(200)
      expect(res.json<any>().query).toEqual({ page: 2, tags: ['sf'], exact: true })
      expect((await app.inject({ url: '/books?tags=a&tags=b' })).json<any>().query).toEqual({
        page: 1,
        tags: ['a', 'b'],
      })
      const bad = await app.inject({ url: '/books?page=abc' })
      expect(bad.status).toBe(422)
      expect(bad.json<any>().errors).toEqual([{ parameter: 'page', in: 'query', detail: expect.any(String) }])
      expect((await app.inject({ url: '/books?page=0' })).json<any>().errors[0].parameter).toBe('page')
      await app.close()
    })
  }

  it('checks path parameters and headers, and lists their errors with the body’s in one answer', async () => {
    const app = newApp().use(openapi)
    app.put(
      '/items/:id<int>',
      validated(
        {
          params: Type.Object({ id: Type.Integer({ minimum: 1 }) }),
          headers: Type.Object({ 'x-api-version': Type.Integer({ minimum: 2 }) }),
          body: Type.Object({ name: Type.String() }),
        },
        async (req) => ({
          id: req.params.id,
          name: (await req.json()).name,
          version: req.headers['x-api-version'],
        }),
      ),
    )
    const good = await app.inject({
      method: 'PUT',
      url: '/items/7',
      headers: { 'x-api-version': '3' },
      body: { name: 'a' },
    })
    expect(good.json()).toEqual({ id: 7, name: 'a', version: '3' })
    const bad = await app.inject({ method: 'PUT', url: '/items/0', body: { name: 1 } })
    expect(bad.status).toBe(422)
    expect(bad.json<any>().errors).toEqual([
      { parameter: 'id', in: 'path', detail: 'must be >= 1' },
      { parameter: 'x-api-version', in: 'header', detail: "must have required property 'x-api-version'" },
      { pointer: '#/name', detail: 'must be string' },
    ])
    await app.close()
  })
  it('keeps the path parameters a Standard Schema does not name', async () => {
    const app = newApp().use(openapi)
    app.get(
      '/authors/:author<slug>/books/:id',
      validated({ params: z.object({ id: z.number().int() }) }, (req) => ({ ...req.params })),
    )
    expect((await app.inject({ url: '/authors/le-guin/books/7' })).json()).toEqual({
      author: 'le-guin',
      id: 7,
    })
    const bad = await app.inject({ url: '/authors/le-guin/books/seven' })
    expect(bad.json<any>().errors).toEqual([{ parameter: 'id', in: 'path', detail: expect.any(String) }])
    await app.close()
  })
})

describe('form bodies', () => {
  const Signup = {
    'JSON Schema (TypeBox)': Type.Object({
      email: Type.String({ format: 'email' }),
      age: Type.Integer({ minimum: 18 }),
    }),
    zod: z.object({ email: z.email(), age: z.number().int().min(18) }),
  }
  for (const [language, schema] of Object.entries(Signup)) {
    it(`checks urlencoded fields, converted to the declared types (${language})`, async () => {
      const app = newApp().use(openapi)
      app.post(
        '/signup',
        { openapi: { body: schema, bodyContentType: 'application/x-www-form-urlencoded' } },
        async (req) => ({ ...(await req.form()) }),
      )
      const form = { 'content-type': 'application/x-www-form-urlencoded' }
      const good = await app.inject({
        method: 'POST',
        url: '/signup',
        headers: form,
        body: 'email=ada%40example.com&age=36',
      })
      expect(good.json()).toEqual({ email: 'ada@example.com', age: 36 })
      const bad = await app.inject({
        method: 'POST',
        url: '/signup',
        headers: form,
        body: 'email=nope&age=twelve',
      })
      expect(bad.status).toBe(422)
      expect(pointers(bad)).toEqual(['#/age', '#/email'])
      await app.close()
    })
  }

  it('refuses at start-up a body schema of a type it cannot read', async () => {
    const app = newApp().use(openapi)
    app.post('/csv', { openapi: { body: Type.String(), bodyContentType: 'text/csv' } }, () => 'x')
    await expect(app.ready()).rejects.toMatchObject({
      code: 'BRISK_OPENAPI_ERR_SCHEMA',
      message: expect.stringContaining('text/csv'),
    })
  })
})

describe('where validation sits', () => {
  it('runs after route guards: no credentials is a 401 before any 422', async () => {
    const app = newApp().use(fakeAuth).use(openapi)
    app.post('/books', { auth: { scopes: [] }, openapi: { body: books.zod! } }, () => 'created')
    const res = await app.inject({ method: 'POST', url: '/books', body: {} })
    expect(res.status).toBe(401)
    const allowed = await app.inject({
      method: 'POST',
      url: '/books',
      headers: { authorization: 'Bearer good' },
      body: {},
    })
    expect(allowed.status).toBe(422)
    await app.close()
  })

  it('enforces the schemas of the route option as well', async () => {
    const app = newApp().use(openapi)
    app.post('/books', { openapi: { body: books['JSON Schema (TypeBox)']! } }, async (req) =>
      json(await req.json(), 201),
    )
    expect((await app.inject({ method: 'POST', url: '/books', body: { title: '' } })).status).toBe(422)
    expect(
      (await app.inject({ method: 'POST', url: '/books', body: { title: 'a', author: 'b' } })).status,
    ).toBe(201)
    await app.close()
  })

  it('gives the handler a Standard Schema’s output, transforms applied, also when it checks asynchronously', async () => {
    const app = newApp().use(openapi)
    const Trimmed = z.object({
      title: z
        .string()
        .trim()
        .refine(async (title) => title !== 'taken', 'is taken'),
    })
    app.post(
      '/books',
      validated({ body: Trimmed, query: z.object({ n: z.number().optional() }) }, async (req) => ({
        body: await req.json(),
        n: req.query.n,
      })),
    )
    const res = await app.inject({ method: 'POST', url: '/books?n=3', body: { title: '  Dune  ', extra: 1 } })
    expect(res.json()).toEqual({ body: { title: 'Dune' }, n: 3 })
    const taken = await app.inject({ method: 'POST', url: '/books', body: { title: 'taken' } })
    expect(taken.json<any>().errors).toEqual([{ pointer: '#/title', detail: 'is taken' }])
    await app.close()
  })

  it('gives the handler an output that is not a plain object (a transform to an array) as it is', async () => {
    const app = newApp().use(openapi)
    const Tags = z
      .object({ tags: z.array(z.string()) })
      .transform((body) => body.tags.map((t) => t.toUpperCase()))
    app.post(
      '/tags',
      validated({ body: Tags }, async (req) => ({ got: await req.json() })),
    )
    const res = await app.inject({ method: 'POST', url: '/tags', body: { tags: ['sf', 'classic'] } })
    expect(res.json()).toEqual({ got: ['SF', 'CLASSIC'] })
    await app.close()
  })

  it('leaves the handler of a route without schemas as it is, and calls a validated() one without its wrapper', async () => {
    const app = newApp().use(openapi)
    const list = () => []
    const show = () => ({})
    const seen = new Map<string, unknown>()
    app.onRoute((route) =>
      route.wrapHandler((handler) => {
        seen.set(`${route.method} ${route.path}`, handler)
        return handler
      }),
    )
    app.get('/books', list)
    app.get('/books/:id<int>', validated({ summary: 'Show a book' }, show))
    await app.ready()
    expect(seen.get('GET /books')).toBe(list)
    expect(seen.get('GET /books/:id<int>')).toBe(show)
    await app.close()
  })

  it('runs a validated() handler unchecked when the plugin is not registered', async () => {
    const app = newApp()
    app.post(
      '/books',
      validated({ body: books.zod! }, async (req) => ({ got: await req.json() })),
    )
    expect((await app.inject({ method: 'POST', url: '/books', body: { title: 1 } })).json()).toEqual({
      got: { title: 1 },
    })
    await app.close()
  })
})

describe('validateResponses', () => {
  it('answers 500 when a handler returns what its 200 schema refuses, and lets responses it built pass', async () => {
    const app = new Brisk({ accessLog: false, env: {}, dev: true, logger: silent }).use(openapi, {
      validateResponses: true,
    })
    const Book = Type.Object({ id: Type.Integer(), title: Type.String() })
    app.get('/good', { openapi: { responses: { 200: Book } } }, () => ({ id: 1, title: 'Dune' }))
    app.get(
      '/bad',
      { openapi: { responses: { 200: { description: 'A book', schema: Book } } } },
      async () => ({ id: 'one' }),
    )
    app.get('/built', { openapi: { responses: { 200: Book } } }, () => json({ anything: true }, 202))
    expect((await app.inject({ url: '/good' })).status).toBe(200)
    const bad = await app.inject({ url: '/bad' })
    expect(bad.status).toBe(500)
    expect(bad.json<any>().code).toBe('BRISK_OPENAPI_ERR_RESPONSE')
    expect((await app.inject({ url: '/built' })).status).toBe(202)
    await app.close()
  })
})
