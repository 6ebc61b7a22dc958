/**
 * TC39 standard decorators for class-view methods (`HTTPMethodView`): they record an operation spec for the
 * method, which the plugin reads through the route's handler (core's `HANDLER_SOURCE`). No
 * `experimentalDecorators`, no `reflect-metadata`.
 */
import { OpenAPIError } from './errors'
import { mergeSpecs, type OperationSpec, type ResponseSpec, type SecurityRequirement } from './operation'
import type { Schema } from './schema'

/**
 * What every decorator here returns: a standard method decorator that leaves the method as it is.
 *
 * @example
 * const documented: MethodDecorator = summary('Show a book')
 */
export type MethodDecorator = <T extends (this: any, ...args: any[]) => any>(
  method: T,
  context: ClassMethodDecoratorContext,
) => T

// The specs decorators recorded, by view class, then method name. Filled when a view is constructed (app.view()
// does that once), keyed by the instance's own class, so a subclass's view reads what its methods declared. A
// set, since every instance runs the initializers again.
const specs = new WeakMap<object, Map<string | symbol, Set<OperationSpec>>>()

function record(spec: OperationSpec, name: string): MethodDecorator {
  return (method, context) => {
    if (typeof context !== 'object' || context === null || context.kind !== 'method') {
      // A legacy (`experimentalDecorators`) call passes the prototype and the property name instead.
      throw new OpenAPIError(
        'BRISK_OPENAPI_ERR_DECORATOR',
        `@${name}() is a standard (TC39) method decorator: turn experimentalDecorators off, or use the openapi route option`,
      )
    }
    if (context.static) {
      throw new OpenAPIError(
        'BRISK_OPENAPI_ERR_DECORATOR',
        `@${name}() decorates view methods, not static ones`,
      )
    }
    const key = context.name
    context.addInitializer(function (this: unknown) {
      const owner = (this as object).constructor
      let methods = specs.get(owner)
      if (methods === undefined) specs.set(owner, (methods = new Map()))
      let list = methods.get(key)
      if (list === undefined) methods.set(key, (list = new Set()))
      list.add(spec)
    })
    return method
  }
}

/**
 * The spec the decorators recorded for method `name` of a view instance's class, if any. Decorators apply
 * bottom-up, so where two set one thing the upper one wins.
 *
 * @example
 * decoratedSpec(new BookView(), 'get') // { summary: 'Show a book' }
 */
export function decoratedSpec(view: object, name: string): OperationSpec | undefined {
  const list = specs.get(view.constructor)?.get(name)
  return list === undefined ? undefined : mergeSpecs(...list)
}

/** The operation's summary. @example @summary('Show a book') */
export function summary(text: string): MethodDecorator {
  return record({ summary: text }, 'summary')
}

/** The operation's description (CommonMark). @example @description('Returns 404 when there is no such book.') */
export function description(text: string): MethodDecorator {
  return record({ description: text }, 'description')
}

/** Tags of the operation (added to the blueprint's). @example @tag('books', 'catalogue') */
export function tag(...names: string[]): MethodDecorator {
  return record({ tags: names }, 'tag')
}

/** The JSON body's schema, enforced before the method runs. @example @body(BookSchema) */
export function body(schema: Schema, contentType?: string): MethodDecorator {
  return record(
    contentType === undefined ? { body: schema } : { body: schema, bodyContentType: contentType },
    'body',
  )
}

/** A documented answer (and, with `validateResponses`, the schema a 200 is checked against). @example @response(200, BookSchema) */
export function response(status: number | string, spec: ResponseSpec): MethodDecorator {
  return record({ responses: { [status]: spec } }, 'response')
}

/**
 * The schema of the query, path parameters or headers, enforced before the method runs.
 *
 * @example
 * @parameter('query', Type.Object({ page: Type.Integer({ minimum: 1 }) }))
 */
export function parameter(location: 'query' | 'path' | 'header', schema: Schema): MethodDecorator {
  const key = location === 'path' ? 'params' : location === 'header' ? 'headers' : 'query'
  return record({ [key]: schema }, 'parameter')
}

/** Marks the operation deprecated. @example @deprecated() */
export function deprecated(): MethodDecorator {
  return record({ deprecated: true }, 'deprecated')
}

/** Leaves the method's route out of the document (its schemas are still enforced). @example @exclude() */
export function exclude(): MethodDecorator {
  return record({ exclude: true }, 'exclude')
}

/** Any part of the operation spec at once. @example @operation({ operationId: 'showBook', tags: ['books'] }) */
export function operation(spec: OperationSpec): MethodDecorator {
  return record(spec, 'operation')
}

/**
 * Documents that the operation needs a security scheme (declared in the plugin's `securitySchemes`), for
 * routes an auth plugin does not already mark. It documents; it does not enforce.
 *
 * @example
 * @secured('apiKey')
 * @secured('bearerAuth', ['books:write'])
 */
export function secured(scheme: string, scopes: string[] = []): MethodDecorator {
  const requirement: SecurityRequirement = { [scheme]: scopes }
  return record({ security: [requirement] }, 'secured')
}
