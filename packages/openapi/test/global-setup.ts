import { ensureDebianPackage } from '@brisk/testing/services'

/** Swagger UI is checked in a real headless Chromium: Debian's package, installed once when missing. */
export default function setup(): void {
  ensureDebianPackage('chromium')
}
