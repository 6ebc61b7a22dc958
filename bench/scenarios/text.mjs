/** `GET /`: a short text body, the least a framework can do for a request. */
export default {
  name: 'text',
  label: 'GET /',
  method: 'GET',
  path: '/',
  expect(status, body) {
    return status === 200 && body === 'Hello, World!'
  },
}
