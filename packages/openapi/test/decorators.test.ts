import { type BriskRequest, HTTPMethodView } from '@brisk/core'
import { Type } from '@sinclair/typebox'
import type { OpenAPIV3_1 } from 'openapi-types'
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import {
  body,
  deprecated,
  description,
  exclude,
  OpenAPIError,
  openapi,
  operation,
  parameter,
  response,
  secured,
  summary,
  tag,
} from '../src/index'
import { documentOf, newApp } from './_helpers'

const Book = Type.Object({ title: Type.String({ minLength: 1 }), year: Type.Optional(Type.Integer()) })

class BookView extends HTTPMethodView<{ id: number }> {
  prefix = 'Book '

  @summary('Show a book')
  @description('One book, by its id.')
  @tag('books', 'catalogue')
  @response(200, Book)
  @response(404, { description: 'No such book' })
  override get(req: BriskRequest<{ id: number }>) {
    // `this` is the view instance inside a decorated method.
    return { title: `${this.prefix}${req.params.id}` }
  }

  @summary('Replace a book')
  @body(z.object({ title: z.string().min(1) }))
  @parameter('query', Type.Object({ notify: Type.Optional(Type.Boolean()) }))
  @secured('apiKey')
  override async put(req: BriskRequest<{ id: number }>) {
    return { id: req.params.id, ...((await req.json()) as object), notify: req.query.notify }
  }

  @deprecated()
  @operation({ operationId: 'removeBook', summary: 'Remove a book' })
  override delete() {
    return undefined
  }

  @exclude()
  override patch() {
    return 'hidden'
  }
}

const settings = { securitySchemes: { apiKey: { type: 'apiKey', in: 'header', name: 'x-api-key' } as const } }

describe('decorators on class-view methods', () => {
  it('document each method', async () => {
    const doc = await documentOf((app) => app.view('/books/:id<int>', BookView), settings)
    const item = doc.paths!['/books/{id}'] as Record<string, OpenAPIV3_1.OperationObject>
    expect(Object.keys(item)).toEqual(['get', 'put', 'delete'])
    expect(item.get).toMatchObject({
      operationId: 'BookView.get',
      summary: 'Show a book',
      description: 'One book, by its id.',
      tags: ['books', 'catalogue'],
      responses: {
        200: { content: { 'application/json': { schema: { type: 'object' } } } },
        404: { description: 'No such book' },
      },
    })
    expect(item.put).toMatchObject({
      summary: 'Replace a book',
      security: [{ apiKey: [] }],
      requestBody: { content: { 'application/json': { schema: { type: 'object', required: ['title'] } } } },
    })
    expect((item.put!.parameters as OpenAPIV3_1.ParameterObject[]).map((p) => `${p.in} ${p.name}`)).toEqual([
      'path id',
      'query notify',
    ])
    expect(item.delete).toMatchObject({
      operationId: 'removeBook',
      summary: 'Remove a book',
      deprecated: true,
    })
  })

  it('enforce the schemas they declare, with `this` still the view', async () => {
    const app = newApp().use(openapi, settings)
    app.view('/books/:id<int>', BookView)
    expect((await app.inject({ url: '/books/7' })).json()).toEqual({ title: 'Book 7' })
    const bad = await app.inject({ method: 'PUT', url: '/books/7', body: { title: '' } })
    expect(bad.status).toBe(422)
    expect(bad.json<{ errors: unknown[] }>().errors).toEqual([
      { pointer: '#/title', detail: expect.any(String) },
    ])
    const good = await app.inject({ method: 'PUT', url: '/books/7?notify=true', body: { title: 'Dune' } })
    expect(good.json()).toEqual({ id: 7, title: 'Dune', notify: true })
    expect((await app.inject({ method: 'PATCH', url: '/books/7' })).body).toBe('hidden')
    await app.close()
  })

  it('are read per class: a subclass adds its own, and two apps with one view agree', async () => {
    class SpecialBookView extends BookView {
      @summary('Show a special book')
      override get(req: BriskRequest<{ id: number }>) {
        return super.get(req)
      }
    }
    const one = await documentOf((app) => app.view('/special/:id<int>', SpecialBookView), settings)
    const two = await documentOf((app) => app.view('/books/:id<int>', BookView), settings)
    const get = (doc: OpenAPIV3_1.Document, path: string) =>
      (doc.paths![path] as Record<string, OpenAPIV3_1.OperationObject>).get!
    expect(get(one, '/special/{id}').summary).toBe('Show a special book')
    expect(get(two, '/books/{id}').summary).toBe('Show a book')
    expect(get(two, '/books/{id}').tags).toEqual(['books', 'catalogue'])
  })

  it('refuse to run as legacy (experimentalDecorators) decorators', () => {
    const legacy = summary('x') as unknown as (
      target: object,
      key: string,
      descriptor: PropertyDescriptor,
    ) => void
    expect(() => legacy({}, 'get', { value: () => 1 })).toThrow(OpenAPIError)
    expect(() => legacy({}, 'get', { value: () => 1 })).toThrow(/standard \(TC39\) method decorator/)
  })
})
