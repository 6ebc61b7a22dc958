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

export type { Task } from './app/app'
// The app and its scopes
export { Brisk } from './app/app'
export type { Mountable, NeedsOf } from './app/blueprint'
export { Blueprint, BlueprintGroup } from './app/blueprint'
export type { BriskConfig, BriskOptions } from './app/config'
export type { Plugin, PluginDefinition, PluginOptionsArg, PluginScope } from './app/plugin'
// Plugins
export { definePlugin } from './app/plugin'
// Routes
export type {
  HandlerSource,
  RouteAuth,
  RouteBuilder,
  RouteInfo,
  RouteMeta,
  RouteOptions,
} from './app/route-info'
export { HANDLER_SOURCE } from './app/route-info'
export type { RouteDefinition, ViewRoutes } from './app/route-scope'
export type { Listener, ListenerEvent, ScopeOptions } from './app/scope'
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
} from './app/types'
export { HTTPMethodView } from './app/view'
// Entries
export type { InjectOptions, InjectResponse } from './entries/inject'
export type { TrustProxy } from './http/client-ip'
export type { CookieOptions } from './http/cookies'
export type { HTTPErrorOptions } from './http/errors'
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
} from './http/errors'
export type { MultipartLimits, UploadedFile } from './http/multipart'
export type { RequestHost } from './http/request'
// Request and response
export { BriskRequest } from './http/request'
export type { ResponseBody, ResponseInit } from './http/response'
export { BriskResponse, empty, html, json, redirect, text } from './http/response'
export type { StaticOptions } from './http/static'
export { file } from './http/static'
export type { ServerSentEvent, SSEOptions, SSESend, StreamWrite } from './http/stream'
export { formatEvent, sse, stream } from './http/stream'
// WebSockets
export type {
  BriskWebSocket,
  WebSocketHandler,
  WebSocketMessage,
  WebSocketOptions,
} from './http/websocket'
export type { ConsoleLoggerOptions, Logger, LogLevel } from './log/logger'
// Logging and types
export { consoleLogger } from './log/logger'
export type { ListenOptions, ServerHandle } from './node/server'
export type { FileOptions } from './node/static-files'
export { RoutePatternError } from './router/path'
export { VERSION } from './version'
