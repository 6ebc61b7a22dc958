/**
 * The OpenAPI 3.1 document, built once at start-up from the routes the app compiled and what each declared.
 */
import { STATUS_CODES } from 'node:http'
import type { RouteInfo } from '@brisk/core'
import type { OpenAPIV3_1 } from 'openapi-types'
import { OpenAPIError } from './errors'
import type { OperationSpec, ResponseDescription, ResponseSpec, SecurityRequirement } from './operation'
import { openAPIPath } from './path-params'
import { type JSONSchema, jsonSchemaOf, type Schema, type ToJSONSchema } from './schema'
import { embedSchema } from './schema-embed'
import { requirementsOf } from './security'

/** A route to describe and what it declared. */
export interface DocumentedRoute {
  readonly info: RouteInfo
  readonly spec: OperationSpec
}

/** The document-wide parts the plugin's options give. */
export interface DocumentSettings {
  readonly info: OpenAPIV3_1.InfoObject
  readonly servers?: OpenAPIV3_1.ServerObject[]
  readonly tags?: OpenAPIV3_1.TagObject[]
  readonly externalDocs?: OpenAPIV3_1.ExternalDocumentationObject
  readonly securitySchemes?: Record<string, OpenAPIV3_1.SecuritySchemeObject>
  readonly toJSONSchema?: ToJSONSchema
}

const METHODS = new Set(['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'])

// What a 422 from the plugin looks like, referenced by every operation that validates its request.
const VALIDATION_PROBLEM: OpenAPIV3_1.SchemaObject = {
  type: 'object',
  description: 'RFC 9457 problem details; `errors` has one item per bad field.',
  properties: {
    type: { type: 'string' },
    title: { type: 'string' },
    status: { type: 'integer' },
    detail: { type: 'string' },
    code: { type: 'string' },
    errors: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          detail: { type: 'string' },
          pointer: {
            type: 'string',
            description: 'JSON pointer into the body, as a URI fragment (`#/title`)',
          },
          parameter: { type: 'string' },
          in: { type: 'string', enum: ['query', 'path', 'header'] },
        },
        required: ['detail'],
      },
    },
  },
  required: ['status', 'errors'],
}

/**
 * Builds the document.
 *
 * @example
 * const doc = buildDocument(routes, { info: { title: 'Shop', version: '1.0.0' } })
 */
export function buildDocument(
  routes: readonly DocumentedRoute[],
  settings: DocumentSettings,
): OpenAPIV3_1.Document {
  const schemas: Record<string, OpenAPIV3_1.SchemaObject> = {}
  const securitySchemes: Record<string, OpenAPIV3_1.SecuritySchemeObject> = { ...settings.securitySchemes }
  const paths: OpenAPIV3_1.PathsObject = {}
  const ids = operationIds(routes)
  const tags = new Map<string, OpenAPIV3_1.TagObject>((settings.tags ?? []).map((t) => [t.name, t]))
  const handSecured: { where: string; requirement: SecurityRequirement }[] = []

  for (const { info, spec } of routes) {
    const method = info.method.toLowerCase()
    if (!METHODS.has(method)) continue // OpenAPI 3.1 has no place for other methods (PROPFIND, …)
    const where = `${info.method} ${info.path}`
    const { path, params } = openAPIPath(info.path)
    const embed = (schema: Schema, io: 'input' | 'output'): OpenAPIV3_1.SchemaObject =>
      embedSchema(jsonSchemaOf(schema, io, where, settings.toJSONSchema), schemas)

    const parameters: OpenAPIV3_1.ParameterObject[] = []
    const declared = spec.params === undefined ? undefined : embed(spec.params, 'input')
    for (const param of params) {
      const own = declared?.properties?.[param.name] as OpenAPIV3_1.SchemaObject | undefined
      const schema = own === undefined ? param.schema : { ...param.schema, ...own }
      // openapi-types types a 3.1 parameter's schema as a 3.0 one; the object is a 3.1 schema.
      const parameter: OpenAPIV3_1.ParameterObject = {
        name: param.name,
        in: 'path',
        required: true,
        schema: schema as never,
      }
      const description = own?.description ?? param.description
      if (description !== undefined) parameter.description = description
      parameters.push(parameter)
    }
    if (spec.query !== undefined)
      parameters.push(...objectParameters(embed(spec.query, 'input'), 'query', where))
    if (spec.headers !== undefined)
      parameters.push(...objectParameters(embed(spec.headers, 'input'), 'header', where))
    if (spec.parameters !== undefined) parameters.push(...spec.parameters)

    const operation: OpenAPIV3_1.OperationObject = { operationId: ids.get(info)! }
    if (spec.summary !== undefined) operation.summary = spec.summary
    if (spec.description !== undefined) operation.description = spec.description
    const opTags = spec.tags ?? (info.blueprint === undefined ? undefined : [info.blueprint])
    if (opTags !== undefined && opTags.length > 0) {
      operation.tags = opTags
      for (const name of opTags) if (!tags.has(name)) tags.set(name, { name })
    }
    if (spec.deprecated === true) operation.deprecated = true
    if (parameters.length > 0) operation.parameters = parameters
    if (spec.body !== undefined) {
      operation.requestBody = {
        required: true,
        content: { [spec.bodyContentType ?? 'application/json']: { schema: embed(spec.body, 'input') } },
      }
    }
    const responses: OpenAPIV3_1.ResponsesObject = {}
    for (const [status, response] of Object.entries(spec.responses ?? {})) {
      responses[status] = responseObject(status, response, (schema) => embed(schema, 'output'))
    }
    const validates =
      spec.body !== undefined ||
      spec.query !== undefined ||
      spec.params !== undefined ||
      spec.headers !== undefined
    if (validates && responses['422'] === undefined) {
      schemas.ValidationProblem ??= VALIDATION_PROBLEM
      responses['422'] = {
        description: 'The request breaks its schema',
        content: {
          'application/problem+json': { schema: { $ref: '#/components/schemas/ValidationProblem' } },
        },
      }
    }
    if (Object.keys(responses).length === 0) responses.default = { description: 'The answer' }
    operation.responses = responses

    const auth = info.meta.auth
    if (auth !== undefined) {
      // The auth plugin's definition is what it enforces; a hand-written one of the same name gives way.
      securitySchemes[auth.scheme] = auth.definition as unknown as OpenAPIV3_1.SecuritySchemeObject
      operation.security = requirementsOf(auth)
    } else if (spec.security !== undefined) {
      operation.security = spec.security
      for (const requirement of spec.security) handSecured.push({ where, requirement })
    }
    Object.assign(operation, spec.extra)

    const item = (paths[path] ??= {}) as Record<string, unknown>
    item[method] = operation
  }

  for (const { where, requirement } of handSecured) {
    for (const scheme of Object.keys(requirement)) {
      if (securitySchemes[scheme] === undefined) {
        throw new OpenAPIError(
          'BRISK_OPENAPI_ERR_OPTIONS',
          `${where} asks for the security scheme "${scheme}", which no auth plugin set and the securitySchemes option does not declare`,
        )
      }
    }
  }

  const doc: OpenAPIV3_1.Document = { openapi: '3.1.0', info: settings.info, paths }
  if (settings.servers !== undefined) doc.servers = settings.servers
  if (tags.size > 0) doc.tags = [...tags.values()]
  if (settings.externalDocs !== undefined) doc.externalDocs = settings.externalDocs
  const components: OpenAPIV3_1.ComponentsObject = {}
  if (Object.keys(schemas).length > 0) components.schemas = schemas
  if (Object.keys(securitySchemes).length > 0) components.securitySchemes = securitySchemes
  if (Object.keys(components).length > 0) doc.components = components
  return doc
}

/** Query or header parameters from an object schema's properties. */
function objectParameters(
  schema: OpenAPIV3_1.SchemaObject,
  location: 'query' | 'header',
  where: string,
): OpenAPIV3_1.ParameterObject[] {
  const properties = schema.properties as Record<string, OpenAPIV3_1.SchemaObject> | undefined
  if (schema.type !== 'object' || properties === undefined) {
    throw new OpenAPIError(
      'BRISK_OPENAPI_ERR_SCHEMA',
      `The ${location} schema of ${where} must be an object schema with properties (one per parameter)`,
    )
  }
  const required = new Set((schema.required as string[] | undefined) ?? [])
  return Object.entries(properties).map(([name, property]) => {
    const parameter: OpenAPIV3_1.ParameterObject = { name, in: location, schema: property as never }
    if (required.has(name)) parameter.required = true
    if (typeof property.description === 'string') parameter.description = property.description
    if (property.deprecated === true) parameter.deprecated = true
    return parameter
  })
}

function responseObject(
  status: string,
  spec: ResponseSpec,
  embed: (schema: Schema) => OpenAPIV3_1.SchemaObject,
): OpenAPIV3_1.ResponseObject {
  const reason = STATUS_CODES[Number(status)] ?? (status === 'default' ? 'The answer' : `${status} answer`)
  if (isResponseDescription(spec)) {
    const out: OpenAPIV3_1.ResponseObject = { description: spec.description ?? reason }
    if (spec.schema !== undefined)
      out.content = { [spec.contentType ?? 'application/json']: { schema: embed(spec.schema) } }
    if (spec.headers !== undefined) out.headers = spec.headers
    return out
  }
  return { description: reason, content: { 'application/json': { schema: embed(spec) } } }
}

/**
 * Whether a response spec is a description (no keys but `description`, `schema`, `contentType`, `headers`)
 * rather than a schema.
 *
 * @example
 * isResponseDescription({ description: 'Not found' }) // true
 */
export function isResponseDescription(spec: ResponseSpec): spec is ResponseDescription {
  if (spec === null || typeof spec !== 'object' || '~standard' in spec) return false
  const keys = Object.keys(spec)
  return (
    keys.length > 0 &&
    keys.every((k) => k === 'description' || k === 'schema' || k === 'contentType' || k === 'headers')
  )
}

/**
 * Operation ids: the one a route declares, else its name. A name several operations share (a class view's
 * verbs all carry the class's name) gets the method after it: `BookView.get`.
 */
function operationIds(routes: readonly DocumentedRoute[]): Map<RouteInfo, string> {
  const shared = new Map<string, number>()
  for (const { info, spec } of routes) {
    if (spec.operationId === undefined && info.name !== undefined)
      shared.set(info.name, (shared.get(info.name) ?? 0) + 1)
  }
  const ids = new Map<RouteInfo, string>()
  const taken = new Map<string, string>()
  for (const { info, spec } of routes) {
    const where = `${info.method} ${info.path}`
    let id = spec.operationId
    if (id === undefined) {
      id =
        info.name === undefined
          ? `${info.method.toLowerCase()}${info.path.replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ?? '').toUpperCase())}`
          : (shared.get(info.name) ?? 0) > 1
            ? `${info.name}.${info.method.toLowerCase()}`
            : info.name
    }
    const other = taken.get(id)
    if (other !== undefined) {
      throw new OpenAPIError(
        'BRISK_OPENAPI_ERR_OPTIONS',
        `${where} and ${other} have the same operationId "${id}"`,
      )
    }
    taken.set(id, where)
    ids.set(info, id)
  }
  return ids
}

export type { JSONSchema }
