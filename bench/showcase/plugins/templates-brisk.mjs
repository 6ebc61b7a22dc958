/**
 * Brisk with @brisk/templates: `GET /` renders a Nunjucks page with a layout listing three books (the route's
 * `template` option, as the showcase does). Started by the showcase runner with PORT set; prints `ready`.
 */
import { Brisk } from '@brisk/core'
import { templates } from '@brisk/templates'
import { HOST, port } from '../../servers/_main.mjs'
import { BOOKS, TEMPLATES } from './_shared.mjs'

const app = new Brisk({ name: 'bench-templates' }).use(templates, { folders: [TEMPLATES] })
app.get('/', { template: 'index.html' }, () => ({ books: BOOKS }))
await app.listen({ port: port(), host: HOST })
console.log('ready')
