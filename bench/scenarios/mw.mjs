/**
 * `GET /mw`: a route behind three middleware of its own. The first reads the `x-bench` request header into
 * the request's state, the second and third each set a response header; the handler returns what the first read.
 */
export default {
  name: 'mw',
  label: 'GET /mw (3 middleware)',
  method: 'GET',
  path: '/mw',
  headers: { 'x-bench': 'brisk-bench' },
  expect(status, body, headers) {
    return (
      status === 200 &&
      JSON.parse(body).bench === 'brisk-bench' &&
      headers.get('x-mw-2') === 'ok' &&
      headers.get('x-mw-3') === 'ok'
    )
  },
}
