/**
 * The node-only half as the door (`../node-door.ts`) hands it out: the own server and the node:http entry,
 * workers, signals, files on disk and multipart temporary files. Importing it loads no node built-in; the
 * door first awaits `need()` for the feature asked for (see `builtins.ts`).
 */
export type { BuiltinName } from './builtins'
export { isWorker, reportFailure, reportReady, startPrimary } from './cluster'
export { parseMultipart, removeFiles } from './multipart-parse'
export { listenServer } from './server'
export { trackSignals, untrackSignals } from './signals'
export { checkFolder, fileResponse, locate, serveFile } from './static-files'
