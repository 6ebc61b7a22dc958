import { Miniflare } from 'miniflare'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Bundle, bundle } from './_bundle'

// workerd lacks files on disk, and generates code only while a module loads: a feature that needs either
// must stop the app's start with an error that says so, not fail at some later request. src/worker-startup.ts
// holds one app per such use, each started by its first request, as Workers usually start an app.
let worker: Bundle
let mf: Miniflare

beforeAll(async () => {
  worker = await bundle(
    new URL('../src/worker-startup.ts', import.meta.url).pathname,
    ['workerd', 'worker', 'browser'],
    { requireBuiltins: true },
  )
  mf = new Miniflare({
    modules: [{ type: 'ESModule', path: 'worker.js', contents: worker.code }],
    compatibilityDate: '2026-07-01',
    compatibilityFlags: ['nodejs_compat'],
  })
  await mf.ready
})

afterAll(async () => {
  try {
    await mf?.dispose()
  } finally {
    await worker?.dispose()
  }
})

/** The start-up error the app at `path` threw at its first request. */
async function startupError(path: string): Promise<{ name: string; code: string; message: string }> {
  const res = await mf.dispatchFetch(`http://localhost${path}`, {
    method: path === '/late-schemas' ? 'POST' : 'GET',
  })
  expect(res.status).toBe(500)
  return (await res.json()) as { name: string; code: string; message: string }
}

describe('workerd: features that cannot work there stop the start with a clear BriskError', () => {
  it('templates in memory compiled at the first request: BRISK_ERR_TEMPLATE_CODEGEN', async () => {
    expect(await startupError('/late-templates')).toEqual({
      name: 'BriskError',
      code: 'BRISK_ERR_TEMPLATE_CODEGEN',
      message:
        '@brisk/templates on app "late-templates": this runtime refuses to compile template "page.njk" now ' +
        '(Code generation from strings disallowed for this context). Nunjucks compiles templates with new ' +
        'Function, which Cloudflare Workers allow only while the module loads: start the app there, with ' +
        '`await app.ready()` at the top level of the Worker module',
    })
  })

  it('templates from a folder: BRISK_ERR_TEMPLATE_FOLDER, pointing to sources', async () => {
    const error = await startupError('/folder-templates')
    expect(error).toMatchObject({ name: 'BriskError', code: 'BRISK_ERR_TEMPLATE_FOLDER' })
    expect(error.message).toMatch(
      /^@brisk\/templates on app "folder-templates": the template folder \S*templates does not exist or is not a folder \(where the runtime has no files on disk, as on Cloudflare Workers, give the templates as `sources`\)$/,
    )
  })

  it('OpenAPI schemas compiled at the first request: BRISK_OPENAPI_ERR_SCHEMA, saying where to start the app', async () => {
    expect(await startupError('/late-schemas')).toEqual({
      name: 'OpenAPIError',
      code: 'BRISK_OPENAPI_ERR_SCHEMA',
      message:
        'The body schema of POST /books cannot be compiled now: Code generation from strings disallowed for ' +
        'this context. Ajv compiles schemas with new Function, which Cloudflare Workers allow only while the ' +
        'module loads: start the app there, with `await app.ready()` at the top level of the Worker module',
    })
  })

  it('Swagger UI: BRISK_OPENAPI_ERR_OPTIONS, saying to set docsPath: false', async () => {
    const error = await startupError('/swagger-ui')
    expect(error).toMatchObject({ name: 'OpenAPIError', code: 'BRISK_OPENAPI_ERR_OPTIONS' })
    expect(error.message).toMatch(
      /^openapi: Swagger UI \(docsPath \/docs\) reads swagger-ui-dist's files from disk at start-up, and could not \(.+\)\. Where there are no files on disk, as on Cloudflare Workers, or no node_modules beside a bundle, set docsPath: false \(the document is still served\)$/,
    )
  })
})
