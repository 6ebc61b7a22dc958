/**
 * create-brisk as a library: what the command does, for tools that scaffold a Brisk project themselves.
 */
export { type Command, helpText, OPTIONS, parseArgs, TEMPLATES, type TemplateName } from './args'
export { CreateBriskError, type CreateBriskErrorCode } from './errors'
export { main, type Output } from './main'
export { projectManifest } from './manifest'
export { assertName, nameProblem } from './name'
export {
  NAME_PLACEHOLDER,
  type ScaffoldOptions,
  type ScaffoldResult,
  scaffold,
  templatesDir,
} from './scaffold'
export {
  BRISK_PACKAGES,
  type BriskPackage,
  briskVersions,
  type Manifest,
  readManifest,
  TOOL_RANGES,
} from './versions'
