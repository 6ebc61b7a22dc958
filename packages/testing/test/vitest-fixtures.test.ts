import type { Brisk } from '@brisk/core'
import { afterAll, describe, expect } from 'vitest'
import { createTest } from '../src/vitest'
import { type Echo, shopApp } from './_apps'

/** Every app the factories made, and those that were closed. */
const made: Brisk<any>[] = []
const stopped = new Set<Brisk<any>>()

function makeApp() {
  const app = shopApp()
  app.afterStop(() => {
    stopped.add(app)
  })
  made.push(app)
  return app
}

const test = createTest(makeApp)
const ROUNDS = 8

describe.concurrent('createTest() under describe.concurrent', () => {
  for (let i = 0; i < ROUNDS; i++) {
    test(`test ${i} gets its own app, client and cookie jar`, async ({ app, client, expect }) => {
      expect(client.app).toBe(app)
      expect(client.mode).toBe('inject')
      client.cookies.set('who', String(i))
      // Interleave the tests so a shared client or jar would show.
      await new Promise((resolve) => setTimeout(resolve, (ROUNDS - i) * 3))
      const res = await client.get(`/books/${i}`)
      expect(res).toHaveStatus(200)
      expect(res).toHaveRoute('books.show')
      expect(res.request.params.id).toBe(i)
      expect((await client.get('/echo')).json<Echo>().cookies).toEqual({ who: String(i) })
    })
  }
})

describe('createTest() fixtures', () => {
  test('builds the app only for tests that ask for it', ({ task }) => {
    expect(task.name).toBe('builds the app only for tests that ask for it')
  })

  test('closes an app the test started through app alone', async ({ app }) => {
    expect((await app.inject({ url: '/books' })).status).toBe(200)
  })

  test('gives the client the default options', ({ client, clientOptions }) => {
    expect(clientOptions).toEqual({})
    expect(client.origin).toBe('http://localhost')
  })

  describe('with test.override({ clientOptions })', () => {
    test.override({ clientOptions: { mode: 'listen', origin: 'https://shop.example' } })

    test('makes a client in listen mode on a live port', async ({ app, client }) => {
      expect(client.mode).toBe('listen')
      const res = await client.get('/echo')
      expect(res.json<Echo>().headers.host).toBe('shop.example')
      expect(app.server?.address.host).toBe('127.0.0.1')
    })
  })
})

const listening = createTest(async () => makeApp(), { mode: 'listen' })

describe.concurrent('createTest(factory, { mode: "listen" }) with an async factory', () => {
  for (let i = 0; i < 4; i++) {
    listening(`test ${i} runs against its own server`, async ({ app, client, expect }) => {
      const res = await client.post('/books', { json: { n: i } })
      expect(res).toHaveStatus(201)
      expect(res.json()).toEqual({ created: { n: i } })
      expect(app.server).not.toBeNull()
    })
  }
})

afterAll(() => {
  // 8 concurrent + 3 that use app or client + 4 listening; the test that asked for nothing built no app.
  expect(made.length).toBe(ROUNDS + 3 + 4)
  expect(new Set(made).size).toBe(made.length)
  // Every app served a request, so every app was started, and each was closed after its test.
  expect(made.filter((app) => !stopped.has(app))).toHaveLength(1) // the one whose test only read the options
  expect(made.every((app) => app.server === null || !app.server.raw.listening)).toBe(true)
})
