#!/usr/bin/env node
/**
 * A CPU profile of any bench server file (one that listens on PORT and prints `ready`, such as
 * bench/showcase/plugins/*.mjs or bench/openapi/openapi-brisk.mjs) under one repeated request.
 *
 *   node bench/profile/profile-server.mjs SERVER.mjs [--method POST] [--path /books] [--body '{…}']
 *        [--header 'name: value']… [--duration 5] [--warmup 2] [--connections 50] [--out FILE.cpuprofile]
 *
 * The server runs pinned to core 0 with `cpu-hook.mjs` preloaded, wrk on core 1; prints the summary.
 */
import { spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { clockTicksPerSecond, cpuTicks } from '../lib/proc.mjs'
import { freePort } from '../lib/servers.mjs'
import { parseWrk } from '../lib/wrk.mjs'
import { report, summarize } from './summarize.mjs'

const HOOK = fileURLToPath(new URL('./cpu-hook.mjs', import.meta.url))
const POST = fileURLToPath(new URL('../wrk/post-echo.lua', import.meta.url))
const args = process.argv.slice(2)
const opt = (name, fallback) => (args.includes(name) ? args[args.indexOf(name) + 1] : fallback)
const file = args[0]
if (file === undefined || file.startsWith('--')) {
  console.error('usage: profile-server.mjs SERVER.mjs [--method M] [--path P] [--body B] [--header H]…')
  process.exit(2)
}
const method = opt('--method', 'GET')
const path = opt('--path', '/')
const body = opt('--body')
const headers = args.flatMap((a, i) => (a === '--header' ? [args[i + 1]] : []))
const duration = Number(opt('--duration', '5'))
const warmup = Number(opt('--warmup', '2'))
const connections = Number(opt('--connections', '50'))
const out = resolve(opt('--out', `/tmp/brisk-profile/server-${Date.now()}.cpuprofile`))

const port = await freePort()
const child = spawn('taskset', ['-c', '0', process.execPath, '--import', HOOK, resolve(file)], {
  env: { ...process.env, PORT: String(port), NODE_ENV: 'production', BRISK_PROFILE_OUT: out },
  stdio: ['ignore', 'pipe', 'pipe'],
})
let log = ''
child.stdout.on('data', (c) => {
  log += c
})
child.stderr.on('data', (c) => {
  log += c
})
const waitFor = async (text, from) => {
  for (let i = 0; i < 400 && !log.slice(from).includes(text); i++) await new Promise((r) => setTimeout(r, 50))
  if (!log.slice(from).includes(text)) throw new Error(`no "${text}":\n${log}`)
}
try {
  await waitFor('ready', 0)
  const wrk = (seconds) =>
    new Promise((ok, fail) => {
      const argv = ['-c', '1', 'wrk', '-t1', `-c${connections}`, `-d${seconds}s`, '--latency']
      for (const h of headers) argv.push('-H', h)
      const url = `http://127.0.0.1:${port}${path}`
      if (method !== 'GET' || body !== undefined) argv.push('-s', POST, url, '--', method, body ?? '')
      else argv.push(url)
      const w = spawn('taskset', argv, { stdio: ['ignore', 'pipe', 'inherit'] })
      let text = ''
      w.stdout.on('data', (c) => {
        text += c
      })
      w.on('close', (code) => (code === 0 ? ok(parseWrk(text)) : fail(new Error(text))))
    })
  if (warmup > 0) await wrk(warmup)
  let mark = log.length
  child.kill('SIGUSR2')
  await waitFor('profile started', mark)
  const before = cpuTicks(child.pid)
  const run = await wrk(duration)
  const cpu = ((cpuTicks(child.pid) - before) * 1e6) / clockTicksPerSecond() / run.requests
  mark = log.length
  child.kill('SIGUSR2')
  await waitFor('profile written', mark)
  console.log(
    `${run.requests} requests (${run.non2xx} non-2xx), ${cpu.toFixed(1)} µs CPU/req (profiler on); ${out}\n`,
  )
  console.log(
    report(summarize(JSON.parse(readFileSync(out, 'utf8'))), {
      top: Number(opt('--top', '30')),
      requests: run.requests,
    }),
  )
} finally {
  child.kill('SIGTERM')
}
