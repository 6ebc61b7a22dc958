#!/usr/bin/env node
/**
 * The `create-brisk` command (`npm create brisk@latest my-app` runs it): asks nothing, writes the project,
 * prints what to run next. A refusal prints `create-brisk: <why>` and exits with code 1.
 */
import { main } from './main'

process.exitCode = main(process.argv.slice(2), {
  out: (line) => console.log(line),
  err: (line) => console.error(line),
})
