/**
 * Fastify with @fastify/view and Nunjucks: `GET /` renders the same page and layout as templates-brisk.mjs,
 * with `reply.view()` as @fastify/view's README shows (production: templates compiled once and cached).
 */
import view from '@fastify/view'
import Fastify from 'fastify'
import nunjucks from 'nunjucks'
import { HOST, port } from '../../servers/_main.mjs'
import { BOOKS, TEMPLATES } from './_shared.mjs'

const app = Fastify()
await app.register(view, { engine: { nunjucks }, templates: TEMPLATES, production: true })
app.get('/', (_request, reply) => reply.view('index.html', { books: BOOKS }))
await app.listen({ port: port(), host: HOST })
console.log('ready')
