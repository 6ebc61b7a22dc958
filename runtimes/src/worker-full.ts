/**
 * A Cloudflare Worker module serving the full app (`full-app.ts`). The app is started at the module's top
 * level: workerd lets code be compiled from strings only while the module loads, and that is when Ajv (for
 * @brisk/openapi) and Nunjucks (for @brisk/templates) compile.
 */
import { makeFullApp } from './full-app'

const app = makeFullApp()
await app.ready()

export default { fetch: app.fetch }
