/**
 * An HTTPS client that trusts the test certificate and nothing else (verification stays on, for this
 * client only), keeping its connection alive as a browser does; and one plain HTTP request for port 80.
 */
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http'
import { Agent, request as httpsRequest } from 'node:https'

/** A response, read whole. */
export interface Answer {
  status: number
  headers: IncomingHttpHeaders
  body: string
  /** The body parsed as JSON. */
  json(): any
}

/** What a request may carry. */
export interface Sent {
  headers?: Record<string, string | string[]>
  body?: string | Buffer
}

/** A client of `https://127.0.0.1:<port>`. */
export interface HttpsClient {
  request(method: string, path: string, sent?: Sent): Promise<Answer>
  get(path: string, sent?: Sent): Promise<Answer>
  /** Closes the kept-alive connections. */
  close(): void
}

function collect(
  req: ReturnType<typeof httpRequest>,
  body: string | Buffer | undefined,
  resolve: (answer: Answer) => void,
  reject: (error: Error) => void,
): void {
  req.once('error', reject)
  req.once('response', (res) => {
    const chunks: Buffer[] = []
    res.on('data', (chunk: Buffer) => chunks.push(chunk))
    res.once('error', reject)
    res.once('end', () => {
      const text = Buffer.concat(chunks).toString('utf8')
      resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text, json: () => JSON.parse(text) })
    })
  })
  req.end(body)
}

/**
 * A client that trusts `ca` only (the certificate is checked, and so is its name: 127.0.0.1 is in its
 * subjectAltName), over one kept-alive connection at a time.
 *
 * @example
 * const client = httpsClient(nginx.httpsPort, readFileSync(TEST_CERT))
 * const res = await client.get('/health')
 */
export function httpsClient(port: number, ca: Buffer): HttpsClient {
  const agent = new Agent({ ca, keepAlive: true, maxSockets: 1 })
  const request = (method: string, path: string, sent: Sent = {}): Promise<Answer> =>
    new Promise((resolve, reject) => {
      const req = httpsRequest({ host: '127.0.0.1', port, method, path, agent, headers: sent.headers })
      collect(req, sent.body, resolve, reject)
    })
  return {
    request,
    get: (path, sent) => request('GET', path, sent),
    close: () => agent.destroy(),
  }
}

/**
 * One plain HTTP request on a new connection.
 *
 * @example
 * const res = await httpGet(nginx.httpPort, '/')
 */
export function httpGet(port: number, path: string, headers: Record<string, string> = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path, agent: false, headers })
    collect(req, undefined, resolve, reject)
  })
}
