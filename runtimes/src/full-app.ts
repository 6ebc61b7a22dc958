/**
 * The app with everything the plugins bring, for the cases of `plugin-cases.ts` and `flows.ts`: `makeApp()`'s
 * routes, plus server-sent events, CORS and sessions in the cookie (as `plain-app.ts` adds them), templates
 * from memory, JWT (HS256, and ES256 on a blueprint), and OpenAPI validation. Every handler answers with what it received, so the cases
 * compare what the app saw, not only statuses.
 */
import { Blueprint, type Brisk, json } from '@brisk/core'
import { jwt } from '@brisk/jwt'
import { openapi, validated } from '@brisk/openapi'
import { templates } from '@brisk/templates'
import { makeApp } from './app'
import { addCors, addEvents, addSessions } from './plain-app'

/** The HS256 secret (a test value; 32 bytes or more, as @brisk/jwt requires). */
export const JWT_SECRET = 'runtimes-suite-hs256-secret-of-40-bytes!!'

/**
 * A P-256 key pair as JWKs, made once for this suite (never used anywhere else), so the ES256 case signs and
 * verifies with the same key on every runtime.
 */
export const ES256_KEY = {
  kty: 'EC',
  crv: 'P-256',
  x: 'kKeIIUINX0sqDkn3tbDe_Dci8JdvJbc6MQIRMQ1zc_E',
  y: 'G9sIwGKosoAD9YTKQOzFQbi0h-Di4zzlqOy-jHuFCFM',
  d: 'oc_ZGjWY1sNFkaAbclFmjFQxAolKPf9KReOap8nXY9Q',
}

const users = [
  { user_id: 1, username: 'alice', password: 'wonderland', scopes: ['books:read', 'books:write'] },
  { user_id: 2, username: 'bob', password: 'builder', scopes: ['books:read'] },
]

/** The templates, in memory: a layout, a page that extends it, a partial, and a macro. */
export const TEMPLATE_SOURCES: Record<string, string> = {
  'layout.njk':
    '<!doctype html><title>{% block title %}Runtimes{% endblock %}</title><main>{% block body %}{% endblock %}</main>{% include "partials/footer.njk" %}',
  'partials/footer.njk': '<footer>{{ "served by" | shout }} {{ framework }}</footer>',
  'page.njk':
    '{% extends "layout.njk" %}{% block title %}{{ heading }} · {{ super() }}{% endblock %}{% block body %}<h1>{{ heading }}</h1><p>{{ request.query.q }}</p><ul>{% for b in books %}<li>{{ b }}</li>{% endfor %}</ul><a href="{{ url_for(\'page\', name=\'next\') }}">next</a> {{ slow_name | await }}{% endblock %}',
}

/**
 * Builds the full app.
 *
 * @example
 * const app = makeFullApp()
 * const res = await app.fetch(new Request('http://localhost/pages/home'))
 */
export function makeFullApp(): Brisk {
  // OpenAPI first (it reads what validated() left on handlers); Swagger UI needs files on disk, so it is off.
  // The chain keeps the app's type: `req.ctx.jwt` is typed where jwt is registered.
  const app = makeApp()
    .use(openapi, { info: { title: 'runtimes', version: '1.0.0' }, docsPath: false })
    .use(templates, {
      sources: TEMPLATE_SOURCES,
      filters: { shout: (s: string) => s.toUpperCase() },
      globals: { framework: 'brisk' },
    })
    .use(jwt, {
      secret: JWT_SECRET,
      authenticate: ({ username, password }) => {
        const user = users.find((u) => u.username === username && u.password === password)
        return user ? { user_id: user.user_id, username } : null
      },
      retrieveUser: (claims) => {
        const user = users.find((u) => u.user_id === Number(claims.sub))
        return user ? { user_id: user.user_id, username: user.username } : null
      },
      scopes: (user) => users.find((u) => u.user_id === user.user_id)?.scopes ?? [],
    })

  addEvents(app)
  addCors(app)
  addSessions(app)

  // Templates: the route option, with the context from the handler.
  app.get('/pages/:name<slug>', { name: 'page', template: 'page.njk' }, (req) => ({
    heading: `Page ${req.params.name}`,
    books: ['Dune', '<script>'],
    slow_name: Promise.resolve('async ok'),
  }))
  app.get('/pages-missing', { template: 'nowhere.njk' }, () => ({}))

  // JWT: a guarded route that answers with the claims it was given.
  app.get('/jwt/claims', { auth: { scopes: ['books:read'] } }, (req) => {
    const claims = req.ctx.jwt!
    return { sub: claims.sub, scope: claims.scope }
  })
  app.post('/jwt/books', { auth: { scopes: ['books:write'] } }, async (req) => ({
    by: req.ctx.jwt!.sub,
    book: await req.json(),
  }))

  // ES256 on a blueprint of its own, with its endpoints under /es/auth and its public key at jwks.json.
  const esAuth = new Blueprint('es-auth', { prefix: '/es/auth' })
  const es = new Blueprint('es', { prefix: '/es' }).use(jwt, {
    keys: [{ kid: 'es-1', alg: 'ES256', privateKey: ES256_KEY }],
    blueprint: esAuth,
    authenticate: ({ username, password }) =>
      users.some((u) => u.username === username && u.password === password) ? { sub: username } : null,
  })
  es.get('/claims', { auth: true }, (req) => ({ sub: req.ctx.jwt!.sub }))
  app.blueprint(es)
  app.blueprint(esAuth)

  // OpenAPI: a JSON Schema body, checked before the handler, which echoes what it got.
  const NewBook = {
    type: 'object',
    properties: {
      title: { type: 'string', minLength: 1, maxLength: 200 },
      year: { type: 'integer', minimum: 0 },
      tags: { type: 'array', items: { type: 'string' }, default: [] },
    },
    required: ['title'],
    additionalProperties: false,
  } as const
  app.post(
    '/validated/books',
    validated({ body: NewBook, summary: 'Add a book', operationId: 'addBook' }, async (req) =>
      json({ received: await req.json() }, 201),
    ),
  )
  app.get(
    '/validated/search',
    {
      openapi: {
        query: {
          type: 'object',
          properties: { page: { type: 'integer', minimum: 1, default: 1 }, q: { type: 'string' } },
        },
      },
    },
    (req) => ({ page: req.query.page, q: req.query.q ?? null }),
  )

  return app
}
