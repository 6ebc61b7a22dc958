/**
 * The plugin: `app.use(templates, options)` sets up the app's environment; `bp.use(templates, options)` one
 * for that blueprint's routes, searched before the app's. Both wrap the handlers of routes with a `template`
 * option.
 */
import { Brisk, definePlugin } from '@brisk/core'
import { resolveSettings, type TemplatesOptions } from './options'
import { registerApp, registerBlueprint } from './registry'
import { wrapTemplateRoute } from './template'

/**
 * Server-side HTML with Nunjucks (Jinja2's syntax). Register it on the app, and on blueprints that bring
 * their own templates; then `render(req, 'page.html', context)` or the `template` route option.
 *
 * @example
 * const app = new Brisk().use(templates, { folders: [new URL('./templates', import.meta.url)] })
 * app.get('/', { template: 'home.html' }, () => ({ title: 'Home' }))
 *
 * const admin = new Blueprint('admin', { prefix: '/admin' })
 * admin.use(templates, { folders: [new URL('./admin/templates', import.meta.url)] })
 */
export const templates = definePlugin<TemplatesOptions | undefined>({
  name: '@brisk/templates',
  core: '>=26.11.0',
  register(scope, options) {
    if (scope instanceof Brisk) {
      registerApp(scope, resolveSettings(options, `app "${scope.name}"`, ['templates']))
    } else {
      // Checked now, so a wrong folder fails at start-up; the environment waits for the app's settings.
      const settings = resolveSettings(options, `blueprint "${scope.name}"`, [])
      const blueprint = scope.name
      scope.beforeStart((app) => registerBlueprint(app, blueprint, settings))
    }
    scope.onRoute(wrapTemplateRoute)
  },
})
