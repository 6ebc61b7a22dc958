import { empty, json, text } from '@brisk/core'
import { forEachEntry } from '@brisk/testing/vitest'
import { describe, expect, it } from 'vitest'
import { cors } from '../src/index'
import { appendVary, varyTokens } from '../src/vary'
import { ALLOWED, from, newApp, OTHER, preflight, withClient } from './_apps'

describe('appendVary()', () => {
  const origin = varyTokens(['Origin'])
  const both = varyTokens(['Origin', 'Access-Control-Request-Headers'])

  it('sets the header when there is none, or an empty one', () => {
    const headers: Record<string, string | string[]> = {}
    appendVary(headers, both)
    expect(headers.vary).toBe('Origin, Access-Control-Request-Headers')
    const blank: Record<string, string | string[]> = { vary: '' }
    appendVary(blank, origin)
    expect(blank.vary).toBe('Origin')
    const blanks: Record<string, string | string[]> = { vary: [' ', ''] }
    appendVary(blanks, origin)
    expect(blanks.vary).toBe('Origin')
  })

  it('appends to what is there, in order, without duplicates, comparing names case-insensitively', () => {
    const headers: Record<string, string | string[]> = { vary: 'Accept-Encoding,origin' }
    appendVary(headers, both)
    expect(headers.vary).toBe('Accept-Encoding,origin, Access-Control-Request-Headers')
    appendVary(headers, both)
    expect(headers.vary).toBe('Accept-Encoding,origin, Access-Control-Request-Headers')
  })

  it('merges several Vary lines into one list', () => {
    const headers: Record<string, string | string[]> = { vary: ['Accept', 'Accept-Language'] }
    appendVary(headers, origin)
    expect(headers.vary).toBe('Accept, Accept-Language, Origin')
  })

  it('leaves Vary: * alone, which already covers every header', () => {
    const headers: Record<string, string | string[]> = { vary: 'Accept, *' }
    appendVary(headers, both)
    expect(headers.vary).toBe('Accept, *')
  })

  it('keeps its own value untouched when it meets it again', () => {
    const headers: Record<string, string | string[]> = { vary: both.value }
    appendVary(headers, both)
    expect(headers.vary).toBe(both.value)
  })
})

forEachEntry('Vary on responses', (make) => {
  it("appends Origin to the handler's Vary on allowed and refused origins alike, and keeps Vary: *", async () => {
    const app = newApp().use(cors, { origins: [ALLOWED] })
    app.get('/books', () => json([], { headers: { vary: 'Accept-Encoding' } }))
    app.get('/negotiated', () => text('x', { headers: { vary: 'Accept, Origin' } }))
    app.get('/star', () => text('x', { headers: { vary: '*' } }))
    await withClient(make, app, async (request) => {
      for (const origin of [ALLOWED, OTHER, undefined]) {
        expect((await request(from(origin))).headers.vary).toBe('Accept-Encoding, Origin')
        expect((await request(from(origin, '/negotiated'))).headers.vary).toBe('Accept, Origin')
        expect((await request(from(origin, '/star'))).headers.vary).toBe('*')
      }
    })
  })

  it("does not add Origin to Vary for '*' (every origin gets the same answer) but keeps the handler's", async () => {
    const app = newApp().use(cors)
    app.get('/books', () => json([], { headers: { vary: 'Accept-Encoding' } }))
    await withClient(make, app, async (request) => {
      expect((await request(from(ALLOWED))).headers.vary).toBe('Accept-Encoding')
    })
  })

  it('appends the preflight entries to the Vary of an OPTIONS handler that answers a refused preflight', async () => {
    const app = newApp().use(cors, { origins: [ALLOWED] })
    app.options('/books', () => empty({ headers: { vary: 'Accept-Language', allow: 'GET' } }))
    await withClient(make, app, async (request) => {
      const refused = await request(preflight(OTHER, '/books', 'PUT', 'x-a'))
      expect(refused.headers.vary).toBe('Accept-Language, Origin, Access-Control-Request-Headers')
      const answered = await request(preflight(ALLOWED, '/books', 'PUT', 'x-a'))
      expect(answered.headers.vary).toBe('Origin, Access-Control-Request-Headers')
    })
  })

  it("keeps what the app's own response middleware does to Vary after CORS", async () => {
    const app = newApp().use(cors, { origins: [ALLOWED] })
    app.onResponse((_req, res) => {
      const current = res.headers.vary
      res.header('vary', current === undefined ? 'Accept-Encoding' : `${String(current)}, Accept-Encoding`)
    })
    app.get('/books', () => [])
    await withClient(make, app, async (request) => {
      expect((await request(from(ALLOWED))).headers.vary).toBe('Origin, Accept-Encoding')
      expect((await request(preflight(ALLOWED))).headers.vary).toBe(
        'Origin, Access-Control-Request-Headers, Accept-Encoding',
      )
    })
  })
})
