/**
 * Programs a test needs from the machine (a real `redis-server`, a real `chromium`), installed from Debian's
 * packages when missing, the way a fresh CI machine with only Node and npm gets them.
 */
import { execFileSync, spawnSync } from 'node:child_process'
import { TestClientError } from '../errors'

const found = new Set<string>()

/** Whether `command` is on the PATH. */
function onPath(command: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0
}

/**
 * Makes sure `command` is on the PATH, installing Debian's package `pkg` with apt-get when it is not (only as
 * root, on a machine with apt-get: otherwise it throws, naming what to install). Installs are serialised
 * across processes with a file lock, so test files and packages that ask at once do not fight over apt.
 *
 * @example
 * ensureDebianPackage('redis-server', 'redis-server') // in a Vitest globalSetup
 */
export function ensureDebianPackage(command: string, pkg: string = command): void {
  if (!/^[a-z0-9][a-z0-9.+-]*$/.test(command) || !/^[a-z0-9][a-z0-9.+-]*$/.test(pkg)) {
    throw new TestClientError(
      'BRISK_TEST_ERR_OPTIONS',
      `ensureDebianPackage(): not a program or package name: ${command} ${pkg}`,
    )
  }
  if (found.has(command) || onPath(command)) {
    found.add(command)
    return
  }
  const root = typeof process.getuid === 'function' && process.getuid() === 0
  if (!root || !onPath('apt-get')) {
    throw new TestClientError(
      'BRISK_TEST_ERR_SERVICE',
      `${command} is not installed and cannot be installed here (apt-get as root is needed): install Debian's package "${pkg}"`,
    )
  }
  // One install at a time on this machine; whoever gets the lock second finds the program there.
  const script = `command -v ${command} >/dev/null 2>&1 || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends ${pkg}; }`
  try {
    execFileSync('flock', ['/tmp/brisk-apt.lock', 'sh', '-c', script], {
      stdio: ['ignore', 'ignore', 'pipe'],
    })
  } catch (error) {
    const stderr = String((error as { stderr?: Buffer }).stderr ?? '').trim()
    throw new TestClientError('BRISK_TEST_ERR_SERVICE', `installing ${pkg} with apt-get failed: ${stderr}`, {
      cause: error,
    })
  }
  if (!onPath(command)) {
    throw new TestClientError(
      'BRISK_TEST_ERR_SERVICE',
      `${pkg} was installed but ${command} is not on the PATH`,
    )
  }
  found.add(command)
}
