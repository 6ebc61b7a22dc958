/**
 * The errors the test client throws on its own (assertion failures are `AssertionError`s from `node:assert`).
 * Each carries a stable `code`; the README lists every code and a test fails when the two drift apart.
 */

/** Every code a {@link TestClientError} can carry, with what it means. */
export const errorCodes = {
  BRISK_TEST_ERR_OPTIONS: 'An option has the wrong type, or two options conflict (e.g. `json` and `form`).',
  BRISK_TEST_ERR_URL:
    'The URL is not a path starting with "/", or holds characters that must be percent-encoded.',
  BRISK_TEST_ERR_CLOSED: 'The client was used after `client.close()`.',
  BRISK_TEST_ERR_APP_CLOSED:
    'The app was closed (by an earlier client or by `app.close()`) and cannot serve again.',
  BRISK_TEST_ERR_NETWORK: 'A request or websocket against the live server failed at the socket level.',
  BRISK_TEST_ERR_RESPONSE: 'The response carries a header value that HTTP cannot carry.',
  BRISK_TEST_ERR_NO_REQUEST:
    '`res.request` is not known: the app had started before the client was created, or no request reached it.',
  BRISK_TEST_ERR_NOT_JSON: '`res.json()` on a body that is not JSON.',
  BRISK_TEST_ERR_WS_HANDSHAKE:
    'The server answered a websocket request with a plain HTTP response instead of switching protocols.',
  BRISK_TEST_ERR_WS_TIMEOUT: 'No websocket message (or handshake) arrived within the timeout.',
  BRISK_TEST_ERR_WS_CLOSED: 'A websocket was read from or written to after it closed.',
  BRISK_TEST_ERR_SERVICE:
    'A service for tests (a program from Debian’s packages, a `redis-server`) is missing and cannot be installed, or did not start.',
} as const

/** A code of {@link errorCodes}. */
export type TestClientErrorCode = keyof typeof errorCodes

/**
 * A mistake in how the test client is used, or a failure it cannot turn into a response.
 *
 * @example
 * try {
 *   await client.get('books')
 * } catch (error) {
 *   if (error instanceof TestClientError && error.code === 'BRISK_TEST_ERR_URL') console.log(error.message)
 * }
 */
export class TestClientError extends Error {
  readonly code: TestClientErrorCode

  constructor(code: TestClientErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = 'TestClientError'
    this.code = code
  }
}
