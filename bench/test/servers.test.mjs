// CI's check of the harness. With wrk and taskset installed: a short smoke run of the harness itself on the Node
// servers, which checks every server's answer to every scenario it declares and then measures two routes (the
// plain GET path and the Lua body path). Without them (a fresh CI machine, no apt): every Node server is started
// and each of its scenarios checked with plain fetch. The Bun and Deno servers are always started by the
// harness's own code (pinned with taskset when it is there) and checked with plain fetch, which keeps them to a
// few seconds; each is also checked to be the runtime's binary itself, the process whose CPU time a run reads.
// Either way it stays well under a minute and never installs anything.
import assert from 'node:assert/strict'
import { spawn, spawnSync } from 'node:child_process'
import { realpathSync } from 'node:fs'
import { test } from 'node:test'
import { fileURLToPath } from 'node:url'
import { checkServer } from '../lib/check.mjs'
import { cpuTicks } from '../lib/proc.mjs'
import { runtimeBinary } from '../lib/runtimes.mjs'
import { loadScenarios } from '../lib/scenarios.mjs'
import { loadServers, startServer } from '../lib/servers.mjs'

const RUN = fileURLToPath(new URL('../run.mjs', import.meta.url))
const hasTool = (command, args) => spawnSync(command, args, { stdio: 'ignore' }).error === undefined
const tools = process.platform === 'linux' && hasTool('wrk', ['--version']) && hasTool('taskset', ['-V'])

const CORE_SERVERS = ['node-http', 'brisk', 'brisk-node', 'brisk-fetch', 'fastify', 'hono', 'express', 'koa']
const RUNTIME_SERVERS = {
  'brisk-bun': 'bun',
  'hono-bun': 'bun',
  'elysia-bun': 'bun',
  'brisk-deno': 'deno',
  'hono-deno': 'deno',
}
const CORE_SCENARIOS = ['text', 'json', 'param', 'echo', 'mw', 'r300']

const scenarios = await loadScenarios()
const servers = await loadServers()
const nodeServers = servers.filter((s) => s.runtime === 'node')
const otherServers = servers.filter((s) => s.runtime !== 'node')

test('the core servers are all there and declare the core scenarios, and only scenarios that exist', () => {
  const names = servers.map((s) => s.name)
  for (const name of CORE_SERVERS) assert.ok(names.includes(name), `servers/${name}.mjs`)
  const known = new Set(scenarios.map((s) => s.name))
  for (const server of servers) {
    for (const name of server.scenarios)
      assert.ok(known.has(name), `${server.name} declares unknown scenario ${name}`)
  }
  for (const server of servers.filter((s) => CORE_SERVERS.includes(s.name) || s.name in RUNTIME_SERVERS)) {
    for (const name of CORE_SCENARIOS) assert.ok(server.scenarios.includes(name), `${server.name}: ${name}`)
  }
})

test('the Bun and Deno servers are there, each on its runtime; the Node ones say nothing or node', () => {
  for (const [name, runtime] of Object.entries(RUNTIME_SERVERS)) {
    assert.equal(servers.find((s) => s.name === name)?.runtime, runtime, `servers/${name}.mjs`)
  }
  for (const name of CORE_SERVERS) assert.equal(servers.find((s) => s.name === name).runtime, 'node')
})

if (tools) {
  test('smoke run of the harness (wrk + taskset) exits 0', { timeout: 120_000 }, async () => {
    const only = nodeServers.map((s) => s.name).join(',')
    const child = spawn(process.execPath, [RUN, '--smoke', '--only', only, '--routes', '/,/echo'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let out = ''
    child.stdout.on('data', (c) => {
      out += c
    })
    child.stderr.on('data', (c) => {
      out += c
    })
    const code = await new Promise((resolve) => child.on('close', resolve))
    assert.equal(code, 0, out)
    assert.match(out, /smoke ok/)
    for (const server of nodeServers) assert.match(out, new RegExp(`check ${server.name} +ok`), server.name)
    assert.match(out, /\| `POST \/echo` \|/)
  })
} else {
  for (const server of nodeServers) {
    test(`${server.name} starts and answers each of its scenarios correctly (fetch)`, {
      timeout: 30_000,
    }, async () => {
      const own = scenarios.filter((s) => server.scenarios.includes(s.name))
      const handle = await startServer(server, { first: own[0] })
      try {
        const results = await checkServer(handle.url, own)
        assert.deepEqual(
          results.filter((r) => !r.ok),
          [],
        )
        assert.equal(results.length, own.length)
      } finally {
        await handle.stop()
      }
    })
  }
}

for (const server of otherServers) {
  test(`${server.name} starts on ${server.runtime} as its own process and answers each of its scenarios correctly`, {
    timeout: 30_000,
  }, async () => {
    const own = scenarios.filter((s) => server.scenarios.includes(s.name))
    const handle = await startServer(server, { cpu: tools ? 0 : undefined, first: own[0] })
    try {
      // The pid a run reads CPU time from is the runtime's binary, not taskset or a wrapper script.
      assert.equal(realpathSync(`/proc/${handle.pid}/exe`), realpathSync(runtimeBinary(server.runtime)))
      const results = await checkServer(handle.url, own)
      assert.deepEqual(
        results.filter((r) => !r.ok),
        [],
      )
      assert.equal(results.length, own.length)
      assert.ok(cpuTicks(handle.pid) > 0, 'the server has used CPU time by now')
    } finally {
      await handle.stop()
    }
  })
}
