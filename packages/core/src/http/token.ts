/**
 * RFC 9110 §5.6.2: a token (`tchar`s only), the grammar of HTTP methods and header field names.
 *
 * @example
 * TOKEN.test('GET') // true
 * TOKEN.test('x header') // false
 */
export const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/
