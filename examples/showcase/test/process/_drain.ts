/**
 * Uploads in progress when a signal comes: started on new connections with only their first chunk sent, so
 * the server is reading them, then finished after the signal. Every one must get its full answer.
 */
import { connect, type Socket } from 'node:net'
import type { AppProcess } from '@brisk/testing/services'
import { expect } from 'vitest'
import { groupMembers, leftovers, listening, login, sleep, workerPids } from './_helpers'

/** Bytes of JSON padding: a large body (under the 1 MiB limit) that takes a while to send. */
const PADDING = 600_000
const CHUNKS = 10

export interface Upload {
  /** Sends the rest of the body, a chunk every `gap` ms. */
  finish(gap: number): Promise<void>
  /** Everything the server sent, once it closed the connection or 10 s passed. */
  answer: Promise<string>
}

/**
 * Starts `POST /api/v1/books` on a new connection with a large JSON body and sends only its first chunk: the
 * server has the request line, headers and the start of the body, and is reading it.
 */
export function startUpload(url: string, token: string, title: string): Upload {
  const { port } = new URL(url)
  const body = Buffer.from(`{"title":${JSON.stringify(title)},"author":"slow upload"${' '.repeat(PADDING)}}`)
  const size = Math.ceil(body.length / CHUNKS)
  const socket: Socket = connect({ port: Number(port), host: '127.0.0.1' })
  const head =
    `POST /api/v1/books HTTP/1.1\r\nhost: 127.0.0.1:${port}\r\nauthorization: Bearer ${token}\r\n` +
    `content-type: application/json\r\ncontent-length: ${body.length}\r\n\r\n`
  socket.write(head)
  socket.write(body.subarray(0, size))
  const answer = new Promise<string>((resolve) => {
    const chunks: Buffer[] = []
    const done = (): void => {
      clearTimeout(timer)
      resolve(Buffer.concat(chunks).toString('utf8'))
    }
    const timer = setTimeout(() => {
      socket.destroy()
      done()
    }, 10_000)
    socket.on('data', (chunk: Buffer) => {
      chunks.push(chunk)
      // One answer is all we wait for: the server may keep the connection open after it.
      const text = Buffer.concat(chunks).toString('utf8')
      const length = /\r\ncontent-length: (\d+)\r\n/i.exec(text)
      const end = text.indexOf('\r\n\r\n')
      if (length && end >= 0 && Buffer.byteLength(text.slice(end + 4)) >= Number(length[1])) {
        socket.destroy()
        done()
      }
    })
    socket.on('error', () => {})
    socket.on('close', done)
  })
  return {
    async finish(gap) {
      for (let at = size; at < body.length; at += size) {
        await sleep(gap)
        if (socket.destroyed) return
        socket.write(body.subarray(at, at + size))
      }
    },
    answer,
  }
}

/** Asserts that `raw` is a complete `201 Created` answer with the book titled `title`. */
export function expectCreated(raw: string, title: string): void {
  expect(raw, 'no answer, or a cut one').toMatch(/^HTTP\/1\.1 201 /)
  const end = raw.indexOf('\r\n\r\n')
  const length = Number(/\r\ncontent-length: (\d+)\r\n/i.exec(raw)?.[1])
  const body = raw.slice(end + 4)
  expect(Buffer.byteLength(body)).toBe(length)
  expect(JSON.parse(body)).toMatchObject({ title, author: 'slow upload' })
}

/**
 * Starts `count` uploads (new connections: with workers, they are spread over them), lets the server read
 * their first chunk, sends `signal` with `kill`, finishes the uploads, and checks that each got its 201,
 * that the process exited 0 and that nothing of its process group is left.
 */
export async function drainsOn(app: AppProcess, count: number, kill: () => void): Promise<void> {
  const workers = workerPids(app.pid)
  const { access_token } = await login(app.url)
  const uploads = Array.from({ length: count }, (_, i) => startUpload(app.url, access_token, `upload ${i}`))
  await sleep(400) // every upload's head and first chunk have been read by now
  kill()
  await Promise.all(uploads.map((upload) => upload.finish(50)))
  const answers = await Promise.all(uploads.map((upload) => upload.answer))
  for (const [i, raw] of answers.entries()) expectCreated(raw, `upload ${i}`)
  if (workers.length > 1) {
    // Each worker numbers its own books: the same id twice means both workers were draining uploads.
    const ids = answers.map((raw) => JSON.parse(raw.slice(raw.indexOf('\r\n\r\n') + 4)).id)
    expect(new Set(ids).size, `ids ${ids}`).toBeLessThan(ids.length)
  }
  expect(await app.exited, app.output()).toEqual({ code: 0, signal: null })
  expect(await leftovers(workers)).toEqual([])
  expect(groupMembers(app.pid)).toEqual([])
  expect(await listening(app.port)).toBe(false)
}
