import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import {
  BRISK_PACKAGES,
  briskVersions,
  CreateBriskError,
  main,
  projectManifest,
  readManifest,
  scaffold,
  TOOL_RANGES,
} from '../src/index'

const versions = briskVersions(readManifest())
let temp = ''

beforeEach(() => {
  temp = mkdtempSync(join(tmpdir(), 'create-brisk-unit-'))
})
afterEach(() => rmSync(temp, { recursive: true, force: true }))

/** Runs main() in the temp folder and returns the exit code and what it printed. */
function runMain(argv: string[]) {
  const out: string[] = []
  const err: string[] = []
  const code = main(argv, { out: (l) => out.push(l), err: (l) => err.push(l) }, { cwd: temp })
  return { code, out: out.join('\n'), err: err.join('\n') }
}

describe('briskVersions', () => {
  it('reads the versions of the linked workspace packages while the manifest says workspace:*', () => {
    for (const name of BRISK_PACKAGES) {
      const dir = name.replace('@brisk/', '')
      const own = JSON.parse(readFileSync(new URL(`../../${dir}/package.json`, import.meta.url), 'utf8'))
      expect(versions[name], name).toBe(own.version)
    }
  })

  it('takes the exact versions pnpm pack writes, and refuses anything else', () => {
    const packed = Object.fromEntries(BRISK_PACKAGES.map((name) => [name, '27.1.3']))
    expect(briskVersions({ version: '27.1.0', devDependencies: packed })['@brisk/jwt']).toBe('27.1.3')
    expect(() =>
      briskVersions({ version: '27.1.0', devDependencies: { ...packed, '@brisk/jwt': '^27.1.0' } }),
    ).toThrow('create-brisk\'s package.json has @brisk/jwt "^27.1.0", not a version')
    const { '@brisk/cors': _, ...missing } = packed
    expect(() => briskVersions({ version: '27.1.0', devDependencies: missing })).toThrow(
      "create-brisk's package.json does not list @brisk/cors",
    )
  })
})

describe('projectManifest', () => {
  it('asks for core and testing with floors, and the tools, for the default template', () => {
    const json = projectManifest('my-app', 'default', versions)
    expect(json.dependencies).toEqual({ '@brisk/core': `>=${versions['@brisk/core']}` })
    expect(json.devDependencies).toEqual({
      '@brisk/testing': `>=${versions['@brisk/testing']}`,
      ...TOOL_RANGES,
    })
    expect(json.scripts).toEqual({
      dev: 'node --watch --import tsx src/main.ts',
      start: 'node dist/main.js',
      build: 'tsc -p tsconfig.build.json',
      typecheck: 'tsc -p tsconfig.json',
      test: 'vitest run',
    })
    expect(json).toMatchObject({ name: 'my-app', private: true, type: 'module' })
  })

  it('adds every plugin for the full template', () => {
    expect(Object.keys(projectManifest('my-app', 'full', versions).dependencies).sort()).toEqual([
      '@brisk/core',
      '@brisk/cors',
      '@brisk/jwt',
      '@brisk/openapi',
      '@brisk/session',
      '@brisk/templates',
    ])
  })
})

describe('scaffold', () => {
  it('writes the default project with the name in place of the placeholder', () => {
    const result = scaffold({ folder: 'my-app', template: 'default', versions, cwd: temp })
    expect(result.dir).toBe(join(temp, 'my-app'))
    expect(result.name).toBe('my-app')
    expect(result.files).toEqual([
      '.gitignore',
      'README.md',
      'package.json',
      'src/app.ts',
      'src/greetings.ts',
      'src/main.ts',
      'test/app.test.ts',
      'tsconfig.build.json',
      'tsconfig.json',
    ])
    for (const file of result.files) {
      expect(readFileSync(join(result.dir, file), 'utf8'), file).not.toContain('__APP_NAME__')
    }
    expect(readFileSync(join(result.dir, 'src/app.ts'), 'utf8')).toContain("new Brisk({ name: 'my-app' })")
    expect(readFileSync(join(result.dir, 'README.md'), 'utf8').split('\n')[0]).toBe('# my-app')
    expect(readFileSync(join(result.dir, '.gitignore'), 'utf8')).toMatch(/^node_modules$/m)
    expect(JSON.parse(readFileSync(join(result.dir, 'package.json'), 'utf8'))).toEqual(
      projectManifest('my-app', 'default', versions),
    )
  })

  it('writes the full project, whose own files replace the shared ones', () => {
    const result = scaffold({ folder: join('apps', 'shop'), template: 'full', versions, cwd: temp })
    expect(result.dir).toBe(join(temp, 'apps', 'shop'))
    expect(result.files).toEqual([
      '.gitignore',
      'README.md',
      'package.json',
      'src/app.ts',
      'src/books.ts',
      'src/main.ts',
      'src/users.ts',
      'test/app.test.ts',
      'tsconfig.build.json',
      'tsconfig.json',
      'views/index.html',
    ])
    expect(readFileSync(join(result.dir, 'src/main.ts'), 'utf8')).toContain('APP_SECRET')
    expect(readFileSync(join(result.dir, 'views/index.html'), 'utf8')).toContain('<title>shop</title>')
  })

  it('writes into an empty folder that exists', () => {
    mkdirSync(join(temp, 'empty'))
    expect(scaffold({ folder: 'empty', template: 'default', versions, cwd: temp }).files).toHaveLength(9)
  })

  it('refuses a folder with anything in it, and writes nothing', () => {
    mkdirSync(join(temp, 'used'))
    writeFileSync(join(temp, 'used', '.env'), 'SECRET=1\n')
    expect(() => scaffold({ folder: 'used', template: 'default', versions, cwd: temp })).toThrow(
      new CreateBriskError(
        'ERR_FOLDER_NOT_EMPTY',
        'used is not empty (.env): create-brisk writes into a new or empty folder only, and never overwrites',
      ),
    )
    expect(readFileSync(join(temp, 'used', '.env'), 'utf8')).toBe('SECRET=1\n')
  })

  it('refuses a path that is a file', () => {
    writeFileSync(join(temp, 'taken'), '')
    expect(() => scaffold({ folder: 'taken', template: 'default', versions, cwd: temp })).toThrow(
      'taken exists and is not a folder: choose another name',
    )
  })

  it('refuses a folder whose name cannot be a package name, before creating it', () => {
    expect(() => scaffold({ folder: 'My App', template: 'default', versions, cwd: temp })).toThrow(
      expect.objectContaining({ code: 'ERR_BAD_NAME' }),
    )
    expect(runMain(['My App']).code).toBe(1)
    expect(() => readFileSync(join(temp, 'My App', 'package.json'))).toThrow(/ENOENT/)
  })
})

describe('main', () => {
  it('creates the project and says what to run next', () => {
    const { code, out, err } = runMain(['my-app', '--template', 'full'])
    expect(code).toBe(0)
    expect(err).toBe('')
    expect(out).toContain(`Created my-app (template full) in ${join(temp, 'my-app')}: 11 files.`)
    expect(out).toContain('  cd my-app\n  npm install\n')
  })

  it('prints the help and the version from its package.json', () => {
    const help = runMain(['--help'])
    expect(help.code).toBe(0)
    expect(help.out).toContain(`create-brisk ${readManifest().version}:`)
    expect(runMain(['-v'])).toEqual({ code: 0, out: readManifest().version, err: '' })
  })

  it('prints a refusal on stderr with its code and exits with 1', () => {
    mkdirSync(join(temp, 'used'))
    writeFileSync(join(temp, 'used', 'a.txt'), '')
    expect(runMain(['used'])).toEqual({
      code: 1,
      out: '',
      err: 'create-brisk: used is not empty (a.txt): create-brisk writes into a new or empty folder only, and never overwrites (ERR_FOLDER_NOT_EMPTY)',
    })
    expect(runMain(['my-app', '--force'])).toEqual({
      code: 1,
      out: '',
      err: 'create-brisk: unknown option --force; the options are -t, --template <name>, -h, --help, -v, --version (ERR_UNKNOWN_OPTION)\nRun create-brisk --help for the usage.',
    })
  })
})
