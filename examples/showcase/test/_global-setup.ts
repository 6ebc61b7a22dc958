/**
 * Installs the programs the showcase's tests drive, once, before any test's timeout starts: a fresh CI machine
 * has only Node and npm. redis-server for Redis mode (test/process), nginx for the deployment recipe
 * (test/deploy), chromium for what a person sees (test/browser).
 */
import { ensureDebianPackage } from '@brisk/testing/services'

export default function setup(): void {
  ensureDebianPackage('redis-server', 'redis-server')
  ensureDebianPackage('nginx', 'nginx')
  ensureDebianPackage('chromium', 'chromium')
}
