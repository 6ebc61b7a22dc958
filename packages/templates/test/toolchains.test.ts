/**
 * `@template()` where users run it: a real tsc 5.9 and tsgo (TypeScript 7) compile of a tiny project run by
 * node, tsx, and Vitest with its default config (which cannot: the README says so) and with the plugin the
 * README gives. The compiled app imports the built packages, as a user's would.
 */

import { cp, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { beforeAll, describe, expect, it } from 'vitest'
import { toolchain } from '../../../scripts/toolchains/harness.mjs'

const root = fileURLToPath(new URL('..', import.meta.url))
const fixture = join(root, 'test/fixtures/decorated')
const tools = toolchain(root, fixture)
const { bin, run } = tools
const expected = { status: 200, type: 'text/html; charset=utf-8', body: '<h1>Settings: mail</h1>\n' }

// The fixture imports the package and @brisk/core as a user's app does: their built dist.
beforeAll(() => tools.buildIfStale(), 60_000)

/** Compiles the fixture with `compiler` and runs it with node; the emitted app keeps its decorated class. */
async function compileAndRun(compiler: string, extra: string[] = []) {
  const result = await tools.compileAndRun(compiler, { extra, prepare })
  expect(result.emitted).toContain('class Settings')
  return result
}

/** The compiled app reads its templates next to itself, as the source app does. */
const prepare = (out: string) => cp(join(fixture, 'templates'), join(out, 'templates'), { recursive: true })

describe('@template() compiled by', () => {
  it('tsc 5.9 with target ES2022 run under node', async () => {
    const { stdout: version } = await run(bin('tsc'), ['--version'])
    expect(version).toMatch(/^Version 5\.9\./)
    const { stdout, code } = await compileAndRun(bin('tsc'))
    expect(code).toBe(0)
    expect(JSON.parse(stdout)).toEqual(expected)
  }, 60_000)

  it('tsgo (TypeScript 7) with target ES2022 run under node', async () => {
    const { stdout: version } = await run(bin('tsgo'), ['--version'])
    expect(version).toMatch(/^Version 7\./)
    const { stdout, code } = await compileAndRun(bin('tsgo'))
    expect(code).toBe(0)
    expect(JSON.parse(stdout)).toEqual(expected)
  }, 60_000)

  it('tsc with target ESNext (what tsc --init writes) leaves it to node, which cannot parse it', async () => {
    const { code, stderr } = await compileAndRun(bin('tsc'), ['--target', 'esnext'])
    expect(code).not.toBe(0)
    expect(stderr).toContain('SyntaxError')
  }, 60_000)

  it('tsx, as it is', async () => {
    const { stdout, code } = await tools.tsx()
    expect(code).toBe(0)
    expect(JSON.parse(stdout)).toEqual(expected)
  }, 60_000)
})

describe('@template() under Vitest', () => {
  it('with its default config, fails to parse it (Oxc does not lower it): the README says what to add', async () => {
    const { output, code } = await tools.vitest('vitest.default.config.mjs')
    expect(code).not.toBe(0)
    expect(output).toContain('SyntaxError')
  }, 60_000)

  it('with the README’s plugin, runs (the fixture’s config is the README’s, word for word)', async () => {
    const readme = await readFile(join(root, 'README.md'), 'utf8')
    const config = await readFile(join(fixture, 'vitest.lowered.config.ts'), 'utf8')
    expect(readme).toContain(`\`\`\`ts\n${config.slice(config.indexOf('\n') + 1)}\`\`\``)
    const { output, code } = await tools.vitest('vitest.lowered.config.ts')
    expect(output).toMatch(/Tests\s+\S*1 passed/)
    expect(code).toBe(0)
  }, 60_000)
})
