/**
 * The Brisk app of `_brisk-app.mjs` on Deno: `Deno.serve(app.fetch)`, as core's README shows it. Run by the
 * harness with the `deno` binary of the `deno` npm package (`runtime` below); node only imports this file to
 * read what it declares, and `import.meta.main` is false there.
 */
import { createApp } from './_brisk-app.mjs'
import { HOST, port } from './_main.mjs'

export { scenarios } from './_brisk-app.mjs'
export const framework = { name: 'Brisk (Deno)', package: '@brisk/core' }
export const runtime = 'deno'

if (import.meta.main) {
  const app = createApp()
  await app.ready()
  Deno.serve({ port: port(), hostname: HOST, onListen: () => console.log('ready') }, app.fetch)
}
