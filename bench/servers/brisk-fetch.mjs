/**
 * The same Brisk app answered through `app.fetch` (Web `Request` in, `Response` out), served by
 * `@hono/node-server` exactly as `hono.mjs` serves Hono: what the Web-standard path costs on Node.
 */
import { serve } from '@hono/node-server'
import { createApp } from './_brisk-app.mjs'
import { HOST, isMain, port } from './_main.mjs'

export { scenarios } from './_brisk-app.mjs'
export const framework = { name: 'Brisk (app.fetch)', package: '@brisk/core' }

if (isMain(import.meta.url)) {
  const app = createApp()
  await app.ready()
  serve({ fetch: (request) => app.fetch(request), port: port(), hostname: HOST }, () => console.log('ready'))
}
