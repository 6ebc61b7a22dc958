// CI's check of the harness. With wrk and taskset installed: a short smoke run of the harness itself, which checks
// every server's answer to every scenario it declares and then measures two routes (the plain GET path and the
// Lua body path). Without them (a fresh CI machine, no apt): every server is started and each of its scenarios
// checked with plain fetch. Either way it stays well under a minute and never installs anything.
import assert from 'node:assert/strict'
import { spawn, spawnSync } from 'node:child_process'
import { test } from 'node:test'
import { fileURLToPath } from 'node:url'
import { checkServer } from '../lib/check.mjs'
import { loadScenarios } from '../lib/scenarios.mjs'
import { loadServers, startServer } from '../lib/servers.mjs'

const RUN = fileURLToPath(new URL('../run.mjs', import.meta.url))
const hasTool = (command, args) => spawnSync(command, args, { stdio: 'ignore' }).error === undefined
const tools = process.platform === 'linux' && hasTool('wrk', ['--version']) && hasTool('taskset', ['-V'])

const CORE_SERVERS = ['node-http', 'brisk', 'brisk-node', 'brisk-fetch', 'fastify', 'hono', 'express', 'koa']
const CORE_SCENARIOS = ['text', 'json', 'param', 'echo', 'mw', 'r300']

const scenarios = await loadScenarios()
const servers = await loadServers()

test('the core servers are all there and declare the core scenarios, and only scenarios that exist', () => {
  const names = servers.map((s) => s.name)
  for (const name of CORE_SERVERS) assert.ok(names.includes(name), `servers/${name}.mjs`)
  const known = new Set(scenarios.map((s) => s.name))
  for (const server of servers) {
    for (const name of server.scenarios)
      assert.ok(known.has(name), `${server.name} declares unknown scenario ${name}`)
  }
  for (const server of servers.filter((s) => CORE_SERVERS.includes(s.name))) {
    for (const name of CORE_SCENARIOS) assert.ok(server.scenarios.includes(name), `${server.name}: ${name}`)
  }
})

if (tools) {
  test('smoke run of the harness (wrk + taskset) exits 0', { timeout: 120_000 }, async () => {
    const child = spawn(process.execPath, [RUN, '--smoke', '--routes', '/,/echo'], {
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
    for (const server of servers) assert.match(out, new RegExp(`check ${server.name} +ok`), server.name)
    assert.match(out, /\| `POST \/echo` \|/)
  })
} else {
  for (const server of servers) {
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
