/**
 * Uploads in progress when a signal comes: started on new connections with `Expect: 100-continue`, so the
 * server's `100 Continue` proves it has the request and is reading its body; the first chunk is sent, then the
 * signal, then the rest. Every one must get its full answer.
 */
import { connect, type Socket } from 'node:net'
import type { AppProcess } from '@brisk/testing/services'
import { expect } from 'vitest'
import { groupMembers, leftovers, listening, login, sleep, workerPids } from './_helpers'

/** Bytes of JSON padding: a large body (under the 1 MiB limit) that takes a while to send. */
const PADDING = 600_000
const CHUNKS = 10

export interface Upload {
  /** Resolves once the server has answered `100 Continue` and the first chunk is sent. */
  reading: Promise<void>
  /** Sends the rest of the body, a chunk every `gap` ms. */
  finish(gap: number): Promise<void>
  /** The final answer (after the `100 Continue`), once complete, or what came before a close or 10 s. */
  answer: Promise<string>
}

/**
 * Starts `POST /api/v1/books` on a new connection with a large JSON body: sends the head, waits for the
 * server's `100 Continue` (it reads the body: the guard has passed and the handler asked for it), then sends
 * the first chunk only.
 */
export function startUpload(url: string, token: string, title: string): Upload {
  const { port } = new URL(url)
  const body = Buffer.from(`{"title":${JSON.stringify(title)},"author":"slow upload"${' '.repeat(PADDING)}}`)
  const size = Math.ceil(body.length / CHUNKS)
  const socket: Socket = connect({ port: Number(port), host: '127.0.0.1' })
  const head =
    `POST /api/v1/books HTTP/1.1\r\nhost: 127.0.0.1:${port}\r\nauthorization: Bearer ${token}\r\n` +
    `content-type: application/json\r\ncontent-length: ${body.length}\r\nexpect: 100-continue\r\n\r\n`
  socket.write(head)
  const CONTINUE = 'HTTP/1.1 100 Continue\r\n\r\n'
  let continued!: () => void
  let refused!: (error: Error) => void
  let first = true
  const reading = new Promise<void>((resolve, reject) => {
    continued = resolve
    refused = reject
    socket.once('close', () => reject(new Error(`${title}: closed before 100 Continue`)))
  })
  reading.catch(() => {}) // awaited by drainsOn; a close is reported by the answer too
  const answer = new Promise<string>((resolve) => {
    const chunks: Buffer[] = []
    const final = (): string => {
      const text = Buffer.concat(chunks).toString('utf8')
      return text.startsWith(CONTINUE) ? text.slice(CONTINUE.length) : text
    }
    const done = (): void => {
      clearTimeout(timer)
      resolve(final())
    }
    const timer = setTimeout(() => {
      socket.destroy()
      done()
    }, 10_000)
    socket.on('data', (chunk: Buffer) => {
      chunks.push(chunk)
      const all = Buffer.concat(chunks).toString('utf8')
      if (first && all.startsWith(CONTINUE)) {
        first = false
        socket.write(body.subarray(0, size))
        continued()
      } else if (first && all.length >= CONTINUE.length) {
        refused(new Error(`${title}: answered without 100 Continue:\n${all}`))
      }
      // One answer is all we wait for: the server may keep the connection open after it.
      const text = final()
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
    reading,
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
 * Starts `count` uploads (new connections: with workers, they are spread over them), waits until the server
 * reads each, sends the signal with `kill`, finishes the uploads, and checks that each got its 201,
 * that the process exited 0 and that nothing of its process group is left.
 */
export async function drainsOn(app: AppProcess, count: number, kill: () => void): Promise<void> {
  const workers = workerPids(app.pid)
  const { access_token } = await login(app.url)
  const uploads = Array.from({ length: count }, (_, i) => startUpload(app.url, access_token, `upload ${i}`))
  await Promise.all(uploads.map((upload) => upload.reading)) // the server is reading every one of them
  await sleep(100) // and has the first chunk (not a must: a request being read is what counts)
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
