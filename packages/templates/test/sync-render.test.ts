import { type BriskRequest, json } from '@brisk/core'
import nunjucks from 'nunjucks'
import { describe, expect, it } from 'vitest'
import { RenderFrame } from '../src/frame'
import {
  render,
  renderToString,
  TemplateNotFound,
  TemplateRenderError,
  template,
  templates,
} from '../src/index'
import { appFolder, newApp, tempFolder } from './_helpers'

// Templates that exercise what the synchronous render changes: the frames (loops and their `loop.*`
// names, `set` in and out of loops, block captures, macros with `caller`, imports), includes, layouts.
const pages: Record<string, string> = {
  'layout.html':
    '<title>{% block title %}Site{% endblock %}</title>{% block body %}{% endblock %}{% include "footer.html" %}',
  'footer.html':
    '<footer>{% for n in [1, 2] %}{{ n }}{% if not loop.last %},{% endif %}{% endfor %}</footer>',
  'macros.html':
    '{% macro item(x) %}<li>{{ x }}{{ caller() if caller else "" }}</li>{% endmacro %}{% macro bare(x) %}[{{ x }}]{% endmacro %}',
  'page.html': [
    '{% extends "layout.html" %}',
    '{% import "macros.html" as m %}{% from "macros.html" import bare %}',
    '{% block title %}{{ title }} · {{ super() }}{% endblock %}',
    '{% block body %}',
    '{% set total = 0 %}',
    '{% for book in books %}',
    '{{ loop.index }}/{{ loop.index0 }}/{{ loop.revindex }}/{{ loop.revindex0 }}/{{ loop.length }}',
    '{% if loop.first %}first{% endif %}{% if loop.last %}last{% endif %}',
    '{% set total = total + book.pages %}{% set inner = book.title %}',
    '{% for tag in book.tags %}{{ loop.index }}:{{ tag }}{% else %}untagged{% endfor %}',
    '{{ m.item(book.title) }}{% call m.item(book.id) %}!{% endcall %}{{ bare(book.title) }}',
    '{% endfor %}',
    'total={{ total }} inner={{ inner }}',
    '{% for key, value in meta %}{{ key }}={{ value }};{% endfor %}',
    '{% for a, b in pairs %}{{ a }}-{{ b }};{% endfor %}',
    '{% set captured %}<b>{{ title | upper }}</b>{% endset %}{{ captured }}',
    '{% include "footer.html" %}',
    '{% endblock %}',
  ].join('\n'),
}

const context = {
  title: 'Books & <more>',
  books: [
    { id: 1, title: 'Dune', pages: 412, tags: ['sf', 'desert'] },
    { id: 2, title: '<Solaris>', pages: 204, tags: [] },
    { id: 3, title: 'Ubik', pages: 202, tags: ['pkd'] },
  ],
  meta: { shelf: 'a', row: 2 },
  pairs: [
    [1, 'x'],
    [2, 'y'],
  ],
}

/** What Nunjucks' own `Environment.render` gives (callback, asap and all), with this package's defaults. */
function nunjucksRender(folder: string, name: string, values: object): Promise<string> {
  const env = new nunjucks.Environment(new nunjucks.FileSystemLoader(folder), { autoescape: true })
  return new Promise((resolve, reject) => {
    env.render(name, values, (error, out) => (error ? reject(error) : resolve(out ?? '')))
  })
}

describe('the synchronous render', () => {
  it('gives what Nunjucks’ own render gives: loops, sets, macros, imports, includes, layouts', async () => {
    const folder = tempFolder(pages)
    const expected = await nunjucksRender(folder, 'page.html', context)
    // The page is not trivial: every construct above left its mark.
    // Nunjucks' own scoping: a `set` in a loop changes a variable set before it, and keeps a new one inside.
    expect(expected).toContain('total=818 inner=\n')
    expect(expected).toContain('1/0/3/2/3')
    expect(expected).toContain('<li>&lt;Solaris&gt;</li><li>2!</li>[&lt;Solaris&gt;]')
    expect(expected).toContain('&lt;b&gt;BOOKS &amp;amp; &amp;lt;MORE&amp;gt;&lt;/b&gt;')
    const app = newApp().use(templates, { folders: [folder] })
    app.get('/route', { template: 'page.html' }, () => context)
    app.get('/render', (req) => render(req, 'page.html', context))
    // A promise in the context makes the context wait; the render itself is still synchronous.
    app.get('/waited', (req) =>
      render(req, 'page.html', { ...context, books: Promise.resolve(context.books) }),
    )
    for (const url of ['/route', '/render', '/waited']) {
      const res = await app.inject({ url })
      expect(res.status).toBe(200)
      expect(res.body).toBe(expected)
    }
  })

  it('answers a template route in the same turn, and with a promise only when something has to be waited for', async () => {
    const folder = tempFolder({
      'page.html': '<p>{{ message }}{% if slow %}{{ "!" | later }}{% endif %}</p>',
    })
    const later = async (value: string) => value
    const app = newApp().use(templates, { folders: [folder], filters: { later } })
    const seen: Record<string, boolean> = {}
    const route = (path: string, handler: (req: BriskRequest) => unknown) => {
      const page = template('page.html', handler)
      app.get(path, (req) => {
        const out = page(req)
        seen[path] = out instanceof Promise
        return out
      })
    }
    route('/plain', () => ({ message: 'hi' }))
    route('/empty', () => undefined)
    route('/promise', () => ({ message: Promise.resolve('hi') }))
    route('/async-filter', () => ({ message: 'hi', slow: true }))
    route('/async-handler', async () => ({ message: 'hi' }))
    const bodies: Record<string, string> = {}
    for (const path of ['/plain', '/empty', '/promise', '/async-filter', '/async-handler']) {
      const res = await app.inject({ url: path })
      expect(res.status).toBe(200)
      bodies[path] = res.body
    }
    expect(seen).toEqual({
      '/plain': false,
      '/empty': false,
      '/promise': true,
      '/async-filter': true,
      '/async-handler': true,
    })
    expect(bodies).toEqual({
      '/plain': '<p>hi</p>',
      '/empty': '<p></p>',
      '/promise': '<p>hi</p>',
      '/async-filter': '<p>hi!</p>',
      '/async-handler': '<p>hi</p>',
    })
  })

  it('waits for an async context processor, and applies processors in order under the handler’s values', async () => {
    const folder = tempFolder({ 'page.html': '{{ a }} {{ b }} {{ c }} {{ d }}' })
    const app = newApp().use(templates, {
      folders: [folder],
      context: () => ({ a: 'app', b: 'app', c: 'app', d: Promise.resolve('app promise') }),
    })
    app.get('/', { template: 'page.html' }, () => ({ c: 'handler' }))
    const { Blueprint } = await import('@brisk/core')
    const bp = new Blueprint('bp', { prefix: '/bp' })
    bp.use(templates, { context: async () => ({ b: 'blueprint', c: 'blueprint' }) })
    bp.get('/', { template: 'page.html' }, () => ({ c: 'handler' }))
    app.blueprint(bp)
    expect((await app.inject({ url: '/' })).body).toBe('app app handler app promise')
    expect((await app.inject({ url: '/bp/' })).body).toBe('app blueprint handler app promise')
  })

  it('keeps the handler’s object as it was, and takes its own keys only', async () => {
    const folder = tempFolder({ 'page.html': '{{ own }}|{{ inherited }}|{{ request.path }}' })
    const app = newApp().use(templates, { folders: [folder] })
    const given = Object.assign(Object.create({ inherited: 'no' }), { own: 'yes', request: undefined })
    app.get('/', { template: 'page.html' }, () => given)
    const shared = { own: 'shared' }
    app.get('/twice', { template: 'page.html' }, () => shared)
    expect((await app.inject({ url: '/' })).body).toBe('yes||')
    expect(Object.keys(given)).toEqual(['own', 'request'])
    await app.inject({ url: '/twice' })
    expect((await app.inject({ url: '/twice' })).body).toBe('shared||/twice')
    expect(shared).toEqual({ own: 'shared' })
  })

  it('copies a `__proto__` key of parsed JSON as a spread does, without changing its own prototype', async () => {
    const folder = tempFolder({ 'page.html': '{{ own }}|{{ x }}' })
    const parsed = JSON.parse('{"own": "yes", "__proto__": {"x": "from JSON"}}') as Record<string, unknown>
    const expected = await nunjucksRender(folder, 'page.html', { ...parsed })
    const app = newApp().use(templates, { folders: [folder] })
    app.get('/', { template: 'page.html' }, () => parsed)
    expect((await app.inject({ url: '/' })).body).toBe(expected)
    expect(({} as { x?: unknown }).x).toBeUndefined()
  })
})

describe('errors of the synchronous render', () => {
  // Rendered synchronously (the template route), after the context waited, and through the async API.
  const files = {
    'call.html': '<p>\n  {{ nothing_here() }}</p>',
    'include.html': '<p>\n{% include "nowhere.html" %}',
    'filter.html': '<p>{{ "x" | fails }}</p>',
  }

  async function errorsOf(name: string) {
    const folder = tempFolder(files)
    // An async filter that fails: the render ends a turn later, through Nunjucks' callback.
    const fails = async (value: string) => {
      throw new Error(`no ${value} here`)
    }
    const app = newApp().use(templates, { folders: [folder, appFolder], filters: { fails } })
    const described = (err: TemplateRenderError | TemplateNotFound) =>
      json(
        {
          kind: err.constructor.name,
          code: err.code,
          status: err.status,
          message: err.message,
          template: err.template,
          ...(err instanceof TemplateRenderError
            ? { line: err.line, column: err.column, rendering: err.rendering }
            : { from: err.from }),
          cause: (err.cause as Error | undefined)?.message,
        },
        500,
      )
    app.onError(TemplateRenderError, described)
    app.onError(TemplateNotFound, described)
    app.get('/sync', { template: name }, () => ({}))
    app.get('/async-context', { template: name }, () => ({ waited: Promise.resolve(1) }))
    app.get('/render', (req) => render(req, name))
    app.get('/string', async (req) => renderToString(req, name))
    const answers = []
    for (const url of ['/sync', '/async-context', '/render', '/string']) {
      const res = await app.inject({ url })
      expect(res.status).toBe(500)
      answers.push(JSON.parse(res.body))
    }
    for (const answer of answers.slice(1)) expect(answer).toEqual(answers[0])
    return answers[0]
  }

  it('reports a failing call the same way whether the render finished synchronously or not', async () => {
    expect(await errorsOf('call.html')).toMatchObject({
      kind: 'TemplateRenderError',
      code: 'BRISK_ERR_TEMPLATE_RENDER',
      status: 500,
      template: 'call.html',
      line: 2,
      column: 18,
    })
  })

  it('reports a failing async filter (the render ends later) the same way', async () => {
    expect(await errorsOf('filter.html')).toMatchObject({
      code: 'BRISK_ERR_TEMPLATE_RENDER',
      template: 'filter.html',
      message: expect.stringContaining('no x here'),
    })
  })

  it('reports a missing include and a missing page the same way', async () => {
    expect(await errorsOf('include.html')).toMatchObject({
      kind: 'TemplateNotFound',
      code: 'BRISK_ERR_TEMPLATE_NOT_FOUND',
      template: 'nowhere.html',
      from: 'include.html',
    })
    expect(await errorsOf('nowhere.html')).toMatchObject({
      kind: 'TemplateNotFound',
      code: 'BRISK_ERR_TEMPLATE_NOT_FOUND',
      template: 'nowhere.html',
    })
  })

  it('reports a syntax error (Nunjucks hands it over a turn later) the same way', async () => {
    expect(await errorsOf('errors/syntax.html')).toMatchObject({
      code: 'BRISK_ERR_TEMPLATE_RENDER',
      template: 'errors/syntax.html',
      line: 2,
      column: 7,
    })
  })
})

describe('RenderFrame', () => {
  type Frame = {
    variables: Record<string, unknown>
    parent: Frame | undefined
    set(name: string, value: unknown, resolveUp?: boolean): void
    push(isolateWrites?: boolean): Frame
    pop(): Frame
    lookup(name: string): unknown
  }
  const NunjucksFrame = (nunjucks.runtime as unknown as { Frame: new () => Frame }).Frame

  /** The same writes on a chain of frames, as compiled templates make them. */
  function exercise(root: Frame): Frame[] {
    const top = root.push(true)
    top.set('title', 'a')
    top.set('user.name', 'ada')
    top.set('user.address.city', 'London')
    const loop = top.push()
    for (let i = 0; i < 3; i++) {
      loop.set('book', i)
      loop.set('loop.index', i + 1)
      loop.set('loop.last', i === 2)
      loop.set('title', `t${i}`, true) // resolves up to `top`, which has it
      loop.set('fresh', i, true) // nowhere above: set here
    }
    const isolated = loop.push(true)
    isolated.set('title', 'inner', true) // an isolating frame stops the search for writes
    isolated.set('user.name', 'grace', true)
    return [root, top, loop, isolated]
  }

  it('leaves the same variables in every frame as Nunjucks’ Frame', () => {
    const ours = exercise(new RenderFrame() as unknown as Frame)
    const theirs = exercise(new NunjucksFrame())
    expect(ours.map((f) => ({ ...f.variables }))).toEqual(theirs.map((f) => ({ ...f.variables })))
    expect(ours[1]!.variables).toEqual({ title: 't2', user: { name: 'ada', address: { city: 'London' } } })
    expect(ours[2]!.lookup('title')).toBe('t2')
    expect(ours[3]!.lookup('title')).toBe('inner')
  })

  it('pushes frames of its own kind, whose parent is the frame they were pushed from', () => {
    const root = new RenderFrame() as unknown as Frame
    const child = root.push().push(true)
    expect(child).toBeInstanceOf(RenderFrame)
    expect(child.pop().pop()).toBe(root)
  })
})
