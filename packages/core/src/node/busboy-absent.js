// What `#busboy` (package.json "imports") resolves to under the Worker conditions (workerd, worker, browser).
// busboy is CommonJS and requires node's bare `stream`, which a Worker without nodejs_compat lacks and which
// wrangler refuses to bundle without that flag. Importing this fails, so the door (src/node-door.ts) cannot
// open for uploads and a multipart body is read by the runtime's own parser instead (http/multipart-web.ts).
throw new Error('busboy is left out of Worker bundles: the runtime reads multipart bodies itself')
