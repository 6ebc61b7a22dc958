/**
 * The `brisk` command line. The pure parts (arguments, the route table, the watch filter) are tested as
 * functions; the rest as users run it: `node dist/cli.js …` in a real process against the fixtures in
 * `test/fixtures/cli-*.mjs`, which import the built core. Build first (`pnpm --filter @brisk/core build`;
 * turbo does it before `test`).
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createServer, type Server } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { RouteInfo } from '../src/app/route-info'
import { CliError, parseCommandLine, parseTarget, type ServeCommand, USAGE } from '../src/cli/cli-args'
import { devChildArgs } from '../src/cli/cli-dev'
import { isBriskApp } from '../src/cli/cli-load'
import { formatRouteTable, routeRows } from '../src/cli/cli-routes'
import { isIgnoredPath } from '../src/cli/cli-watch'
import { Brisk } from '../src/index'
import { VERSION } from '../src/version'
import { getURL } from './_helpers'

const root = fileURLToPath(new URL('..', import.meta.url))
const cli = join(root, 'dist', 'cli.js')
const fixtures = join(root, 'test', 'fixtures')

// ─── Pure functions ──────────────────────────────────────────────────────────────────────────────────────

function parseError(argv: string[], env: Record<string, string> = {}): CliError {
  try {
    parseCommandLine(argv, env)
  } catch (error) {
    expect(error).toBeInstanceOf(CliError)
    return error as CliError
  }
  throw new Error(`parseCommandLine(${JSON.stringify(argv)}) did not throw`)
}

describe('parseCommandLine()', () => {
  it('reads serve with its defaults', () => {
    expect(parseCommandLine(['serve', './app.js'])).toEqual({
      kind: 'serve',
      target: { module: './app.js', exportName: undefined },
      port: 8000,
      host: '127.0.0.1',
      workers: 1,
      dev: false,
    })
  })

  it('takes PORT, HOST and WORKERS from the environment, and flags over them', () => {
    const env = { PORT: '9000', HOST: '0.0.0.0', WORKERS: '4' }
    expect(parseCommandLine(['serve', './app.js'], env)).toMatchObject({
      port: 9000,
      host: '0.0.0.0',
      workers: 4,
    })
    expect(
      parseCommandLine(['serve', './app.js', '--port', '0', '--host', '::1', '--workers', '2'], env),
    ).toMatchObject({ port: 0, host: '::1', workers: 2 })
    expect(parseCommandLine(['serve', './app.js'], { PORT: '', HOST: '', WORKERS: '' })).toMatchObject({
      port: 8000,
      host: '127.0.0.1',
      workers: 1,
    })
  })

  it('accepts short flags, --flag=value, flags before the app, and --dev', () => {
    expect(parseCommandLine(['serve', '-p', '81', '-w', '3', './app.js:api', '--dev'])).toEqual({
      kind: 'serve',
      target: { module: './app.js', exportName: 'api' },
      port: 81,
      host: '127.0.0.1',
      workers: 3,
      dev: true,
    })
    expect(parseCommandLine(['serve', './app.js', '--port=65535'])).toMatchObject({ port: 65535 })
  })

  it('refuses a port outside 0..65535 or not a number, naming the flag or variable', () => {
    for (const bad of ['abc', '65536', '-1', '1.5', '', '80x', '1e3']) {
      const error = parseError(['serve', './app.js', `--port=${bad}`])
      expect(error.message).toBe(`--port must be a port number from 0 to 65535, got "${bad}"`)
    }
    expect(parseError(['serve', './app.js'], { PORT: 'http' }).message).toBe(
      'PORT must be a port number from 0 to 65535, got "http"',
    )
  })

  it('refuses workers that are not a positive whole number', () => {
    for (const bad of ['0', '-2', '1.5', 'four', '']) {
      expect(parseError(['serve', './app.js', `--workers=${bad}`]).message).toBe(
        `--workers must be a whole number of worker processes, 1 or more, got "${bad}"`,
      )
    }
    expect(parseError(['serve', './app.js'], { WORKERS: 'auto' }).message).toMatch(/^WORKERS must be/)
  })

  it('refuses an empty host', () => {
    expect(parseError(['serve', './app.js', '--host', ' ']).message).toMatch(/--host must be an address/)
  })

  it('reads routes and --json', () => {
    expect(parseCommandLine(['routes', './app.js:admin', '--json'])).toEqual({
      kind: 'routes',
      target: { module: './app.js', exportName: 'admin' },
      json: true,
    })
    expect(parseCommandLine(['routes', './app.js'])).toMatchObject({ json: false })
  })

  it('turns every mistake in the arguments into a one-line error with the usage', () => {
    const cases: [string[], string][] = [
      [[], 'no command given'],
      [['serve', './app.js', '--prot', '80'], 'unknown option --prot for serve'],
      [['serve', './app.js', '--json'], 'unknown option --json for serve'],
      [['routes', './app.js', '--dev'], 'unknown option --dev for routes'],
      [['serve', './app.js', '--port'], '--port needs a value'],
      [['serve', './app.js', '-p'], '--port needs a value'],
      [['serve', './app.js', '--dev=yes'], '--dev does not take a value'],
      [
        ['serve', './app.js', '-w', '-2'],
        '--workers needs a value; for one that starts with "-", write --workers=<value>',
      ],
      [['serve'], "serve needs the app's module, e.g. brisk serve ./app.js"],
      [['routes'], "routes needs the app's module, e.g. brisk routes ./app.js"],
      [['serve', './a.js', './b.js'], 'serve takes one app, got 2: ./a.js ./b.js'],
      [['start', './app.js'], 'unknown command "start"'],
      [['--verbose'], 'unknown option --verbose'],
    ]
    for (const [argv, message] of cases) {
      const error = parseError(argv)
      expect(error.message, argv.join(' ')).toBe(message)
      expect(error.usage).toBe(true)
    }
  })

  it('reads --help anywhere and --version first', () => {
    for (const argv of [['--help'], ['-h'], ['help'], ['serve', '--help'], ['routes', './app.js', '-h']]) {
      expect(parseCommandLine(argv)).toEqual({ kind: 'help' })
    }
    expect(parseCommandLine(['--version'])).toEqual({ kind: 'version' })
    expect(parseCommandLine(['-v'])).toEqual({ kind: 'version' })
  })
})

describe('parseTarget()', () => {
  it('splits a trailing :export off the module path', () => {
    expect(parseTarget('./app.js')).toEqual({ module: './app.js', exportName: undefined })
    expect(parseTarget('./src/server.mjs:api')).toEqual({ module: './src/server.mjs', exportName: 'api' })
    expect(parseTarget('app.js:$app_2')).toEqual({ module: 'app.js', exportName: '$app_2' })
  })

  it('leaves Windows drives and colons that are not an export in the path', () => {
    expect(parseTarget('C:\\apps\\app.js')).toEqual({ module: 'C:\\apps\\app.js', exportName: undefined })
    expect(parseTarget('C:app')).toEqual({ module: 'C:app', exportName: undefined })
    expect(parseTarget('./a:b/app.js')).toEqual({ module: './a:b/app.js', exportName: undefined })
    expect(parseTarget('./app.js:not-a-name')).toEqual({
      module: './app.js:not-a-name',
      exportName: undefined,
    })
  })
})

describe('devChildArgs()', () => {
  it('repeats the command without --dev, with every value explicit', () => {
    const command = parseCommandLine(['serve', './app.js:api', '--dev', '-w', '2']) as ServeCommand
    expect(devChildArgs(command, 4321)).toEqual([
      'serve',
      './app.js:api',
      '--port',
      '4321',
      '--host',
      '127.0.0.1',
      '--workers',
      '2',
    ])
  })
})

describe('isBriskApp()', () => {
  it('accepts an app by its shape and refuses the class and look-alikes', () => {
    expect(isBriskApp(new Brisk())).toBe(true)
    expect(isBriskApp({ listen() {}, routes() {} })).toBe(true)
    expect(isBriskApp(Brisk)).toBe(false)
    expect(isBriskApp({ listen() {} })).toBe(false)
    expect(isBriskApp(null)).toBe(false)
  })
})

function route(method: string, path: string, more: Partial<RouteInfo> = {}): RouteInfo {
  return {
    method,
    path,
    name: undefined,
    host: undefined,
    options: {},
    blueprint: undefined,
    automatic: false,
    meta: {},
    ...more,
  }
}

describe('routeRows() and formatRouteTable()', () => {
  const routes = [
    route('POST', '/books', { name: 'books.list', blueprint: 'books' }),
    route('GET', '/books', { name: 'books.list', blueprint: 'books' }),
    route('HEAD', '/books', { name: 'books.list', blueprint: 'books', automatic: true }),
    route('OPTIONS', '/books', { name: 'books.list', blueprint: 'books', automatic: true }),
    route('DELETE', '/books/:id<int>', { name: 'books.remove' }),
    route('GET', '/books/:id<int>', { name: 'books.show' }),
    route('PURGE', '/cache'),
    route('GET', '/cache'),
    route('GET', '/', { name: 'home', host: 'example.com' }),
    route('GET', '/', { name: 'home' }),
  ]

  it('merges the methods of a path and name, leaves out automatic routes, and sorts by path', () => {
    expect(routeRows(routes)).toEqual([
      { methods: ['GET'], path: '/', name: 'home', host: null, blueprint: null },
      { methods: ['GET'], path: '/', name: 'home', host: 'example.com', blueprint: null },
      { methods: ['GET', 'POST'], path: '/books', name: 'books.list', host: null, blueprint: 'books' },
      { methods: ['DELETE'], path: '/books/:id<int>', name: 'books.remove', host: null, blueprint: null },
      { methods: ['GET'], path: '/books/:id<int>', name: 'books.show', host: null, blueprint: null },
      { methods: ['GET', 'PURGE'], path: '/cache', name: null, host: null, blueprint: null },
    ])
  })

  it('lays the rows out in aligned columns', () => {
    expect(formatRouteTable(routeRows(routes))).toBe(
      [
        'METHODS    PATH             NAME          HOST',
        'GET        /                home          -',
        'GET        /                home          example.com',
        'GET,POST   /books           books.list    -',
        'DELETE     /books/:id<int>  books.remove  -',
        'GET        /books/:id<int>  books.show    -',
        'GET,PURGE  /cache           -             -',
        '',
      ].join('\n'),
    )
    expect(formatRouteTable([])).toBe('The app has no routes.\n')
  })
})

describe('isIgnoredPath()', () => {
  it('ignores node_modules, dot folders, editor temporaries and data files', () => {
    for (const path of [
      'node_modules/ws/index.js',
      'src/node_modules/x.js',
      '.git/index',
      'src/.cache/x.js',
      '.app.js.swp',
      'src/.app.js.swx',
      'app.js~',
      '#app.js#',
      '4913',
      'app.js.tmp',
      'app.js___jb_tmp___',
      'server.log',
      'data.sqlite',
      'data.db-journal',
    ]) {
      expect(isIgnoredPath(path), path).toBe(true)
    }
  })

  it('keeps source files, wherever they are', () => {
    for (const path of ['app.js', 'src/routes/books.mjs', 'views/index.njk', 'config.json', 'src\\win.ts']) {
      expect(isIgnoredPath(path), path).toBe(false)
    }
  })
})

// ─── Real processes ──────────────────────────────────────────────────────────────────────────────────────

const running = new Set<ChildProcess>()
const temporary: string[] = []

beforeAll(() => {
  if (!existsSync(cli)) throw new Error(`${cli} is missing: run \`pnpm --filter @brisk/core build\` first`)
})

afterEach(() => {
  // SIGKILL, so nothing lingers; a --dev server notices its supervisor is gone and stops too (tested below).
  for (const child of running) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
  running.clear()
  for (const dir of temporary.splice(0)) rmSync(dir, { recursive: true, force: true })
})

interface Brisked {
  readonly child: ChildProcess
  stdout(): string
  stderr(): string
  /** Resolves with the exit code (or the signal's name). */
  readonly exited: Promise<number | string>
  /** Waits until stdout matches, failing after `timeout` ms or when the process exits first. */
  waitFor(pattern: RegExp, timeout?: number): Promise<RegExpExecArray>
}

/** Runs `node dist/cli.js …` with an environment free of the variables the CLI reads. */
function brisk(args: string[], options: { cwd?: string; env?: Record<string, string> } = {}): Brisked {
  const env: Record<string, string | undefined> = { ...process.env, ...options.env }
  for (const name of ['NODE_ENV', 'PORT', 'HOST', 'WORKERS', 'BRISK_DEV_CHILD', 'BRISK_WORKER']) {
    if (options.env?.[name] === undefined) delete env[name]
  }
  const child = spawn(process.execPath, [cli, ...args], {
    cwd: options.cwd ?? fixtures,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  running.add(child)
  let out = ''
  let err = ''
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    out += chunk
  })
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
    err += chunk
  })
  const exited = new Promise<number | string>((resolve) => {
    child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown'))
  })
  const waitFor = (pattern: RegExp, timeout = 15_000): Promise<RegExpExecArray> =>
    new Promise((resolve, reject) => {
      const done = (error?: Error, match?: RegExpExecArray): void => {
        clearTimeout(timer)
        child.stdout!.off('data', check)
        child.off('exit', early)
        if (error) reject(error)
        else resolve(match!)
      }
      const check = (): void => {
        const match = pattern.exec(out)
        if (match !== null) done(undefined, match)
      }
      const early = (): void =>
        done(new Error(`brisk exited before printing ${pattern}\nstdout:\n${out}\nstderr:\n${err}`))
      const timer = setTimeout(
        () => done(new Error(`no ${pattern} within ${timeout} ms\nstdout:\n${out}\nstderr:\n${err}`)),
        timeout,
      )
      child.stdout!.on('data', check)
      child.once('exit', early)
      check()
    })
  return { child, stdout: () => out, stderr: () => err, exited, waitFor }
}

/** Runs a command to its end (within `timeout` ms). */
async function run(
  args: string[],
  options: { cwd?: string; env?: Record<string, string> } = {},
  timeout = 15_000,
) {
  const proc = brisk(args, options)
  let timer: ReturnType<typeof setTimeout> | undefined
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`brisk ${args.join(' ')} did not exit within ${timeout} ms`)),
      timeout,
    )
  })
  const code = await Promise.race([proc.exited, expired]).finally(() => clearTimeout(timer))
  return { code, stdout: proc.stdout(), stderr: proc.stderr() }
}

/** Starts `brisk serve …` and waits for its "listening" line. */
async function serve(args: string[], options: { cwd?: string; env?: Record<string, string> } = {}) {
  const server = brisk(['serve', ...args], options)
  const [line, name, url] = await server.waitFor(/^Brisk app "([^"]*)" listening on (\S+)(.*)$/m)
  return { ...server, line: line!, name: name!, url: url! }
}

/** Sends SIGTERM and waits (up to 15 s) for the exit. */
async function stop(server: Brisked): Promise<number | string> {
  server.child.kill('SIGTERM')
  let timer: ReturnType<typeof setTimeout> | undefined
  const expired = new Promise<string>((resolve) => {
    timer = setTimeout(() => resolve('still running 15 s after SIGTERM'), 15_000)
  })
  return Promise.race([server.exited, expired]).finally(() => clearTimeout(timer))
}

/** A GET on a fresh connection (no keep-alive pool to outlive a restarted server). */
const get = (url: string, timeout = 5_000): Promise<{ status: number; body: string }> => getURL(url, timeout)

/** Retries `probe` until it returns true (errors count as false), failing after `timeout` ms. */
async function poll(what: string, probe: () => Promise<boolean>, timeout = 15_000): Promise<void> {
  const deadline = Date.now() + timeout
  let last: unknown
  while (Date.now() < deadline) {
    try {
      if (await probe()) return
    } catch (error) {
      last = error
    }
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  throw new Error(`${what}: not within ${timeout} ms${last ? ` (last error: ${String(last)})` : ''}`)
}

/** Copies a fixture to a new temporary folder, pointing its import at the built core, and returns its path. */
function copyFixture(name: string, rewrite: (source: string) => string = (source) => source): string {
  const dir = mkdtempSync(join(tmpdir(), 'brisk-cli-'))
  temporary.push(dir)
  const file = join(dir, 'app.mjs')
  const core = pathToFileURL(join(root, 'dist', 'index.js')).href
  const source = readFileSync(join(fixtures, name), 'utf8').replaceAll("'../../dist/index.js'", `'${core}'`)
  writeFileSync(file, rewrite(source))
  return file
}

describe('brisk (the process)', () => {
  it('prints the usage for --help and exits 0', async () => {
    const { code, stdout } = await run(['--help'])
    expect(code).toBe(0)
    expect(stdout).toBe(USAGE)
  })

  it('prints the usage on stderr and exits 1 without arguments', async () => {
    const { code, stdout, stderr } = await run([])
    expect(code).toBe(1)
    expect(stdout).toBe('')
    expect(stderr).toBe(`brisk: no command given\n\n${USAGE}\n`)
  })

  it('prints the core version for --version', async () => {
    const { code, stdout } = await run(['--version'])
    expect(code).toBe(0)
    expect(stdout).toBe(`${VERSION}\n`)
  })

  it('exits 1 with the usage on an unknown flag', async () => {
    const { code, stderr } = await run(['serve', './cli-app.mjs', '--verbose'])
    expect(code).toBe(1)
    expect(stderr).toContain('brisk: unknown option --verbose for serve')
    expect(stderr).toContain('Usage: brisk <command> <app> [options]')
  })

  it('exits 1 on a bad --port, --workers or PORT without starting anything', async () => {
    const port = await run(['serve', './cli-app.mjs', '--port', '70000'])
    expect(port.code).toBe(1)
    expect(port.stderr).toBe('brisk: --port must be a port number from 0 to 65535, got "70000"\n')
    const workers = await run(['serve', './cli-app.mjs', '--workers', '0'])
    expect(workers.code).toBe(1)
    expect(workers.stderr).toBe(
      'brisk: --workers must be a whole number of worker processes, 1 or more, got "0"\n',
    )
    const env = await run(['serve', './cli-app.mjs'], { env: { PORT: 'eighty' } })
    expect(env.code).toBe(1)
    expect(env.stderr).toBe('brisk: PORT must be a port number from 0 to 65535, got "eighty"\n')
  })
})

describe('brisk serve', () => {
  it('serves the app on port 0, prints one line with the URL, and exits 0 on SIGTERM', async () => {
    const server = await serve(['./cli-app.mjs', '--port', '0'])
    expect(server.line).toMatch(/^Brisk app "cli-fixture" listening on http:\/\/127\.0\.0\.1:\d+$/)
    expect(server.stdout()).toBe(`${server.line}\n`)
    const res = await get(`${server.url}/hello/ada`)
    expect(res).toEqual({ status: 200, body: '{"hello":"ada"}' })
    expect(await stop(server)).toBe(0)
  }, 30_000)

  it('takes the port from PORT', async () => {
    const port = await freePort()
    const server = await serve(['./cli-app.mjs'], { env: { PORT: String(port) } })
    expect(server.url).toBe(`http://127.0.0.1:${port}`)
    expect(await stop(server)).toBe(0)
  }, 30_000)

  it('serves the export named after the colon', async () => {
    const server = await serve(['./cli-app.mjs:admin', '--port', '0'])
    expect(server.name).toBe('cli-admin')
    expect((await get(`${server.url}/`)).body).toBe('admin app')
    expect(await stop(server)).toBe(0)
  }, 30_000)

  it('falls back to the default export', async () => {
    const server = await serve(['./cli-default.mjs', '--port', '0'])
    expect(server.name).toBe('cli-default')
    expect((await get(`${server.url}/`)).body).toBe('default export')
    expect(await stop(server)).toBe(0)
  }, 30_000)

  it('serves what an exported factory function returns, sync or async', async () => {
    const made = await serve(['./cli-factory.mjs', '--port', '0'])
    expect(made.name).toBe('cli-factory')
    expect((await get(`${made.url}/`)).body).toBe('made by a factory')
    expect(await stop(made)).toBe(0)
    const admin = await serve(['./cli-factory.mjs:makeAdmin', '--port', '0'])
    expect(admin.name).toBe('cli-factory-admin')
    expect((await get(`${admin.url}/admin`)).body).toBe('admin')
    expect(await stop(admin)).toBe(0)
  }, 30_000)

  it('exits 1 when a factory returns something that is not an app', async () => {
    const { code, stderr } = await run(['serve', './cli-factory.mjs:notAnApp', '--port', '0'])
    expect(code).toBe(1)
    expect(stderr).toBe(
      'brisk: the export "notAnApp" of ./cli-factory.mjs is a function, taken for an app factory, but it returned an object (Object), not a Brisk app\n',
    )
  })

  it('exits 1 naming the module and its exports when there is no app', async () => {
    const { code, stdout, stderr } = await run(['serve', './cli-no-app.mjs', '--port', '0'])
    expect(code).toBe(1)
    expect(stdout).toBe('')
    expect(stderr).toBe(
      'brisk: ./cli-no-app.mjs exports no Brisk app: expected an export named "app" or a default export that is new Brisk() (its exports: Brisk, config, handler); "Brisk" is the Brisk class: export an app made with new Brisk()\n',
    )
  })

  it('exits 1 when the named export is missing or is not an app', async () => {
    const missing = await run(['serve', './cli-app.mjs:api'])
    expect(missing.code).toBe(1)
    expect(missing.stderr).toBe(
      'brisk: ./cli-app.mjs has no export named "api" (its exports: admin, app, settings)\n',
    )
    const notApp = await run(['serve', './cli-app.mjs:settings'])
    expect(notApp.code).toBe(1)
    expect(notApp.stderr).toBe(
      'brisk: the export "settings" of ./cli-app.mjs is not a Brisk app but an object (Object) (its exports: admin, app, settings)\n',
    )
  })

  it('exits 1 when the module does not exist', async () => {
    const { code, stderr } = await run(['serve', './nowhere.mjs'])
    expect(code).toBe(1)
    expect(stderr).toBe(`brisk: ./nowhere.mjs not found (looked for ${join(fixtures, 'nowhere.mjs')})\n`)
  })

  it('exits 1 when the module already started its own server', async () => {
    const { code, stderr } = await run(['serve', './cli-listens.mjs', '--port', '0'])
    expect(code).toBe(1)
    // The module's own listen() said where it listens (through the app's logger), then brisk refuses it.
    const [logged, ...rest] = stderr.split('\n')
    expect(JSON.parse(logged!)).toMatchObject({
      level: 'info',
      msg: expect.stringMatching(/^Brisk app "cli-listens" listening on http:/),
    })
    expect(rest.join('\n')).toMatch(/^brisk: \.\/cli-listens\.mjs already started its server when imported/)
  })

  it("exits 1 with the app's own error when it fails to start", async () => {
    const { code, stdout, stderr } = await run(['serve', './cli-fails.mjs', '--port', '0'])
    expect(code).toBe(1)
    expect(stdout).toBe('')
    expect(stderr).toMatch(/^brisk: the app failed to start:\nError: the database is not there\n\s+at /)
  })

  it('exits 1 when the port is taken', async () => {
    const blocker = await listening()
    try {
      const port = String((blocker.address() as { port: number }).port)
      const { code, stderr } = await run(['serve', './cli-app.mjs', '--port', port])
      expect(code).toBe(1)
      expect(stderr).toBe(`brisk: port ${port} on 127.0.0.1 is already in use\n`)
    } finally {
      blocker.close()
    }
  })

  it('hides error details without --dev', async () => {
    const server = await serve(['./cli-app.mjs', '--port', '0'])
    const res = await get(`${server.url}/boom`)
    expect(res.status).toBe(500)
    expect(res.body).not.toContain('kaboom')
    expect(JSON.parse((await get(`${server.url}/mode`)).body)).toEqual({ dev: false, nodeEnv: null })
    expect(await stop(server)).toBe(0)
  }, 30_000)

  it('serves with several workers on one port', async () => {
    const server = await serve(['./cli-app.mjs', '--port', '0', '--workers', '2'])
    expect(server.line).toMatch(
      /^Brisk app "cli-fixture" listening on http:\/\/127\.0\.0\.1:\d+ \(2 workers\)$/,
    )
    expect((await get(`${server.url}/hello/w`)).body).toBe('{"hello":"w"}')
    expect(await stop(server)).toBe(0)
  }, 45_000)
})

describe('brisk serve --dev', () => {
  it('shows error details, with NODE_ENV=development set before the app is imported', async () => {
    const app = copyFixture('cli-app.mjs')
    const server = await serve(['./app.mjs', '--dev', '--port', '0'], { cwd: join(app, '..') })
    const res = await get(`${server.url}/boom`)
    expect(res.status).toBe(500)
    expect(res.body).toContain('kaboom: the secret detail')
    expect(JSON.parse((await get(`${server.url}/mode`)).body)).toEqual({ dev: true, nodeEnv: 'development' })
    expect(await stop(server)).toBe(0)
  }, 30_000)

  it('restarts the app on the same port when a file changes, and exits 0 on SIGTERM', async () => {
    const app = copyFixture('cli-reload.mjs')
    const server = await serve(['./app.mjs', '--dev', '--port', '0'], { cwd: join(app, '..') })
    expect(server.stdout()).toMatch(/^brisk: development mode, restarting on changes in \.\n/)
    expect((await get(`${server.url}/`)).body).toBe('v1')

    // Changes the supervisor must not restart for.
    writeFileSync(join(app, '..', '.app.mjs.swp'), 'swap')
    writeFileSync(join(app, '..', 'app.mjs~'), 'backup')

    writeFileSync(app, readFileSync(app, 'utf8').replace("const VERSION = 'v1'", "const VERSION = 'v2'"))
    await poll('the new answer', async () => (await get(`${server.url}/`, 1_000)).body === 'v2')
    expect(server.stdout()).toContain('brisk: app.mjs changed, restarting\n')
    expect(server.stdout().match(/restarting\n/g)).toHaveLength(1)
    expect(server.stdout().match(/listening on/g)).toHaveLength(2)
    expect(await stop(server)).toBe(0)
    // The server went with the supervisor.
    await expect(get(`${server.url}/`, 1_000)).rejects.toThrow()
  }, 45_000)

  it('keeps watching after the app fails to start, and recovers when it is fixed', async () => {
    const app = copyFixture('cli-reload.mjs', (source) =>
      source.replace("const VERSION = 'v1'", 'const VERSION = ;'),
    )
    const server = brisk(['serve', './app.mjs', '--dev', '--port', String(await freePort())], {
      cwd: join(app, '..'),
    })
    await server.waitFor(/the app exited \(code 1\); it restarts when a file changes/)
    expect(server.stderr()).toContain('could not import ./app.mjs')
    writeFileSync(app, readFileSync(app, 'utf8').replace('const VERSION = ;', "const VERSION = 'fixed'"))
    const [, url] = await server.waitFor(/listening on (\S+)/)
    expect((await get(`${url}/`)).body).toBe('fixed')
    expect(await stop(server)).toBe(0)
  }, 45_000)

  it('stops the server when the supervisor is killed outright', async () => {
    const app = copyFixture('cli-reload.mjs')
    const server = await serve(['./app.mjs', '--dev', '--port', '0'], { cwd: join(app, '..') })
    expect((await get(`${server.url}/`)).body).toBe('v1')
    server.child.kill('SIGKILL')
    await poll('the server to go away', async () => {
      try {
        await get(`${server.url}/`, 500)
        return false
      } catch {
        return true
      }
    })
  }, 30_000)
})

describe('brisk routes', () => {
  it('prints the route table and exits 0', async () => {
    const { code, stdout, stderr } = await run(['routes', './cli-app.mjs'])
    expect(stderr).toBe('')
    expect(code).toBe(0)
    expect(stdout).toBe(
      [
        'METHODS   PATH             NAME        HOST',
        'GET       /                home        -',
        'GET       /admin           admin       admin.example.com',
        'GET,POST  /books           books.list  -',
        'GET       /books/:id<int>  books.show  -',
        'GET       /boom            boom        -',
        'GET       /hello/:name     hello       -',
        'GET,POST  /items           items       -',
        'GET       /mode            mode        -',
        '',
      ].join('\n'),
    )
  })

  it('prints JSON with --json', async () => {
    const { code, stdout } = await run(['routes', './cli-app.mjs:admin', '--json'])
    expect(code).toBe(0)
    expect(JSON.parse(stdout)).toEqual([
      { methods: ['GET'], path: '/', name: 'admin.home', host: null, blueprint: null },
    ])
    const app = JSON.parse((await run(['routes', './cli-app.mjs', '--json'])).stdout)
    expect(app).toContainEqual({
      methods: ['GET', 'POST'],
      path: '/books',
      name: 'books.list',
      host: null,
      blueprint: 'books',
    })
  })

  it('reads the routes of a factory without starting the app: no listener runs, --json stays clean', async () => {
    const json = await run(['routes', './cli-factory.mjs', '--json'])
    expect(json.stderr).toBe('')
    expect(json.code).toBe(0)
    expect(JSON.parse(json.stdout)).toEqual([
      { methods: ['GET'], path: '/', name: 'home', host: null, blueprint: null },
      { methods: ['GET'], path: '/books/:id<int>', name: 'book', host: null, blueprint: null },
    ])
    const table = await run(['routes', './cli-factory.mjs:makeAdmin'])
    expect(table.stderr).toBe('')
    expect(table.stdout).not.toContain('ran')
    expect(table.stdout).toContain('/admin')
  })

  it('exits 1 when there is no app', async () => {
    const { code, stderr } = await run(['routes', './cli-no-app.mjs'])
    expect(code).toBe(1)
    expect(stderr).toMatch(/^brisk: \.\/cli-no-app\.mjs exports no Brisk app/)
  })
})

function listening(): Promise<Server> {
  return new Promise((resolve) => {
    const server = createServer()
    server.listen(0, '127.0.0.1', () => resolve(server))
  })
}

async function freePort(): Promise<number> {
  const server = await listening()
  const { port } = server.address() as { port: number }
  await new Promise((resolve) => server.close(resolve))
  return port
}
