import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { Blueprint } from '@brisk/core'
import { forEachEntry } from '@brisk/testing/vitest'
import { describe, expect, it } from 'vitest'
import { render, templates } from '../src/index'
import { newApp, tempFolder } from './_helpers'

function folder(): string {
  return tempFolder({
    'base.html': '[v1 layout]{% block body %}{% endblock %}',
    'page.html': '{% extends "base.html" %}{% block body %}v1 {{ n }}{% endblock %}',
  })
}

forEachEntry('compiled templates', (make) => {
  it('are cached outside development mode: a changed file is not read again', async () => {
    const dir = folder()
    const app = newApp({ dev: false }).use(templates, { folders: dir })
    app.get('/', (req) => render(req, 'page.html', { n: 1 }))
    const client = await make(app)
    try {
      expect((await client.request('/')).body).toBe('[v1 layout]v1 1')
      writeFileSync(join(dir, 'page.html'), '{% extends "base.html" %}{% block body %}v2{% endblock %}')
      writeFileSync(join(dir, 'base.html'), '[v2 layout]{% block body %}{% endblock %}')
      expect((await client.request('/')).body).toBe('[v1 layout]v1 1')
    } finally {
      await client.close()
    }
  })

  it('are read again in development mode: edits to a page and to its layout show on the next request', async () => {
    const dir = folder()
    const app = newApp({ dev: true }).use(templates, { folders: dir })
    app.get('/', (req) => render(req, 'page.html', { n: 1 }))
    const client = await make(app)
    try {
      expect((await client.request('/')).body).toBe('[v1 layout]v1 1')
      writeFileSync(
        join(dir, 'page.html'),
        '{% extends "base.html" %}{% block body %}v2 {{ n }}{% endblock %}',
      )
      expect((await client.request('/')).body).toBe('[v1 layout]v2 1')
      writeFileSync(join(dir, 'base.html'), '[v2 layout]{% block body %}{% endblock %}')
      expect((await client.request('/')).body).toBe('[v2 layout]v2 1')
    } finally {
      await client.close()
    }
  })
})

describe('the cache option', () => {
  it('overrides the development-mode default either way', async () => {
    for (const [dev, cache, expected] of [
      [true, true, 'v1'],
      [false, false, 'v2'],
    ] as const) {
      const dir = tempFolder({ 'page.html': 'v1' })
      const app = newApp({ dev }).use(templates, { folders: dir, cache })
      app.get('/', (req) => render(req, 'page.html'))
      expect((await app.inject({ url: '/' })).body).toBe('v1')
      writeFileSync(join(dir, 'page.html'), 'v2')
      expect((await app.inject({ url: '/' })).body).toBe(expected)
      await app.close()
    }
  })

  it('is the app’s for a blueprint unless the blueprint sets its own', async () => {
    const appDir = tempFolder({ 'page.html': 'v1' })
    const bpDir = tempFolder({ 'other.html': 'w1' })
    const app = newApp({ dev: false }).use(templates, { folders: appDir, cache: false })
    const bp = new Blueprint('bp', { prefix: '/bp' }).use(templates, { folders: bpDir })
    bp.get('/', (req) => render(req, 'page.html'))
    app.blueprint(bp)
    expect((await app.inject({ url: '/bp' })).body).toBe('v1')
    writeFileSync(join(appDir, 'page.html'), 'v2')
    expect((await app.inject({ url: '/bp' })).body).toBe('v2')
    await app.close()
  })
})
