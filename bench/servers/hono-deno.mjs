/** The Hono app of `_hono-app.mjs` on Deno: `Deno.serve(app.fetch)`. */
import { createApp } from './_hono-app.mjs'
import { HOST, port } from './_main.mjs'

export { scenarios } from './_hono-app.mjs'
export const framework = { name: 'Hono (Deno)', package: 'hono' }
export const runtime = 'deno'

if (import.meta.main) {
  Deno.serve({ port: port(), hostname: HOST, onListen: () => console.log('ready') }, createApp().fetch)
}
