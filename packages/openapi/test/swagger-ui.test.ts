import type { Brisk } from '@brisk/core'
import { offlineChromium } from '@brisk/testing/services'
import { type Browser, chromium, type Page } from 'playwright-core'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { z } from 'zod'
import { openapi, validated } from '../src/index'
import { expectValidDocument, fakeAuth, newApp } from './_helpers'

let browser: Browser
let app: Brisk
let origin: string
const seenAuthorization: (string | undefined)[] = []

beforeAll(async () => {
  app = newApp('Bookshop')
  app.use(fakeAuth).use(openapi, {
    info: { title: 'Bookshop API', version: '1.2.3' },
    swaggerUI: { title: 'Bookshop docs' },
  })
  app.get('/books', { name: 'listBooks', openapi: { summary: 'List the books' } }, () => [{ title: 'Dune' }])
  app.post(
    '/books',
    validated({ body: z.object({ title: z.string().min(1) }), summary: 'Add a book' }, async (req) =>
      req.json(),
    ),
  )
  app.get('/me', { name: 'whoAmI', auth: {}, openapi: { summary: 'Who am I' } }, (req) => {
    seenAuthorization.push(req.headers.authorization as string | undefined)
    return { user: 'ada' }
  })
  origin = (await app.listen({ port: 0, host: '127.0.0.1', signals: false })).url.replace(/\/$/, '')
  browser = await chromium.launch(offlineChromium())
}, 60_000)

afterAll(async () => {
  await browser?.close()
  await app?.close()
})

/** A page that records console errors, page errors and every request that leaves the app's origin. */
async function watchedPage(): Promise<{ page: Page; problems: string[] }> {
  const page = await browser.newPage()
  const problems: string[] = []
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console: ${message.text()}`)
  })
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`))
  page.on('request', (request) => {
    const url = request.url()
    if (!url.startsWith(`${origin}/`) && !url.startsWith('data:')) problems.push(`left the app: ${url}`)
  })
  page.on('requestfailed', (request) => problems.push(`failed: ${request.url()}`))
  return { page, problems }
}

it('lists the operations, authorises with a bearer token, runs "Try it out", all from the app alone', async () => {
  const { page, problems } = await watchedPage()
  try {
    await page.goto(`${origin}/docs`)
    expect(await page.title()).toBe('Bookshop docs')
    await page.locator('.opblock').first().waitFor({ timeout: 20_000 })
    const operations = await page.locator('.opblock-summary').allInnerTexts()
    const flat = operations.map((text) => text.replace(/\s+/g, ' '))
    expect(flat.some((t) => t.includes('GET') && t.includes('/books') && t.includes('List the books'))).toBe(
      true,
    )
    expect(flat.some((t) => t.includes('POST') && t.includes('/books') && t.includes('Add a book'))).toBe(
      true,
    )
    expect(flat.some((t) => t.includes('GET') && t.includes('/me') && t.includes('Who am I'))).toBe(true)
    expect(await page.locator('.info .title').textContent()).toContain('Bookshop API')

    // Authorise with a bearer token through the UI.
    await page.locator('.auth-wrapper .authorize').click()
    await page.locator('.modal-ux input').first().fill('good')
    await page.locator('.modal-ux .auth-btn-wrapper .authorize').click()
    await page.locator('.modal-ux .btn-done').click()
    // persistAuthorization keeps it in the browser's storage.
    expect(await page.evaluate(() => localStorage.getItem('authorized'))).toContain('good')

    // Try it out on the protected operation.
    const me = page.locator('.opblock').filter({ hasText: '/me' })
    await me.locator('.opblock-summary').click()
    await me.locator('.try-out__btn').click()
    await me.locator('.execute').click()
    const status = me.locator('.live-responses-table tr.response .response-col_status').first()
    await status.waitFor({ timeout: 20_000 })
    expect((await status.textContent())?.trim()).toBe('200')
    expect(await me.locator('.live-responses-table .microlight').first().textContent()).toContain(
      '"user": "ada"',
    )
    expect(seenAuthorization).toEqual(['Bearer good'])
    expect(problems).toEqual([])
  } finally {
    await page.close()
  }
}, 60_000)

it('serves every asset the page loads from the app', async () => {
  const { page, problems } = await watchedPage()
  const loaded: string[] = []
  page.on('response', (response) => loaded.push(`${response.status()} ${new URL(response.url()).pathname}`))
  try {
    await page.goto(`${origin}/docs`)
    await page.locator('.opblock').first().waitFor({ timeout: 20_000 })
    expect(loaded).toEqual(
      expect.arrayContaining([
        '200 /docs',
        '200 /docs/swagger-ui.css',
        '200 /docs/swagger-ui-bundle.js',
        '200 /docs/swagger-initializer.js',
        '200 /openapi.json',
      ]),
    )
    expect(loaded.filter((line) => !line.startsWith('200 '))).toEqual([])
    await expectValidDocument(await (await fetch(`${origin}/openapi.json`)).json())
    expect(problems).toEqual([])
  } finally {
    await page.close()
  }
}, 60_000)
