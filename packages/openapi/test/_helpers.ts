import { Brisk, definePlugin, Forbidden, type RouteAuth, Unauthorized } from '@brisk/core'
import { Validator } from '@seriousme/openapi-schema-validator'
import { Ajv2020 } from 'ajv/dist/2020.js'
import type { OpenAPIV3_1 } from 'openapi-types'
import { expect } from 'vitest'
import { type OpenAPIOptions, openAPIDocument, openapi } from '../src/index'

/** A quiet app. */
export function newApp(name = 'shop'): Brisk {
  return new Brisk({ name, accessLog: false, env: {} })
}

/** An app with the plugin, and the document it builds once started. */
export async function documentOf(
  build: (app: Brisk) => void,
  options: OpenAPIOptions = {},
  app: Brisk = newApp(),
): Promise<OpenAPIV3_1.Document> {
  app.use(openapi, options)
  build(app)
  await app.ready()
  const doc = openAPIDocument(app)
  await app.close()
  await expectValidDocument(doc)
  return doc
}

const BEARER = { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } as const

/**
 * Stands in for @brisk/jwt: routes with an `auth` option get `route.meta.auth`, and a request without
 * `authorization: Bearer good` gets 401 (403 without the scopes, given as `Bearer good:scope,scope`).
 */
export const fakeAuth = definePlugin<{ scheme?: string } | undefined>({
  name: 'fake-auth',
  register(scope, options = {}) {
    scope.onRoute((route) => {
      const wanted = route.options.auth
      if (wanted === undefined || route.automatic) return
      const auth: RouteAuth = {
        scheme: options.scheme ?? 'bearerAuth',
        definition: BEARER,
        scopes: wanted.scopes ?? [],
        anyOf: wanted.anyOf ?? [],
      }
      route.meta.auth = auth
      route.addRequestHook((req) => {
        const header = req.headers.authorization
        if (typeof header !== 'string' || !header.startsWith('Bearer good'))
          throw new Unauthorized('No token')
        const held = header.slice('Bearer good:'.length).split(',')
        if (!auth.scopes.every((s) => held.includes(s))) throw new Forbidden('Missing scopes')
      })
    })
  },
})

declare module '@brisk/core' {
  interface RouteOptions {
    /** The fake auth plugin's option. */
    auth?: { scopes?: string[]; anyOf?: string[] }
  }
}

/**
 * Fails unless `doc` is a valid OpenAPI 3.1 document: the OpenAPI schema validator, every local `$ref`
 * resolving, every schema compiling as JSON Schema 2020-12, and unique operation ids.
 */
export async function expectValidDocument(doc: OpenAPIV3_1.Document): Promise<void> {
  const copy = JSON.parse(JSON.stringify(doc))
  const result = await new Validator().validate(copy)
  expect(result.errors ?? [], JSON.stringify(result.errors, null, 2)).toEqual([])
  expect(result.valid).toBe(true)
  const ids = new Set<string>()
  const ajv = new Ajv2020({ strict: false, validateFormats: false })
  ajv.addSchema({ ...copy, $id: 'doc' }, 'doc')
  walk(copy, (node, path) => {
    if (typeof node.$ref === 'string') {
      expect(resolve(copy, node.$ref), `${path}: $ref ${node.$ref} resolves`).not.toBeUndefined()
    }
    if (path.endsWith('/schema') || /\/components\/schemas\/[^/]+$/.test(path)) {
      expect(() => ajv.compile({ $ref: `doc#${path}` }), `${path} is a JSON Schema`).not.toThrow()
    }
    if (/^\/paths\/[^/]+\/[a-z]+$/.test(path) && typeof node.operationId === 'string') {
      expect(ids.has(node.operationId), `operationId ${node.operationId} is unique`).toBe(false)
      ids.add(node.operationId)
    }
  })
}

function walk(node: unknown, visit: (node: Record<string, any>, path: string) => void, path = ''): void {
  if (node === null || typeof node !== 'object') return
  if (!Array.isArray(node)) visit(node as Record<string, any>, path)
  for (const [key, value] of Object.entries(node))
    walk(value, visit, `${path}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`)
}

function resolve(doc: unknown, ref: string): unknown {
  if (!ref.startsWith('#/')) return undefined
  let node: any = doc
  for (const raw of ref.slice(2).split('/')) {
    node = node?.[raw.replace(/~1/g, '/').replace(/~0/g, '~')]
  }
  return node
}

/** A logger that keeps quiet (500s are logged with their stack). */
export const silent = { error() {}, warn() {}, info() {}, debug() {} }
