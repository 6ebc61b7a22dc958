/**
 * The command line of create-brisk: `create-brisk <folder> [--template default|full]`, `--help`,
 * `--version`. Parsed by hand (node:util's parseArgs says "Unknown option" without naming the ones that
 * exist, and a refusal here should tell the user what to type instead).
 */
import { CreateBriskError } from './errors'

/** The project templates: `default` (core and testing), `full` (every plugin). */
export const TEMPLATES = ['default', 'full'] as const

/** A template's name. */
export type TemplateName = (typeof TEMPLATES)[number]

/** What the command was asked to do. */
export type Command =
  | { readonly action: 'help' }
  | { readonly action: 'version' }
  | { readonly action: 'create'; readonly folder: string; readonly template: TemplateName }

/** The options, for `--help` and for the refusal of an unknown one. */
export const OPTIONS = [
  { flags: '-t, --template <name>', text: `the project template: ${TEMPLATES.join(' or ')} (default)` },
  { flags: '-h, --help', text: 'print this help and exit' },
  { flags: '-v, --version', text: 'print the version of create-brisk and exit' },
] as const

/**
 * Parses the arguments after the command's name (`process.argv.slice(2)`). `--help` and `--version` win
 * over everything else; otherwise exactly one folder is expected.
 *
 * @example
 * parseArgs(['my-app', '--template', 'full']) // { action: 'create', folder: 'my-app', template: 'full' }
 * parseArgs(['--nope']) // throws CreateBriskError ERR_UNKNOWN_OPTION
 */
export function parseArgs(argv: readonly string[]): Command {
  if (argv.includes('--help') || argv.includes('-h')) return { action: 'help' }
  if (argv.includes('--version') || argv.includes('-v')) return { action: 'version' }

  const folders: string[] = []
  let template: TemplateName = 'default'
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string
    if (arg === '--') {
      folders.push(...argv.slice(i + 1))
      break
    }
    if (!arg.startsWith('-') || arg === '-') {
      folders.push(arg)
      continue
    }
    const [flag, inline] = splitInline(arg)
    if (flag !== '--template' && flag !== '-t') {
      throw new CreateBriskError(
        'ERR_UNKNOWN_OPTION',
        `unknown option ${flag}; the options are ${OPTIONS.map((o) => o.flags).join(', ')}`,
      )
    }
    const value = inline ?? argv[++i]
    if (value === undefined || value === '' || (inline === undefined && value.startsWith('-'))) {
      throw new CreateBriskError('ERR_MISSING_VALUE', `${flag} needs a value: ${TEMPLATES.join(' or ')}`)
    }
    if (!(TEMPLATES as readonly string[]).includes(value)) {
      throw new CreateBriskError(
        'ERR_UNKNOWN_TEMPLATE',
        `unknown template ${JSON.stringify(value)}; the templates are ${TEMPLATES.join(' and ')}`,
      )
    }
    template = value as TemplateName
  }

  if (folders.length === 0) {
    throw new CreateBriskError(
      'ERR_MISSING_FOLDER',
      'name the folder to create, e.g. npm create brisk@latest my-app',
    )
  }
  if (folders.length > 1) {
    throw new CreateBriskError(
      'ERR_EXTRA_ARGUMENT',
      `one folder only, got ${folders.map((f) => JSON.stringify(f)).join(' and ')}`,
    )
  }
  return { action: 'create', folder: folders[0] as string, template }
}

/** `--template=full` → ['--template', 'full']; `--template` → ['--template', undefined]. */
function splitInline(arg: string): [string, string | undefined] {
  const eq = arg.indexOf('=')
  return eq === -1 || !arg.startsWith('--') ? [arg, undefined] : [arg.slice(0, eq), arg.slice(eq + 1)]
}

/**
 * The text `--help` prints.
 *
 * @example
 * console.log(helpText('26.12.0'))
 */
export function helpText(version: string): string {
  const width = Math.max(...OPTIONS.map((o) => o.flags.length))
  return [
    `create-brisk ${version}: writes a new Brisk app in TypeScript into <folder>.`,
    '',
    'Usage:',
    '  npm create brisk@latest <folder> [-- --template full]',
    '  create-brisk <folder> [options]',
    '',
    'Options:',
    ...OPTIONS.map((o) => `  ${o.flags.padEnd(width)}  ${o.text}`),
    '',
    'Templates:',
    '  default  @brisk/core: an app, a blueprint, a test with @brisk/testing (Vitest)',
    '  full     the same with @brisk/jwt, @brisk/openapi, @brisk/templates, @brisk/cors and @brisk/session',
    '',
    'The folder must be new or empty; its name (the last part of the path) becomes the package name.',
  ].join('\n')
}
