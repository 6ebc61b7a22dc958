/**
 * The plugin behaves the same through every entry: `app.inject`, a live node server, and `app.fetch` with Web
 * `Request`s. Cookies are carried by hand here, since each request of an entry client stands alone.
 */

import { forEachEntry } from '@brisk/testing/vitest'
import { describe, expect, it } from 'vitest'
import { CookieStore } from '../src/index'
import { sessionApp } from './_helpers'

function sid(headers: Record<string, string | string[] | undefined>): string | undefined {
  const line = ((headers['set-cookie'] as string[] | undefined) ?? []).find((l) => l.startsWith('sid='))
  return line?.slice(0, line.indexOf(';'))
}

for (const [store, make] of [
  ['memory store', () => undefined],
  ['cookie store', () => new CookieStore()],
] as const) {
  describe(store, () => {
    forEachEntry('sessions', (client) => {
      it('counts visits with the cookie it set, refuses a forged one, and forgets a destroyed one', async () => {
        const http = await client(sessionApp(make() === undefined ? {} : { store: make() }))
        try {
          const first = await http.request('/visits')
          expect(JSON.parse(first.body)).toEqual({ visits: 1 })
          let cookie = sid(first.headers)!
          expect(cookie).toMatch(/^sid=.+/)
          const second = await http.request({ url: '/visits', headers: { cookie } })
          expect(JSON.parse(second.body)).toEqual({ visits: 2 })
          if (store === 'memory store') expect(second.headers['set-cookie']).toBeUndefined()
          else cookie = sid(second.headers)! // the data lives in the cookie: every change sends a new one
          const forged = await http.request({ url: '/visits', headers: { cookie: `${cookie}x` } })
          expect(JSON.parse(forged.body)).toEqual({ visits: 1 })
          expect(sid(forged.headers)).not.toBe(cookie)
          const plain = await http.request({ url: '/plain', headers: { cookie } })
          expect(plain.headers['set-cookie']).toBeUndefined()
          const reset = await http.request({ method: 'POST', url: '/reset', headers: { cookie } })
          expect(reset.status).toBe(204)
          expect(sid(reset.headers)).toBe('sid=')
          if (store === 'memory store') {
            // a server-side store forgets it; a cookie store cannot (see the README)
            const replay = await http.request({ url: '/visits', headers: { cookie } })
            expect(JSON.parse(replay.body)).toEqual({ visits: 1 })
          }
        } finally {
          await http.close()
        }
      })
    })
  })
}
