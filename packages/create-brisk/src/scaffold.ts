/**
 * Writes the new project: the files of templates/shared, then those of templates/<template> (which may
 * replace a shared one), with `__APP_NAME__` replaced by the package name, then package.json. Refuses a
 * folder that exists and is not empty before writing anything.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { basename, dirname, join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { TemplateName } from './args'
import { CreateBriskError } from './errors'
import { projectManifest } from './manifest'
import { assertName } from './name'
import type { BriskPackage } from './versions'

/** The placeholder the template files use for the package name. */
export const NAME_PLACEHOLDER = '__APP_NAME__'

/**
 * Files npm leaves out of a published tarball whatever `files` says (`.gitignore`), kept in the templates
 * under another name.
 */
const RENAMED: Readonly<Record<string, string>> = { gitignore: '.gitignore' }

/** What {@link scaffold} needs. */
export interface ScaffoldOptions {
  /** The folder to create, relative to `cwd` or absolute; its last part is the package name. */
  readonly folder: string
  readonly template: TemplateName
  /** The version of each @brisk package (see versions.ts). */
  readonly versions: Readonly<Record<BriskPackage, string>>
  /** Where a relative `folder` starts; `process.cwd()` by default. */
  readonly cwd?: string
}

/** What {@link scaffold} wrote. */
export interface ScaffoldResult {
  /** The project's absolute path. */
  readonly dir: string
  /** Its package name. */
  readonly name: string
  /** The files written, relative to `dir`, sorted. */
  readonly files: string[]
}

/**
 * Writes a new project into `folder`. Throws `ERR_BAD_NAME` or `ERR_FOLDER_NOT_EMPTY` before it writes
 * anything.
 *
 * @example
 * const { dir, files } = scaffold({ folder: 'my-app', template: 'default', versions })
 * // files: ['.gitignore', 'README.md', 'package.json', 'src/app.ts', …]
 */
export function scaffold(options: ScaffoldOptions): ScaffoldResult {
  const dir = resolve(options.cwd ?? process.cwd(), options.folder)
  const name = basename(dir)
  assertName(name)
  assertEmpty(dir, options.folder)

  const files = new Map<string, string>()
  for (const source of [join(templatesDir(), 'shared'), join(templatesDir(), options.template)]) {
    for (const file of listFiles(source)) {
      const target = join(dirname(file), RENAMED[basename(file)] ?? basename(file))
      files.set(target, readFileSync(join(source, file), 'utf8').replaceAll(NAME_PLACEHOLDER, name))
    }
  }
  files.set(
    'package.json',
    `${JSON.stringify(projectManifest(name, options.template, options.versions), null, 2)}\n`,
  )

  for (const [file, text] of files) {
    mkdirSync(dirname(join(dir, file)), { recursive: true })
    writeFileSync(join(dir, file), text)
  }
  return { dir, name, files: [...files.keys()].map((f) => f.split('\\').join('/')).sort() }
}

/** Refuses a path that is a file, or a folder with anything in it (even a dotfile). */
function assertEmpty(dir: string, shown: string): void {
  if (!existsSync(dir)) return
  if (!statSync(dir).isDirectory()) {
    throw new CreateBriskError(
      'ERR_FOLDER_NOT_EMPTY',
      `${shown} exists and is not a folder: choose another name`,
    )
  }
  const entries = readdirSync(dir)
  if (entries.length > 0) {
    const some = entries.slice(0, 3).join(', ') + (entries.length > 3 ? ', …' : '')
    throw new CreateBriskError(
      'ERR_FOLDER_NOT_EMPTY',
      `${shown} is not empty (${some}): create-brisk writes into a new or empty folder only, and never overwrites`,
    )
  }
}

/**
 * The templates folder: dist/templates in the published package (the build copies it there), templates/
 * next to src/ in the workspace.
 *
 * @example
 * readdirSync(templatesDir()) // ['default', 'full', 'shared']
 */
export function templatesDir(): string {
  const beside = fileURLToPath(new URL('./templates', import.meta.url))
  return existsSync(beside) ? beside : fileURLToPath(new URL('../templates', import.meta.url))
}

/** Every file under `root`, relative to it. */
function listFiles(root: string): string[] {
  return readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(root, join(entry.parentPath, entry.name)))
}
