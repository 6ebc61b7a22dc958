/** `GET /json`: a small object serialised per request. */
export default {
  name: 'json',
  label: 'GET /json',
  method: 'GET',
  path: '/json',
  expect(status, body, headers) {
    return (
      status === 200 &&
      String(headers.get('content-type')).startsWith('application/json') &&
      JSON.parse(body).message === 'Hello, World!'
    )
  },
}
