/** Brisk on its own node server (`app.listen`). */
import { createApp } from './_brisk-app.mjs'
import { HOST, isMain, port } from './_main.mjs'

export { scenarios } from './_brisk-app.mjs'
export const framework = { name: 'Brisk', package: '@brisk/core' }

if (isMain(import.meta.url)) {
  await createApp().listen({ port: port(), host: HOST })
  console.log('ready')
}
