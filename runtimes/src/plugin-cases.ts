/**
 * The plugins' single-request cases, against `makeFullApp()`: CORS, templates from memory, and the OpenAPI
 * document and validation. Written as data, like `cases.ts`; the cases of several requests are in
 * `flows.ts`.
 */
import type { RuntimeCase } from './cases'
import { ALLOWED_ORIGIN } from './plain-app'

const problem = /^application\/problem\+json/
const asJSON = { 'content-type': 'application/json', accept: 'application/json' }

/** CORS: preflights and actual requests, allowed and refused. */
export const corsCases: RuntimeCase[] = [
  {
    name: 'cors: a preflight from the allowed origin is answered with the allow headers and Vary',
    request: {
      method: 'OPTIONS',
      path: '/shared/books',
      headers: {
        origin: ALLOWED_ORIGIN,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type',
      },
    },
    expect: {
      status: 204,
      headers: {
        'access-control-allow-origin': ALLOWED_ORIGIN,
        'access-control-allow-credentials': 'true',
        'access-control-allow-methods': 'GET, HEAD, PUT, PATCH, POST, DELETE',
        'access-control-allow-headers': 'content-type',
        'access-control-max-age': '600',
        'access-control-expose-headers': null, // read on actual responses only
        vary: 'Origin, Access-Control-Request-Headers',
      },
      text: '',
    },
  },
  {
    name: 'cors: a preflight from another origin goes on to the automatic OPTIONS route, with no allow header',
    request: {
      method: 'OPTIONS',
      path: '/shared/books',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' },
    },
    expect: {
      status: 204,
      headers: {
        allow: /POST/,
        'access-control-allow-origin': null,
        'access-control-allow-methods': null,
        'access-control-allow-credentials': null,
        vary: /^Origin(, |$)/, // the answer depends on the origin
      },
    },
  },
  {
    name: 'cors: an actual request from the allowed origin gets its origin back, credentials, exposed headers',
    request: { path: '/shared/books', headers: { origin: ALLOWED_ORIGIN } },
    expect: {
      status: 200,
      headers: {
        'access-control-allow-origin': ALLOWED_ORIGIN,
        'access-control-allow-credentials': 'true',
        'access-control-expose-headers': 'x-request-id',
        'x-request-id': 'r-1',
        vary: 'Origin',
      },
      json: { origin: ALLOWED_ORIGIN, books: ['Dune'] },
    },
  },
  {
    name: 'cors: an actual request from another origin is answered without any allow header, with Vary',
    request: { path: '/shared/books', headers: { origin: 'https://evil.example' } },
    expect: {
      status: 200,
      headers: {
        'access-control-allow-origin': null,
        'access-control-allow-credentials': null,
        'access-control-expose-headers': null,
        vary: 'Origin',
      },
      json: { origin: 'https://evil.example', books: ['Dune'] },
    },
  },
  {
    name: 'cors: a POST from the allowed origin reaches the handler with its JSON body',
    request: {
      method: 'POST',
      path: '/shared/books',
      headers: { ...asJSON, origin: ALLOWED_ORIGIN },
      body: JSON.stringify({ title: 'Dune', year: 1965 }),
    },
    expect: {
      status: 201,
      headers: { 'access-control-allow-origin': ALLOWED_ORIGIN, vary: 'Origin' },
      json: { received: { title: 'Dune', year: 1965 } },
    },
  },
  {
    name: 'cors: an error response carries the headers too',
    request: { path: '/shared/missing', headers: { origin: ALLOWED_ORIGIN, accept: 'application/json' } },
    expect: {
      status: 404,
      headers: {
        'content-type': problem,
        'access-control-allow-origin': ALLOWED_ORIGIN,
        'access-control-allow-credentials': 'true',
        vary: 'Origin',
      },
      jsonHas: { status: 404, detail: 'no such shelf' },
    },
  },
  {
    name: 'cors: a route outside the blueprint gets no CORS header',
    request: { path: '/books/7', headers: { origin: ALLOWED_ORIGIN } },
    expect: {
      status: 200,
      headers: { 'access-control-allow-origin': null, vary: null },
      json: { id: 7, type: 'number' },
    },
  },
]

/** Templates from memory. */
export const templateCases: RuntimeCase[] = [
  {
    name: 'templates: a page from memory extends its layout, includes a partial, escapes, awaits, links',
    request: { path: '/pages/home?q=%3Cb%3Ehi%3C%2Fb%3E' },
    expect: {
      status: 200,
      headers: { 'content-type': 'text/html; charset=utf-8' },
      text:
        '<!doctype html><title>Page home · Runtimes</title><main><h1>Page home</h1><p>&lt;b&gt;hi&lt;/b&gt;</p>' +
        '<ul><li>Dune</li><li>&lt;script&gt;</li></ul><a href="/pages/next">next</a> async ok</main>' +
        '<footer>SERVED BY brisk</footer>',
    },
  },
  {
    name: 'templates: HEAD of a templated route is its head alone',
    request: { method: 'HEAD', path: '/pages/home' },
    expect: { status: 200, headers: { 'content-type': 'text/html; charset=utf-8' }, text: '' },
  },
  {
    name: 'templates: a template that is nowhere is a 500 that names nothing',
    request: { path: '/pages-missing', headers: { accept: 'text/plain' } },
    expect: { status: 500, text: '500 Internal Server Error' },
  },
]

/** The OpenAPI document and validation. */
export const openapiCases: RuntimeCase[] = [
  {
    name: 'openapi: the document is served at /openapi.json, with the routes and their schemas',
    request: { path: '/openapi.json' },
    expect: {
      status: 200,
      headers: { 'content-type': /^application\/json/ },
      jsonHas: {
        openapi: '3.1.0',
        info: { title: 'runtimes', version: '1.0.0' },
        paths: {
          '/validated/books': {
            post: {
              operationId: 'addBook',
              summary: 'Add a book',
              requestBody: {
                content: { 'application/json': { schema: { required: ['title'] } } },
              },
            },
          },
          '/books/{id}': {
            get: { parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'integer' } }] },
          },
          '/jwt/claims': { get: { security: [{ bearerAuth: ['books:read'] }] } },
        },
      },
    },
  },
  {
    name: 'openapi: a valid body reaches the handler as checked, its default filled in',
    request: {
      method: 'POST',
      path: '/validated/books',
      headers: asJSON,
      body: JSON.stringify({ title: 'Dune', year: 1965 }),
    },
    expect: { status: 201, json: { received: { title: 'Dune', year: 1965, tags: [] } } },
  },
  {
    name: 'openapi: a body that breaks the schema is a 422 problem with one pointer per bad field',
    request: {
      method: 'POST',
      path: '/validated/books',
      headers: asJSON,
      body: JSON.stringify({ title: '', year: '1965', extra: true }),
    },
    expect: {
      status: 422,
      headers: { 'content-type': problem },
      jsonHas: {
        status: 422,
        code: 'BRISK_OPENAPI_ERR_VALIDATION',
        errors: [
          { pointer: '#/extra', detail: 'must NOT have additional properties' },
          { pointer: '#/title', detail: 'must NOT have fewer than 1 characters' },
          { pointer: '#/year', detail: 'must be integer' },
        ],
      },
    },
  },
  {
    name: 'openapi: a body that is not an object is one error at #',
    request: { method: 'POST', path: '/validated/books', headers: asJSON, body: '[1]' },
    expect: { status: 422, jsonHas: { errors: [{ pointer: '#', detail: 'must be object' }] } },
  },
  {
    name: 'openapi: malformed JSON stays core’s 400',
    request: { method: 'POST', path: '/validated/books', headers: asJSON, body: '{"title":' },
    expect: { status: 400, headers: { 'content-type': problem }, jsonHas: { status: 400 } },
  },
  {
    name: 'openapi: a body that is not JSON is a 415',
    request: {
      method: 'POST',
      path: '/validated/books',
      headers: { 'content-type': 'text/plain', accept: 'application/json' },
      body: 'Dune',
    },
    expect: { status: 415, jsonHas: { code: 'BRISK_ERR_JSON_CONTENT_TYPE' } },
  },
  {
    name: 'openapi: a query is converted to its declared types before the handler reads it',
    request: { path: '/validated/search?page=2&q=dune' },
    expect: { status: 200, json: { page: 2, q: 'dune' } },
  },
  {
    name: 'openapi: a missing query parameter takes its default',
    request: { path: '/validated/search' },
    expect: { status: 200, json: { page: 1, q: null } },
  },
  {
    name: 'openapi: a query parameter that breaks its schema is named in the 422',
    request: { path: '/validated/search?page=0', headers: { accept: 'application/json' } },
    expect: {
      status: 422,
      jsonHas: { errors: [{ parameter: 'page', in: 'query', detail: 'must be >= 1' }] },
    },
  },
]

/**
 * Every plugin case, in the order they are sent.
 *
 * @example
 * for (const c of pluginCases) expect(await mismatches(c, await app.fetch(toRequest(c, 'http://localhost')))).toEqual([])
 */
export const pluginCases: RuntimeCase[] = [...corsCases, ...templateCases, ...openapiCases]
