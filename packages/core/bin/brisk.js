#!/usr/bin/env node
// The `brisk` command's launcher. package.json's `bin` points here rather than at dist/cli.js because package
// managers link a bin when the package is installed: in this repository that happens before the first build,
// and a bin whose file is missing makes pnpm warn "Failed to create bin" for every package that depends on core.
// This file is committed, so the link always has a target; it says plainly what to do when the build is missing.
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

const cli = new URL('../dist/cli.js', import.meta.url)

if (existsSync(fileURLToPath(cli))) {
  await import(cli.href)
} else {
  process.stderr.write(
    `brisk: @brisk/core is not built (${fileURLToPath(cli)} is missing).\n` +
      'In the Brisk repository, run `pnpm --filter @brisk/core build` (or `pnpm build`) first; ' +
      'an installed @brisk/core always ships dist/.\n',
  )
  process.exitCode = 1
}
