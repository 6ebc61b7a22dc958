/**
 * An app with 300 more routes (`servers/_r300.mjs`: static, one-parameter and two-segment routes mixed) and a
 * request for one of the last registered: what route lookup costs once an app is not tiny.
 */
export default {
  name: 'r300',
  label: 'GET /r300/g299/:gid/posts (300 routes)',
  method: 'GET',
  path: '/r300/g299/42/posts',
  expect(status, body) {
    const data = JSON.parse(body)
    return status === 200 && data.route === 299 && data.gid === '42'
  },
}
