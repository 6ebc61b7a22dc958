import { Blueprint, type Brisk } from '@brisk/core'
import { forEachEntry, once } from '@brisk/testing/vitest'
import { describe, expect, it } from 'vitest'
import { render, templates } from '../src/index'
import { adminFolder, appFolder, newApp, tempFolder } from './_helpers'

/** The app's templates and filters, and an admin blueprint with a folder of its own. */
function shop(): Brisk {
  const app = newApp().use(templates, {
    folders: [appFolder],
    filters: { shout: (s: string) => s.toUpperCase() },
    globals: { site: 'Brisk Books', badge: 'app badge' },
  })
  app.get('/', (req) => render(req, 'page.html', { title: 'Shelf', books: [] }))
  app.get('/dashboard', (req) => render(req, 'dashboard.html'))
  const admin = new Blueprint('admin', { prefix: '/admin' })
  admin.use(templates, { folders: [adminFolder], globals: { badge: 'admin badge' } })
  admin.get('/dashboard', (req) => render(req, 'dashboard.html'))
  admin.get('/page', { template: 'page.html' }, () => ({ title: 'Books', books: [{ id: 9, title: 'Ubik' }] }))
  app.blueprint(admin)
  return app
}

forEachEntry('blueprint template folders', (make) => {
  it('are searched first for the blueprint’s routes, then the app’s, with the app’s filters and globals', async () => {
    const res = await once(make, shop(), '/admin/dashboard')
    expect(res.status).toBe(200)
    expect(res.body).toContain('<title>Admin · Dashboard</title>')
    expect(res.body).toContain('<header>admin layout admin badge</header>')
    expect(res.body).toContain('<h1>DASHBOARD</h1>')
    // partials/footer.html is only in the app's folder.
    expect(res.body).toContain('<footer>Brisk Books</footer>')
  })

  it('shadow the app’s templates that an app template extends', async () => {
    const res = await once(make, shop(), '/admin/page')
    expect(res.body).toContain('<header>admin layout admin badge</header>')
    expect(res.body).not.toContain('app layout')
    expect(res.body).toContain('<li><a href="/books/9">Ubik</a></li>')
  })

  it('stay out of the app’s own routes', async () => {
    const client = await make(shop())
    try {
      const page = await client.request('/')
      expect(page.body).toContain('<header>app layout</header>')
      expect(page.body).not.toContain('admin')
      expect((await client.request('/dashboard')).status).toBe(500)
    } finally {
      await client.close()
    }
  })
})

describe('a blueprint’s registration', () => {
  it('works without the app registering the plugin, and the app’s routes then cannot render', async () => {
    const app = newApp({ dev: true })
    const bp = new Blueprint('solo', { prefix: '/solo' })
    bp.use(templates, { folders: adminFolder, filters: { shout: (s: string) => `${s}!` } })
    bp.get('/', (req) => render(req, 'dashboard.html'))
    app.blueprint(bp)
    app.get('/', (req) => render(req, 'dashboard.html'))
    const solo = await app.inject({ url: '/solo' })
    expect(solo.status).toBe(500)
    // Without the app's folder, the include of partials/footer.html is missing.
    expect(solo.json<{ detail: string }>().detail).toContain('"partials/footer.html" was not found')
    const root = await app.inject({ url: '/' })
    expect(root.json()).toMatchObject({ status: 500, code: 'BRISK_ERR_TEMPLATES_NOT_REGISTERED' })
    await app.close()
  })

  it('overrides the app’s filters of the same name, and runs its context processor after the app’s', async () => {
    const dir = tempFolder({ 'page.html': '{{ "x" | mark }} {{ who }} {{ app_only }}' })
    let calls = 0
    const app = newApp().use(templates, {
      folders: appFolder,
      filters: { mark: (s: string) => `app(${s})` },
      context: () => ({ who: 'app', app_only: 'yes' }),
    })
    const bp = new Blueprint('inner', { prefix: '/inner' })
    bp.use(templates, {
      folders: dir,
      filters: { mark: (s: string) => `bp(${s})` },
      context: () => {
        calls++
        return { who: 'blueprint' }
      },
    })
    bp.get('/', { template: 'page.html' }, () => ({}))
    app.blueprint(bp)
    expect((await app.inject({ url: '/inner' })).body).toBe('bp(x) blueprint yes')
    // Both registrations see the route; it is still wrapped (and rendered) once.
    expect(calls).toBe(1)
    await app.close()
  })

  it('gives each blueprint its own folders, also inside a group', async () => {
    const one = tempFolder({ 'name.html': 'one' })
    const two = tempFolder({ 'name.html': 'two' })
    const app = newApp().use(templates, { folders: appFolder })
    const a = new Blueprint('a', { prefix: '/a' }).use(templates, { folders: one })
    const b = new Blueprint('b', { prefix: '/b' }).use(templates, { folders: [two] })
    a.get('/', { template: 'name.html' }, () => null)
    b.get('/', { template: 'name.html' }, () => undefined)
    app.blueprint(Blueprint.group([a, b], { prefix: '/g' }))
    expect((await app.inject({ url: '/g/a' })).body).toBe('one')
    expect((await app.inject({ url: '/g/b' })).body).toBe('two')
    await app.close()
  })

  it('fails at start-up when its folder does not exist', async () => {
    const app = newApp().use(templates, { folders: appFolder })
    const bp = new Blueprint('broken').use(templates, { folders: ['./no-such-folder'] })
    app.blueprint(bp)
    await expect(app.ready()).rejects.toMatchObject({
      code: 'BRISK_ERR_TEMPLATE_FOLDER',
      message: expect.stringContaining('blueprint "broken"'),
    })
  })
})
