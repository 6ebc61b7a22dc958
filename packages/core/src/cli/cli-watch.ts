/**
 * Watching the app's folder for `brisk serve --dev`.
 *
 * Not `fs.watch(dir, { recursive: true })`: on Linux, Node 20 emulates it by reading, stat-ing and watching
 * every file below the folder, `node_modules` included, synchronously, before it can be told to skip
 * anything. In a pnpm project that is seconds of blocking and thousands of inotify watches. Watching each
 * folder we care about, one plain watch per folder, costs a handful.
 */
import { type Dirent, type FSWatcher, readdirSync, statSync, watch } from 'node:fs'
import { join, relative, sep } from 'node:path'

/** A running watch; `close()` stops it. */
export interface TreeWatcher {
  close(): void
}

// Editors' swap, backup and atomic-save files (vim `.x.swp`, `x~`, `4913`; emacs `#x#`; JetBrains `___jb_tmp___`;
// VS Code `.crswap`), and data files an app commonly writes beside its code (logs, SQLite), which would
// otherwise restart the app each time it writes them.
const IGNORED_FILE =
  /^\.|~$|^#.*#$|^\d+$|\.(sw[a-px]|tmp|temp|bak|crswap|log|db|sqlite3?)$|___jb_(tmp|old)___$|-(journal|wal|shm)$/

/**
 * Whether a change to `path` (relative to the watched folder) should be ignored: anything inside
 * `node_modules` or a dot folder, and editors' temporary files.
 *
 * @example
 * isIgnoredPath('routes/books.js')          // false
 * isIgnoredPath('node_modules/ws/index.js') // true
 * isIgnoredPath('.app.js.swp')              // true
 */
export function isIgnoredPath(path: string): boolean {
  const parts = path.split(/[\\/]/).filter((part) => part !== '')
  const file = parts.pop()
  if (file === undefined) return false
  return parts.some(isIgnoredFolder) || IGNORED_FILE.test(file) || file === 'node_modules'
}

function isIgnoredFolder(name: string): boolean {
  return name === 'node_modules' || name.startsWith('.')
}

/**
 * Watches `root` and the folders below it (but not `node_modules` or dot folders) and calls `onChange` with
 * the path, relative to `root`, of each file that changes. Folders created later are watched as they appear.
 *
 * @example
 * const watcher = watchTree(process.cwd(), (file) => console.log(`${file} changed`))
 * watcher.close()
 */
export function watchTree(root: string, onChange: (file: string) => void): TreeWatcher {
  const watchers = new Map<string, FSWatcher>()
  let closed = false

  const unwatch = (dir: string): void => {
    for (const [path, watcher] of watchers) {
      if (path === dir || path.startsWith(dir + sep)) {
        watcher.close()
        watchers.delete(path)
      }
    }
  }

  const add = (dir: string): void => {
    if (closed || watchers.has(dir)) return
    let watcher: FSWatcher
    try {
      watcher = watch(dir, { persistent: true }, (event, name) => {
        if (closed) return
        // Some platforms do not say which file changed; a reload is still the right answer.
        if (name === null) return onChange(relative(root, dir) || '.')
        const path = join(dir, name.toString())
        const shown = relative(root, path)
        if (isIgnoredPath(shown)) return
        if (event === 'rename') {
          let folder = false
          try {
            folder = statSync(path).isDirectory()
          } catch {
            unwatch(path) // gone: if it was a folder, its watches are stale
          }
          // A new folder holds nothing yet; its files are reported as they arrive.
          if (folder) return add(path)
        }
        onChange(shown)
      })
    } catch {
      return // removed or unreadable between listing and watching
    }
    // A watched folder that is deleted reports an error on some platforms: drop it rather than crash.
    watcher.on('error', () => unwatch(dir))
    watchers.set(dir, watcher)
    let entries: Dirent[]
    try {
      entries = readdirSync(dir, { withFileTypes: true })
    } catch {
      return
    }
    for (const entry of entries) {
      if (entry.isDirectory() && !isIgnoredFolder(entry.name)) add(join(dir, entry.name))
    }
  }

  add(root)
  return {
    close() {
      closed = true
      for (const watcher of watchers.values()) watcher.close()
      watchers.clear()
    },
  }
}
