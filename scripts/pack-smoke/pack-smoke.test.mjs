/**
 * What users install works: every package packed the way it is published (`pnpm pack`), the tarballs
 * installed with plain npm into a fresh project outside the workspace (third-party dependencies from the
 * registry), the app in app/ type-checked against the installed .d.ts files and started with plain node,
 * then asked for a JWT login and a guarded route, /openapi.json, a template page, a CORS preflight and a
 * session cookie. The packages must be built first: turbo's `test` task depends on `^build`, and
 * brisk-scripts depends on every package.
 */
import { execFile, spawn } from 'node:child_process'
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { packPackages, repoRoot, withoutPnpmSettings } from './pack.mjs'

const run = promisify(execFile)
const here = dirname(fileURLToPath(import.meta.url))
const rootJson = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8'))

let temp = ''
let project = ''
let server
let base = ''
let serverOutput = ''
const names = []

beforeAll(async () => {
  temp = mkdtempSync(join(tmpdir(), 'brisk-pack-smoke-'))
  const tarballs = join(temp, 'tarballs')
  project = join(temp, 'project')
  mkdirSync(tarballs)
  mkdirSync(project)

  // The @brisk packages only: create-brisk, a command, has an end-to-end test of its own.
  const dependencies = {}
  for (const { name, tarball } of await packPackages(tarballs, { include: (n) => n.startsWith('@brisk/') })) {
    names.push(name)
    dependencies[name] = `file:${tarball}`
  }

  writeFileSync(
    join(project, 'package.json'),
    `${JSON.stringify(
      {
        name: 'brisk-pack-smoke',
        private: true,
        type: 'module',
        dependencies,
        devDependencies: { '@types/node': rootJson.devDependencies['@types/node'] },
      },
      null,
      2,
    )}\n`,
  )
  // No install scripts: swagger-ui-dist depends on @scarf/scarf, whose install script reports the download to
  // a third party (pnpm-workspace.yaml never runs it either); none of the packages needs one.
  await run('npm', ['install', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error'], {
    cwd: project,
    // Plain npm, as a user runs it: none of pnpm's settings from the environment of `pnpm test`.
    env: withoutPnpmSettings(),
    timeout: 90_000,
  })
  cpSync(join(here, 'app'), project, { recursive: true })
}, 110_000)

afterAll(async () => {
  if (server !== undefined && server.exitCode === null) {
    server.kill('SIGKILL')
    await new Promise((resolve) => server.once('exit', resolve))
  }
  if (temp !== '') rmSync(temp, { recursive: true, force: true })
})

/** Starts `node server.mjs` in the project and resolves with the URL it prints. */
function startServer() {
  server = spawn(process.execPath, ['server.mjs'], { cwd: project, stdio: ['ignore', 'pipe', 'pipe'] })
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no "listening" line in 15 s:\n${serverOutput}`)), 15_000)
    const read = (chunk) => {
      serverOutput += chunk
      const match = /listening (http:\/\/\S+)/.exec(serverOutput)
      if (match !== null) {
        clearTimeout(timer)
        resolve(match[1].replace(/\/$/, ''))
      }
    }
    server.stdout.on('data', read)
    server.stderr.on('data', read)
    server.once('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`server.mjs exited with ${code} before listening:\n${serverOutput}`))
    })
  })
}

describe('the packed packages, installed with npm outside the workspace', () => {
  it('installs every package from its tarball, with the files users get', () => {
    expect(names.sort()).toEqual([
      '@brisk/core',
      '@brisk/cors',
      '@brisk/jwt',
      '@brisk/openapi',
      '@brisk/session',
      '@brisk/templates',
      '@brisk/testing',
    ])
    for (const name of names) {
      const installed = join(project, 'node_modules', name)
      const json = JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8'))
      expect(json.exports['.'].source, name).toBeUndefined() // publishConfig.exports replaced it
      // src/ is shipped: the source maps of dist/ name its files (RELEASING.md, publish-ready packages).
      expect(existsSync(join(installed, 'src', 'index.ts')), `${name} lacks src/`).toBe(true)
      expect(existsSync(join(installed, 'LICENSE')), `${name} has no LICENSE`).toBe(true)
    }
    // One core for the app and every plugin (a peer dependency, never a copy per plugin).
    for (const name of names.filter((n) => n !== '@brisk/core')) {
      expect(existsSync(join(project, 'node_modules', name, 'node_modules', '@brisk', 'core')), name).toBe(
        false,
      )
    }
  })

  it('type-checks an app against the installed .d.ts files with the workspace’s TypeScript', async () => {
    const tsc = join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc')
    const result = await run(process.execPath, [tsc, '-p', 'tsconfig.json'], { cwd: project }).catch(
      (error) => error,
    )
    expect(`${result.stdout ?? ''}${result.stderr ?? ''}`).toBe('')
    expect(result.code ?? 0).toBe(0)
  }, 60_000)

  describe('the app, started with plain node', () => {
    beforeAll(async () => {
      base = await startServer()
    }, 20_000)

    it('logs in with JWT and opens the guarded route with the token only', async () => {
      const login = await fetch(`${base}/auth`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'ada', password: 'lovelace' }),
      })
      expect(login.status).toBe(200)
      const { access_token: token } = await login.json()
      expect(token.split('.')).toHaveLength(3)

      expect((await fetch(`${base}/secret`)).status).toBe(401)
      const guarded = await fetch(`${base}/secret`, { headers: { authorization: `Bearer ${token}` } })
      expect(guarded.status).toBe(200)
      expect(await guarded.json()).toEqual({ sub: '1' })
    })

    it('serves the OpenAPI document of its routes', async () => {
      const res = await fetch(`${base}/openapi.json`)
      expect(res.status).toBe(200)
      const doc = await res.json()
      expect(doc.openapi).toMatch(/^3\.1\./)
      expect(doc.info.title).toBe('Pack smoke')
      expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/page', '/secret', '/api/books']))
    })

    it('renders a template page', async () => {
      const res = await fetch(`${base}/page?name=%3Cnpm%3E`)
      expect(res.status).toBe(200)
      expect(res.headers.get('content-type')).toMatch(/^text\/html/)
      expect(await res.text()).toContain('<h1>Hello, &lt;npm&gt;!</h1>')
    })

    it('answers a CORS preflight for an allowed origin, and not for another', async () => {
      const preflight = (origin) =>
        fetch(`${base}/api/books`, {
          method: 'OPTIONS',
          headers: { origin, 'access-control-request-method': 'GET' },
        })
      const allowed = await preflight('https://front.example')
      expect(allowed.status).toBe(204)
      expect(allowed.headers.get('access-control-allow-origin')).toBe('https://front.example')
      expect((await preflight('https://evil.example')).headers.get('access-control-allow-origin')).toBeNull()
    })

    it('keeps a session in a cookie it sets', async () => {
      const first = await fetch(`${base}/session/visits`)
      expect(await first.json()).toEqual({ visits: 1 })
      const cookie = first.headers.getSetCookie()[0]
      expect(cookie).toMatch(/HttpOnly/i)
      const second = await fetch(`${base}/session/visits`, { headers: { cookie: cookie.split(';')[0] } })
      expect(await second.json()).toEqual({ visits: 2 })
    })

    it('stops on SIGTERM with exit code 0', async () => {
      const exited = new Promise((resolve) =>
        server.once('exit', (code, signal) => resolve({ code, signal })),
      )
      server.kill('SIGTERM')
      expect(await exited).toEqual({ code: 0, signal: null })
    }, 15_000)
  })
})
