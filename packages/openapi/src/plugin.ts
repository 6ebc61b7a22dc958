/**
 * The plugin: reads every route as the app compiles it, enforces the schemas it declares, and at start-up
 * builds the document once and serves it with Swagger UI.
 */
import {
  Brisk,
  BriskResponse,
  definePlugin,
  HANDLER_SOURCE,
  type HandlerSource,
  type RouteBuilder,
  type RouteInfo,
} from '@brisk/core'
import type { Options as AjvOptions } from 'ajv/dist/2020.js'
import type { OpenAPIV3_1 } from 'openapi-types'
import { createCompilers } from './ajv'
import { compileCheck } from './check'
import { decoratedSpec } from './decorators'
import { buildDocument, type DocumentedRoute, isResponseDescription } from './document'
import { OpenAPIError } from './errors'
import { mergeSpecs, type OperationSpec } from './operation'
import { compileRequestPlan, validatingHandler } from './request-validation'
import { responseCheckingHandler } from './response-validation'
import type { ToJSONSchema } from './schema'
import { type SwaggerUIOptions, swaggerUIAssets } from './swagger-ui'
import { innerHandler, specOf } from './validated'
import { toYAML } from './yaml'

/**
 * Options of `app.use(openapi, options)`.
 *
 * @example
 * app.use(openapi, { info: { title: 'Shop', version: '2.1.0' }, docsPath: '/api/docs', yamlPath: '/openapi.yaml' })
 */
export interface OpenAPIOptions {
  /** The document's `info`. @default { title: app.config.name, version: '1.0.0' } */
  info?: Partial<OpenAPIV3_1.InfoObject>
  /** The document's `servers`. @default none (Swagger UI then calls the origin it was loaded from) */
  servers?: OpenAPIV3_1.ServerObject[]
  /** Descriptions of tags (blueprint names are tags too). */
  tags?: OpenAPIV3_1.TagObject[]
  /** The document's `externalDocs`. */
  externalDocs?: OpenAPIV3_1.ExternalDocumentationObject
  /** Security schemes beyond those an auth plugin records on its routes (for `@secured` and `security`). */
  securitySchemes?: Record<string, OpenAPIV3_1.SecuritySchemeObject>
  /** Where the JSON document is served; `false` serves none. @default '/openapi.json' */
  jsonPath?: string | false
  /** Where a YAML copy is served. @default false */
  yamlPath?: string | false
  /** Where Swagger UI is served; `false` serves none. @default '/docs' */
  docsPath?: string | false
  /** Swagger UI's title and settings. */
  swaggerUI?: SwaggerUIOptions
  /** Leaves routes out of the document (their schemas are still enforced). @default none */
  exclude?: (route: RouteInfo) => boolean
  /** Blueprints whose routes are left out, by name. @default [] */
  excludeBlueprints?: string[]
  /** Checks what handlers return against their 200 schema (a 500 when it breaks it); for development. @default false */
  validateResponses?: boolean
  /** Ajv options, merged over Brisk's (`allErrors`, `useDefaults`, strict schemas). */
  ajv?: AjvOptions
  /** JSON Schema for Standard Schema validators whose library cannot say it (`~standard.jsonSchema`). */
  toJSONSchema?: ToJSONSchema
  /** Last changes to the document, once, at start-up. */
  transform?: (document: OpenAPIV3_1.Document) => OpenAPIV3_1.Document
}

interface Built {
  document: OpenAPIV3_1.Document | undefined
}

const documents = new WeakMap<object, Built>()

/**
 * The document the plugin built for an app, once it has started (`await app.ready()`).
 *
 * @example
 * await app.ready()
 * await writeFile('openapi.json', JSON.stringify(openAPIDocument(app), null, 2))
 */
export function openAPIDocument(app: Brisk<any>): OpenAPIV3_1.Document {
  const document = documents.get(app)?.document
  if (document === undefined) {
    throw new OpenAPIError(
      'BRISK_OPENAPI_ERR_OPTIONS',
      'openAPIDocument(): the app has no openapi plugin, or has not started (await app.ready())',
    )
  }
  return document
}

function checkPath(name: string, value: unknown): string | false {
  if (value === false) return false
  if (typeof value !== 'string' || !value.startsWith('/')) {
    throw new OpenAPIError(
      'BRISK_OPENAPI_ERR_OPTIONS',
      `openapi: ${name} must be a path starting with "/" or false, got ${JSON.stringify(value)}`,
    )
  }
  return value
}

/** The spec of a route: what `validated()`, the view method's decorators and the route option declare. */
function routeSpec(route: RouteBuilder, handler: unknown): OperationSpec {
  const source = (handler as { [HANDLER_SOURCE]?: HandlerSource })[HANDLER_SOURCE]
  const decorated =
    source?.kind === 'view' ? decoratedSpec(source.view, route.method.toLowerCase()) : undefined
  const option = route.options.openapi
  return mergeSpecs(specOf(handler), decorated, option === false ? undefined : option)
}

/**
 * OpenAPI 3.1 for a Brisk app: the document from the routes (served at `/openapi.json`), the schemas they
 * declare enforced before their handlers (422), and Swagger UI at `/docs`. Register it on the app.
 *
 * @example
 * app.use(openapi, { info: { title: 'Shop', version: '1.0.0' } })
 */
export const openapi = definePlugin<OpenAPIOptions | undefined>({
  name: '@brisk/openapi',
  core: '>=26.11.0',
  register(scope, options = {}) {
    if (!(scope instanceof Brisk)) {
      throw new OpenAPIError(
        'BRISK_OPENAPI_ERR_OPTIONS',
        'openapi describes the whole app: register it with app.use(openapi), not on a blueprint',
      )
    }
    if (options === null || typeof options !== 'object') {
      throw new OpenAPIError('BRISK_OPENAPI_ERR_OPTIONS', 'openapi: options must be an object')
    }
    const app = scope
    const jsonPath = checkPath('jsonPath', options.jsonPath ?? '/openapi.json')
    const yamlPath = checkPath('yamlPath', options.yamlPath ?? false)
    const docsPath = checkPath('docsPath', options.docsPath ?? '/docs')
    if (docsPath !== false && jsonPath === false) {
      throw new OpenAPIError(
        'BRISK_OPENAPI_ERR_OPTIONS',
        'openapi: Swagger UI (docsPath) needs the JSON document (jsonPath)',
      )
    }
    const excludeBlueprints = new Set(options.excludeBlueprints ?? [])
    const compilers = createCompilers(options.ajv)
    const documented: DocumentedRoute[] = []
    const built: Built = { document: undefined }
    documents.set(app, built)

    app.onRoute((route) => {
      if (route.automatic || route.method === 'WS') return // websocket routes are never in the document
      route.wrapHandler((handler) => {
        const source = (handler as { [HANDLER_SOURCE]?: HandlerSource })[HANDLER_SOURCE]
        if (source?.kind === 'static') return handler
        const spec = routeSpec(route, handler)
        const where = `${route.method} ${route.path}`
        const left =
          route.options.openapi === false ||
          spec.exclude === true ||
          (route.blueprint !== undefined && excludeBlueprints.has(route.blueprint)) ||
          options.exclude?.(route) === true
        // The route itself is read when the document is built: auth plugins registered later (or on a
        // blueprint) fill route.meta after this hook.
        if (!left) documented.push({ info: route, spec })
        let out = innerHandler(handler)
        if (options.validateResponses === true) {
          const declared = spec.responses?.[200] ?? spec.responses?.['200']
          const schema =
            declared !== undefined && isResponseDescription(declared) ? declared.schema : declared
          if (schema !== undefined)
            out = responseCheckingHandler(
              compileCheck(schema, 'body', compilers.exact, where, options.toJSONSchema),
              out,
            )
        }
        const plan = compileRequestPlan(spec, compilers, where, options.toJSONSchema)
        return plan === null ? out : validatingHandler(plan, out)
      })
    })

    const info = { title: app.config.name, version: '1.0.0', ...options.info }
    let json = ''
    let yaml = ''
    let ui: ReturnType<typeof swaggerUIAssets> | undefined
    app.beforeStart(() => {
      const document = buildDocument(documented, {
        info,
        servers: options.servers,
        tags: options.tags,
        externalDocs: options.externalDocs,
        securitySchemes: options.securitySchemes,
        toJSONSchema: options.toJSONSchema,
      })
      built.document = options.transform === undefined ? document : options.transform(document)
      json = JSON.stringify(built.document)
      if (yamlPath !== false) yaml = toYAML(built.document)
      if (docsPath !== false && jsonPath !== false)
        ui = swaggerUIAssets(docsPath, jsonPath, info.title, options.swaggerUI ?? {})
    })

    // The document's own routes are not in it; answers are built from strings made once at start-up.
    if (jsonPath !== false) {
      app.get(
        jsonPath,
        { openapi: false },
        () => new BriskResponse(json, 200, { 'content-type': 'application/json; charset=utf-8' }),
      )
    }
    if (yamlPath !== false) {
      app.get(
        yamlPath,
        { openapi: false },
        () => new BriskResponse(yaml, 200, { 'content-type': 'application/yaml; charset=utf-8' }),
      )
    }
    if (docsPath !== false) {
      const base = docsPath.replace(/\/+$/, '')
      app.get(
        docsPath,
        { openapi: false },
        () => new BriskResponse(ui!.page, 200, { 'content-type': 'text/html; charset=utf-8' }),
      )
      app.get(
        `${base}/swagger-initializer.js`,
        { openapi: false },
        () => new BriskResponse(ui!.initializer, 200, { 'content-type': 'text/javascript; charset=utf-8' }),
      )
      app.get(
        `${base}/:file<re:swagger-ui\\.css|swagger-ui-bundle\\.js|favicon-(?:16x16|32x32)\\.png>`,
        { openapi: false },
        (req) => {
          const file = ui!.files.get(req.params.file)!
          return new BriskResponse(file.body, 200, {
            'content-type': file.type,
            'cache-control': 'public, max-age=86400',
          })
        },
      )
    }
  },
})
