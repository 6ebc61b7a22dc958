/** Hono 4 on Node through `@hono/node-server`. */
import { serve } from '@hono/node-server'
import { createApp } from './_hono-app.mjs'
import { HOST, isMain, port } from './_main.mjs'

export { scenarios } from './_hono-app.mjs'
export const framework = { name: 'Hono', package: 'hono' }

if (isMain(import.meta.url)) {
  serve({ fetch: createApp().fetch, port: port(), hostname: HOST }, () => console.log('ready'))
}
