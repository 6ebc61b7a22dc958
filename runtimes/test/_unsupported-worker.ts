/**
 * A Worker whose apps use what workerd (without `nodejs_compat`) does not have: `app.static()` (files on disk)
 * and `listen()` (a node server); and a multipart upload, which core reads there without busboy. Each app is reached under its own path prefix; what the
 * apps log is kept, and `GET /logged` answers it, so the test can see what was logged.
 */
import { Brisk, file, type Logger } from '@brisk/core'

const logged: { code?: unknown; message?: unknown; msg?: string }[] = []
const keep = (obj: object | string, msg?: string): void => {
  const err =
    typeof obj === 'object' ? (obj as { err?: { code?: unknown; message?: unknown } }).err : undefined
  logged.push({ code: err?.code, message: err?.message, msg: typeof obj === 'string' ? obj : msg })
}
const logger: Logger = { error: keep, warn: keep, info: () => {}, debug: () => {} }

// Files on disk: the app cannot start, so no request gets an answer from it.
const files = new Brisk({ name: 'files', logger, accessLog: false })
files.static('/assets', './public')
files.get('/', () => 'never served')

// The rest runs: a route that calls listen(), and a route that reads an upload (in memory here).
const app = new Brisk({ name: 'plain', logger, accessLog: false })
app.get('/', () => 'plain app')
app.get('/listen', async () => {
  try {
    await app.listen({ port: 0, log: false })
    return { listening: true }
  } catch (error) {
    const { name, code, message } = error as { name: string; code?: string; message: string }
    return { name, code, message }
  }
})
app.get('/file', () => file('./report.pdf'))
app.post('/upload', async (req) => {
  const [file] = (await req.files()).a ?? []
  return { fields: await req.form(), name: file?.filename, path: file?.path, text: await file?.text() }
})

export default {
  fetch(request: Request): Promise<Response> | Response {
    const { pathname } = new URL(request.url)
    if (pathname === '/logged') return Response.json(logged)
    if (pathname.startsWith('/files')) {
      const url = new URL(request.url)
      url.pathname = pathname.slice('/files'.length) || '/'
      return files.fetch(new Request(url, request))
    }
    return app.fetch(request)
  },
}
