import { createTest } from '@brisk/testing/vitest'
import { describe, expect } from 'vitest'
import { createApp } from '../src/app.js'

// A new app per test, with a client that needs no socket; both are closed after the test.
const test = createTest(() => createApp())

describe('__APP_NAME__', () => {
  test('answers on /', async ({ client }) => {
    const res = await client.get('/')
    expect(res).toHaveStatus(200)
    expect(res.json()).toEqual({ name: '__APP_NAME__', hello: '/hello/world' })
  })

  test('greets by name through the blueprint', async ({ client }) => {
    const res = await client.get('/hello/ada')
    expect(res).toHaveStatus(200)
    expect(res).toHaveRoute('greetings.show')
    expect(res.json()).toEqual({ greeting: 'Hello, ada!' })
  })

  test('reads an <int> parameter as a number, and refuses too many', async ({ client }) => {
    const res = await client.get('/hello/ada/2')
    expect(res.request.params).toEqual({ name: 'ada', times: 2 })
    expect(res.json()).toEqual({ greetings: ['Hello, ada!', 'Hello, ada!'] })
    expect(await client.get('/hello/ada/11')).toHaveStatus(400)
    expect(await client.get('/hello/ada/two')).toHaveStatus(404)
  })
})
