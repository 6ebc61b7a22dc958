/**
 * The showcase as users run it (`node --import tsx src/main.ts`, cwd examples/showcase), driven over real
 * HTTP: one request per new connection (the cluster hands each to a worker in turn), or requests on one
 * kept-alive connection (always the same worker), and the worker processes found through /proc.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { Agent, type IncomingHttpHeaders, request } from 'node:http'
import { connect } from 'node:net'
import { fileURLToPath } from 'node:url'
import { type AppProcess, startAppProcess } from '@brisk/testing/services'
import { expect } from 'vitest'

/** The showcase's folder: the cwd its users start it from. */
export const showcaseDir = fileURLToPath(new URL('../..', import.meta.url))

/** A secret long enough for HS256 (32 bytes), so the development-secret warning stays out of the way. */
export const SECRET = 'process-tests-secret-0123456789abcdef'

/**
 * Starts `node --import tsx src/main.ts` and waits for `/health`, then for the line saying it listens (with
 * workers, `/health` answers as soon as one worker listens; the line comes once all of them do). `NODE_ENV`
 * is removed (Vitest sets it to `test`): the app runs as it would on a server where nobody set it.
 */
export async function startShowcase(
  env: Record<string, string | undefined> = {},
  options: { readyPath?: string | null; timeout?: number } = {},
): Promise<AppProcess> {
  const app = await startAppProcess({
    args: ['--import', 'tsx', 'src/main.ts'],
    cwd: showcaseDir,
    env: { JWT_SECRET: SECRET, NODE_ENV: undefined, WORKERS: undefined, REDIS_URL: undefined, ...env },
    readyPath: options.readyPath === undefined ? '/health' : options.readyPath,
    timeout: options.timeout ?? 90_000,
    grace: 8_000,
  })
  if (options.readyPath !== null) {
    expect(await waitForOutput(app, /listening on/, 60_000), 'never said it was listening').toMatch(
      /listening on/,
    )
  }
  return app
}

export interface Answer {
  status: number
  headers: IncomingHttpHeaders
  text: string
  body: any
  /** Milliseconds from sending to the end of the answer. */
  ms: number
  /** The client side's port of the connection: which connection carried it. */
  localPort: number
}

export interface SendOptions {
  json?: unknown
  body?: string | Buffer
  headers?: Record<string, string>
  /** A kept-alive agent (see {@link connection}); by default a new connection for this request alone. */
  agent?: Agent
  timeout?: number
}

/** One request; rejects only when there is no answer (the socket failed, or `timeout` passed). */
export function send(url: string, method: string, path: string, options: SendOptions = {}): Promise<Answer> {
  const payload = options.json === undefined ? options.body : JSON.stringify(options.json)
  const headers: Record<string, string> = { ...options.headers }
  if (options.json !== undefined) headers['content-type'] ??= 'application/json'
  if (payload === undefined && (method === 'POST' || method === 'PUT')) headers['content-length'] = '0'
  const started = performance.now()
  return new Promise((resolve, reject) => {
    const req = request(
      `${url}${path}`,
      { method, headers, agent: options.agent ?? false, timeout: options.timeout ?? 10_000 },
      (res) => {
        const chunks: Buffer[] = []
        res.on('data', (chunk: Buffer) => chunks.push(chunk))
        res.on('error', reject)
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8')
          let body: unknown
          try {
            body = text === '' ? null : JSON.parse(text)
          } catch {
            body = undefined
          }
          resolve({
            status: res.statusCode!,
            headers: res.headers,
            text,
            body,
            ms: performance.now() - started,
            localPort: res.socket?.localPort ?? 0,
          })
        })
      },
    )
    req.on('timeout', () =>
      req.destroy(new Error(`${method} ${path}: no answer in ${options.timeout ?? 10_000} ms`)),
    )
    req.on('error', reject)
    req.end(payload)
  })
}

/** An agent that keeps one connection open and sends every request on it: one connection, one worker. */
export function connection(): Agent {
  return new Agent({ keepAlive: true, maxSockets: 1 })
}

export interface Tokens {
  access_token: string
  refresh_token: string
}

/** Logs in as alice and returns her tokens (asserting the 200). */
export async function login(url: string, agent?: Agent): Promise<Tokens> {
  const res = await send(url, 'POST', '/auth', { json: { username: 'alice', password: 'wonderland' }, agent })
  expect(res.status, res.text).toBe(200)
  return res.body as Tokens
}

/** The `name=value` part of the response's `sid` cookie, if it sets one. */
export function sidCookie(res: Answer): string | undefined {
  const line = (res.headers['set-cookie'] ?? []).find((cookie) => cookie.startsWith('sid='))
  return line?.split(';')[0]
}

/** Asserts that `res` is a problem+json answer with that status. */
export function expectProblem(res: Answer, status: number): void {
  expect(res.status, res.text).toBe(status)
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/)
  expect(res.body?.status, res.text).toBe(status)
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

/** Whether a process with that pid exists (a zombie counts as gone: it has exited). */
export function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z'
  } catch {
    return false
  }
}

/** The pids still alive 3 s from now at the latest (a process that is exiting may take a moment). */
export async function leftovers(pids: number[]): Promise<number[]> {
  const deadline = Date.now() + 3_000
  while (pids.some(alive) && Date.now() < deadline) await sleep(50)
  return pids.filter(alive)
}

/**
 * The worker processes of the primary `pid`: its children that run src/main.ts (other children, such as
 * esbuild's service under tsx, are not workers).
 */
export function workerPids(pid: number): number[] {
  const found: number[] = []
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8')
      const [state, ppid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
      if (Number(ppid) !== pid || state === 'Z') continue
      const cmdline = readFileSync(`/proc/${name}/cmdline`, 'utf8').split('\0')
      if (cmdline.some((arg) => arg.endsWith('main.ts'))) found.push(Number(name))
    } catch {} // it exited while we looked
  }
  return found.sort((a, b) => a - b)
}

/** Every live process whose process group is `pgid` (the group a process started detached leads). */
export function groupMembers(pgid: number): number[] {
  const found: number[] = []
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8')
      const [state, , pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
      if (Number(pgrp) === pgid && state !== 'Z') found.push(Number(name))
    } catch {} // it exited while we looked
  }
  return found
}

/** Polls (every 100 ms, at most `ms`) until `workerPids(pid)` has `count` workers; returns them. */
export async function waitForWorkers(pid: number, count: number, ms = 10_000): Promise<number[]> {
  const deadline = Date.now() + ms
  let pids = workerPids(pid)
  while (pids.length !== count && Date.now() < deadline) {
    await sleep(100)
    pids = workerPids(pid)
  }
  return pids
}

/** Whether anything accepts connections on 127.0.0.1:`port`. */
export function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ port, host: '127.0.0.1' })
    socket.once('connect', () => {
      socket.destroy()
      resolve(true)
    })
    socket.once('error', () => resolve(false))
  })
}

/** Waits (at most `ms`) until the process has printed something matching `pattern`; returns the output. */
export async function waitForOutput(app: AppProcess, pattern: RegExp, ms = 5_000): Promise<string> {
  const deadline = Date.now() + ms
  while (!pattern.test(app.output()) && Date.now() < deadline) await sleep(50)
  return app.output()
}
