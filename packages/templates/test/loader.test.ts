import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { forEachEntry } from '@brisk/testing/vitest'
import { describe, expect, it } from 'vitest'
import { render, templates } from '../src/index'
import { FolderLoader } from '../src/loader'
import { appFolder, newApp, tempFolder } from './_helpers'

describe('FolderLoader', () => {
  it('finds a template in the first folder that has it', () => {
    const first = tempFolder({ 'a.html': 'first a' })
    const second = tempFolder({ 'a.html': 'second a', 'b.html': 'second b' })
    const loader = new FolderLoader([first, second], false)
    expect(loader.getSource('a.html')?.src).toBe('first a')
    expect(loader.getSource('b.html')).toMatchObject({
      src: 'second b',
      path: join(second, 'b.html'),
      noCache: false,
    })
    expect(loader.getSource('c.html')).toBeNull()
  })

  it('never reads outside its folders, even from a sibling whose name starts like the folder’s', () => {
    const root = tempFolder({})
    mkdirSync(join(root, 'templates'))
    mkdirSync(join(root, 'templates-private'))
    writeFileSync(join(root, 'templates', 'ok.html'), 'ok')
    writeFileSync(join(root, 'templates-private', 'secret.html'), 'secret')
    writeFileSync(join(root, 'outside.html'), 'outside')
    const loader = new FolderLoader([join(root, 'templates')], true)
    expect(loader.getSource('ok.html')?.src).toBe('ok')
    expect(loader.getSource('../templates-private/secret.html')).toBeNull()
    expect(loader.getSource('../outside.html')).toBeNull()
    expect(loader.getSource(join(root, 'outside.html'))).toBeNull()
    expect(loader.getSource('sub/../../outside.html')).toBeNull()
  })

  it('treats a folder as not found, and reports noCache as configured', () => {
    const dir = tempFolder({ 'page.html': 'p' })
    mkdirSync(join(dir, 'layouts'))
    const loader = new FolderLoader([dir], true)
    expect(loader.getSource('layouts')).toBeNull()
    expect(loader.getSource('.')).toBeNull()
    expect(loader.getSource('page.html')?.noCache).toBe(true)
  })

  it('names files by their path inside a folder, and nothing outside', () => {
    const dir = tempFolder({})
    const loader = new FolderLoader([dir], false)
    expect(loader.nameOf(join(dir, 'layouts', 'base.html'))).toBe('layouts/base.html')
    expect(loader.nameOf('/etc/passwd')).toBeUndefined()
  })
})

forEachEntry('template names from the request', (make) => {
  it('cannot read files outside the template folders', async () => {
    const app = newApp().use(templates, { folders: appFolder })
    app.get('/page', (req) => render(req, String(req.query.name)))
    const client = await make(app)
    try {
      for (const name of [
        '../../package.json',
        '..%2F..%2Fpackage.json',
        '/etc/passwd',
        '../templates-x/y.html',
      ]) {
        const res = await client.request(`/page?name=${name}`)
        expect(res.status).toBe(500)
        expect(res.body).not.toContain('nunjucks')
        expect(res.body).not.toContain('root:')
      }
    } finally {
      await client.close()
    }
  })
})
