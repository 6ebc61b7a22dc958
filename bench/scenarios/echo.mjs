/** `POST /echo`: a JSON body parsed and sent back (the wrk run uses `wrk/post-echo.lua`). */
const payload = {
  name: 'brisk',
  tags: ['fast', 'typed', 'async'],
  count: 3,
  nested: { ok: true, ratio: 0.5, note: null },
}

export default {
  name: 'echo',
  label: 'POST /echo',
  method: 'POST',
  path: '/echo',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(payload),
  expect(status, body) {
    return status === 200 && JSON.stringify(JSON.parse(body)) === JSON.stringify(payload)
  },
}
