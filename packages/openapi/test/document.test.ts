import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Blueprint, type BriskRequest, HTTPMethodView } from '@brisk/core'
import { Type } from '@sinclair/typebox'
import type { OpenAPIV3_1 } from 'openapi-types'
import { describe, expect, it } from 'vitest'
import { parse as parseYAML } from 'yaml'
import { z } from 'zod'
import { OpenAPIError, openAPIDocument, openapi, validated } from '../src/index'
import { documentOf, expectValidDocument, fakeAuth, newApp } from './_helpers'

type Operation = OpenAPIV3_1.OperationObject
const op = (doc: OpenAPIV3_1.Document, path: string, method: string): Operation =>
  (doc.paths?.[path] as Record<string, Operation> | undefined)?.[method] as Operation

describe('the document', () => {
  it('has every typed path parameter as an OpenAPI parameter of the matching schema', async () => {
    const doc = await documentOf((app) => {
      app.get('/a/:i<int>/:f<float>/:u<uuid>', { name: 'numbers' }, () => 'x')
      app.get('/b/:s<slug>/:a<alpha>/:plain', { name: 'words' }, () => 'x')
      app.get('/c/:code<re:[A-Z]{3}>/:rest<path>', { name: 'rest' }, () => 'x')
    })
    expect(Object.keys(doc.paths!)).toEqual(['/a/{i}/{f}/{u}', '/b/{s}/{a}/{plain}', '/c/{code}/{rest}'])
    const schemas = (path: string) =>
      Object.fromEntries(
        (op(doc, path, 'get').parameters as OpenAPIV3_1.ParameterObject[]).map((p) => [
          p.name,
          [p.in, p.required, p.schema],
        ]),
      )
    expect(schemas('/a/{i}/{f}/{u}')).toEqual({
      i: ['path', true, { type: 'integer' }],
      f: ['path', true, { type: 'number' }],
      u: ['path', true, { type: 'string', format: 'uuid' }],
    })
    expect(schemas('/b/{s}/{a}/{plain}')).toEqual({
      s: ['path', true, { type: 'string', pattern: '^[a-z0-9]+(?:-[a-z0-9]+)*$' }],
      a: ['path', true, { type: 'string', pattern: '^[A-Za-z]+$' }],
      plain: ['path', true, { type: 'string', minLength: 1 }],
    })
    expect(schemas('/c/{code}/{rest}')).toEqual({
      code: ['path', true, { type: 'string', pattern: '^(?:[A-Z]{3})$' }],
      rest: ['path', true, { type: 'string', minLength: 1 }],
    })
  })

  it('follows blueprints, groups and versions as routed, with blueprint names as tags', async () => {
    const doc = await documentOf((app) => {
      const books = new Blueprint('books', { prefix: '/books' })
      books.get('/', { name: 'list' }, () => [])
      books.get('/:id<int>', { name: 'show' }, () => ({}))
      const authors = new Blueprint('authors', { prefix: '/authors', version: 2 })
      authors.get('/', { name: 'list' }, () => [])
      app.blueprint(Blueprint.group([books, authors], { prefix: '/api', version: 1 }))
      app.get('/health', { version: 3 }, function health() {
        return 'ok'
      })
    })
    expect(Object.keys(doc.paths!).sort()).toEqual([
      '/api/v1/books',
      '/api/v1/books/{id}',
      '/api/v2/authors',
      '/v3/health',
    ])
    expect(op(doc, '/api/v1/books/{id}', 'get')).toMatchObject({ operationId: 'books.show', tags: ['books'] })
    expect(op(doc, '/api/v2/authors', 'get')).toMatchObject({
      operationId: 'authors.list',
      tags: ['authors'],
    })
    expect(op(doc, '/v3/health', 'get').operationId).toBe('health')
    expect(op(doc, '/v3/health', 'get').tags).toBeUndefined()
    expect(doc.tags).toEqual([{ name: 'books' }, { name: 'authors' }])
  })

  it('describes each method of a class view, and gives them distinct operation ids', async () => {
    class BookView extends HTTPMethodView<{ id: number }> {
      override get(req: BriskRequest<{ id: number }>) {
        return { id: req.params.id }
      }
      override delete() {
        return undefined
      }
    }
    const doc = await documentOf((app) => app.view('/books/:id<int>', BookView))
    expect(Object.keys(doc.paths!['/books/{id}']!)).toEqual(['get', 'delete'])
    expect(op(doc, '/books/{id}', 'get').operationId).toBe('BookView.get')
    expect(op(doc, '/books/{id}', 'delete').operationId).toBe('BookView.delete')
  })

  it('leaves out websockets, static files, its own routes, and what is excluded', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'brisk-openapi-'))
    try {
      await writeFile(join(folder, 'a.txt'), 'hello')
      const admin = new Blueprint('admin', { prefix: '/admin' })
      admin.get('/stats', () => ({}))
      const doc = await documentOf(
        (app) => {
          app.websocket('/ws', async () => {})
          app.static('/files', folder)
          app.get('/hidden', { openapi: false }, () => 'x')
          app.get('/internal/ping', () => 'x')
          app.get('/kept', { name: 'kept' }, () => 'x')
          app.blueprint(admin)
        },
        {
          exclude: (route) => route.path.startsWith('/internal'),
          excludeBlueprints: ['admin'],
          yamlPath: '/openapi.yaml',
        },
      )
      expect(Object.keys(doc.paths!)).toEqual(['/kept'])
    } finally {
      await rm(folder, { recursive: true, force: true })
    }
  })

  it('takes summary, description, tags, deprecated, operationId, responses and more from the route option', async () => {
    const Book = Type.Object({ id: Type.Integer(), title: Type.String() })
    const doc = await documentOf((app) => {
      app.get(
        '/books/:id<int>',
        {
          openapi: {
            summary: 'Show a book',
            description: 'One book, by id.',
            tags: ['catalogue'],
            deprecated: true,
            operationId: 'showBook',
            responses: {
              200: Book,
              404: { description: 'No such book' },
              default: { description: 'Trouble' },
            },
            parameters: [{ name: 'session', in: 'cookie', schema: { type: 'string' } as never }],
            extra: { externalDocs: { url: 'https://example.com/books' }, 'x-cost': 3 },
          },
        },
        () => ({}),
      )
    })
    const show = op(doc, '/books/{id}', 'get') as Operation & { 'x-cost'?: number }
    expect(show).toMatchObject({
      summary: 'Show a book',
      description: 'One book, by id.',
      tags: ['catalogue'],
      deprecated: true,
      operationId: 'showBook',
      externalDocs: { url: 'https://example.com/books' },
      'x-cost': 3,
    })
    expect(show.responses).toEqual({
      200: {
        description: 'OK',
        content: {
          'application/json': {
            schema: {
              type: 'object',
              properties: { id: { type: 'integer' }, title: { type: 'string' } },
              required: ['id', 'title'],
            },
          },
        },
      },
      404: { description: 'No such book' },
      default: { description: 'Trouble' },
    })
    expect((show.parameters as OpenAPIV3_1.ParameterObject[]).map((p) => `${p.in} ${p.name}`)).toEqual([
      'path id',
      'cookie session',
    ])
  })

  it('describes query, header and path schemas as parameters, the body as the request body, and the 422', async () => {
    const doc = await documentOf((app) => {
      app.put(
        '/books/:id<int>',
        validated(
          {
            params: z.object({ id: z.number().int().min(1).describe('The book') }),
            query: Type.Object({ dryRun: Type.Optional(Type.Boolean()), fields: Type.Array(Type.String()) }),
            headers: z.object({ 'x-request-id': z.string().uuid().optional() }),
            body: z.object({ title: z.string().min(1).max(200) }),
          },
          () => ({}),
        ),
      )
    })
    const put = op(doc, '/books/{id}', 'put')
    const parameters = put.parameters as OpenAPIV3_1.ParameterObject[]
    expect(parameters.map((p) => [p.in, p.name, p.required ?? false])).toEqual([
      ['path', 'id', true],
      ['query', 'dryRun', false],
      ['query', 'fields', true],
      ['header', 'x-request-id', false],
    ])
    expect(parameters[0]).toMatchObject({ description: 'The book', schema: { type: 'integer', minimum: 1 } })
    expect(put.requestBody).toEqual({
      required: true,
      content: {
        'application/json': {
          schema: {
            type: 'object',
            properties: { title: { type: 'string', minLength: 1, maxLength: 200 } },
            required: ['title'],
          },
        },
      },
    })
    expect(put.responses?.['422']).toEqual({
      description: 'The request breaks its schema',
      content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/ValidationProblem' } } },
    })
  })

  it('moves the $defs of a schema into components, references and all', async () => {
    const Node: z.ZodType<{ name: string; children: unknown[] }> = z.object({
      name: z.string(),
      get children() {
        return z.array(Node)
      },
    })
    const doc = await documentOf((app) => {
      app.post(
        '/trees',
        validated({ body: z.object({ root: Node }) }, () => ({})),
      )
    })
    const schema = (op(doc, '/trees', 'post').requestBody as OpenAPIV3_1.RequestBodyObject).content[
      'application/json'
    ]!.schema
    expect(JSON.stringify(schema)).toContain('#/components/schemas/')
    expect(JSON.stringify(schema)).not.toContain('$defs')
  })
})

describe('security from the routes', () => {
  it('puts the auth plugin’s scheme in components and security on the protected operations only', async () => {
    const doc = await documentOf((app) => {
      app.use(fakeAuth)
      app.get('/public', { name: 'open' }, () => 'x')
      app.get('/mine', { name: 'mine', auth: {} }, () => 'x')
      app.post('/books', { name: 'create', auth: { scopes: ['books:write'] } }, () => 'x')
      app.delete(
        '/books/:id<int>',
        { name: 'remove', auth: { scopes: ['books'], anyOf: ['admin', 'editor'] } },
        () => 'x',
      )
    })
    expect(doc.components?.securitySchemes).toEqual({
      bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
    })
    expect(op(doc, '/public', 'get').security).toBeUndefined()
    expect(op(doc, '/mine', 'get').security).toEqual([{ bearerAuth: [] }])
    expect(op(doc, '/books', 'post').security).toEqual([{ bearerAuth: ['books:write'] }])
    expect(op(doc, '/books/{id}', 'delete').security).toEqual([
      { bearerAuth: ['books', 'admin'] },
      { bearerAuth: ['books', 'editor'] },
    ])
  })

  it('sees routes an auth plugin on a blueprint protects, registered after it', async () => {
    const doc = await documentOf((app) => {
      const admin = new Blueprint('admin', { prefix: '/admin' })
      admin.use(fakeAuth, { scheme: 'adminToken' })
      admin.get('/stats', { name: 'stats', auth: { scopes: ['admin'] } }, () => ({}))
      app.blueprint(admin)
    })
    expect(op(doc, '/admin/stats', 'get').security).toEqual([{ adminToken: ['admin'] }])
    expect(Object.keys(doc.components!.securitySchemes!)).toEqual(['adminToken'])
  })

  it('takes hand-written security for schemes the options declare, and refuses unknown ones', async () => {
    const doc = await documentOf(
      (app) => app.get('/keyed', { openapi: { security: [{ apiKey: [] }] } }, () => 'x'),
      { securitySchemes: { apiKey: { type: 'apiKey', in: 'header', name: 'x-api-key' } } },
    )
    expect(op(doc, '/keyed', 'get').security).toEqual([{ apiKey: [] }])
    const app = newApp().use(openapi)
    app.get('/keyed', { openapi: { security: [{ apiKey: [] }] } }, () => 'x')
    await expect(app.ready()).rejects.toMatchObject({
      code: 'BRISK_OPENAPI_ERR_OPTIONS',
      message: expect.stringContaining('"apiKey"'),
    })
  })
})

describe('serving', () => {
  it('serves the JSON at /openapi.json, built once at start-up, and YAML when asked', async () => {
    let builds = 0
    const app = newApp().use(openapi, {
      yamlPath: '/openapi.yaml',
      info: { title: 'Shop API', version: '2.0.0' },
      transform: (doc) => {
        builds++
        return doc
      },
    })
    app.get('/books', { name: 'list' }, () => [])
    const first = await app.inject({ url: '/openapi.json' })
    expect(first.status).toBe(200)
    expect(first.headers['content-type']).toBe('application/json; charset=utf-8')
    const doc = first.json() as OpenAPIV3_1.Document
    expect(doc.info).toEqual({ title: 'Shop API', version: '2.0.0' })
    expect(doc).toEqual(openAPIDocument(app))
    await expectValidDocument(doc)
    const yaml = await app.inject({ url: '/openapi.yaml' })
    expect(yaml.headers['content-type']).toBe('application/yaml; charset=utf-8')
    expect(parseYAML(yaml.body)).toEqual(doc)
    expect((await app.inject({ url: '/openapi.json' })).body).toBe(first.body)
    expect(builds).toBe(1)
    await app.close()
  })

  it('serves at the configured paths, and none where a path is false', async () => {
    const app = newApp().use(openapi, { jsonPath: '/spec/v1.json', docsPath: '/reference' })
    expect((await app.inject({ url: '/spec/v1.json' })).status).toBe(200)
    expect((await app.inject({ url: '/openapi.json' })).status).toBe(404)
    const page = await app.inject({ url: '/reference' })
    expect(page.body).toContain('/reference/swagger-ui-bundle.js')
    expect((await app.inject({ url: '/reference/swagger-initializer.js' })).body).toContain(
      '"url":"/spec/v1.json"',
    )
    await app.close()
    const bare = newApp().use(openapi, { jsonPath: false, docsPath: false })
    bare.get('/x', () => 'x')
    await bare.ready()
    expect(openAPIDocument(bare).paths).toHaveProperty('/x')
    expect((await bare.inject({ url: '/openapi.json' })).status).toBe(404)
    expect((await bare.inject({ url: '/docs' })).status).toBe(404)
    await bare.close()
  })
})

describe('a whole app in one document', () => {
  it('is valid with blueprints, groups, versions, class views, every typed parameter, websockets and protected routes', async () => {
    class AuthorView extends HTTPMethodView<{ id: number }> {
      override get(req: BriskRequest<{ id: number }>) {
        return { id: req.params.id }
      }
      override put() {
        return {}
      }
    }
    const doc = await documentOf(
      (app) => {
        app.use(fakeAuth)
        const books = new Blueprint('books', { prefix: '/books' })
        books.get(
          '/',
          { name: 'list', openapi: { query: Type.Object({ page: Type.Optional(Type.Integer()) }) } },
          () => [],
        )
        books.post(
          '/',
          validated(
            { body: z.object({ title: z.string() }), responses: { 201: z.object({ id: z.number() }) } },
            () => ({}),
          ),
        )
        books.delete(
          '/:id<int>',
          { name: 'remove', auth: { scopes: ['books:write'], anyOf: ['admin', 'owner'] } },
          () => undefined,
        )
        books.websocket('/live', async () => {})
        const authors = new Blueprint('authors', { prefix: '/authors', version: 2 })
        authors.view('/:id<int>', AuthorView, { auth: {} })
        authors.get(
          '/:u<uuid>/:f<float>/:s<slug>/:a<alpha>/:c<re:[A-Z]{2}>/:rest<path>',
          { name: 'kinds' },
          () => 'x',
        )
        app.blueprint(Blueprint.group([books, authors], { prefix: '/api', version: 1 }))
        app.websocket('/ws', async () => {})
        app.get('/health', function health() {
          return 'ok'
        })
      },
      { yamlPath: '/openapi.yaml' },
    )
    expect(Object.keys(doc.paths!).sort()).toEqual([
      '/api/v1/books',
      '/api/v1/books/{id}',
      '/api/v2/authors/{id}',
      '/api/v2/authors/{u}/{f}/{s}/{a}/{c}/{rest}',
      '/health',
    ])
    expect(op(doc, '/api/v2/authors/{id}', 'put')).toMatchObject({
      operationId: 'authors.AuthorView.put',
      security: [{ bearerAuth: [] }],
    })
    expect(op(doc, '/api/v1/books/{id}', 'delete').security).toHaveLength(2)
    expect(op(doc, '/api/v1/books', 'get').security).toBeUndefined()
  })
})

describe('Swagger UI settings', () => {
  it('puts the title, persistAuthorization and any other setting into the page and its initializer', async () => {
    const app = newApp().use(openapi, {
      info: { title: 'Shop <API>' },
      swaggerUI: {
        persistAuthorization: false,
        config: { docExpansion: 'none', filter: true, evil: '</script>' },
      },
    })
    const page = await app.inject({ url: '/docs' })
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8')
    expect(page.body).toContain('<title>Shop &#60;API&#62;</title>')
    const init = (await app.inject({ url: '/docs/swagger-initializer.js' })).body
    expect(init).toContain('"persistAuthorization":false')
    expect(init).toContain('"docExpansion":"none","filter":true')
    expect(init).not.toContain('</script>')
    const titled = newApp().use(openapi, { swaggerUI: { title: 'Docs' } })
    expect((await titled.inject({ url: '/docs' })).body).toContain('<title>Docs</title>')
    await app.close()
    await titled.close()
  })
})

describe('start-up errors', () => {
  it.each([
    [
      'a blueprint registration',
      () => {
        const app = newApp()
        const bp = new Blueprint('x')
        bp.use(openapi)
        app.blueprint(bp)
        return app
      },
    ],
    ['a docs path without the JSON', () => newApp().use(openapi, { jsonPath: false })],
    ['a path that is not one', () => newApp().use(openapi, { docsPath: 'docs' })],
    [
      'two operations with one id',
      () => {
        const app = newApp().use(openapi)
        app.get('/a', { openapi: { operationId: 'same' } }, () => 'x')
        app.get('/b', { openapi: { operationId: 'same' } }, () => 'x')
        return app
      },
    ],
  ])('refuses %s with BRISK_OPENAPI_ERR_OPTIONS', async (_name, make) => {
    const app = make()
    await expect(app.ready()).rejects.toBeInstanceOf(OpenAPIError)
    await expect(app.ready()).rejects.toMatchObject({ code: 'BRISK_OPENAPI_ERR_OPTIONS' })
  })

  it('refuses a JSON Schema Ajv cannot compile, naming the route', async () => {
    const app = newApp().use(openapi)
    app.post(
      '/x',
      { openapi: { body: { type: 'object', properties: { a: { type: 'strnig' } } } } },
      () => 'x',
    )
    await expect(app.ready()).rejects.toMatchObject({
      code: 'BRISK_OPENAPI_ERR_SCHEMA',
      message: expect.stringContaining('POST /x'),
    })
  })

  it('refuses a query schema that is not an object of properties', async () => {
    const app = newApp().use(openapi)
    app.get('/x', { openapi: { query: { type: 'string' } } }, () => 'x')
    await expect(app.ready()).rejects.toMatchObject({ code: 'BRISK_OPENAPI_ERR_SCHEMA' })
  })
})

describe('the validity check used by these tests', () => {
  it.each([
    ['no info', { openapi: '3.1.0', paths: {} }],
    [
      'a dangling $ref',
      {
        openapi: '3.1.0',
        info: { title: 't', version: '1' },
        paths: {
          '/a': {
            get: {
              responses: {
                200: {
                  description: 'x',
                  content: { 'application/json': { schema: { $ref: '#/components/schemas/Nope' } } },
                },
              },
            },
          },
        },
      },
    ],
    [
      'a schema that is not JSON Schema',
      {
        openapi: '3.1.0',
        info: { title: 't', version: '1' },
        paths: {
          '/a': {
            get: {
              responses: {
                200: { description: 'x', content: { 'application/json': { schema: { type: 'strnig' } } } },
              },
            },
          },
        },
      },
    ],
    [
      'a path parameter that is not required',
      {
        openapi: '3.1.0',
        info: { title: 't', version: '1' },
        paths: {
          '/a/{id}': {
            get: {
              parameters: [{ name: 'id', in: 'path', schema: { type: 'string' } }],
              responses: { 200: { description: 'x' } },
            },
          },
        },
      },
    ],
  ])('fails a document with %s', async (_name, doc) => {
    await expect(expectValidDocument(doc as never)).rejects.toThrow()
  })
})
