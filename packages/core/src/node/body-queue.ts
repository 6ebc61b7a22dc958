/**
 * The body bytes of one request that have arrived and not been read yet, first in, first out.
 *
 * A client decides how many pieces a body comes in: a chunked body of a million one-byte chunks is a million
 * pieces. So takes are O(1) (a moving head index, never `Array.prototype.shift`), and small pieces that arrive
 * one after another are copied together into one block, which bounds the number of entries by the bytes held
 * (at most two entries, plus two, for every {@link SMALL} bytes) as well as the bytes themselves. A body that
 * arrives as one piece, the common case, is handed on as it came, without a copy.
 */

/** Pieces shorter than this are coalesced when another small piece follows them. */
const SMALL = 4 * 1024
/** The size of a block that collects small pieces. */
const BLOCK = 16 * 1024

/**
 * A FIFO of body pieces with O(1) takes and coalesced small pieces.
 *
 * @example
 * const queue = new BodyQueue()
 * queue.push(Buffer.from('a')); queue.push(Buffer.from('b'))
 * queue.shift()?.toString() // 'ab'
 */
export class BodyQueue {
  /** Bytes held. */
  bytes = 0
  #items: (Buffer | undefined)[] = []
  #head = 0
  /** A block collecting small pieces, after every entry of `#items`; null when none is open. */
  #block: Buffer | null = null
  #blockUsed = 0

  /** The number of entries held (a bound the tests check). */
  get entries(): number {
    return this.#items.length - this.#head + (this.#block === null ? 0 : 1)
  }

  /** Adds a piece at the end. The queue may keep `piece` itself: the caller must not change it afterwards. */
  push(piece: Buffer): void {
    const size = piece.byteLength
    if (size === 0) return
    this.bytes += size
    if (size >= SMALL) {
      this.#seal()
      this.#items.push(piece)
      return
    }
    const block = this.#block
    if (block !== null) {
      if (this.#blockUsed + size <= BLOCK) {
        piece.copy(block, this.#blockUsed)
        this.#blockUsed += size
        return
      }
      this.#seal()
    }
    const last = this.#items.length > this.#head ? this.#items[this.#items.length - 1]! : null
    if (last === null || last.byteLength >= SMALL) {
      this.#items.push(piece) // a lone small piece goes as it is: most bodies are one small piece
      return
    }
    // Two small pieces in a row: from here on they are copied into a block.
    this.#items.pop()
    const next = Buffer.allocUnsafe(BLOCK)
    last.copy(next, 0)
    piece.copy(next, last.byteLength)
    this.#block = next
    this.#blockUsed = last.byteLength + size
  }

  /** Takes the first piece, or `undefined` when nothing is held. */
  shift(): Buffer | undefined {
    if (this.#head === this.#items.length) {
      this.#seal()
      if (this.#head === this.#items.length) return undefined
    }
    const item = this.#items[this.#head]!
    this.#items[this.#head++] = undefined
    if (this.#head === this.#items.length) {
      this.#items.length = 0
      this.#head = 0
    }
    this.bytes -= item.byteLength
    return item
  }

  /** Takes every piece held, in order. */
  takeAll(): Buffer[] {
    this.#seal()
    const items = (this.#head === 0 ? this.#items : this.#items.slice(this.#head)) as Buffer[]
    this.#items = []
    this.#head = 0
    this.bytes = 0
    return items
  }

  #seal(): void {
    if (this.#block !== null) {
      this.#items.push(this.#block.subarray(0, this.#blockUsed))
      this.#block = null
    }
  }
}
