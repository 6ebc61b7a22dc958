/**
 * @module @brisk/testing
 * Brisk's test client: requests through `app.inject` (no sockets) or against a live loopback server, a
 * cookie jar, a websocket client, and the request the server saw next to each response.
 *
 * @example
 * import { testClient } from '@brisk/testing'
 * const client = testClient(app)
 * const res = await client.get('/books/7')
 * res.status                 // 200
 * res.request.params.id      // 7
 * await client.close()
 */

export { TEST_ID_HEADER } from './app-state'
export type { TestClient } from './client'
// The client
export { testClient } from './client'
export type { CookieSetOptions, JarCookie } from './cookies/cookie-jar'
// Cookies
export { CookieJar } from './cookies/cookie-jar'
export type { SetCookie } from './cookies/set-cookie'
export { parseSetCookie } from './cookies/set-cookie'
export type { TestClientErrorCode } from './errors'
// Errors
export { errorCodes, TestClientError } from './errors'
export type { FieldValue, HeaderValue, RequestOptions } from './request-options'
export type { SeenRequest } from './response'
// Responses
export { TestResponse } from './response'
export type { ClientMode, TestClientOptions } from './session'
// Websockets
export type { CloseInfo, TestWebSocket, WebSocketMessage, WebSocketOptions } from './websocket'
