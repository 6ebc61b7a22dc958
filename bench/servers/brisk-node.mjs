/** Brisk on `node:http` (`listen({ server: 'node' })`): what Brisk's own HTTP/1.1 server saves. */
import { createApp } from './_brisk-app.mjs'
import { HOST, isMain, port } from './_main.mjs'

export { scenarios } from './_brisk-app.mjs'
export const framework = { name: 'Brisk (node:http)', package: '@brisk/core' }

if (isMain(import.meta.url)) {
  await createApp().listen({ port: port(), host: HOST, server: 'node' })
  console.log('ready')
}
