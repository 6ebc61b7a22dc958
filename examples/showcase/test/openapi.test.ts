/**
 * /openapi.json: a valid OpenAPI 3.1 document (checked by a real validator) with every route of the
 * contract except /openapi.json, /docs, static and websocket routes; bearer security on the protected
 * operations only; the request body schema of POST /api/v1/books.
 */
import { Validator } from '@seriousme/openapi-schema-validator'
import { describe, expect } from 'vitest'
import { test } from './_helpers'

type Operation = {
  security?: Record<string, string[]>[]
  requestBody?: any
  parameters?: any[]
  responses: object
}
type Doc = { openapi: string; paths: Record<string, Record<string, Operation>>; components?: any }

/** Every operation of the contract, as `METHOD /openapi/path`. */
const EXPECTED = [
  'GET /health',
  'GET /',
  'GET /hello',
  'POST /auth',
  'GET /auth/verify',
  'GET /auth/me',
  'POST /auth/refresh',
  'POST /auth/logout',
  'GET /api/v1/books',
  'POST /api/v1/books',
  'GET /api/v1/books/{id}',
  'DELETE /api/v1/books/{id}',
  'GET /session/visits',
  'POST /session/reset',
]

/** The operations that need a bearer token, and the scopes each needs. */
const PROTECTED: Record<string, string[]> = {
  'GET /auth/verify': [],
  'GET /auth/me': [],
  'POST /api/v1/books': ['books:write'],
  'DELETE /api/v1/books/{id}': ['books:write'],
}

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace']

function operations(doc: Doc): Map<string, Operation> {
  const out = new Map<string, Operation>()
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const [method, operation] of Object.entries(item)) {
      if (METHODS.includes(method)) out.set(`${method.toUpperCase()} ${path}`, operation)
    }
  }
  return out
}

describe('GET /openapi.json', () => {
  test('is a valid OpenAPI 3.1 document', async ({ client }) => {
    const res = await client.get('/openapi.json')
    expect(res).toHaveStatus(200)
    expect(res.headers.get('content-type')).toMatch(/^application\/json/)
    const doc = res.json<Doc>()
    expect(doc.openapi).toMatch(/^3\.1\./)
    const result = await new Validator().validate(structuredClone(doc) as never)
    expect(result.errors ?? [], JSON.stringify(result.errors, null, 2)).toEqual([])
    expect(result.valid).toBe(true)
  })

  test('has every route of the contract, and nothing else', async ({ client }) => {
    const doc = (await client.get('/openapi.json')).json<Doc>()
    expect([...operations(doc).keys()].sort()).toEqual([...EXPECTED].sort())
    for (const left of ['/openapi.json', '/docs', '/ws/echo']) expect(doc.paths).not.toHaveProperty(left)
    expect(Object.keys(doc.paths).filter((p) => p.startsWith('/static') || p.startsWith('/docs'))).toEqual([])
  })

  test('puts bearer security on the protected operations only', async ({ client }) => {
    const doc = (await client.get('/openapi.json')).json<Doc>()
    const schemes = doc.components?.securitySchemes ?? {}
    const names = Object.keys(schemes)
    expect(names).toHaveLength(1)
    const scheme = names[0]!
    expect(schemes[scheme]).toMatchObject({ type: 'http', scheme: 'bearer' })
    expect(doc).not.toHaveProperty('security') // no document-wide requirement
    for (const [key, operation] of operations(doc)) {
      if (key in PROTECTED) expect(operation.security, key).toEqual([{ [scheme]: PROTECTED[key] }])
      else expect(operation.security, key).toBeUndefined()
    }
  })

  test('describes the body of POST /api/v1/books, and its 422', async ({ client }) => {
    const doc = (await client.get('/openapi.json')).json<Doc>()
    const post = doc.paths['/api/v1/books']!.post!
    expect(post.requestBody.required).toBe(true)
    const schema = post.requestBody.content['application/json'].schema
    expect(schema).toMatchObject({
      type: 'object',
      required: ['title', 'author'],
      properties: {
        title: { type: 'string', minLength: 1, maxLength: 200 },
        author: { type: 'string', minLength: 1, maxLength: 200 },
        year: { type: 'integer' },
      },
    })
    expect(Object.keys(post.responses)).toEqual(expect.arrayContaining(['201', '401', '403', '422']))
  })

  test('types the id path parameter as an integer', async ({ client }) => {
    const doc = (await client.get('/openapi.json')).json<Doc>()
    for (const method of ['get', 'delete']) {
      const parameters = doc.paths['/api/v1/books/{id}']![method]!.parameters ?? []
      expect(parameters).toContainEqual(
        expect.objectContaining({ name: 'id', in: 'path', required: true, schema: { type: 'integer' } }),
      )
    }
  })

  test('is the document /docs shows', async ({ client }) => {
    const initializer = (await client.get('/docs/swagger-initializer.js')).text()
    expect(initializer).toMatch(/["']\/openapi\.json["']/)
  })
})
