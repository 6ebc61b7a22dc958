/**
 * Debian's nginx run as a plain process for a test, on loopback with free ports and a temporary prefix,
 * from `deploy/nginx.conf` itself: only its ports and file paths are replaced (see {@link renderConf}), so
 * what the test checks is the file the README tells people to install.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process'
import {
  chmodSync,
  cpSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs'
import { connect, createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

/** The showcase's folder (`examples/showcase`). */
export const SHOWCASE_DIR = fileURLToPath(new URL('../..', import.meta.url))
/** The documented configuration. */
export const CONF_PATH = join(SHOWCASE_DIR, 'deploy/nginx.conf')
/** The self-signed certificate for tests only, and its key. */
export const TEST_CERT = join(SHOWCASE_DIR, 'deploy/tls/test-only.crt')
export const TEST_KEY = join(SHOWCASE_DIR, 'deploy/tls/test-only.key')

/** What {@link renderConf} puts in place of the production ports and paths. */
export interface ConfValues {
  httpsPort: number
  httpPort: number
  /** `host:port` of the app. */
  upstream: string
  /** A folder that holds `logs/`, `tmp/` and the pid file. */
  prefix: string
  /** The folder served at `/static/`. */
  publicDir: string
  cert: string
  key: string
}

/**
 * The production values in deploy/nginx.conf, each with how many times it must occur, and what a test
 * puts there. A value that no longer occurs that many times fails the render: the conf and the test
 * cannot drift apart silently.
 */
function substitutions(v: ConfValues): [from: string, times: number, to: string][] {
  return [
    ['listen 443 ssl;', 1, `listen 127.0.0.1:${v.httpsPort} ssl;`],
    ['listen 80;', 1, `listen 127.0.0.1:${v.httpPort};`],
    ['server 127.0.0.1:8000 ', 1, `server ${v.upstream} `],
    ['/run/nginx.pid', 1, join(v.prefix, 'nginx.pid')],
    ['/var/log/nginx/', 2, `${join(v.prefix, 'logs')}/`],
    ['/var/lib/nginx/', 2, `${join(v.prefix, 'tmp')}/`],
    ['/etc/letsencrypt/live/showcase.example.com/fullchain.pem', 1, v.cert],
    ['/etc/letsencrypt/live/showcase.example.com/privkey.pem', 1, v.key],
    ['/srv/showcase/public/', 1, `${v.publicDir}/`],
    ['/var/www/letsencrypt', 1, join(v.prefix, 'acme')],
  ]
}

/** The directives whose lines {@link renderConf} may change: ports, addresses and paths only. */
export const RENDERED_DIRECTIVES = [
  'listen',
  'server',
  'pid',
  'error_log',
  'access_log',
  'client_body_temp_path',
  'proxy_temp_path',
  'ssl_certificate',
  'ssl_certificate_key',
  'alias',
  'root',
]

/**
 * deploy/nginx.conf with its ports and paths replaced for a test; throws if a production value does not
 * occur the expected number of times, or if a production path is left over.
 *
 * @example
 * const text = renderConf(readFileSync(CONF_PATH, 'utf8'), { httpsPort: 8443, httpPort: 8080, upstream: '127.0.0.1:3000',
 *   prefix: '/tmp/nginx-x', publicDir: '/tmp/nginx-x/public', cert: TEST_CERT, key: TEST_KEY })
 */
export function renderConf(template: string, values: ConfValues): string {
  let text = template
  for (const [from, times, to] of substitutions(values)) {
    const found = text.split(from).length - 1
    if (found !== times) {
      throw new Error(
        `deploy/nginx.conf: expected ${times} × "${from}", found ${found}: update test/deploy/_nginx.ts`,
      )
    }
    text = text.replaceAll(from, to)
  }
  const left = /(\/run\/|\/var\/|\/srv\/|\/etc\/letsencrypt)/.exec(text)
  if (left) throw new Error(`deploy/nginx.conf: a production path is left in the test's copy: ${left[0]}`)
  return text
}

/** A free TCP port on 127.0.0.1 (free when asked: nginx cannot listen on port 0 and tell us the port). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number }
      server.close(() => resolve(port))
    })
  })
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1')
    socket.once('connect', () => {
      socket.destroy()
      resolve(true)
    })
    socket.once('error', () => resolve(false))
  })
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

/** A running nginx started by {@link startNginx}. */
export interface Nginx {
  /** `https://localhost:<port>` (the certificate's name; it resolves to 127.0.0.1 or ::1, nginx binds 127.0.0.1). */
  readonly httpsPort: number
  readonly httpPort: number
  /** The temporary prefix: `nginx.conf`, `logs/`, `tmp/`, `public/`, `acme/` (certbot's webroot). */
  readonly prefix: string
  /** nginx's copy of the static folder, served at `/static/`. */
  readonly publicDir: string
  /** The configuration nginx runs. */
  readonly conf: string
  /** The access log so far (the `showcase` format of deploy/nginx.conf). */
  accessLog(): string
  /** The first access-log line that contains `text`, waiting for it up to `timeout` ms (2000). */
  accessLine(text: string, timeout?: number): Promise<string | undefined>
  /** The error log so far. */
  errorLog(): string
  /** Fast shutdown (SIGTERM), then SIGKILL to the group if needed; removes the prefix. Idempotent. */
  stop(): Promise<void>
}

/** What {@link startNginx} needs. */
export interface NginxOptions {
  /** `host:port` of the app. */
  upstream: string
  /** The static folder to copy for nginx. @default examples/showcase/public */
  publicDir?: string
  /** Milliseconds to wait for nginx to listen. @default 10_000 */
  timeout?: number
}

// Groups started here and not stopped: killed when the test process exits, whatever the tests did
// (nginx's workers outlive a killed master otherwise, holding the ports).
const groups = new Set<number>()
let exitHook = false

function killGroup(pid: number): void {
  try {
    process.kill(-pid, 'SIGKILL')
  } catch {}
}

/**
 * Starts nginx with deploy/nginx.conf in front of `upstream`, in the foreground (`daemon off`) and its own
 * process group, on two free loopback ports; resolves once both accept connections. nginx reads a copy
 * of the static folder under the prefix, so it works as root too, where its workers run as www-data
 * (the conf's `user`) and could not read a checkout under /root.
 *
 * @example
 * const nginx = await startNginx({ upstream: '127.0.0.1:8000' })
 * await nginx.stop()
 */
export async function startNginx(options: NginxOptions): Promise<Nginx> {
  let lastError: unknown
  // A port found free can be taken before nginx binds it: try again with others.
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      return await startOnce(options)
    } catch (error) {
      lastError = error
      if (!String((error as Error).message).includes('Address already in use')) throw error
    }
  }
  throw lastError
}

/** Makes a copied tree readable by nginx's workers whoever they run as (cpSync keeps the modes it found). */
function readable(path: string): void {
  if (statSync(path).isDirectory()) {
    chmodSync(path, 0o755)
    for (const name of readdirSync(path)) readable(join(path, name))
  } else {
    chmodSync(path, 0o644)
  }
}

/** A new prefix with `logs/`, `tmp/`, a copy of the static folder and the rendered conf. */
function prepare(upstream: string, publicSource: string, httpsPort: number, httpPort: number) {
  const prefix = mkdtempSync(join(tmpdir(), 'brisk-nginx-'))
  // As root nginx's workers run as www-data: they must get through the prefix to the static files.
  chmodSync(prefix, 0o755)
  mkdirSync(join(prefix, 'logs'))
  mkdirSync(join(prefix, 'tmp'))
  mkdirSync(join(prefix, 'acme/.well-known/acme-challenge'), { recursive: true })
  const publicDir = join(prefix, 'public')
  cpSync(publicSource, publicDir, { recursive: true })
  readable(publicDir)
  const conf = renderConf(readFileSync(CONF_PATH, 'utf8'), {
    httpsPort,
    httpPort,
    upstream,
    prefix,
    publicDir,
    cert: TEST_CERT,
    key: TEST_KEY,
  })
  const confPath = join(prefix, 'nginx.conf')
  writeFileSync(confPath, conf)
  return { prefix, publicDir, conf, confPath, errorPath: join(prefix, 'logs/error.log') }
}

function read(path: string): string {
  try {
    return readFileSync(path, 'utf8')
  } catch {
    return ''
  }
}

async function startOnce(options: NginxOptions): Promise<Nginx> {
  const [httpsPort, httpPort] = [await freePort(), await freePort()]
  const { prefix, publicDir, conf, confPath, errorPath } = prepare(
    options.upstream,
    options.publicDir ?? join(SHOWCASE_DIR, 'public'),
    httpsPort,
    httpPort,
  )

  let output = ''
  const child: ChildProcess = spawn(
    'nginx',
    ['-p', `${prefix}/`, '-c', confPath, '-e', errorPath, '-g', 'daemon off;'],
    { detached: true, stdio: ['ignore', 'pipe', 'pipe'] },
  )
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk))
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk))
  const pid = child.pid!
  groups.add(pid)
  if (!exitHook) {
    exitHook = true
    process.once('exit', () => {
      for (const group of groups) killGroup(group)
    })
  }
  let exited = false
  const exit = new Promise<void>((resolve) =>
    child.once('exit', () => {
      exited = true
      resolve()
    }),
  )

  let stopped: Promise<void> | undefined
  const stop = (): Promise<void> =>
    (stopped ??= (async () => {
      if (!exited) child.kill('SIGTERM')
      await Promise.race([exit, sleep(5_000)])
      killGroup(pid)
      groups.delete(pid)
      rmSync(prefix, { recursive: true, force: true })
    })())

  // nginx writes its pid file once it has bound every port (a port taken by someone else meanwhile would
  // accept connections too, so those alone prove nothing).
  const pidPath = join(prefix, 'nginx.pid')
  const deadline = Date.now() + (options.timeout ?? 10_000)
  while (
    !(read(pidPath).trim() === String(pid) && (await canConnect(httpsPort)) && (await canConnect(httpPort)))
  ) {
    if (exited || Date.now() > deadline) {
      const why = `${read(errorPath)}${output}`.trim() || '(nothing logged)'
      await stop()
      throw new Error(`nginx did not start (${exited ? 'it exited' : 'timed out'}): ${why}`)
    }
    await sleep(50)
  }

  const accessLog = () => read(join(prefix, 'logs/access.log'))
  return {
    httpsPort,
    httpPort,
    prefix,
    publicDir,
    conf,
    accessLog,
    async accessLine(text, timeout = 2_000) {
      // nginx writes the line just after the response: a client can read the response first.
      const until = Date.now() + timeout
      for (;;) {
        const line = accessLog()
          .split('\n')
          .find((entry) => entry.includes(text))
        if (line !== undefined || Date.now() > until) return line
        await sleep(20)
      }
    },
    errorLog: () => read(errorPath),
    stop,
  }
}

/**
 * `nginx -t` on deploy/nginx.conf as a test renders it: the syntax, the certificate and key, and every
 * file the conf names are checked; nothing listens. Returns whether it passed and nginx's output.
 *
 * @example
 * expect(checkConf().ok).toBe(true)
 */
export function checkConf(): { ok: boolean; output: string } {
  const { prefix, confPath, errorPath } = prepare('127.0.0.1:9', join(SHOWCASE_DIR, 'public'), 8443, 8080)
  try {
    const result = spawnSync('nginx', ['-t', '-p', `${prefix}/`, '-c', confPath, '-e', errorPath], {
      encoding: 'utf8',
    })
    return { ok: result.status === 0, output: `${result.stdout}${result.stderr}` }
  } finally {
    rmSync(prefix, { recursive: true, force: true })
  }
}
