import { describe } from 'vitest'
import { makeFullApp } from '../src/full-app'
import { runtimeSuite } from './_suite'

// Node: every case straight through app.fetch, no socket.
describe('node: app.fetch', () => {
  const app = makeFullApp()
  runtimeSuite(() => ({ send: async (request) => app.fetch(request), origin: 'http://localhost' }))
})
