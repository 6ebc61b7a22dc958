/**
 * A Worker module for what workerd lacks: each app uses a feature the way that cannot work there, and is
 * started, as Workers usually start an app, by its first request. The Worker answers a start-up error as
 * JSON (`name`, `code`, `message`), so the test reads exactly what the app would have thrown.
 */
import { Brisk } from '@brisk/core'
import { openapi, validated } from '@brisk/openapi'
import { templates } from '@brisk/templates'

function quiet(name: string): Brisk {
  return new Brisk({ name, accessLog: false })
}

// Templates in memory, compiled at the first request: workerd refuses to generate code then.
const lateTemplates = quiet('late-templates').use(templates, { sources: { 'page.njk': '<p>{{ x }}</p>' } })
lateTemplates.get('/', { template: 'page.njk' }, () => ({ x: 1 }))

// Templates from a folder: there are no files on disk.
const folderTemplates = quiet('folder-templates').use(templates, { folders: 'templates' })

// Schemas compiled at the first request: the same refusal, met by Ajv.
const lateSchemas = quiet('late-schemas').use(openapi, { docsPath: false, ajv: { logger: false } })
lateSchemas.post(
  '/books',
  validated({ body: { type: 'object', properties: { title: { type: 'string' } } } }, () => ({})),
)

// Swagger UI (on by default): its files are read from disk.
const swaggerUI = quiet('swagger-ui').use(openapi, {})
swaggerUI.get('/books', () => [])

const apps: Record<string, Brisk> = {
  '/late-templates': lateTemplates,
  '/folder-templates': folderTemplates,
  '/late-schemas': lateSchemas,
  '/swagger-ui': swaggerUI,
}

export default {
  async fetch(request: Request): Promise<Response> {
    const app = apps[new URL(request.url).pathname]
    if (app === undefined) return new Response('no such app', { status: 404 })
    try {
      return await app.fetch(request)
    } catch (error) {
      const { name, code, message } = error as { name: string; code?: string; message: string }
      return Response.json({ name, code, message }, { status: 500 })
    }
  },
}
