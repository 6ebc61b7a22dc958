/**
 * @module @brisk/openapi
 * OpenAPI 3.1 for Brisk: the document from the routes, schemas that validate and type the request (JSON
 * Schema or Standard Schema), Swagger UI served by the app.
 *
 * @example
 * import { openapi, validated } from '@brisk/openapi'
 * app.use(openapi, { info: { title: 'Shop', version: '1.0.0' } })
 * app.post('/books', validated({ body: BookSchema }, async (req) => json(await req.json(), 201)))
 */

// Decorators
export type { MethodDecorator } from './decorators'
export {
  body,
  deprecated,
  description,
  exclude,
  operation,
  parameter,
  response,
  secured,
  summary,
  tag,
} from './decorators'
// Errors
export type { FieldError, OpenAPIErrorCode } from './errors'
export { OpenAPIError, ResponseValidationFailed, ValidationFailed } from './errors'
// Routes and schemas
export type {
  OperationSpec,
  RequestSchemas,
  ResponseDescription,
  ResponseSpec,
  SecurityRequirement,
} from './operation'
// The plugin
export type { OpenAPIOptions } from './plugin'
export { openAPIDocument, openapi } from './plugin'
export type { Infer, JSONSchema, Schema, ToJSONSchema } from './schema'
export { typed } from './schema'
export type { SwaggerUIOptions } from './swagger-ui'
export type { ParamsOf, SpecifiedHandler, ValidatedRequest } from './validated'
export { validated } from './validated'
// Helpers
export { toYAML } from './yaml'
