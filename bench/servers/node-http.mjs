/**
 * The physical limit: node:http with as little work per request as the routes allow. Headers are built once,
 * each answer is one `writeHead` + `end`, routing is a switch and a map. Every framework's figure is read
 * against this one.
 */
import { createServer } from 'node:http'
import { HELLO, HOST, isMain, port } from './_main.mjs'
import { ROUTES_300 } from './_r300.mjs'

export const framework = { name: 'node:http', package: 'node:http' }
export const scenarios = ['text', 'json', 'param', 'echo', 'mw', 'r300']

const TEXT_TYPE = 'text/plain;charset=UTF-8'
const JSON_TYPE = 'application/json'
const HELLO_BODY = Buffer.from(HELLO)
const HELLO_HEAD = ['content-type', TEXT_TYPE, 'content-length', String(HELLO_BODY.length)]
const NOT_FOUND = Buffer.from('Not Found')
const NOT_FOUND_HEAD = ['content-type', TEXT_TYPE, 'content-length', String(NOT_FOUND.length)]
const BAD_REQUEST_HEAD = ['content-type', TEXT_TYPE, 'content-length', '11']

// r300: the first segment after /r300/ names the route (s0, u1, g2, …); its shape says what follows.
const r300 = new Map(ROUTES_300.map((r) => [r.path.split('/')[2], r]))

function sendJSON(res, data, extra) {
  const body = JSON.stringify(data)
  const head = ['content-type', JSON_TYPE, 'content-length', String(Buffer.byteLength(body))]
  res.writeHead(200, extra === undefined ? head : head.concat(extra))
  res.end(body)
}

function notFound(res) {
  res.writeHead(404, NOT_FOUND_HEAD)
  res.end(NOT_FOUND)
}

function param(value) {
  return value.includes('%') ? decodeURIComponent(value) : value
}

function routeR300(res, path) {
  const parts = path.split('/') // ['', 'r300', key, …]
  const route = r300.get(parts[2])
  if (route === undefined) return notFound(res)
  const kind = route.params.length === 0 ? 's' : route.path.endsWith('/posts') ? 'g' : 'u'
  if (kind === 's' && parts.length === 3) return sendJSON(res, { route: route.i })
  if (kind === 'u' && parts.length === 4 && parts[3] !== '')
    return sendJSON(res, { route: route.i, id: param(parts[3]) })
  if (kind === 'g' && parts.length === 5 && parts[3] !== '' && parts[4] === 'posts') {
    return sendJSON(res, { route: route.i, gid: param(parts[3]) })
  }
  notFound(res)
}

function echo(req, res) {
  const chunks = []
  req.on('data', (chunk) => chunks.push(chunk))
  req.on('end', () => {
    let data
    try {
      data = JSON.parse(chunks.length === 1 ? chunks[0].toString() : Buffer.concat(chunks).toString())
    } catch {
      res.writeHead(400, BAD_REQUEST_HEAD)
      res.end('Bad Request')
      return
    }
    sendJSON(res, data)
  })
}

function onRequest(req, res) {
  const url = req.url
  const q = url.indexOf('?')
  const path = q === -1 ? url : url.slice(0, q)
  if (req.method === 'GET') {
    if (path === '/') {
      res.writeHead(200, HELLO_HEAD)
      res.end(HELLO_BODY)
      return
    }
    if (path === '/json') return sendJSON(res, { message: HELLO })
    if (path.startsWith('/users/') && path.indexOf('/', 7) === -1 && path.length > 7) {
      return sendJSON(res, { id: param(path.slice(7)) })
    }
    // The three "middleware" of /mw, inlined: read one header, set two.
    if (path === '/mw')
      return sendJSON(res, { bench: req.headers['x-bench'] }, ['x-mw-2', 'ok', 'x-mw-3', 'ok'])
    if (path.startsWith('/r300/')) return routeR300(res, path)
  } else if (req.method === 'POST' && path === '/echo') {
    return echo(req, res)
  }
  notFound(res)
}

if (isMain(import.meta.url)) {
  createServer(onRequest).listen(port(), HOST, () => console.log('ready'))
}
