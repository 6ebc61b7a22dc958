/**
 * Templates see the session as `session` (@brisk/templates reads `req.ctx.session`), with no import between
 * the two packages: its methods are async, so a template waits for them with the `await` filter.
 */
import { Brisk } from '@brisk/core'
import { templates } from '@brisk/templates'
import { testClient } from '@brisk/testing'
import { expect, it } from 'vitest'
import { session } from '../src/index'
import { SECRET } from './_helpers'

it('renders the session’s values and its flash messages, escaped, once', async () => {
  const app = new Brisk()
    .use(session, { secret: SECRET })
    .use(templates, { folders: [new URL('./fixtures/templates', import.meta.url)] })
  app.post('/login', async (req) => {
    await req.ctx.session.regenerate()
    await req.ctx.session.set('user', { name: '<Ada>' })
    await req.ctx.session.flash('success', 'Welcome & hello')
  })
  app.get('/account', { template: 'account.html' }, () => ({}))
  const client = testClient(app)
  const anonymous = await client.get('/account')
  expect(anonymous.text()).toContain('user=anonymous')
  expect(anonymous.headers.getSetCookie()).toEqual([]) // reading an empty session stores nothing
  await client.post('/login')
  const page = await client.get('/account')
  expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8')
  expect(page.text()).toContain('user=&lt;Ada&gt;')
  expect(page.text()).toContain('<li>Welcome &amp; hello</li>')
  const again = await client.get('/account')
  expect(again.text()).toContain('user=&lt;Ada&gt;')
  expect(again.text()).not.toContain('<li>') // a flash is shown once
  await client.close()
})
