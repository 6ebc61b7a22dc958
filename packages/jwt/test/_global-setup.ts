/**
 * Installs Debian's redis-server once, before any test's timeout starts, when a fresh machine lacks it.
 */
import { ensureDebianPackage } from '@brisk/testing/services'

export default function setup(): void {
  ensureDebianPackage('redis-server')
}
