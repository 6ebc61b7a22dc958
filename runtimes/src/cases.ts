/**
 * The runtime-neutral cases: each one request and what its response must be, the same on every runtime that
 * serves `makeApp()` through `app.fetch`. Written as data, so a runtime's test only has to send them.
 */

/** One request and the response it must get. */
export interface RuntimeCase {
  name: string
  request: { method?: string; path: string; headers?: Record<string, string>; body?: string }
  expect: {
    status: number
    /** Header values, exact (a string) or matched (a RegExp); a `null` value means the header is absent. */
    headers?: Record<string, string | RegExp | null>
    /** The body parsed as JSON must equal this. */
    json?: unknown
    /** The body parsed as JSON must contain this: every member given, at any depth; others may be there too. */
    jsonHas?: unknown
    /** The body as text must equal (a string) or match (a RegExp) this. */
    text?: string | RegExp
  }
}

const json = { accept: 'application/json' }
const problem = /^application\/problem\+json/

/**
 * Every case, in the order they are sent.
 *
 * @example
 * for (const c of cases) await checkCase(c, await app.fetch(toRequest(c, 'http://localhost')))
 */
export const cases: RuntimeCase[] = [
  {
    name: 'a static route answers text, with the response hook’s header',
    request: { path: '/' },
    expect: {
      status: 200,
      headers: { 'content-type': /^text\/plain/, 'x-served-by': 'brisk' },
      text: 'hello',
    },
  },
  {
    name: 'an <int> parameter arrives as a number',
    request: { path: '/books/7' },
    expect: {
      status: 200,
      headers: { 'content-type': /^application\/json/ },
      json: { id: 7, type: 'number' },
    },
  },
  {
    name: 'a value that does not fit <int> matches no route: 404 as problem+json',
    request: { path: '/books/seven', headers: json },
    expect: {
      status: 404,
      headers: { 'content-type': problem, 'x-served-by': 'brisk' },
      json: {
        type: 'about:blank',
        title: 'Not Found',
        status: 404,
        code: 'BRISK_ERR_NOT_FOUND',
        detail: 'No route for GET /books/seven',
      },
    },
  },
  {
    name: 'a <path> parameter takes the rest of the path, slashes included',
    request: { path: '/files/a/b/c.txt' },
    expect: { status: 200, json: { rest: 'a/b/c.txt' } },
  },
  {
    name: 'a blueprint in a versioned group, with its own response hook',
    request: { path: '/api/v1/books/dune-messiah' },
    expect: {
      status: 200,
      headers: { 'x-blueprint': 'books', 'x-served-by': 'brisk' },
      json: { slug: 'dune-messiah' },
    },
  },
  {
    name: 'the blueprint’s hook does not reach the app’s other routes',
    request: { path: '/books/1' },
    expect: { status: 200, headers: { 'x-blueprint': null }, json: { id: 1, type: 'number' } },
  },
  {
    name: 'a request hook answers on its own and the handler is skipped',
    request: { path: '/private' },
    expect: { status: 401, headers: { 'x-served-by': 'brisk' }, json: { error: 'who are you?' } },
  },
  {
    name: 'the request hook lets an authorised request through',
    request: { path: '/private', headers: { authorization: 'Bearer letmein' } },
    expect: { status: 200, json: { secret: 42 } },
  },
  {
    name: 'a thrown NotFound, asked for JSON: problem+json',
    request: { path: '/missing', headers: json },
    expect: {
      status: 404,
      headers: { 'content-type': problem },
      json: {
        type: 'about:blank',
        title: 'Not Found',
        status: 404,
        detail: 'no such book',
        code: 'BRISK_ERR_NOT_FOUND',
      },
    },
  },
  {
    name: 'a thrown NotFound, asked for HTML: an HTML page',
    request: { path: '/missing', headers: { accept: 'text/html' } },
    expect: {
      status: 404,
      headers: { 'content-type': /^text\/html/ },
      text: /<title>404 Not Found<\/title>/,
    },
  },
  {
    name: 'a thrown NotFound, asked for text: one line',
    request: { path: '/missing', headers: { accept: 'text/plain' } },
    expect: { status: 404, headers: { 'content-type': /^text\/plain/ }, text: '404 Not Found: no such book' },
  },
  {
    name: 'a JSON body is read and answered with 201',
    request: {
      method: 'POST',
      path: '/echo',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ title: 'Dune' }),
    },
    expect: { status: 201, json: { title: 'Dune', length: 4 } },
  },
  {
    name: 'a malformed JSON body is a 400',
    request: {
      method: 'POST',
      path: '/echo',
      headers: { 'content-type': 'application/json', ...json },
      body: '{"title":',
    },
    expect: { status: 400, headers: { 'content-type': problem } },
  },
  {
    name: 'a JSON body the handler refuses is its 400',
    request: {
      method: 'POST',
      path: '/echo',
      headers: { 'content-type': 'application/json', ...json },
      body: JSON.stringify({ title: 3 }),
    },
    expect: {
      status: 400,
      json: {
        type: 'about:blank',
        title: 'Bad Request',
        status: 400,
        detail: 'title must be a string',
        code: 'BRISK_ERR_BAD_REQUEST',
      },
    },
  },
  {
    name: 'a streamed body arrives whole',
    request: { path: '/count' },
    expect: { status: 200, text: '0\n1\n2\n' },
  },
  {
    name: 'a cookie is set with the safe defaults',
    request: { method: 'POST', path: '/cookies?theme=dark' },
    expect: {
      status: 200,
      headers: { 'set-cookie': /^theme=dark; Path=\/; Max-Age=60; HttpOnly; SameSite=Lax$/ },
      json: { set: true },
    },
  },
  {
    name: 'a cookie sent is read',
    request: { path: '/cookies', headers: { cookie: 'a=1; theme=dark' } },
    expect: { status: 200, json: { theme: 'dark' } },
  },
  {
    name: 'HEAD is answered from GET, without a body',
    request: { method: 'HEAD', path: '/books/7' },
    expect: { status: 200, headers: { 'content-type': /^application\/json/ }, text: '' },
  },
  {
    name: 'another method on a known path is 405 with Allow',
    request: { method: 'DELETE', path: '/books/7', headers: json },
    expect: { status: 405, headers: { allow: /GET/ } },
  },
  {
    name: 'OPTIONS gets 204 with Allow',
    request: { method: 'OPTIONS', path: '/echo' },
    expect: { status: 204, headers: { allow: /POST/ } },
  },
]
