/**
 * A Cloudflare Worker module: the app is made in global scope, as Workers are written, and `app.fetch` is the
 * handler as it is.
 */
import { makeApp } from './app'

const app = makeApp()

export default { fetch: app.fetch }
