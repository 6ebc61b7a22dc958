import { describe, expect, it } from 'vitest'
import { CreateBriskError, helpText, OPTIONS, parseArgs } from '../src/index'

/** The refusal `parseArgs(argv)` throws. */
function refusal(argv: string[]): CreateBriskError {
  try {
    parseArgs(argv)
  } catch (error) {
    if (error instanceof CreateBriskError) return error
    throw error
  }
  throw new Error(`parseArgs(${JSON.stringify(argv)}) did not refuse`)
}

describe('parseArgs', () => {
  it('takes a folder, with the default template', () => {
    expect(parseArgs(['my-app'])).toEqual({ action: 'create', folder: 'my-app', template: 'default' })
  })

  it('takes --template in every spelling, before or after the folder', () => {
    const full = { action: 'create', folder: 'my-app', template: 'full' }
    expect(parseArgs(['my-app', '--template', 'full'])).toEqual(full)
    expect(parseArgs(['--template=full', 'my-app'])).toEqual(full)
    expect(parseArgs(['-t', 'full', 'my-app'])).toEqual(full)
    expect(parseArgs(['my-app', '--template', 'default'])).toEqual({ ...full, template: 'default' })
  })

  it('takes a folder that starts with a dash after --', () => {
    expect(parseArgs(['--', '-app'])).toEqual({ action: 'create', folder: '-app', template: 'default' })
  })

  it('answers --help and --version whatever else is there', () => {
    expect(parseArgs(['my-app', '--nope', '--help'])).toEqual({ action: 'help' })
    expect(parseArgs(['-h'])).toEqual({ action: 'help' })
    expect(parseArgs(['--version'])).toEqual({ action: 'version' })
    expect(parseArgs(['-v', 'my-app'])).toEqual({ action: 'version' })
  })

  it('refuses an unknown option and names the ones that exist', () => {
    const error = refusal(['my-app', '--typescript'])
    expect(error.code).toBe('ERR_UNKNOWN_OPTION')
    expect(error.message).toBe(
      'unknown option --typescript; the options are -t, --template <name>, -h, --help, -v, --version',
    )
    expect(refusal(['my-app', '--yes=1']).message).toMatch(/^unknown option --yes;/)
    expect(refusal(['-x', 'my-app']).code).toBe('ERR_UNKNOWN_OPTION')
  })

  it('refuses --template without a value, or with an unknown one', () => {
    expect(refusal(['my-app', '--template']).code).toBe('ERR_MISSING_VALUE')
    expect(refusal(['my-app', '--template=']).code).toBe('ERR_MISSING_VALUE')
    expect(refusal(['--template', '--help-me', 'my-app']).code).toBe('ERR_MISSING_VALUE')
    const unknown = refusal(['my-app', '--template', 'react'])
    expect(unknown.code).toBe('ERR_UNKNOWN_TEMPLATE')
    expect(unknown.message).toBe('unknown template "react"; the templates are default and full')
  })

  it('refuses no folder, and two folders', () => {
    expect(refusal([]).code).toBe('ERR_MISSING_FOLDER')
    expect(refusal(['--template', 'full']).message).toBe(
      'name the folder to create, e.g. npm create brisk@latest my-app',
    )
    const two = refusal(['my-app', 'other'])
    expect(two.code).toBe('ERR_EXTRA_ARGUMENT')
    expect(two.message).toBe('one folder only, got "my-app" and "other"')
  })
})

describe('helpText', () => {
  it('lists every option, the templates and the version', () => {
    const text = helpText('26.12.0')
    expect(text.split('\n')[0]).toBe(
      'create-brisk 26.12.0: writes a new Brisk app in TypeScript into <folder>.',
    )
    for (const option of OPTIONS) expect(text).toContain(option.flags)
    expect(text).toMatch(/^ {2}default {2}/m)
    expect(text).toMatch(/^ {2}full {5}/m)
    expect(text).toContain('npm create brisk@latest <folder> [-- --template full]')
  })
})
