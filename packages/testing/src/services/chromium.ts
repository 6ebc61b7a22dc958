/**
 * Launch options for Debian's headless Chromium that keep it off the network, so a test that records every
 * request a page makes sees only the app's own.
 */
import { execFileSync } from 'node:child_process'
import { TestClientError } from '../errors'

/**
 * Flags that keep Chromium to the page: without the background-networking ones it calls Google's services
 * at start, which a test recording the page's requests would count as requests leaving the app.
 */
const OFFLINE_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
] as const

/** What a browser driver's `launch()` takes (Playwright's `chromium.launch`, Puppeteer's `launch`). */
export interface ChromiumLaunchOptions {
  /** The `chromium` on the PATH (Debian's package; `ensureDebianPackage('chromium')` installs it). */
  executablePath: string
  /** Headless, no sandbox (tests run as root on CI), and no calls home. */
  args: string[]
}

/**
 * The launch options of a headless Chromium from the PATH that makes no request of its own.
 *
 * @example
 * import { chromium } from 'playwright-core'
 * const browser = await chromium.launch(offlineChromium())
 */
export function offlineChromium(): ChromiumLaunchOptions {
  let executablePath: string
  try {
    executablePath = execFileSync('sh', ['-c', 'command -v chromium'], { encoding: 'utf8' }).trim()
  } catch {
    executablePath = ''
  }
  if (executablePath === '') {
    throw new TestClientError(
      'BRISK_TEST_ERR_SERVICE',
      "chromium is not on the PATH: install Debian's chromium package (ensureDebianPackage('chromium') in a Vitest globalSetup)",
    )
  }
  return { executablePath, args: [...OFFLINE_FLAGS] }
}
