import { forEachEntry, once } from '@brisk/testing/vitest'
import { describe, expect, it } from 'vitest'
import { render, renderToString, templates } from '../src/index'
import { appFolder, memoryLogger, newApp, tempFolder } from './_helpers'

const authors: Record<number, string> = { 1: 'Herbert', 2: '<Lem>' }

forEachEntry('filters, globals and tests', (make) => {
  it('runs async filters (in a loop and in {% set %}), awaits a global’s promise with | await, and runs tests', async () => {
    const app = newApp().use(templates, {
      folders: [appFolder],
      filters: {
        author: async (id: number) => {
          await new Promise((resolve) => setTimeout(resolve, 2))
          return authors[id]
        },
        shout: (value: string) => value.toUpperCase(),
      },
      globals: { stats: async () => ({ books: 2 }).books },
      tests: { even: (n: number) => n % 2 === 0 },
    })
    app.get('/', (req) => render(req, 'async.html', { ids: [1, 2], pending: Promise.resolve('resolved') }))
    const res = await once(make, app, '/')
    expect(res.status).toBe(200)
    // What an async filter returns is escaped like any other value.
    expect(res.body).toContain('[Herbert][&lt;Lem&gt;]')
    expect(res.body).toContain('stats=2')
    expect(res.body).toContain('pending=resolved')
    expect(res.body).toContain('loud=QUIET')
    expect(res.body).toContain('even')
  })

  it('answers 500 when an async filter rejects, and logs the reason', async () => {
    const logger = memoryLogger()
    const dir = tempFolder({ 'page.html': '<p>{{ 1 | fails }}</p>' })
    const app = newApp({ logger }).use(templates, {
      folders: [dir],
      filters: {
        fails: async () => {
          throw new Error('the author service is down')
        },
      },
    })
    app.get('/', (req) => render(req, 'page.html'))
    const res = await once(make, app, '/')
    expect(res.status).toBe(500)
    expect(res.body).not.toContain('author service')
    const logged = logger.errors.map((e) => String((e.obj as { err?: Error }).err?.message))
    expect(logged.some((m) => m.includes('the author service is down'))).toBe(true)
  })
})

describe('filters', () => {
  it('get the Nunjucks context as `this`, whether plain or async', async () => {
    const dir = tempFolder({ 'page.html': '{{ "a" | who }} {{ "b" | whoLater }}' })
    const app = newApp().use(templates, {
      folders: [dir],
      filters: {
        who(this: { ctx: { user: string } }, value: string) {
          return `${value}:${this.ctx.user}`
        },
        async whoLater(this: { ctx: { user: string } }, value: string) {
          return `${value}:${this.ctx.user}`
        },
      },
    })
    app.get('/', async (req) => renderToString(req, 'page.html', { user: 'ada' }))
    expect((await app.inject({ url: '/' })).body).toBe('a:ada b:ada')
    await app.close()
  })

  it('pass a plain function’s promise on, for | await to wait for', async () => {
    const dir = tempFolder({ 'page.html': '{{ 5 | double | await }}' })
    const app = newApp().use(templates, {
      folders: [dir],
      filters: { double: (n: number) => Promise.resolve(n * 2) },
    })
    app.get('/', async (req) => renderToString(req, 'page.html'))
    expect((await app.inject({ url: '/' })).body).toBe('10')
    await app.close()
  })

  it('are refused at start-up when they are not functions', async () => {
    const app = newApp().use(templates, { folders: [appFolder], filters: { broken: 'nope' as never } })
    await expect(app.ready()).rejects.toThrow(/filters\.broken must be a function/)
  })
})

describe('globals and extensions', () => {
  it('answer 500 when a promise given to | await rejects', async () => {
    const dir = tempFolder({ 'page.html': '{{ load() | await }}' })
    const app = newApp({ dev: true }).use(templates, {
      folders: [dir],
      globals: { load: () => Promise.reject(new Error('store offline')) },
    })
    app.get('/', (req) => render(req, 'page.html'))
    const res = await app.inject({ url: '/' })
    expect(res.status).toBe(500)
    expect(res.json<{ detail: string }>().detail).toContain('store offline')
    await app.close()
  })

  it('register custom tags', async () => {
    const dir = tempFolder({ 'page.html': '{% hello "<Ada>" %}' })
    const hello = {
      tags: ['hello'],
      parse(parser: any, nodes: any) {
        const token = parser.nextToken()
        const args = parser.parseSignature(null, true)
        parser.advanceAfterBlockEnd(token.value)
        return new nodes.CallExtension(this, 'run', args)
      },
      run(_context: unknown, name: string) {
        return `Hello ${name}`
      },
    }
    const app = newApp().use(templates, { folders: [dir], extensions: { hello } })
    app.get('/', async (req) => renderToString(req, 'page.html'))
    expect((await app.inject({ url: '/' })).body).toBe('Hello &lt;Ada&gt;')
    await app.close()
  })
})

describe('the configure option', () => {
  it('gets the environment to add what the options do not cover', async () => {
    const dir = tempFolder({ 'page.html': '{{ greeting }}, {{ name }}' })
    const app = newApp().use(templates, {
      folders: [dir],
      configure: (env) => {
        env.addGlobal('greeting', 'Hello')
      },
    })
    app.get('/', async (req) => renderToString(req, 'page.html', { name: 'Ada' }))
    expect((await app.inject({ url: '/' })).body).toBe('Hello, Ada')
    await app.close()
  })

  it('can turn autoescape off and change the delimiters', async () => {
    const dir = tempFolder({ 'page.html': '<% if on %>[[ html ]]<% endif %>' })
    const app = newApp().use(templates, {
      folders: [dir],
      autoescape: false,
      tags: { blockStart: '<%', blockEnd: '%>', variableStart: '[[', variableEnd: ']]' },
    })
    app.get('/', async (req) => renderToString(req, 'page.html', { on: true, html: '<b>raw</b>' }))
    expect((await app.inject({ url: '/' })).body).toBe('<b>raw</b>')
    await app.close()
  })
})
