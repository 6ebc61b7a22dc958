/**
 * The 300 routes of the `r300` scenario, the same for every server: a third static (`/r300/s0`), a third with
 * one parameter (`/r300/u1/:id`), a third with a parameter between static segments (`/r300/g2/:gid/posts`).
 * The scenario asks for the last one, `/r300/g299/:gid/posts`, so a router that scans in order pays for all 300.
 * Each route answers `{ route: i, ...params }`.
 */
export const ROUTES_300 = Array.from({ length: 300 }, (_, i) => {
  if (i % 3 === 0) return { i, path: `/r300/s${i}`, params: [] }
  if (i % 3 === 1) return { i, path: `/r300/u${i}/:id`, params: ['id'] }
  return { i, path: `/r300/g${i}/:gid/posts`, params: ['gid'] }
})
