/**
 * The floor: a bare `node:net` server that answers the mix's routes with answers computed before it listens,
 * parsing no more than it must (the request line, `content-length`, and for `POST /api/v1/books` whether the
 * title is empty). It is the physical-limit column: what reading the requests and writing the answers costs
 * on this machine, with no framework, no JSON, no template, no token check and no session store. Answers
 * that arrive together (pipelined) leave together, in one write.
 *
 *   FLOOR_ANSWERS=answers.json PORT=… [HOST=127.0.0.1] [WORKERS=1] node bench/showcase/floor.mjs
 *
 * FLOOR_ANSWERS is what `captureAnswers()` (lib/drive.mjs) recorded from the showcase: one answer per kind
 * of the mix, with the same bodies and the headers a client reads. Prints `ready` once listening.
 */
import cluster from 'node:cluster'
import { readFileSync } from 'node:fs'
import { createServer } from 'node:net'

const REASONS = {
  200: 'OK',
  201: 'Created',
  204: 'No Content',
  404: 'Not Found',
  422: 'Unprocessable Content',
}

/** The bytes of one answer: status line, headers, `content-length`, keep-alive, body. */
function answerBytes({ status, headers, body }) {
  const lines = [`HTTP/1.1 ${status} ${REASONS[status] ?? 'OK'}`]
  for (const [name, value] of Object.entries(headers)) lines.push(`${name}: ${value}`)
  if (status !== 204) lines.push(`content-length: ${Buffer.byteLength(body)}`)
  lines.push('connection: keep-alive', '', '')
  return Buffer.from(lines.join('\r\n') + (status === 204 ? '' : body))
}

/** Picks the answer of a request from its method, path and (for book writes) body. */
function route(answers, method, path, body) {
  switch (method) {
    case 'GET':
      if (path === '/api/v1/books') return answers['books.list']
      if (path === '/api/v1/books/1') return answers['books.show']
      if (path === '/') return answers.page
      if (path === '/health') return answers.health
      if (path === '/auth/me') return answers['auth.me']
      if (path === '/session/visits') return answers['session.visits']
      return answers.notfound
    case 'POST':
      if (path === '/api/v1/books')
        return body.includes('"title":""') ? answers['books.invalid'] : answers['books.create']
      if (path === '/auth/refresh') return answers['auth.refresh']
      return answers.notfound
    case 'DELETE':
      return path.startsWith('/api/v1/books/') ? answers['books.delete'] : answers.notfound
    case 'OPTIONS':
      return answers.preflight
    default:
      return answers.notfound
  }
}

const CRLF2 = Buffer.from('\r\n\r\n')

/** Serves one connection: cuts requests out of what arrives and writes all the answers of a chunk at once. */
function serve(answers, socket) {
  let pending = Buffer.alloc(0)
  socket.on('data', (chunk) => {
    pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk])
    const out = []
    let at = 0
    for (;;) {
      const end = pending.indexOf(CRLF2, at)
      if (end === -1) break
      const head = pending.latin1Slice(at, end)
      const lower = head.toLowerCase()
      const cl = lower.indexOf('\r\ncontent-length:')
      const length = cl === -1 ? 0 : Number.parseInt(lower.slice(cl + 17), 10)
      const bodyStart = end + 4
      if (pending.length < bodyStart + length) break
      const space = head.indexOf(' ')
      const method = head.slice(0, space)
      let path = head.slice(space + 1, head.indexOf(' ', space + 1))
      const query = path.indexOf('?')
      if (query !== -1) path = path.slice(0, query)
      const body = length === 0 ? '' : pending.latin1Slice(bodyStart, bodyStart + length)
      out.push(route(answers, method, path, body))
      at = bodyStart + length
    }
    pending = at === pending.length ? Buffer.alloc(0) : pending.subarray(at)
    if (out.length === 1) socket.write(out[0])
    else if (out.length > 1) socket.write(Buffer.concat(out))
  })
  socket.on('error', () => socket.destroy())
}

/** Starts the floor (or, with WORKERS > 1, that many workers sharing the port). */
function main() {
  const workers = Number(process.env.WORKERS ?? 1)
  if (cluster.isPrimary && workers > 1) {
    let listening = 0
    for (let i = 0; i < workers; i++) cluster.fork()
    cluster.on('listening', () => {
      if (++listening === workers) console.log('ready')
    })
    const stop = () => {
      for (const worker of Object.values(cluster.workers)) worker.kill('SIGTERM')
      process.exit(0)
    }
    process.on('SIGTERM', stop)
    process.on('SIGINT', stop)
    return
  }
  const captured = JSON.parse(readFileSync(process.env.FLOOR_ANSWERS, 'utf8'))
  const answers = Object.fromEntries(Object.entries(captured).map(([kind, a]) => [kind, answerBytes(a)]))
  const server = createServer({ noDelay: true }, (socket) => serve(answers, socket))
  server.listen(Number(process.env.PORT), process.env.HOST ?? '127.0.0.1', () => {
    if (cluster.isPrimary) console.log('ready')
  })
  process.on('SIGTERM', () => process.exit(0))
}

main()
