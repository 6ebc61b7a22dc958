import { describe, expect, it } from 'vitest'
import { BodyQueue } from '../src/node/body-queue'
import { mulberry32 } from './_helpers'

/** Every byte taken from `queue`, in order. */
function drain(queue: BodyQueue): Buffer {
  const parts: Buffer[] = []
  for (let piece = queue.shift(); piece !== undefined; piece = queue.shift()) parts.push(piece)
  return Buffer.concat(parts)
}

describe('BodyQueue', () => {
  it('hands a lone piece back as it came, without a copy', () => {
    const queue = new BodyQueue()
    const piece = Buffer.from('{"title":"Dune"}')
    queue.push(piece)
    expect(queue.bytes).toBe(piece.byteLength)
    expect(queue.shift()).toBe(piece)
    expect(queue.shift()).toBeUndefined()
    expect(queue.bytes).toBe(0)
  })

  it('ignores empty pieces', () => {
    const queue = new BodyQueue()
    queue.push(Buffer.alloc(0))
    expect(queue.entries).toBe(0)
    expect(queue.shift()).toBeUndefined()
  })

  it('coalesces small pieces that follow each other into few entries, in order', () => {
    const queue = new BodyQueue()
    for (let i = 0; i < 100_000; i++) queue.push(Buffer.from([i & 0xff]))
    expect(queue.bytes).toBe(100_000)
    // One entry per 16 KiB block, not one per byte.
    expect(queue.entries).toBeLessThanOrEqual(8)
    const all = drain(queue)
    expect(all.byteLength).toBe(100_000)
    for (let i = 0; i < all.byteLength; i += 997) expect(all[i]).toBe(i & 0xff)
  })

  it('keeps the order and the bytes of any mix of sizes, pushes and takes (seeded)', () => {
    const random = mulberry32(7)
    const queue = new BodyQueue()
    const sent: Buffer[] = []
    const taken: Buffer[] = []
    for (let step = 0; step < 20_000; step++) {
      if (random() < 0.7) {
        const size = random() < 0.8 ? 1 + Math.floor(random() * 64) : 1 + Math.floor(random() * 20_000)
        const piece = Buffer.alloc(size)
        for (let i = 0; i < size; i++) piece[i] = Math.floor(random() * 256)
        sent.push(piece)
        queue.push(piece)
      } else {
        const piece = queue.shift()
        if (piece !== undefined) taken.push(piece)
      }
      // Entries stay bounded by the bytes held: at most two, plus two, for every 4 KiB.
      expect(queue.entries).toBeLessThanOrEqual(2 * Math.ceil(queue.bytes / 4096) + 2)
    }
    taken.push(drain(queue))
    expect(Buffer.concat(taken).equals(Buffer.concat(sent))).toBe(true)
  })

  it('takeAll() returns every piece in order and empties the queue', () => {
    const queue = new BodyQueue()
    queue.push(Buffer.from('ab'))
    queue.push(Buffer.from('c'))
    queue.push(Buffer.alloc(5000, 'd'))
    queue.push(Buffer.from('e'))
    const first = queue.shift()!
    expect(first.toString()).toBe('abc')
    expect(Buffer.concat(queue.takeAll()).toString()).toBe(`${'d'.repeat(5000)}e`)
    expect(queue.bytes).toBe(0)
    expect(queue.entries).toBe(0)
    queue.push(Buffer.from('f'))
    expect(queue.shift()!.toString()).toBe('f')
  })

  it('does not change a piece it was given when later small pieces arrive', () => {
    const queue = new BodyQueue()
    const first = Buffer.from('x')
    queue.push(first)
    queue.push(Buffer.from('y'))
    queue.push(Buffer.from('z'))
    expect(first.toString()).toBe('x')
    expect(queue.shift()!.toString()).toBe('xyz')
  })
})
