/**
 * What a person sees: Debian's headless Chromium opens the showcase's `/` and `/docs`. The books are
 * listed in the layout with its stylesheet applied, Swagger UI shows the showcase's operations, and every
 * request either page makes goes to the app's own origin (the docs work with no internet).
 */
import { readFileSync } from 'node:fs'
import type { Brisk } from '@brisk/core'
import { offlineChromium } from '@brisk/testing/services'
import { type Browser, chromium, type Page } from 'playwright-core'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { createShowcase } from '../../src/app'
import { readConfig } from '../../src/config'

let app: Brisk<any>
let origin: string
let browser: Browser

beforeAll(async () => {
  app = createShowcase(readConfig({ JWT_SECRET: 'a-secret-for-the-browser-test-only-0123456789' }))
  origin = (await app.listen({ port: 0, host: '127.0.0.1', signals: false })).url.replace(/\/$/, '')
  browser = await chromium.launch(offlineChromium())
}, 45_000)

afterAll(async () => {
  await browser?.close()
  await app?.close()
})

/** A page that records every request it makes, the responses that were not 2xx, and script errors. */
async function watchedPage(): Promise<{ page: Page; requests: string[]; problems: string[] }> {
  const page = await browser.newPage()
  page.setDefaultTimeout(15_000)
  const requests: string[] = []
  const problems: string[] = []
  page.on('request', (request) => requests.push(request.url()))
  page.on('response', (response) => {
    if (response.status() >= 400) problems.push(`${response.status()} ${response.url()}`)
  })
  page.on('requestfailed', (request) => problems.push(`failed: ${request.url()}`))
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`))
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console: ${message.text()} ${message.location().url}`)
  })
  return { page, requests, problems }
}

/** The requests that left the app's origin (inline `data:` URLs stay in the page). */
const elsewhere = (requests: string[]) =>
  requests.filter((url) => !url.startsWith(`${origin}/`) && !url.startsWith('data:'))

it('lists the books on / in the layout, with the stylesheet applied', async () => {
  const books = (await (await fetch(`${origin}/api/v1/books`)).json()) as { title: string; author: string }[]
  expect(books.length).toBeGreaterThanOrEqual(3)
  const { page, requests, problems } = await watchedPage()
  try {
    await page.goto(`${origin}/`)
    expect(await page.title()).toBe('Books · Brisk showcase')
    expect(await page.locator('h1').textContent()).toBe('Books')
    const items = (await page.locator('ul.books li').allInnerTexts()).map((text) => text.replace(/\s+/g, ' '))
    expect(items).toHaveLength(books.length)
    for (const [i, book] of books.entries()) {
      expect(items[i]).toContain(book.title)
      expect(items[i]).toContain(book.author)
    }
    // The layout's navigation and footer are there.
    expect(await page.locator('header .brand').textContent()).toBe('Bookshelf')
    expect(await page.locator('header nav a').allInnerTexts()).toEqual(['API docs', 'openapi.json', 'Hello'])

    // style.css is applied: values only it gives (a browser's defaults differ).
    const css = readFileSync(new URL('../../public/style.css', import.meta.url), 'utf8')
    expect(css).toContain('max-width: 42rem')
    const style = await page.evaluate(() => {
      const body = getComputedStyle(document.body)
      const header = getComputedStyle(document.querySelector('header')!)
      const brand = getComputedStyle(document.querySelector('.brand')!)
      return {
        bodyMaxWidth: body.maxWidth,
        headerDisplay: header.display,
        headerJustify: header.justifyContent,
        brandWeight: brand.fontWeight,
        brandDecoration: brand.textDecorationLine,
        sheets: [...document.styleSheets].map((sheet) => sheet.href),
      }
    })
    expect(style).toEqual({
      bodyMaxWidth: '672px', // 42rem of 16px
      headerDisplay: 'flex',
      headerJustify: 'space-between',
      brandWeight: '700',
      brandDecoration: 'none',
      sheets: [`${origin}/static/style.css`],
    })

    expect(requests).toEqual(expect.arrayContaining([`${origin}/`, `${origin}/static/style.css`]))
    expect(elsewhere(requests)).toEqual([])
    expect(problems.filter((line) => !line.endsWith(`${origin}/favicon.ico`))).toEqual([])
  } finally {
    await page.close()
  }
}, 60_000)

it('shows Swagger UI on /docs with the showcase operations and the Authorize button, all from the app', async () => {
  const { page, requests, problems } = await watchedPage()
  try {
    // As a person gets there: the "API docs" link of the books page.
    await page.goto(`${origin}/`)
    await page.getByRole('link', { name: 'API docs' }).click()
    await page.waitForURL(`${origin}/docs`)
    await page.locator('.opblock').first().waitFor({ timeout: 20_000 })

    expect(await page.locator('.info .title').textContent()).toContain('Brisk showcase: bookshelf')
    const operations = (await page.locator('.opblock-summary').allInnerTexts()).map((text) =>
      text.replace(/\s+/g, ' '),
    )
    for (const [method, path] of [
      ['GET', '/api/v1/books'],
      ['POST', '/api/v1/books'],
      ['DELETE', '/api/v1/books/{id}'],
      ['POST', '/auth'],
      ['GET', '/session/visits'],
    ]) {
      expect(operations.some((text) => text.includes(method!) && text.includes(path!))).toBe(true)
    }
    // Only the protected operations carry a lock.
    const locked = page.locator('.opblock').filter({ has: page.locator('.authorization__btn') })
    expect(await locked.count()).toBeGreaterThan(0)
    expect(await locked.count()).toBeLessThan(await page.locator('.opblock').count())
    const authorize = page.locator('.auth-wrapper .authorize')
    expect(await authorize.isVisible()).toBe(true)
    expect((await authorize.textContent())?.trim()).toBe('Authorize')

    // "Try it out" on the public list answers with the books.
    const list = page
      .locator('.opblock-get')
      .filter({ has: page.locator('.opblock-summary-path[data-path="/api/v1/books"]') })
    expect(await list.count()).toBe(1)
    await list.locator('.opblock-summary').click()
    await list.locator('.try-out__btn').click()
    await list.locator('.execute').click()
    const status = list.locator('.live-responses-table tr.response .response-col_status').first()
    await status.waitFor({ timeout: 20_000 })
    expect((await status.textContent())?.trim()).toBe('200')

    expect(requests).toEqual(expect.arrayContaining([`${origin}/docs`, `${origin}/openapi.json`]))
    expect(elsewhere(requests)).toEqual([])
    expect(problems.filter((line) => !line.endsWith(`${origin}/favicon.ico`))).toEqual([])
  } finally {
    await page.close()
  }
}, 60_000)
