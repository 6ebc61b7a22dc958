/**
 * The decorators where users run them: a real tsc 5.9 and tsgo (TypeScript 7) compile of a tiny project run
 * by node, tsx, and Vitest with its default config (which cannot: the README says so) and with the plugin
 * the README gives. The compiled app imports the built packages, as a user's would.
 */
import { execFile } from 'node:child_process'
import { existsSync, readdirSync, statSync } from 'node:fs'
import { readFile, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { beforeAll, describe, expect, it } from 'vitest'

const run = promisify(execFile)
const root = fileURLToPath(new URL('..', import.meta.url))
const fixture = join(root, 'test/fixtures/decorated')
// Tools of this package first, then the workspace's (tsup, vitest live at the root).
const bin = (name: string): string => {
  const found = [join(root, 'node_modules/.bin', name), join(root, '../../node_modules/.bin', name)].find(
    (p) => existsSync(p),
  )
  if (!found) throw new Error(`${name} is not installed: add it to this package's devDependencies`)
  return found
}
const expected = { summary: 'Show a book', tags: ['books'], security: [{ apiKey: [] }], bad: 422, good: 200 }

/** Whether `dir`'s dist is missing or older than a file of its src. */
function stale(dir: string): boolean {
  const built = join(dir, 'dist/index.js')
  if (!existsSync(built)) return true
  const at = statSync(built).mtimeMs
  return readdirSync(join(dir, 'src'), { recursive: true }).some(
    (file) => statSync(join(dir, 'src', String(file))).mtimeMs > at,
  )
}

beforeAll(async () => {
  // The fixture imports @brisk/openapi and @brisk/core as a user's app does: their built dist. Built only
  // when stale: turbo has built them, and check:package may be packing this dist meanwhile.
  for (const dir of [root, join(root, 'node_modules/@brisk/core')]) {
    if (stale(dir)) await run(bin('tsup'), [], { cwd: dir })
  }
}, 60_000)

/** Compiles the fixture with `compiler` into a folder inside the package (so its imports resolve), runs it. */
async function compileAndRun(
  compiler: string,
  extra: string[] = [],
): Promise<{ stdout: string; stderr: string; code: number }> {
  const out = join(root, `.out-${compiler.split('/').pop()}-${process.pid}-${extra.join('')}`)
  try {
    await run(compiler, ['-p', join(fixture, 'tsconfig.json'), '--outDir', out, ...extra], { cwd: root })
    const emitted = await readFile(join(out, 'app.js'), 'utf8')
    expect(emitted).toContain('class BookView')
    return await run('node', [join(out, 'main.js')], { cwd: root }).then(
      ({ stdout, stderr }) => ({ stdout, stderr, code: 0 }),
      (error: { stdout: string; stderr: string; code: number }) => ({
        stdout: error.stdout,
        stderr: error.stderr,
        code: error.code,
      }),
    )
  } finally {
    await rm(out, { recursive: true, force: true })
  }
}

describe('decorators compiled by', () => {
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

  it('tsc with target ESNext (what tsc --init writes) leaves them to node, which cannot parse them', async () => {
    const { code, stderr } = await compileAndRun(bin('tsc'), ['--target', 'esnext'])
    expect(code).not.toBe(0)
    expect(stderr).toContain('SyntaxError')
  }, 60_000)

  it('tsx, as it is', async () => {
    const { stdout } = await run(bin('tsx'), [join(fixture, 'main.ts')], { cwd: root })
    expect(JSON.parse(stdout)).toEqual(expected)
  }, 60_000)
})

describe('decorators under Vitest', () => {
  const vitest = (config: string) =>
    run(bin('vitest'), ['run', '--config', config], {
      cwd: fixture,
      env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' },
    }).then(
      ({ stdout, stderr }) => ({ output: stdout + stderr, code: 0 }),
      (error: { stdout: string; stderr: string; code: number }) => ({
        output: error.stdout + error.stderr,
        code: error.code,
      }),
    )

  it('with its default config, fail to parse (Oxc does not lower them): the README says what to add', async () => {
    const { output, code } = await vitest('vitest.default.config.mjs')
    expect(code).not.toBe(0)
    expect(output).toContain('SyntaxError')
  }, 60_000)

  it('with the README’s plugin, run (the fixture’s config is the README’s, word for word)', async () => {
    const readme = await readFile(join(root, 'README.md'), 'utf8')
    const config = await readFile(join(fixture, 'vitest.lowered.config.ts'), 'utf8')
    expect(readme).toContain(`\`\`\`ts\n${config.slice(config.indexOf('\n') + 1)}\`\`\``)
    const { output, code } = await vitest('vitest.lowered.config.ts')
    expect(output).toMatch(/Tests\s+\S*1 passed/)
    expect(code).toBe(0)
  }, 60_000)
})
