import { type Brisk, HTTPError, text } from '@brisk/core'
import { forEachEntry, once } from '@brisk/testing/vitest'
import { describe, expect, it } from 'vitest'
import { render, TemplateNotFound, TemplateRenderError, templates } from '../src/index'
import { adminFolder, appFolder, memoryLogger, newApp } from './_helpers'

const html = { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' }

interface Case {
  template: string
  /** What the development page must show. */
  shows: string[]
}

const cases: Case[] = [
  {
    template: 'missing.html',
    shows: ['Template &quot;missing.html&quot; was not found in the template folders'],
  },
  {
    template: 'errors/include-missing.html',
    shows: ['&quot;nowhere.html&quot; was not found', 'asked for by &quot;errors/include-missing.html&quot;'],
  },
  {
    template: 'errors/call.html',
    shows: [
      'Template &quot;errors/call.html&quot; failed at Line 2, Column 19',
      'Unable to call `nothing_here`',
    ],
  },
  {
    template: 'errors/syntax.html',
    shows: ['&quot;errors/syntax.html&quot; failed at Line 2, Column 7', 'unexpected token'],
  },
  {
    template: 'errors/extends-bad.html',
    shows: [
      '&quot;errors/extends-bad.html&quot; failed at Line 3, Column 14',
      'no route is named &quot;no.such.route&quot;',
    ],
  },
  {
    template: 'errors/include-bad.html',
    shows: [
      '&quot;errors/call.html&quot; failed at Line 2, Column 19 (rendering &quot;errors/include-bad.html&quot;)',
    ],
  },
]

function appWith(dev: boolean, logger = memoryLogger()): Brisk {
  const app = newApp({ dev, logger }).use(templates, { folders: [appFolder] })
  for (const c of cases) app.get(`/${c.template}`, (req) => render(req, c.template))
  app.get('/options', { template: 'errors/call.html' }, () => ({}))
  return app
}

forEachEntry('render errors in development mode', (make) => {
  for (const c of cases) {
    it(`shows the template, and the line and column when known, for ${c.template}`, async () => {
      const res = await once(make, appWith(true), { url: `/${c.template}`, headers: html })
      expect(res.status).toBe(500)
      expect(res.headers['content-type']).toBe('text/html; charset=utf-8')
      for (const shown of c.shows) expect(res.body).toContain(shown)
    })
  }

  it('shows the same for a route with the template option, in problem+json too', async () => {
    const res = await once(make, appWith(true), '/options')
    expect(res.status).toBe(500)
    expect(res.json()).toMatchObject({
      status: 500,
      code: 'BRISK_ERR_TEMPLATE_RENDER',
      detail:
        'Template "errors/call.html" failed at Line 2, Column 19: Unable to call `nothing_here`, which is undefined or falsey',
    })
  })
})

forEachEntry('render errors outside development mode', (make) => {
  for (const c of cases) {
    it(`shows nothing internal for ${c.template}, and logs the details`, async () => {
      const logger = memoryLogger()
      for (const headers of [html, {}, { accept: 'text/plain' }]) {
        const res = await once(make, appWith(false, logger), { url: `/${c.template}`, headers })
        expect(res.status).toBe(500)
        expect(res.body).toContain('Internal Server Error')
        const name = c.template.split('/').pop()!
        for (const secret of [
          name,
          'Line',
          'Column',
          'nunjucks',
          'BRISK_ERR_TEMPLATE',
          appFolder,
          '/fixtures/',
          '.html',
        ]) {
          expect(res.body).not.toContain(secret)
        }
      }
      const logged = logger.errors[0]?.obj as { err?: HTTPError } | undefined
      expect(logged?.err).toBeInstanceOf(HTTPError)
      expect(logged?.err?.message).toContain(
        c.template === 'errors/include-missing.html' ? 'nowhere.html' : c.template,
      )
      expect(logged?.err?.cause).toBeDefined()
    })
  }
})

describe('the errors', () => {
  it('are TemplateNotFound and TemplateRenderError, which onError handlers can answer', async () => {
    const app = newApp().use(templates, { folders: [appFolder], filters: { explode: () => 1 } })
    for (const c of cases) app.get(`/${c.template}`, (req) => render(req, c.template))
    app.onError(TemplateNotFound, (err) => text(`not found: ${err.template} from ${err.from ?? '-'}`, 500))
    app.onError(TemplateRenderError, (err) =>
      text(
        `${err.template} ${err.line ?? '?'}:${err.column ?? '?'} rendering ${err.rendering} (${err.code})`,
        500,
      ),
    )
    const body = async (url: string) => (await app.inject({ url })).body
    expect(await body('/missing.html')).toBe('not found: missing.html from -')
    expect(await body('/errors/include-missing.html')).toBe(
      'not found: nowhere.html from errors/include-missing.html',
    )
    expect(await body('/errors/call.html')).toBe(
      'errors/call.html 2:19 rendering errors/call.html (BRISK_ERR_TEMPLATE_RENDER)',
    )
    expect(await body('/errors/include-bad.html')).toBe(
      'errors/call.html 2:19 rendering errors/include-bad.html (BRISK_ERR_TEMPLATE_RENDER)',
    )
    await app.close()
  })

  it('say when Nunjucks does not know the line (an error thrown by a filter)', async () => {
    const app = newApp({ dev: true }).use(templates, {
      folders: [appFolder],
      filters: {
        explode: () => {
          throw new Error('kaboom')
        },
      },
    })
    app.get('/', (req) => render(req, 'errors/filter.html'))
    const res = await app.inject({ url: '/' })
    expect(res.status).toBe(500)
    expect(res.json<{ detail: string }>().detail).toBe(
      'Template "errors/filter.html" failed at a line Nunjucks does not know: kaboom',
    )
    await app.close()
  })

  it('include a 500 for render() where the plugin is not registered', async () => {
    const app = newApp({ dev: true })
    app.get('/', (req) => render(req, 'plain.html'))
    const res = await app.inject({ url: '/' })
    expect(res.status).toBe(500)
    expect(res.json()).toMatchObject({ code: 'BRISK_ERR_TEMPLATES_NOT_REGISTERED' })
    await app.close()
  })
})

describe('start-up errors', () => {
  it('name a template folder that does not exist', async () => {
    const app = newApp().use(templates, { folders: [appFolder, '/no/such/templates'] })
    await expect(app.ready()).rejects.toMatchObject({
      code: 'BRISK_ERR_TEMPLATE_FOLDER',
      message: expect.stringContaining('/no/such/templates'),
    })
  })

  it('refuse a folder that is neither a path nor a URL', async () => {
    const app = newApp().use(templates, { folders: [42 as never] })
    await expect(app.ready()).rejects.toThrow(/a folder must be a path or a file: URL/)
  })

  it('refuse a folder that is a file', async () => {
    const app = newApp().use(templates, { folders: `${adminFolder}/layout.html` })
    await expect(app.ready()).rejects.toMatchObject({ code: 'BRISK_ERR_TEMPLATE_FOLDER' })
  })

  it('refuse a template option that is not a string', async () => {
    const app = newApp().use(templates, { folders: appFolder })
    app.get('/', { template: 42 as unknown as string }, () => ({}))
    await expect(app.ready()).rejects.toThrow(/template option of GET \/ must be a non-empty string/)
  })

  it('refuse options that are not an object, and context / configure that are not functions', async () => {
    await expect(
      newApp()
        .use(templates, 'templates' as never)
        .ready(),
    ).rejects.toThrow(/options must be an object/)
    await expect(
      newApp()
        .use(templates, { folders: appFolder, context: {} as never })
        .ready(),
    ).rejects.toThrow(/context must be a function/)
  })
})
