/**
 * @module @brisk/templates
 * Server-side HTML for Brisk with Nunjucks (Jinja2's syntax): layouts, includes, macros, autoescaping,
 * async filters, blueprint template folders, a compiled-template cache in production and reload in development.
 *
 * @example
 * import { Brisk } from '@brisk/core'
 * import { render, templates } from '@brisk/templates'
 * const app = new Brisk().use(templates, { folders: ['templates'] })
 * app.get('/', { template: 'home.html' }, () => ({ title: 'Home' }))
 * app.get('/about', (req) => render(req, 'about.html', { team }))
 */

// Rendering: the context
export type { TemplateContext } from './context'
// Errors
export { TemplateNotFound, TemplateRenderError } from './errors'
export type {
  ContextProcessor,
  TemplateFilter,
  TemplateFolder,
  TemplatesOptions,
  TemplateTest,
} from './options'
// The plugin
export { templates } from './plugin'
// Rendering
export { markSafe, render, renderToString } from './render'
export type { TemplateDecorator } from './template'
export { template } from './template'
