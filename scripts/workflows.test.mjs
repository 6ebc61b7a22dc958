import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { parse } from 'yaml'

// The workflows cannot run here (no GitHub runner, no OIDC token): these tests read them and run the
// shell logic that picks the dist-tag, so a typo does not wait for the first real release to show.
const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..')
/** A GitHub expression as written in a workflow, `${{ … }}`. */
const gh = (expression) => ['$', '{{ ', expression, ' }}'].join('')
const workflow = (name) => parse(readFileSync(join(repoRoot, '.github', 'workflows', name), 'utf8'))

describe('.github/workflows/release.yml', () => {
  const release = workflow('release.yml')
  const job = release.jobs.publish
  const step = (pattern) => job.steps.find((s) => pattern.test(s.name ?? s.uses ?? s.run ?? ''))

  it('runs for release tags, and by hand as a rehearsal by default', () => {
    expect(release.on.push).toEqual({ tags: ['release/**'] })
    expect(release.on.workflow_dispatch.inputs['dry-run'].default).toBe(true)
  })

  it('may ask for an OIDC token (npm provenance) and push tags, nothing more', () => {
    expect(release.permissions).toEqual({ contents: 'write', 'id-token': 'write' })
    expect(release.concurrency).toEqual({ group: 'release', 'cancel-in-progress': false })
  })

  it('uses Node 20, pnpm from packageManager, every tag, and the frozen lockfile', () => {
    expect(job.container.image).toMatch(/^node:20-/)
    expect(step(/actions\/setup-node/).with['node-version']).toBe(20)
    expect(step(/actions\/setup-node/).with['registry-url']).toBe('https://registry.npmjs.org')
    expect(step(/pnpm\/action-setup/)).toBeDefined()
    expect(step(/actions\/checkout/).with['fetch-depth']).toBe(0)
    expect(job.steps.some((s) => s.run === 'pnpm install --frozen-lockfile')).toBe(true)
  })

  it('publishes through pnpm release with provenance and the npm token, then pushes the tags', () => {
    const publish = step(/^Build, test, publish/)
    expect(publish.run).toBe(`pnpm release --dist-tag ${gh('steps.target.outputs.dist-tag')}`)
    expect(publish.env).toEqual({
      NODE_AUTH_TOKEN: gh('secrets.NPM_TOKEN'),
      NPM_CONFIG_PROVENANCE: 'true',
    })
    expect(step(/^Rehearse/).run).toMatch(/^pnpm release --dry-run /)
    const names = job.steps.map((s) => s.name ?? s.uses)
    expect(names.indexOf('Push the package tags')).toBeGreaterThan(names.indexOf(publish.name))
  })

  /** Runs the "Release tag, branch and dist-tag" step with git stubbed: what it prints or fails with. */
  function target(ref, onBranch = true) {
    const script = step(/^Release tag, branch and dist-tag/).run
    const git = `git() { if [ "$1" = merge-base ]; then ${onBranch ? 'return 0' : 'return 1'}; fi; echo "git $*" >&2; }`
    const dir = mkdtempSync(join(tmpdir(), 'brisk-workflow-'))
    const output = join(dir, 'output')
    const result = spawnSync('bash', ['-c', `${git}\n${script}`], {
      encoding: 'utf8',
      env: {
        PATH: process.env.PATH,
        GITHUB_EVENT_NAME: 'push',
        GITHUB_REF_NAME: ref,
        GITHUB_SHA: 'abc',
        GITHUB_OUTPUT: output,
      },
    })
    let written = ''
    try {
      written = readFileSync(output, 'utf8')
    } catch {}
    rmSync(dir, { recursive: true, force: true })
    return { status: result.status, out: `${result.stdout}${written}`, err: result.stderr }
  }

  it('publishes a main release as latest and an LTS release under lts-YY.12, from their branches', () => {
    expect(target('release/2026-12-05').out).toContain('dist-tag=latest')
    expect(target('release/2026-12-05').err).toContain('git fetch --no-tags origin main')
    const lts = target('release/lts-26.12/2027-03-02')
    expect(lts.out).toContain('dist-tag=lts-26.12')
    expect(lts.err).toContain('git fetch --no-tags origin lts/26.12')
  })

  it('refuses a release tag that is not on its branch', () => {
    const off = target('release/lts-26.12/2027-03-02', false)
    expect(off.status).toBe(1)
    expect(off.out).toContain('::error::release/lts-26.12/2027-03-02 is not on lts/26.12')
  })
})

describe('.github/workflows/ci.yml', () => {
  it('runs .ci/run (install with the frozen lockfile, then pnpm test) on Node 20', () => {
    const ci = workflow('ci.yml')
    expect(ci.jobs.test.container.image).toMatch(/^node:20-/)
    expect(ci.jobs.test.steps.at(-1).run).toBe('.ci/run')
  })
})
