/**
 * The `node:http` entry: reads bodies from an `IncomingMessage` and writes results to a `ServerResponse`.
 *
 * The raw value of a request is its `ServerResponse` (which points back at its request as `res.req`), so
 * one reference serves both directions.
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { TLSSocket } from 'node:tls'
import { type BodyLimits, concatChunks, type Entry } from '../entries/adapter'
import { BadRequest, PayloadTooLarge } from '../http/errors'
import type { BriskRequest } from '../http/request'
import { BriskResponse, contentTypes, fromWebResponse } from '../http/response'
import type { Fallback } from '../plan/route-plan'

type Res = ServerResponse<IncomingMessage> & { req: IncomingMessage }

function tooLargeByLength(req: IncomingMessage, limit: number): boolean {
  const length = req.headers['content-length']
  return length !== undefined && Number(length) > limit
}

function readBody(res: Res, { bodyLimit: limit }: BodyLimits): Promise<Uint8Array> {
  const req = res.req
  if (tooLargeByLength(req, limit)) return Promise.reject(new PayloadTooLarge(limit))
  if (req.readableEnded) return Promise.resolve(new Uint8Array(0))
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let total = 0
    const cleanup = (): void => {
      req.off('data', onData)
      req.off('end', onEnd)
      req.off('error', onError)
      req.off('aborted', onAborted)
    }
    const onData = (chunk: Buffer): void => {
      total += chunk.byteLength
      if (total > limit) {
        cleanup()
        req.resume() // drain the rest; the 413 carries `Connection: close`
        reject(new PayloadTooLarge(limit))
        return
      }
      chunks.push(chunk)
    }
    const onEnd = (): void => {
      cleanup()
      resolve(concatChunks(chunks, total))
    }
    const onError = (error: Error): void => {
      cleanup()
      reject(new BadRequest('The request body could not be read', { cause: error }))
    }
    const onAborted = (): void => onError(new Error('aborted'))
    req.on('data', onData)
    req.on('end', onEnd)
    req.on('error', onError)
    req.on('aborted', onAborted)
  })
}

async function* bodyStream(res: Res, { bodyLimit: limit }: BodyLimits): AsyncIterable<Uint8Array> {
  const req = res.req
  if (tooLargeByLength(req, limit)) throw new PayloadTooLarge(limit)
  let total = 0
  for await (const chunk of req as AsyncIterable<Buffer>) {
    total += chunk.byteLength
    if (total > limit) throw new PayloadTooLarge(limit)
    yield chunk
  }
}

function writeBody(
  res: Res,
  status: number,
  headers: Record<string, string | string[]>,
  body: string | Uint8Array,
): void {
  if (headers['content-length'] === undefined) {
    headers['content-length'] = String(typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength)
  }
  res.writeHead(status, headers)
  res.end(body)
}

/** A 200 with just a content type: headers as a flat array, which `writeHead` takes without walking keys. */
function writeSimple(res: Res, type: string, body: string | Uint8Array): void {
  const length = typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength
  res.writeHead(200, ['content-type', type, 'content-length', String(length)])
  res.end(body)
}

async function pipeStream(res: Res, stream: ReadableStream<Uint8Array>): Promise<void> {
  const reader = stream.getReader()
  let done = false
  // A client that leaves cancels the stream, so its producer's signal aborts even while it waits for events.
  res.once('close', () => {
    if (!done) reader.cancel().catch(() => {})
  })
  try {
    for (;;) {
      const { done, value } = await reader.read()
      if (done) break
      // Respect backpressure: wait for 'drain' when the socket buffer is full.
      if (!res.write(value)) await new Promise<void>((resolve) => res.once('drain', resolve))
      if (res.destroyed) break
    }
    done = true
    res.end()
  } catch (error) {
    done = true
    res.destroy(error as Error)
  } finally {
    reader.releaseLock()
  }
}

/** Writes a {@link BriskResponse} to a node response. */
function writeBrisk(res: Res, r: BriskResponse): void {
  const body = r.body
  if (body === null) {
    if (
      r.headers['content-length'] === undefined &&
      r.status !== 204 &&
      r.status !== 304 &&
      r.status >= 200
    ) {
      r.headers['content-length'] = '0'
    }
    res.writeHead(r.status, r.headers)
    res.end()
  } else if (typeof body === 'string' || body instanceof Uint8Array) {
    writeBody(res, r.status, r.headers, body)
  } else {
    res.writeHead(r.status, r.headers)
    void pipeStream(res, body)
  }
}

function respond(res: Res, req: BriskRequest<any, any>, result: unknown, fallback: Fallback): void {
  if (typeof result === 'string') writeSimple(res, contentTypes.text, result)
  else if (result instanceof BriskResponse) writeBrisk(res, result)
  else if (result === undefined) writeBrisk(res, new BriskResponse(null, 204, {}))
  else if (result instanceof Response) writeBrisk(res, fromWebResponse(result))
  else if (result instanceof Uint8Array) writeSimple(res, 'application/octet-stream', result)
  else writeJSON(res, req, result, fallback)
}

function writeJSON(res: Res, req: BriskRequest<any, any>, result: unknown, fallback: Fallback): void {
  let body: string
  try {
    body = JSON.stringify(result)
  } catch (error) {
    writeBrisk(res, fallback(error, req)) // a BigInt or a cycle: a 500, not a crash
    return
  }
  writeSimple(res, contentTypes.json, body)
}

/** The node entry, shared by every request of every node server. */
export const nodeEntry: Entry<Res, void> = {
  readBody,
  bodyStream,
  remoteAddress: (res) => res.req.socket.remoteAddress,
  protocol: (res) => ((res.req.socket as TLSSocket).encrypted ? 'https' : 'http'),
  respond,
}
