import { afterEach, describe, expect, it, vi } from 'vitest'
import { openapi, validated } from '../src/index'
import { newApp } from './_helpers'

// Where there are no files on disk (Cloudflare Workers), or no node_modules beside a bundle, swagger-ui-dist's
// files cannot be read: this file's readFileSync fails for them as it does there.
vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs')>()
  return {
    ...fs,
    readFileSync: ((path: string, ...rest: unknown[]) => {
      if (String(path).includes('swagger-ui-dist')) {
        throw Object.assign(new Error(`ENOENT: no such file or directory, open '${path}'`), {
          code: 'ENOENT',
        })
      }
      return (fs.readFileSync as (...args: unknown[]) => unknown)(path, ...rest)
    }) as typeof fs.readFileSync,
  }
})

// Ajv compiles each schema with `new Function`; Cloudflare Workers allow that only while the module loads.
// Replacing the global Function makes Node refuse it the same way.
const realFunction = globalThis.Function
afterEach(() => {
  globalThis.Function = realFunction
})
function refuseCodeGeneration(): void {
  const refuse = () => {
    throw new EvalError('Code generation from strings disallowed for this context')
  }
  globalThis.Function = new Proxy(realFunction, { construct: refuse, apply: refuse })
}

describe('where the runtime lacks what a feature needs, the start fails with a clear OpenAPIError', () => {
  it('Swagger UI without swagger-ui-dist on disk: BRISK_OPENAPI_ERR_OPTIONS, saying to set docsPath: false', async () => {
    const app = newApp().use(openapi, {})
    app.get('/books', () => [])
    const error = (await app.ready().then(
      () => undefined,
      (e: unknown) => e,
    )) as Error & { code: string }
    expect(error).toMatchObject({ name: 'OpenAPIError', code: 'BRISK_OPENAPI_ERR_OPTIONS' })
    expect(error.message).toMatch(
      /^openapi: Swagger UI \(docsPath \/docs\) reads swagger-ui-dist's files from disk at start-up, and could not \(ENOENT: .*\)\. Where there are no files on disk, as on Cloudflare Workers, or no node_modules beside a bundle, set docsPath: false \(the document is still served\)$/,
    )
  })

  it('with docsPath: false the document is served all the same', async () => {
    const app = newApp().use(openapi, { docsPath: false })
    app.get('/books', () => [])
    const res = await app.inject({ url: '/openapi.json' })
    expect(res.status).toBe(200)
    expect(res.json()).toMatchObject({ openapi: '3.1.0', paths: { '/books': { get: {} } } })
    expect((await app.inject({ url: '/docs' })).status).toBe(404)
  })

  it('a schema compiled where code generation is refused: BRISK_OPENAPI_ERR_SCHEMA, saying where to start the app', async () => {
    const app = newApp().use(openapi, { docsPath: false, ajv: { logger: false } })
    app.post(
      '/books',
      validated({ body: { type: 'object', properties: { title: { type: 'string' } } } }, () => ({})),
    )
    refuseCodeGeneration()
    const error = await app.ready().then(
      () => undefined,
      (e: unknown) => e,
    )
    globalThis.Function = realFunction
    expect(error).toMatchObject({
      name: 'OpenAPIError',
      code: 'BRISK_OPENAPI_ERR_SCHEMA',
      message:
        'The body schema of POST /books cannot be compiled now: Code generation from strings disallowed for ' +
        'this context. Ajv compiles schemas with new Function, which Cloudflare Workers allow only while the ' +
        'module loads: start the app there, with `await app.ready()` at the top level of the Worker module',
    })
  })

  it('compiled at start-up, schemas validate requests with no code generation at all', async () => {
    const app = newApp().use(openapi, { docsPath: false })
    app.post(
      '/books',
      validated(
        {
          body: {
            type: 'object',
            properties: { title: { type: 'string', minLength: 1 } },
            required: ['title'],
          },
        },
        async (req) => ({ got: await req.json() }),
      ),
    )
    await app.ready()
    refuseCodeGeneration()
    const ok = await app.inject({ method: 'POST', url: '/books', body: { title: 'Dune' } })
    expect(ok.json()).toEqual({ got: { title: 'Dune' } })
    const bad = await app.inject({ method: 'POST', url: '/books', body: { title: '' } })
    expect(bad.status).toBe(422)
    expect(bad.json()).toMatchObject({
      errors: [{ pointer: '#/title', detail: 'must NOT have fewer than 1 characters' }],
    })
  })
})
