import { describe, expect, it } from 'vitest'
import { makeApp } from '../src/app'
import { cases } from '../src/cases'
import { mismatches, toRequest } from '../src/check'

// Node: the cases straight through app.fetch, no socket.
describe('node: app.fetch', () => {
  const app = makeApp()
  it.each(cases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    expect(await mismatches(c, await app.fetch(toRequest(c, 'http://localhost')))).toEqual([])
  })
})
