/**
 * The last act of every connection that ends with an answer, on both servers: after `Connection: close` or an
 * HTTP/1.0 answer, after a refused request (400, 408, 413, 417, 431, 501, 505), after an upgrade answered with
 * plain HTTP, and after node's `clientError`.
 *
 * RFC 9112 §9.6: a server that closes at once risks a reset that throws away the answer the client has not
 * read yet, so it half-closes first (FIN after the answer) and keeps reading for a while ("lingering close").
 * What the client still sends is read and dropped, and never counts as activity: a client cannot hold the
 * socket by trickling bytes at it. The socket is destroyed
 * - as soon as the answer is flushed and the client has closed its side too;
 * - {@link LINGER} ms after the answer is flushed, whatever the client still sends;
 * - when the client takes no byte of the answer for `sendTimeout` ms (a peer that does not read).
 */
import type { Socket } from 'node:net'
import type { Duplex } from 'node:stream'

/** How long a flushed answer waits for the client's FIN before the socket is destroyed anyway. */
export const LINGER = 2_000

/**
 * Ends `socket` after `answer` (if any) and destroys it as soon as it is safe to, within the bounds above.
 *
 * @example
 * lingeringClose(socket, refusal(400), app.config.sendTimeout)
 */
export function lingeringClose(
  socket: Duplex,
  answer: string | Uint8Array | undefined,
  sendTimeout: number,
): void {
  if (socket.destroyed) return
  const timed = socket as Partial<Socket>
  // An inactivity timeout would be reset by every byte the client sends: the bounds below replace it.
  timed.setTimeout?.(0)
  socket.on('error', destroy)
  socket.resume() // flowing with no 'data' listener: the client's bytes are read and dropped
  const stall = new SendWatch()
  const watch = setInterval(
    () => {
      if (stall.stalled(socket, Date.now(), sendTimeout)) socket.destroy()
    },
    Math.max(25, Math.min(1_000, sendTimeout >> 2)),
  )
  watch.unref()
  let linger: ReturnType<typeof setTimeout> | undefined
  socket.once('finish', () => {
    clearInterval(watch)
    if (socket.readableEnded) socket.destroy()
    else {
      linger = setTimeout(destroyNow, LINGER, socket)
      linger.unref()
    }
  })
  socket.once('end', () => {
    if (socket.writableFinished) socket.destroy()
  })
  socket.once('close', () => {
    clearInterval(watch)
    clearTimeout(linger)
  })
  if (answer === undefined) socket.end()
  else socket.end(answer)
}

/**
 * Whether a socket's peer has stopped taking the bytes written to it: while bytes wait to be sent, no write
 * has completed for `limit` ms. A peer that reads slowly makes progress and is never stalled; one that does
 * not read is. Progress is counted in bytes whose write completed (`bytesWritten` less what is still
 * buffered), so it shows even when the buffer holds the same amount at every look. A large body must be
 * written in slices for its progress to show (`http1-entry.ts` does so): one write completes only whole.
 *
 * @example
 * const watch = new SendWatch()
 * if (watch.stalled(socket, Date.now(), 30_000)) socket.destroy()
 */
export class SendWatch {
  #sent = -1
  #since = 0

  /** Call it now and then; true once nothing has been sent for `limit` ms while bytes wait to be sent. */
  stalled(socket: Duplex, now: number, limit: number): boolean {
    const left = socket.writableLength
    const sent = ((socket as Partial<Socket>).bytesWritten ?? 0) - left
    if (left === 0 || sent !== this.#sent) {
      this.#sent = sent
      this.#since = now
      return false
    }
    return now - this.#since >= limit
  }
}

function destroy(this: Duplex): void {
  this.destroy()
}

function destroyNow(socket: Duplex): void {
  socket.destroy()
}
