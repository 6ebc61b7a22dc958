/**
 * The template loader: templates held in memory first, then Nunjucks' file loader with a containment check
 * that cannot be fooled by a sibling folder whose name starts like a template folder's.
 */
import { readFileSync, statSync } from 'node:fs'
import { isAbsolute, relative, resolve, sep } from 'node:path'
import nunjucks, { type LoaderSource } from 'nunjucks'

/**
 * Loads templates from memory (`sources`), then from folders, in order. Nunjucks' own loader accepts any
 * path that starts with the folder's path as a string, so `../templates-private/x.html` from
 * `/app/templates` would be read: this one asks `path.relative` instead, and reads regular files only (a
 * folder is "not found", not a 500 on EISDIR). Templates in memory never change, so they are always cached.
 *
 * @example
 * const loader = new FolderLoader(['/app/templates'], false, new Map([['page.html', '<p>{{ x }}</p>']]))
 */
export class FolderLoader extends nunjucks.Loader {
  readonly folders: readonly string[]
  readonly sources: ReadonlyMap<string, string>
  readonly #noCache: boolean

  constructor(
    folders: readonly string[],
    noCache: boolean,
    sources: ReadonlyMap<string, string> = new Map(),
  ) {
    super()
    this.folders = folders
    this.sources = sources
    this.#noCache = noCache
  }

  /** Nunjucks' loader interface: the template's source, or null when neither memory nor a folder holds it. */
  getSource(name: string): LoaderSource | null {
    const text = this.sources.get(name)
    if (text !== undefined) {
      // A template in memory is named by its name: there is no path, and errors must name it as given.
      const source = { src: text, path: name, noCache: false }
      this.emit('load', name, source)
      return source
    }
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
    if (this.sources.has(path)) return path
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
