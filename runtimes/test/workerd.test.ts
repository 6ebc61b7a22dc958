import { Miniflare } from 'miniflare'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { cases } from '../src/cases'
import { sessionFlow, sseFlow } from '../src/flows'
import { corsCases } from '../src/plugin-cases'
import { type Bundle, bundle } from './_bundle'
import { intoMiniflare, runtimeSuite } from './_suite'

// workerd (Cloudflare Workers' runtime, the `workerd` binary that miniflare drives), three Workers in one
// workerd process, each bundled with esbuild as wrangler bundles a Worker (its conditions; with
// `nodejs_compat`, CommonJS requires of node built-ins turned into imports):
// - full: src/worker-full.ts, every plugin, `nodejs_compat`, the app started at the module's top level;
// - plain: src/worker-plain.ts, core with SSE, CORS and sessions in the cookie, without `nodejs_compat`;
// - startup: src/worker-startup.ts, features used where workerd cannot serve them, each app started by its
//   first request: the start must fail with a clear BriskError.
// miniflare's dispatchFetch routes a request to the Worker whose route its host matches (`http://full.test/…`).
const conditions = ['workerd', 'worker', 'browser']
const src = (file: string) => new URL(`../src/${file}`, import.meta.url).pathname
let bundles: Bundle[] = []
let mf: Miniflare

beforeAll(async () => {
  bundles = await Promise.all([
    bundle(src('worker-full.ts'), conditions, { requireBuiltins: true }),
    bundle(src('worker-plain.ts'), conditions),
    bundle(src('worker-startup.ts'), conditions, { requireBuiltins: true }),
  ])
  const [full, plain, startup] = bundles as [Bundle, Bundle, Bundle]
  const worker = (name: string, b: Bundle, compatibilityFlags: string[]) => ({
    name,
    routes: [`${name}.test/*`],
    modules: [{ type: 'ESModule' as const, path: 'worker.js', contents: b.code }],
    compatibilityDate: '2026-07-01',
    compatibilityFlags,
  })
  mf = new Miniflare({
    workers: [
      worker('full', full, ['nodejs_compat']),
      worker('plain', plain, []),
      worker('startup', startup, ['nodejs_compat']),
    ],
  })
  await mf.ready
})

afterAll(async () => {
  try {
    await mf?.dispose() // throws when workerd failed to start
  } finally {
    await Promise.all(bundles.map((b) => b.dispose()))
  }
})

// workerd does not cancel a streaming body's source when its client goes away (checked through miniflare's
// dispatchFetch and over its socket, `request.signal` with `enable_request_signal` included).
describe('workerd: a bundled Worker module with the plugins (nodejs_compat)', () => {
  runtimeSuite(() => ({ send: intoMiniflare(mf), origin: 'http://full.test' }), {
    clientLeaving: 'unseen',
  })
})

describe('workerd without nodejs_compat: core, SSE, CORS and sessions in the cookie', () => {
  runtimeSuite(() => ({ send: intoMiniflare(mf), origin: 'http://plain.test' }), {
    cases: [...cases, ...corsCases],
    flows: [sseFlow, sessionFlow],
    clientLeaving: 'unseen',
  })
})

/** The start-up error the app at `path` of the startup Worker threw at its first request. */
async function startupError(path: string): Promise<{ name: string; code: string; message: string }> {
  const res = await intoMiniflare(mf)(
    new Request(`http://startup.test${path}`, { method: path === '/late-schemas' ? 'POST' : 'GET' }),
  )
  expect(res.status).toBe(500)
  return (await res.json()) as { name: string; code: string; message: string }
}

// workerd lacks files on disk, and generates code only while a module loads: a feature that needs either
// must stop the app's start with an error that says so, not fail at some later request.
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
