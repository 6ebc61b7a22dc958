/**
 * A Cloudflare Worker module serving `makePlainApp()`: core with SSE, CORS and sessions in the cookie, none
 * of which needs a node built-in, so the Worker runs without `nodejs_compat`.
 */
import { makePlainApp } from './plain-app'

const app = makePlainApp()

export default { fetch: app.fetch }
