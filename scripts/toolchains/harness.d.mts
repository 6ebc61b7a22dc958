/** Types of harness.mjs, for the TypeScript toolchain tests of @brisk/openapi and @brisk/templates. */
import type { execFile } from 'node:child_process'

/** What a child process gave, also when it failed. */
export interface Outcome {
  stdout: string
  stderr: string
  code: number
}

/** An `execFile` promise as an outcome (see harness.mjs). */
export declare function outcome(pending: Promise<{ stdout: string; stderr: string }>): Promise<Outcome>

/** The toolchain harness of one package (see harness.mjs). */
export interface Toolchain {
  bin(name: string): string
  run: (typeof execFile)['__promisify__']
  buildIfStale(): Promise<void>
  compileAndRun(
    compiler: string,
    options?: { extra?: string[]; prepare?: (out: string) => Promise<void> },
  ): Promise<Outcome & { emitted: string }>
  tsx(): Promise<Outcome>
  vitest(config: string): Promise<{ output: string; code: number }>
}

/** The harness for the package at `root` and its fixture project at `fixture`. */
export declare function toolchain(root: string, fixture: string): Toolchain
