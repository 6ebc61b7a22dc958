/**
 * The template loader: Nunjucks' file loader with a containment check that cannot be fooled by a sibling
 * folder whose name starts like a template folder's.
 */
import { readFileSync, statSync } from 'node:fs'
import { isAbsolute, relative, resolve, sep } from 'node:path'
import nunjucks, { type LoaderSource } from 'nunjucks'

/**
 * Loads templates from folders, in order. Nunjucks' own loader accepts any path that starts with the
 * folder's path as a string, so `../templates-private/x.html` from `/app/templates` would be read: this one
 * asks `path.relative` instead, and reads regular files only (a folder is "not found", not a 500 on EISDIR).
 *
 * @example
 * const loader = new FolderLoader(['/app/templates'], false)
 */
export class FolderLoader extends nunjucks.Loader {
  readonly folders: readonly string[]
  readonly #noCache: boolean

  constructor(folders: readonly string[], noCache: boolean) {
    super()
    this.folders = folders
    this.#noCache = noCache
  }

  /** Nunjucks' loader interface: the template's source, or null when no folder holds it. */
  getSource(name: string): LoaderSource | null {
    for (const folder of this.folders) {
      const path = resolve(folder, name)
      if (!inside(folder, path) || !isFile(path)) continue
      const source = { src: readFileSync(path, 'utf8'), path, noCache: this.#noCache }
      this.emit('load', name, source)
      return source
    }
    return null
  }

  /**
   * The name a file has in this loader's folders (`layouts/base.html`), for error messages that must not
   * show server paths; undefined for a file outside them.
   *
   * @example
   * loader.nameOf('/app/templates/layouts/base.html') // 'layouts/base.html'
   */
  nameOf(path: string): string | undefined {
    for (const folder of this.folders) {
      if (inside(folder, path)) return relative(folder, path).split(sep).join('/')
    }
    return undefined
  }
}

function inside(folder: string, path: string): boolean {
  const rel = relative(folder, path)
  return rel !== '' && rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel)
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile()
  } catch {
    return false
  }
}
