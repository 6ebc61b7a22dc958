/**
 * @module @brisk/testing/vitest
 * Vitest fixtures and matchers: `createTest(factory)` returns Vitest's `test` with an `app` built by your
 * factory and a `client` for it, both per test (so `describe.concurrent` is safe) and closed after it.
 *
 * @example
 * import { describe, expect } from 'vitest'
 * import { createTest } from '@brisk/testing/vitest'
 * import { makeApp } from './app'
 *
 * const test = createTest(() => makeApp())
 * describe.concurrent('books', () => {
 *   test('lists them', async ({ client }) => {
 *     const res = await client.get('/books')
 *     expect(res).toHaveStatus(200)
 *     expect(res).toHaveHeader('content-type', /json/)
 *   })
 * })
 */
import type { Brisk } from '@brisk/core'
import { test as base, expect } from 'vitest'
import { attach } from './app-state'
import { type TestClient, testClient } from './client'
import type { TestClientOptions } from './session'
import { type BriskMatchers, matchers } from './vitest/matchers'

/** The fixtures `createTest` adds to each test's context. */
export interface BriskFixtures<A extends Brisk<any> = Brisk<any>> {
  /** A new app from your factory, closed after the test if it started. */
  app: A
  /** A client for `app`, closed after the test. */
  client: TestClient
  /** The client's options; change them for a suite with `test.override({ clientOptions: { mode: 'listen' } })`. */
  clientOptions: TestClientOptions
}

/**
 * Vitest's `test` with `app`, `client` and `clientOptions` fixtures. `factory` runs once per test that
 * uses `app` or `client`, and must build a new app each time (an app serves one life: start, close). Also
 * installs the matchers (`toHaveStatus`, `toHaveHeader`, `toHaveRoute`).
 *
 * @example
 * const test = createTest(() => makeApp(), { mode: 'listen' })
 * test('creates a book', async ({ client }) => {
 *   const res = await client.post('/books', { json: { title: 'Dune' } })
 *   expect(res).toHaveStatus(201)
 * })
 */
export function createTest<A extends Brisk<any>>(
  factory: () => A | Promise<A>,
  options: TestClientOptions = {},
) {
  if (typeof factory !== 'function')
    throw new TypeError('createTest(): expected a function that builds a new app')
  installMatchers()
  return base.extend<BriskFixtures<A>>({
    clientOptions: options,
    // biome-ignore lint/correctness/noEmptyPattern: Vitest reads a fixture's dependencies from this pattern; it has none
    app: async ({}, use) => {
      const app = await factory()
      // Hooks go on before the test can start the app, so `res.request` works and teardown knows if it ran.
      const state = attach(app)
      await use(app)
      if (state.started && !state.closed) await app.close()
    },
    client: async ({ app, clientOptions }, use) => {
      const client = testClient(app, clientOptions)
      await use(client)
      await client.close()
    },
  })
}

/**
 * Installs the matchers on Vitest's `expect` (done by `createTest`; call it in a setup file otherwise).
 *
 * @example
 * // vitest.setup.ts, listed in `test.setupFiles`
 * import { installMatchers } from '@brisk/testing/vitest'
 * installMatchers()
 */
export function installMatchers(): void {
  expect.extend(matchers)
}

export type { BriskMatchers }
export { matchers }

declare module 'vitest' {
  interface Matchers<T = any> extends BriskMatchers<T> {}
}

// The Vite plugin for `vitest.config.ts` that lowers standard decorators (Oxc does not): see decorators.ts.
export type { DecoratorsPlugin } from './vitest/decorators'
export { standardDecorators } from './vitest/decorators'
export type { EntryClient, EntryName, Got, Sent } from './vitest/entries'
export { entryNames, forEachEntry, makeClient, once } from './vitest/entries'
export type { ErrorTableOptions } from './vitest/errors-doc'
export { describeErrorTable, errorCodesInSource, readErrorTable } from './vitest/errors-doc'
