/**
 * @module @brisk/core
 * Brisk: a fast, typed async web framework for Node.js and Web-standard runtimes.
 *
 * @example
 * import { Brisk } from '@brisk/core'
 * const app = new Brisk()
 * app.get('/hello/:name', (req) => ({ hello: req.params.name }))
 * await app.listen({ port: 8000 })
 */

// The app and its scopes
export { Brisk } from './app'
export type { Task } from './app'
export type { BriskConfig, BriskOptions } from './config'
export { Blueprint, BlueprintGroup } from './blueprint'
export type { Mountable, NeedsOf } from './blueprint'
export type { RouteDefinition, ViewRoutes } from './route-scope'
export type { Listener, ListenerEvent, ScopeOptions } from './scope'
export { HTTPMethodView } from './view'

// WebSockets
export type {
  BriskWebSocket,
  WebSocketHandler,
  WebSocketMessage,
  WebSocketOptions,
} from './websocket'

// Routes
export type { RouteBuilder, RouteInfo, RouteOptions } from './route-info'
export { RoutePatternError } from './router/path'

// Request and response
export { BriskRequest } from './request'
export type { RequestHost } from './request'
export { BriskResponse, empty, html, json, redirect, text } from './response'
export { file } from './static'
export { formatEvent, sse, stream } from './stream'
export type { ServerSentEvent, SSEOptions, SSESend, StreamWrite } from './stream'
export type { StaticOptions } from './static'
export type { FileOptions } from './static-files'
export type { ResponseBody, ResponseInit } from './response'
export type { CookieOptions } from './cookies'
export type { TrustProxy } from './client-ip'
export type { MultipartLimits, UploadedFile } from './multipart'

// Errors
export {
  abort,
  BadRequest,
  BriskError,
  Conflict,
  Forbidden,
  HTTPError,
  InternalServerError,
  MethodNotAllowed,
  NotFound,
  PayloadTooLarge,
  RequestTimeout,
  ServiceUnavailable,
  TooManyRequests,
  Unauthorized,
  UnprocessableEntity,
  UnsupportedMediaType,
} from './errors'
export type { HTTPErrorOptions } from './errors'

// Plugins
export { definePlugin } from './plugin'
export type { Plugin, PluginDefinition, PluginOptionsArg, PluginScope } from './plugin'

// Entries
export type { InjectOptions, InjectResponse } from './inject'
export type { ListenOptions, ServerHandle } from './server'

// Logging and types
export { consoleLogger } from './logger'
export type { Logger } from './logger'
export type {
  CtxOf,
  Env,
  ErrorHook,
  Handler,
  HandlerResult,
  HTTPMethod,
  PathParams,
  RequestHook,
  ResponseHook,
} from './types'
export { VERSION } from './version'
