/**
 * The app. `createApp()` builds a new one each time without serving it: src/main.ts serves one, and each
 * test builds its own (an app serves one life: started once, closed once).
 */
import { Brisk } from '@brisk/core'
import { greetings } from './greetings.js'

/**
 * Builds the app: its routes and blueprints.
 *
 * @example
 * const res = await createApp().inject({ method: 'GET', url: '/' }) // 200 {"name":"__APP_NAME__"}
 */
export function createApp() {
  const app = new Brisk({ name: '__APP_NAME__' })
  app.get('/', { name: 'home' }, () => ({
    name: '__APP_NAME__',
    hello: app.urlFor('greetings.show', { name: 'world' }),
  }))
  app.get('/health', { name: 'health' }, () => ({ status: 'ok' }))
  app.blueprint(greetings)
  return app
}
