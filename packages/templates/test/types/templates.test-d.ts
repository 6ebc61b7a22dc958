import { Blueprint, Brisk, type BriskResponse, type HandlerResult, HTTPMethodView } from '@brisk/core'
import { expectTypeOf, test } from 'vitest'
import { render, renderToString, template, templates } from '../../src/index'

test('the template route option is typed on every scope', () => {
  const app = new Brisk().use(templates, { folders: ['templates'] })
  app.get('/', { template: 'home.html' }, () => ({ title: 'Home' }))
  new Blueprint('bp').get('/', { template: 'bp.html' }, () => null)
  // @ts-expect-error a template name is a string
  app.get('/x', { template: 42 }, () => ({}))
})

test('the plugin takes no options, or typed ones', () => {
  new Brisk().use(templates)
  new Brisk().use(templates, {
    folders: new URL('file:///srv/templates'),
    filters: { up: (s: string) => s.toUpperCase() },
  })
  // @ts-expect-error autoescape is a boolean
  new Brisk().use(templates, { autoescape: 'yes' })
  new Brisk().use(templates, { sources: { 'page.html': '<p>{{ x }}</p>' } })
  // @ts-expect-error sources hold each template's text
  new Brisk().use(templates, { sources: { 'page.html': 42 } })
})

test('render() and renderToString() give a response and a string', () => {
  const app = new Brisk()
  app.get('/:id<int>', (req) => {
    expectTypeOf(render(req, 'page.html', { id: req.params.id }, { status: 201 })).toEqualTypeOf<
      Promise<BriskResponse>
    >()
    expectTypeOf(renderToString(req, 'page.html')).toEqualTypeOf<Promise<string>>()
    return render(req, 'page.html', {}, 404)
  })
})

test('template(name, handler) keeps the route’s typed params', () => {
  const app = new Brisk()
  app.get(
    '/books/:id<int>/:slug',
    template('book.html', (req) => {
      expectTypeOf(req.params.id).toEqualTypeOf<number>()
      expectTypeOf(req.params.slug).toEqualTypeOf<string>()
      return { id: req.params.id }
    }),
  )
  const wrapped = template('book.html', () => ({}))
  expectTypeOf(wrapped).returns.toEqualTypeOf<HandlerResult | Promise<HandlerResult>>()
})

test('@template() decorates a view method without changing its type', () => {
  class View extends HTTPMethodView {
    @template('page.html')
    override get() {
      return { title: 'x' }
    }
  }
  expectTypeOf(new View().get).returns.toEqualTypeOf<{ title: string }>()
})
