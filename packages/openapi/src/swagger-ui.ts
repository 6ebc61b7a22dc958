/**
 * Swagger UI, served by the app from `swagger-ui-dist`: the page, its script and style, read once at
 * start-up. Nothing is fetched from anywhere else, so the docs work with no internet.
 */
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { OpenAPIError } from './errors'

/** Swagger UI's settings, as the plugin's `swaggerUI` option takes them. */
export interface SwaggerUIOptions {
  /** The page's title. @default the document's title */
  title?: string
  /** Keeps what was entered in "Authorize" across reloads (in the browser's local storage). @default true */
  persistAuthorization?: boolean
  /**
   * Any other Swagger UI configuration that JSON can carry (`docExpansion`, `filter`, `tryItOutEnabled`,
   * `displayRequestDuration`, …); see Swagger UI's configuration reference.
   * @default {}
   */
  config?: Record<string, unknown>
}

/** The files of one Swagger UI mount, ready to send. */
export interface SwaggerUIAssets {
  readonly page: string
  readonly initializer: string
  readonly files: ReadonlyMap<string, { readonly body: Uint8Array; readonly type: string }>
}

const FILES: Record<string, string> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
  'favicon-32x32.png': 'image/png',
  'favicon-16x16.png': 'image/png',
}

/** Where `swagger-ui-dist` is installed. */
function distFolder(): string {
  return dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'))
}

const escapeHTML = (text: string): string => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)

/**
 * Reads Swagger UI's files and writes its page for a document at `documentURL`, under `docsPath`.
 *
 * @example
 * const assets = swaggerUIAssets('/docs', '/openapi.json', 'Shop API', {})
 */
export function swaggerUIAssets(
  docsPath: string,
  documentURL: string,
  title: string,
  options: SwaggerUIOptions,
): SwaggerUIAssets {
  const files = new Map<string, { body: Uint8Array; type: string }>()
  try {
    const folder = distFolder()
    for (const [name, type] of Object.entries(FILES))
      files.set(name, { body: readFileSync(join(folder, name)), type })
  } catch (error) {
    // A bundle without node_modules beside it, or a runtime without files on disk (Cloudflare Workers).
    throw new OpenAPIError(
      'BRISK_OPENAPI_ERR_OPTIONS',
      `openapi: Swagger UI (docsPath ${docsPath}) reads swagger-ui-dist's files from disk at start-up, and ` +
        `could not (${(error as Error).message}). Where there are no files on disk, as on Cloudflare ` +
        'Workers, or no node_modules beside a bundle, set docsPath: false (the document is still served)',
      { cause: error },
    )
  }
  const base = docsPath.endsWith('/') ? docsPath : `${docsPath}/`
  const config = {
    url: documentURL,
    dom_id: '#swagger-ui',
    deepLinking: true,
    persistAuthorization: options.persistAuthorization ?? true,
    ...options.config,
  }
  // The configuration goes in a script file of its own, so a strict Content-Security-Policy
  // (script-src 'self') can serve the page; `</` is escaped so no value can close a script element.
  const initializer = `window.onload = function () {\n  window.ui = SwaggerUIBundle(Object.assign(${JSON.stringify(config).replace(/</g, '\\u003c')}, { presets: [SwaggerUIBundle.presets.apis], layout: 'BaseLayout' }))\n}\n`
  const page = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHTML(options.title ?? title)}</title>
<link rel="stylesheet" href="${base}swagger-ui.css">
<link rel="icon" type="image/png" href="${base}favicon-32x32.png" sizes="32x32">
<link rel="icon" type="image/png" href="${base}favicon-16x16.png" sizes="16x16">
</head>
<body>
<div id="swagger-ui"></div>
<script src="${base}swagger-ui-bundle.js" charset="utf-8"></script>
<script src="${base}swagger-initializer.js" charset="utf-8"></script>
</body>
</html>
`
  return { page, initializer, files }
}
