import type { Duplex } from 'node:stream'
import { describe, expect, it } from 'vitest'
import { SendWatch } from '../src/node/lingering-close'

/** A socket as SendWatch sees it: bytes given to write() in all, and bytes still buffered. */
function socket(bytesWritten: number, writableLength: number): Duplex {
  return { bytesWritten, writableLength } as unknown as Duplex
}

describe('SendWatch', () => {
  it('never calls a socket with nothing waiting to be sent stalled', () => {
    const watch = new SendWatch()
    expect(watch.stalled(socket(100, 0), 0, 1000)).toBe(false)
    expect(watch.stalled(socket(100, 0), 60_000, 1000)).toBe(false)
  })

  it('calls a socket stalled once no write has completed for the limit while bytes wait', () => {
    const watch = new SendWatch()
    expect(watch.stalled(socket(64_000, 32_000), 0, 1000)).toBe(false)
    expect(watch.stalled(socket(64_000, 32_000), 999, 1000)).toBe(false)
    expect(watch.stalled(socket(64_000, 32_000), 1000, 1000)).toBe(true)
  })

  it('sees progress when the buffer holds the same amount but other bytes (a new slice)', () => {
    const watch = new SendWatch()
    expect(watch.stalled(socket(64_000, 32_000), 0, 1000)).toBe(false)
    // One slice went out and the next one of the same size waits: progress, though writableLength is equal.
    expect(watch.stalled(socket(96_000, 32_000), 900, 1000)).toBe(false)
    expect(watch.stalled(socket(96_000, 32_000), 1800, 1000)).toBe(false)
    expect(watch.stalled(socket(96_000, 32_000), 1900, 1000)).toBe(true)
  })

  it('does not take more bytes written for progress when none of them left', () => {
    const watch = new SendWatch()
    expect(watch.stalled(socket(10_000, 10_000), 0, 1000)).toBe(false)
    // The handler wrote 5000 more; the client took nothing.
    expect(watch.stalled(socket(15_000, 15_000), 1000, 1000)).toBe(true)
  })
})
