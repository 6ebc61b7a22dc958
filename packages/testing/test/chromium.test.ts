import { accessSync, constants } from 'node:fs'
import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import { TestClientError } from '../src/index'
import { ensureDebianPackage, offlineChromium } from '../src/services'

describe('offlineChromium()', () => {
  const path = process.env.PATH

  // A fresh CI machine gets Debian's chromium here (installing it can take minutes).
  beforeAll(() => ensureDebianPackage('chromium'), 300_000)

  afterEach(() => {
    process.env.PATH = path
  })

  it('names the chromium on the PATH, headless, with the flags that stop its calls home', () => {
    const options = offlineChromium()
    expect(options.executablePath).toMatch(/\/chromium$/)
    expect(() => accessSync(options.executablePath, constants.X_OK)).not.toThrow()
    expect(options.args).toEqual(
      expect.arrayContaining(['--headless', '--disable-background-networking', '--disable-component-update']),
    )
    // Each call gets its own array: a test that adds a flag does not change the next one's.
    options.args.push('--mute-audio')
    expect(offlineChromium().args).not.toContain('--mute-audio')
  })

  it('throws BRISK_TEST_ERR_SERVICE naming the package when chromium is not on the PATH', () => {
    process.env.PATH = '/nonexistent'
    const error = (() => {
      try {
        offlineChromium()
      } catch (caught) {
        return caught
      }
      return undefined
    })()
    expect(error).toBeInstanceOf(TestClientError)
    expect((error as TestClientError).code).toBe('BRISK_TEST_ERR_SERVICE')
    expect((error as TestClientError).message).toContain("ensureDebianPackage('chromium')")
  })
})
