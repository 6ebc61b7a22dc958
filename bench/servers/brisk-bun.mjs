/**
 * The Brisk app of `_brisk-app.mjs` on Bun: `Bun.serve({ fetch: app.fetch })`, as core's README shows it.
 * Run by the harness with the `bun` binary of the `bun` npm package (`runtime` below); node only imports this
 * file to read what it declares, and `import.meta.main` is false there.
 */
import { createApp } from './_brisk-app.mjs'
import { HOST, port } from './_main.mjs'

export { scenarios } from './_brisk-app.mjs'
export const framework = { name: 'Brisk (Bun)', package: '@brisk/core' }
export const runtime = 'bun'

if (import.meta.main) {
  const app = createApp()
  await app.ready()
  Bun.serve({ port: port(), hostname: HOST, fetch: app.fetch })
  console.log('ready')
}
