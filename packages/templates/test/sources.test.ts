import { Blueprint, BriskError } from '@brisk/core'
import { afterEach, describe, expect, it } from 'vitest'
import { render, templates } from '../src/index'
import { FolderLoader } from '../src/loader'
import { newApp, tempFolder } from './_helpers'

const layout =
  '<title>{% block title %}Site{% endblock %}</title>{% block body %}{% endblock %}{% include "footer.njk" %}'

// Nunjucks turns each template into a function with `new Function`. Cloudflare Workers allow that only while
// the module loads; `refuseCodeGeneration()` makes Node refuse it the same way, so a test can tell when
// templates are compiled.
const realFunction = globalThis.Function
function refuseCodeGeneration(): void {
  globalThis.Function = new Proxy(realFunction, {
    construct() {
      throw new EvalError('Code generation from strings disallowed for this context')
    },
    apply() {
      throw new EvalError('Code generation from strings disallowed for this context')
    },
  })
}
afterEach(() => {
  globalThis.Function = realFunction
})

describe('templates held in memory (sources)', () => {
  it('render with layouts, includes and macros, and need no template folder', async () => {
    // No `folders` and no ./templates in the working directory: with sources, the default folder is not looked for.
    const app = newApp().use(templates, {
      sources: {
        'layout.njk': layout,
        'footer.njk': '<footer>{{ site }}</footer>',
        'macros.njk': '{% macro item(b) %}<li>{{ b }}</li>{% endmacro %}',
        'page.njk':
          '{% extends "layout.njk" %}{% import "macros.njk" as m %}{% block title %}{{ heading }} · {{ super() }}{% endblock %}{% block body %}<ul>{% for b in books %}{{ m.item(b) }}{% endfor %}</ul>{% endblock %}',
      },
      globals: { site: 'shop' },
    })
    app.get('/', { template: 'page.njk' }, () => ({ heading: 'Books', books: ['Dune', '<i>'] }))
    const res = await app.inject({ url: '/' })
    expect(res.status).toBe(200)
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8')
    expect(res.body).toBe(
      '<title>Books · Site</title><ul><li>Dune</li><li>&lt;i&gt;</li></ul><footer>shop</footer>',
    )
  })

  it('are compiled at start-up: a request renders them without generating any code', async () => {
    const app = newApp().use(templates, {
      sources: {
        'layout.njk': layout,
        'footer.njk': '<footer/>',
        'page.njk': '{% extends "layout.njk" %}{% block body %}{{ n }}{% endblock %}',
      },
      cache: false, // the development default: templates in memory are compiled once all the same
    })
    app.get('/', { template: 'page.njk' }, () => ({ n: 1 }))
    await app.ready()
    refuseCodeGeneration()
    for (let i = 0; i < 2; i++) {
      const res = await app.inject({ url: '/' })
      expect(res.body).toBe('<title>Site</title>1<footer/>')
    }
  })

  it('when the runtime refuses to compile at start-up, the start fails with BRISK_ERR_TEMPLATE_CODEGEN', async () => {
    const app = newApp({ name: 'edge' }).use(templates, { sources: { 'page.njk': '{{ x }}' } })
    refuseCodeGeneration()
    const error = await app.ready().then(
      () => undefined,
      (e: unknown) => e,
    )
    globalThis.Function = realFunction
    expect(error).toBeInstanceOf(BriskError)
    expect(error).toMatchObject({ code: 'BRISK_ERR_TEMPLATE_CODEGEN' })
    expect((error as Error).message).toBe(
      '@brisk/templates on app "edge": this runtime refuses to compile template "page.njk" now ' +
        '(Code generation from strings disallowed for this context). Nunjucks compiles templates with new ' +
        'Function, which Cloudflare Workers allow only while the module loads: start the app there, with ' +
        '`await app.ready()` at the top level of the Worker module',
    )
  })

  it('a syntax error stops the start, naming the template and the line', async () => {
    const app = newApp().use(templates, {
      sources: { 'ok.njk': 'fine', 'broken.njk': 'line one\n{% if %}' },
    })
    await expect(app.ready()).rejects.toMatchObject({
      name: 'BriskError',
      code: 'BRISK_ERR_TEMPLATE_SOURCE',
      message: expect.stringMatching(
        /^@brisk\/templates on app "[^"]+": Template "broken\.njk" failed at Line 2/,
      ),
    })
  })

  it('are searched before the folders, and templates of either may extend or include the other', async () => {
    const folder = tempFolder({
      'page.html': '{% extends "layout.njk" %}{% block body %}from disk{% endblock %}',
      'footer.njk': 'the folder’s footer',
      'disk-footer.html': '<small>disk</small>',
    })
    const app = newApp().use(templates, {
      folders: folder,
      sources: {
        'layout.njk':
          '{% block body %}{% endblock %}|{% include "footer.njk" %}|{% include "disk-footer.html" %}',
        'footer.njk': 'memory’s footer',
      },
    })
    app.get('/', (req) => render(req, 'page.html'))
    expect((await app.inject({ url: '/' })).body).toBe('from disk|memory’s footer|<small>disk</small>')
  })

  it('of a blueprint are searched before the app’s, for that blueprint’s routes only', async () => {
    const app = newApp().use(templates, {
      sources: {
        'layout.njk': 'app: {% block body %}{% endblock %}',
        'page.njk': '{% extends "layout.njk" %}{% block body %}page{% endblock %}',
      },
    })
    const admin = new Blueprint('admin', { prefix: '/admin' })
    admin.use(templates, { sources: { 'layout.njk': 'admin: {% block body %}{% endblock %}' } })
    admin.get('/', { template: 'page.njk' }, () => ({}))
    app.get('/', { template: 'page.njk' }, () => ({}))
    app.blueprint(admin)
    expect((await app.inject({ url: '/admin' })).body).toBe('admin: page')
    expect((await app.inject({ url: '/' })).body).toBe('app: page')
  })

  it('a template in no source and no folder is the usual 500 TemplateNotFound', async () => {
    const app = newApp({ dev: true }).use(templates, { sources: { 'page.njk': '{% include "gone.njk" %}' } })
    app.get('/', { template: 'page.njk' }, () => ({}))
    const res = await app.inject({ url: '/', headers: { accept: 'application/json' } })
    expect(res.status).toBe(500)
    expect(res.json()).toMatchObject({
      code: 'BRISK_ERR_TEMPLATE_NOT_FOUND',
      detail: 'Template "gone.njk" was not found in the template folders (asked for by "page.njk")',
    })
  })

  it('refuses sources that are not an object of strings, at start-up', async () => {
    for (const sources of [['page.njk'], 'page.njk', { 'page.njk': 42 }]) {
      const app = newApp().use(templates, { sources: sources as never })
      await expect(app.ready()).rejects.toMatchObject({
        code: 'BRISK_ERR_PLUGIN_REGISTER',
        message: expect.stringMatching(/sources/),
      })
    }
  })

  it('the loader names a template in memory by its name, and returns it as always cached', () => {
    const loader = new FolderLoader([], true, new Map([['a.njk', 'A']]))
    expect(loader.getSource('a.njk')).toEqual({ src: 'A', path: 'a.njk', noCache: false })
    expect(loader.nameOf('a.njk')).toBe('a.njk')
    expect(loader.getSource('b.njk')).toBeNull()
  })
})

describe('a template folder that does not exist', () => {
  it('says to give the templates as sources where there are no files on disk', async () => {
    const app = newApp({ name: 'edge' }).use(templates, { folders: '/nowhere/templates' })
    await expect(app.ready()).rejects.toMatchObject({
      code: 'BRISK_ERR_TEMPLATE_FOLDER',
      message:
        '@brisk/templates on app "edge": the template folder /nowhere/templates does not exist or is not a ' +
        'folder (where the runtime has no files on disk, as on Cloudflare Workers, give the templates as `sources`)',
    })
  })
})
