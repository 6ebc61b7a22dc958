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

export type { Task } from './app'
// The app and its scopes
export { Brisk } from './app'
export type { Mountable, NeedsOf } from './blueprint'
export { Blueprint, BlueprintGroup } from './blueprint'
export type { TrustProxy } from './client-ip'
export type { BriskConfig, BriskOptions } from './config'
export type { CookieOptions } from './cookies'
export type { HTTPErrorOptions } from './errors'
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
// Entries
export type { InjectOptions, InjectResponse } from './inject'
export type { ConsoleLoggerOptions, Logger, LogLevel } from './logger'
// Logging and types
export { consoleLogger } from './logger'
export type { MultipartLimits, UploadedFile } from './multipart'
export type { Plugin, PluginDefinition, PluginOptionsArg, PluginScope } from './plugin'
// Plugins
export { definePlugin } from './plugin'
export type { RequestHost } from './request'
// Request and response
export { BriskRequest } from './request'
export type { ResponseBody, ResponseInit } from './response'
export { BriskResponse, empty, html, json, redirect, text } from './response'
// Routes
export type {
  HandlerSource,
  RouteAuth,
  RouteBuilder,
  RouteInfo,
  RouteMeta,
  RouteOptions,
} from './route-info'
export { HANDLER_SOURCE } from './route-info'
export type { RouteDefinition, ViewRoutes } from './route-scope'
export { RoutePatternError } from './router/path'
export type { Listener, ListenerEvent, ScopeOptions } from './scope'
export type { ListenOptions, ServerHandle } from './server'
export type { StaticOptions } from './static'
export { file } from './static'
export type { FileOptions } from './static-files'
export type { ServerSentEvent, SSEOptions, SSESend, StreamWrite } from './stream'
export { formatEvent, sse, stream } from './stream'
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
export { HTTPMethodView } from './view'
// WebSockets
export type {
  BriskWebSocket,
  WebSocketHandler,
  WebSocketMessage,
  WebSocketOptions,
} from './websocket'
