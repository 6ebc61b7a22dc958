/** `GET /users/:id`: one path parameter, returned in JSON. */
export default {
  name: 'param',
  label: 'GET /users/:id',
  method: 'GET',
  path: '/users/12345',
  expect(status, body) {
    return status === 200 && JSON.parse(body).id === '12345'
  },
}
