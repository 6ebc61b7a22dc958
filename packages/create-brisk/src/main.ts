/**
 * What the command does with its arguments, apart from the process (tests call it with their own output).
 */
import { relative } from 'node:path'
import { helpText, parseArgs } from './args'
import { CreateBriskError } from './errors'
import { scaffold } from './scaffold'
import { briskVersions, type Manifest, readManifest } from './versions'

/** Where the command writes its lines. */
export interface Output {
  readonly out: (line: string) => void
  readonly err: (line: string) => void
}

/**
 * Runs create-brisk with `argv` (the arguments after the command's name) and returns the exit code: 0, or
 * 1 after a refusal (printed on `err`). Errors that are not refusals (a disk full) are thrown.
 *
 * @example
 * const code = main(['my-app'], { out: console.log, err: console.error }) // 0, and ./my-app exists
 */
export function main(
  argv: readonly string[],
  output: Output,
  { cwd = process.cwd(), manifest = readManifest() }: { cwd?: string; manifest?: Manifest } = {},
): number {
  try {
    const command = parseArgs(argv)
    if (command.action === 'help') {
      output.out(helpText(manifest.version))
      return 0
    }
    if (command.action === 'version') {
      output.out(manifest.version)
      return 0
    }
    const result = scaffold({
      folder: command.folder,
      template: command.template,
      versions: briskVersions(manifest),
      cwd,
    })
    const shown = relative(cwd, result.dir) || '.'
    output.out(
      [
        `Created ${result.name} (template ${command.template}) in ${result.dir}: ${result.files.length} files.`,
        '',
        'Next:',
        ...(shown === '.' ? [] : [`  cd ${shown.includes(' ') ? JSON.stringify(shown) : shown}`]),
        '  npm install',
        '  npm run dev        # serves http://127.0.0.1:8000 and restarts on changes',
        '  npm test           # the tests in test/ (Vitest with @brisk/testing)',
        '  npm run build && npm start',
      ].join('\n'),
    )
    return 0
  } catch (error) {
    if (!(error instanceof CreateBriskError)) throw error
    output.err(`create-brisk: ${error.message} (${error.code})`)
    if (error.code === 'ERR_UNKNOWN_OPTION' || error.code === 'ERR_MISSING_FOLDER')
      output.err('Run create-brisk --help for the usage.')
    return 1
  }
}
