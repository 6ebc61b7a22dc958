/** The Hono app of `_hono-app.mjs` on Bun: `Bun.serve({ fetch: app.fetch })`. */
import { createApp } from './_hono-app.mjs'
import { HOST, port } from './_main.mjs'

export { scenarios } from './_hono-app.mjs'
export const framework = { name: 'Hono (Bun)', package: 'hono' }
export const runtime = 'bun'

if (import.meta.main) {
  Bun.serve({ port: port(), hostname: HOST, fetch: createApp().fetch })
  console.log('ready')
}
